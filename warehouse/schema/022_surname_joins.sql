-- 022_surname_joins: a person named by surname alone in a document ("Macron") counts for the one well-known person of
-- that surname across the corpus ("Emmanuel Macron"), as corpus/entities/surnames.py decides from every document's
-- own resolution. What a document resolves alone is kept beside the corpus's entity, so that a join can be undone when
-- the corpus changes: `document_entity_id` columns hold the document's own entity, `entity_id` columns the corpus's;
-- `document_entities` holds every entity a document resolves, named and keyed, and `surname_joins` the joins in force.
-- The end of a run recomputes the joins and rewrites the `entity_id` columns that change (refresh/surname_joins.sql).
ALTER TABLE entity_mentions ADD COLUMN document_entity_id VARCHAR;
UPDATE entity_mentions SET document_entity_id = entity_id;
ALTER TABLE quotes ADD COLUMN speaker_document_entity_id VARCHAR;
UPDATE quotes SET speaker_document_entity_id = speaker_entity_id;
ALTER TABLE role_mentions ADD COLUMN holder_document_entity_id VARCHAR;
UPDATE role_mentions SET holder_document_entity_id = holder_entity_id;

CREATE TABLE document_entities (
    entity_id   VARCHAR PRIMARY KEY,
    "name"      VARCHAR NOT NULL,
    "label"     VARCHAR NOT NULL,
    entity_key  VARCHAR NOT NULL
);
INSERT INTO document_entities SELECT entity_id, "name", "label", entity_key FROM entities;

CREATE TABLE surname_joins (
    entity_id       VARCHAR PRIMARY KEY,
    joined_id       VARCHAR NOT NULL,
    surname_docs    INTEGER NOT NULL,
    person_docs     INTEGER NOT NULL,
    share           DOUBLE NOT NULL
);

INSERT INTO stale_entities SELECT entity_id FROM entities WHERE "label" = 'PER' ON CONFLICT DO NOTHING;
