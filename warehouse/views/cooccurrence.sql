-- cooccurrence: one row per ordered pair of entities named in the same document, both ways round (filter on
-- entity_id or name to get an entity's co-mentions): the documents and sentences they share, and the pointwise
-- mutual information of their document co-occurrence, ln(P(a, b) / (P(a) P(b))) over the documents with entities.
-- Mentions in titles and notes count for documents; sentences are those of the text.
CREATE OR REPLACE VIEW cooccurrence AS
WITH doc_entities AS (
    SELECT DISTINCT doc_id, entity_id FROM entity_mentions
),

sentence_entities AS (
    SELECT DISTINCT doc_id, sentence_index, entity_id FROM entity_mentions WHERE part = 'text'
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
),

pairs AS (
    SELECT p.entity_a, p.entity_b, p.n_docs, coalesce(s.n_sentences, 0) AS n_sentences
    FROM doc_pairs p LEFT JOIN sentence_pairs s USING (entity_a, entity_b)
),

both_ways AS (
    SELECT entity_a AS entity_id, entity_b AS other_id, n_docs, n_sentences FROM pairs
    UNION ALL
    SELECT entity_b, entity_a, n_docs, n_sentences FROM pairs
)

SELECT
    w.entity_id,
    e.name,
    e.label,
    w.other_id,
    o.name AS other_name,
    o.label AS other_label,
    w.n_docs,
    w.n_sentences,
    ln(w.n_docs * (SELECT count(DISTINCT doc_id) FROM entity_mentions) / (e.n_docs::DOUBLE * o.n_docs)) AS pmi
FROM both_ways w
JOIN entities e ON e.entity_id = w.entity_id
JOIN entities o ON o.entity_id = w.other_id;
