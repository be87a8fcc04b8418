-- pairs_among(entity_ids): the pairs of entities named in the same document, both in the table named `entity_ids`,
-- over every document, with the documents, their stories and the sentences of the text they share (entity_pairs'
-- rows).
CREATE OR REPLACE MACRO pairs_among(entity_ids) AS TABLE
WITH doc_entities AS (
    SELECT DISTINCT m.doc_id, coalesce(d.story_id, m.doc_id) AS story_id, m.entity_id
    FROM entity_mentions m JOIN documents d USING (doc_id)
    WHERE m.entity_id IN (SELECT entity_id FROM query_table(entity_ids))
),

sentence_entities AS (
    SELECT DISTINCT doc_id, sentence_index, entity_id FROM entity_mentions
    WHERE part = 'text' AND entity_id IN (SELECT entity_id FROM query_table(entity_ids))
),

doc_pairs AS (
    SELECT a.entity_id AS entity_a, b.entity_id AS entity_b, count(*) AS n_docs,
        count(DISTINCT a.story_id) AS n_stories
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

SELECT p.entity_a, p.entity_b, p.n_docs::INTEGER AS n_docs, coalesce(s.n_sentences, 0)::INTEGER AS n_sentences,
    p.n_stories::INTEGER AS n_stories
FROM doc_pairs p LEFT JOIN sentence_pairs s USING (entity_a, entity_b);
