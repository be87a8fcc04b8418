-- The surname joins decided for the persons of rejoin_scope (the Arrow table joins_found, from
-- warehouse/load.py, join_surnames) put in force: each `entity_id` column of a row whose document entity is in scope
-- takes its joined person, or its document's own entity where no join applies any more. The documents whose rows
-- changed have every entity they name marked stale, so that counts, pairs and top co-mentions are recomputed, and
-- their quote_entities made again.
CREATE OR REPLACE TEMP TABLE computed_joins AS SELECT * FROM surname_joins LIMIT 0;
INSERT INTO computed_joins BY NAME SELECT * FROM joins_found;

CREATE OR REPLACE TEMP TABLE rejoined_mentions AS
SELECT m.mention_id, m.doc_id, m.entity_id AS before, coalesce(j.joined_id, m.document_entity_id) AS after
FROM entity_mentions m LEFT JOIN computed_joins j ON j.entity_id = m.document_entity_id
WHERE m.document_entity_id IN (SELECT entity_id FROM rejoin_scope)
    AND m.entity_id <> coalesce(j.joined_id, m.document_entity_id);

UPDATE entity_mentions SET entity_id = r.after FROM rejoined_mentions r WHERE entity_mentions.mention_id = r.mention_id;

UPDATE quotes SET speaker_entity_id = r.after
FROM (SELECT q.quote_id, coalesce(j.joined_id, q.speaker_document_entity_id) AS after FROM quotes q
      LEFT JOIN computed_joins j ON j.entity_id = q.speaker_document_entity_id
      WHERE q.speaker_document_entity_id IN (SELECT entity_id FROM rejoin_scope)
          AND q.speaker_entity_id <> coalesce(j.joined_id, q.speaker_document_entity_id)) r
WHERE quotes.quote_id = r.quote_id;

UPDATE role_mentions SET holder_entity_id = coalesce(j.joined_id, role_mentions.holder_document_entity_id)
FROM (SELECT r.doc_id, r.role_index, j.joined_id FROM role_mentions r
      LEFT JOIN computed_joins j ON j.entity_id = r.holder_document_entity_id
      WHERE r.holder_document_entity_id IN (SELECT entity_id FROM rejoin_scope)
          AND r.holder_entity_id <> coalesce(j.joined_id, r.holder_document_entity_id)) j
WHERE role_mentions.doc_id = j.doc_id AND role_mentions.role_index = j.role_index;

CREATE OR REPLACE TEMP TABLE rejoined_documents AS SELECT DISTINCT doc_id FROM rejoined_mentions;

INSERT INTO stale_entities
SELECT entity_id FROM entity_mentions WHERE doc_id IN (SELECT doc_id FROM rejoined_documents)
UNION SELECT before FROM rejoined_mentions
ON CONFLICT DO NOTHING;

DELETE FROM quote_entities WHERE doc_id IN (SELECT doc_id FROM rejoined_documents);
INSERT INTO quote_entities SELECT * FROM quote_entities_in('rejoined_documents');

DELETE FROM surname_joins WHERE entity_id IN (SELECT entity_id FROM rejoin_scope);
INSERT INTO surname_joins BY NAME SELECT * FROM computed_joins;

DROP TABLE rejoined_mentions;
DROP TABLE rejoined_documents;
DROP TABLE computed_joins;
DROP TABLE rejoin_scope;
