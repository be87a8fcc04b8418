-- 006_entity_pairs: the pairs of entities named in the same document, with the documents and the sentences of the
-- text they share. The cooccurrence and entity_stats views read it, so that they need not join every mention with
-- every other at query time (36k articles give millions of pairs). warehouse/load.py rebuilds it at the end of each
-- ingest run (rebuild_summaries), like the full-text index.
CREATE TABLE entity_pairs (
    entity_a     VARCHAR NOT NULL,  -- entity_a < entity_b
    entity_b     VARCHAR NOT NULL,
    n_docs       INTEGER NOT NULL,  -- documents naming both (text, title or notes)
    n_sentences  INTEGER NOT NULL,  -- sentences of the text naming both
    PRIMARY KEY (entity_a, entity_b)
);

-- The pairs of the documents whose doc_id is in the table named `doc_ids`.
CREATE MACRO pairs_in_documents(doc_ids) AS TABLE
WITH doc_entities AS (
    SELECT DISTINCT doc_id, entity_id FROM entity_mentions
    WHERE doc_id IN (SELECT doc_id FROM query_table(doc_ids))
),

sentence_entities AS (
    SELECT DISTINCT doc_id, sentence_index, entity_id FROM entity_mentions
    WHERE part = 'text' AND doc_id IN (SELECT doc_id FROM query_table(doc_ids))
),

doc_pairs AS (
    SELECT a.entity_id AS entity_a, b.entity_id AS entity_b, count(*) AS n_docs
    FROM doc_entities a JOIN doc_entities b ON a.doc_id = b.doc_id AND a.entity_id < b.entity_id
    GROUP BY ALL
),

sentence_pairs AS (
    SELECT a.entity_id AS entity_a, b.entity_id AS entity_b, count(*) AS n_sentences
    FROM sentence_entities a
    JOIN sentence_entities b
        ON a.doc_id = b.doc_id AND a.sentence_index = b.sentence_index AND a.entity_id < b.entity_id
    GROUP BY ALL
)

SELECT p.entity_a, p.entity_b, p.n_docs::INTEGER AS n_docs, coalesce(s.n_sentences, 0)::INTEGER AS n_sentences
FROM doc_pairs p LEFT JOIN sentence_pairs s USING (entity_a, entity_b);

INSERT INTO entity_pairs SELECT * FROM pairs_in_documents('documents');
