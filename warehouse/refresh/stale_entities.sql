-- The entities whose counts, name and aliases are out of date, into the temporary table affected_entities: those the
-- loads since the last refresh marked (stale_entities), and those loaded before schema 004 (no counts).
CREATE OR REPLACE TEMP TABLE affected_entities AS
SELECT entity_id FROM stale_entities
UNION
SELECT entity_id FROM entities WHERE n_mentions IS NULL;
