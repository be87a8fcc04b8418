-- entity_pairs and entity_top_comentions brought up to date for the entities of stale_comentions, once per run
-- (warehouse/load.py, update_summaries): the pairs among those entities, over every document, and their top
-- co-mentions, recomputed; every other pair and top list is unchanged, since a document that came or went counted only
-- pairs of entities it named, all of them recorded. A first run recomputes everything: 7 s on the full OrangeSum corpus
-- (2.4 million pairs). Kept up to date per batch instead, a batch's scattered updates to a million pair rows made each
-- commit rewrite most of the table.
CREATE OR REPLACE TEMP TABLE comention_entities AS SELECT entity_id FROM stale_comentions;

DELETE FROM entity_pairs
WHERE entity_a IN (SELECT entity_id FROM comention_entities) AND entity_b IN (SELECT entity_id FROM comention_entities);

INSERT INTO entity_pairs BY NAME SELECT * FROM pairs_among('comention_entities');

DELETE FROM entity_top_comentions WHERE entity_id IN (SELECT entity_id FROM comention_entities);

INSERT INTO entity_top_comentions SELECT * FROM top_comentions_of('comention_entities');

DELETE FROM stale_comentions;

DROP TABLE comention_entities;
