-- The person entities whose surname joins are decided again, into the temporary table rejoin_scope (entity_id and
-- folded name): every one when the parameter is true, else those whose names end in the same word as a stale
-- person's. A join is decided among the persons whose names end alike (corpus/entities/surnames.py), so no other
-- join can change.
CREATE OR REPLACE TEMP TABLE rejoin_scope AS
WITH persons AS (
    SELECT entity_id, substr(entity_key, 5) AS name, list_last(string_split(substr(entity_key, 5), ' ')) AS last_word
    FROM document_entities WHERE "label" = 'PER'
)
SELECT entity_id, name FROM persons
WHERE ? OR last_word IN (SELECT last_word FROM persons WHERE entity_id IN (SELECT entity_id FROM stale_entities));
