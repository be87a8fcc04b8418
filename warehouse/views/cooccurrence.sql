-- cooccurrence: one row per ordered pair of entities named in the same document, both ways round (filter on
-- entity_id or name to get an entity's co-mentions): the documents, stories and sentences they share (from entity_pairs,
-- rebuilt at the end of each ingest run), and the pointwise mutual information of their document co-occurrence,
-- ln(P(a, b) / (P(a) P(b))) over the documents with entities. Mentions in titles and notes count for documents;
-- sentences are those of the text.
CREATE OR REPLACE VIEW cooccurrence AS
WITH both_ways AS (
    SELECT entity_a AS entity_id, entity_b AS other_id, n_docs, n_stories, n_sentences FROM entity_pairs
    UNION ALL
    SELECT entity_b, entity_a, n_docs, n_stories, n_sentences FROM entity_pairs
)

SELECT
    w.entity_id,
    e.name,
    e.label,
    w.other_id,
    o.name AS other_name,
    o.label AS other_label,
    w.n_docs,
    w.n_stories,
    w.n_sentences,
    ln(w.n_docs * (SELECT count(DISTINCT doc_id) FROM entity_mentions) / (e.n_docs::DOUBLE * o.n_docs)) AS pmi
FROM both_ways w
JOIN entities e ON e.entity_id = w.entity_id
JOIN entities o ON o.entity_id = w.other_id;
