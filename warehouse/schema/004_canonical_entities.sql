-- 004_canonical_entities: a mention names its document's canonical entity ("Poutine" is Vladimir Poutine), and is
-- found in the text, the title or a note. Entities carry their counts and dates, and entity_aliases the ways they
-- are written. warehouse/load.py keeps both up to date in each batch's transaction.

-- entity_mentions: start_char and end_char index documents.text (part 'text'), documents.title ('title') or
-- notes.text of (doc_id, note_index) ('note'); sentence_index and paragraph_index are NULL outside the text.
-- DuckDB alters no column of a table with secondary indexes, so they are dropped and made again.
DROP INDEX entity_mentions_doc;
DROP INDEX entity_mentions_entity;
ALTER TABLE entity_mentions ALTER COLUMN sentence_index DROP NOT NULL;
ALTER TABLE entity_mentions ALTER COLUMN paragraph_index DROP NOT NULL;
CREATE INDEX entity_mentions_doc ON entity_mentions (doc_id);
CREATE INDEX entity_mentions_entity ON entity_mentions (entity_id);
ALTER TABLE entity_mentions ADD COLUMN canonical_name VARCHAR;  -- the fullest name the document gives the entity
ALTER TABLE entity_mentions ADD COLUMN title VARCHAR;           -- trimmed off the name: 'M.' for 'M. Poutine'
ALTER TABLE entity_mentions ADD COLUMN part VARCHAR;            -- text | title | note
ALTER TABLE entity_mentions ADD COLUMN note_index INTEGER;      -- for part 'note'
ALTER TABLE entity_mentions ADD COLUMN alias_key VARCHAR;       -- label:folded text of the mention itself

-- entities: the name is the canonical name its mentions give most often; aliases are the ways it is written, most
-- frequent first; dates are the first and last documents.published_date of the documents that mention it.
ALTER TABLE entities ADD COLUMN aliases VARCHAR[];
ALTER TABLE entities ADD COLUMN n_mentions INTEGER;
ALTER TABLE entities ADD COLUMN n_docs INTEGER;
ALTER TABLE entities ADD COLUMN first_seen DATE;
ALTER TABLE entities ADD COLUMN last_seen DATE;

-- One row per way an entity is written (its alias_key), with the surface form written most often.
CREATE TABLE entity_aliases (
    alias_key   VARCHAR NOT NULL,   -- label:folded alias, as entity_mentions.alias_key
    entity_id   VARCHAR NOT NULL,
    alias       VARCHAR NOT NULL,
    n_mentions  INTEGER NOT NULL,
    PRIMARY KEY (alias_key, entity_id)
);

-- Rows loaded before this version: each mention was its own canonical name, keyed as its entity.
UPDATE entity_mentions SET canonical_name = m.text, part = 'text', alias_key = e.entity_key
FROM entity_mentions m JOIN entities e USING (entity_id)
WHERE entity_mentions.mention_id = m.mention_id;
