-- top_comentions_of(entity_ids): the five most co-mentioned entities of each entity whose entity_id is in the table
-- named `entity_ids` (most shared documents, then sentences, then entity_id), from entity_pairs
-- (entity_top_comentions' rows).
CREATE OR REPLACE MACRO top_comentions_of(entity_ids) AS TABLE
SELECT entity_id, rank::INTEGER AS rank, other_id FROM (
    SELECT entity_id, other_id,
        row_number() OVER (PARTITION BY entity_id ORDER BY n_docs DESC, n_sentences DESC, other_id) AS rank
    FROM (
        SELECT entity_a AS entity_id, entity_b AS other_id, n_docs, n_sentences FROM entity_pairs
        WHERE entity_a IN (SELECT entity_id FROM query_table(entity_ids))
        UNION ALL
        SELECT entity_b, entity_a, n_docs, n_sentences FROM entity_pairs
        WHERE entity_b IN (SELECT entity_id FROM query_table(entity_ids))
    )
)
WHERE rank <= 5;
