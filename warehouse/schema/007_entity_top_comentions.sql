-- 007_entity_top_comentions: each entity's five most co-mentioned entities (most shared documents, then sentences,
-- then entity_id, so that ties keep their order), for entity_stats: ranking every entity's pairs at query time took
-- seconds on a corpus of 36k articles. warehouse/load.py rebuilds it after entity_pairs, at the end of each run.
CREATE TABLE entity_top_comentions (
    entity_id  VARCHAR NOT NULL,
    rank       INTEGER NOT NULL,  -- 1 to 5
    other_id   VARCHAR NOT NULL,
    PRIMARY KEY (entity_id, rank)
);

-- The top co-mentions of the entities whose entity_id is in the table named `entity_ids`.
CREATE MACRO top_comentions_of(entity_ids) AS TABLE
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

INSERT INTO entity_top_comentions SELECT * FROM top_comentions_of('entities');
