-- 012_fewer_indexes: the tables that hold a document's rows keep no index and no primary key (documents keeps its
-- doc_id key; entities and the state tables keep theirs, which ON CONFLICT needs). DuckDB writes an ART index out
-- again at every checkpoint: with them, a batch's load and checkpoint took longer the bigger the warehouse (12.7 ms
-- a document at 6,400 documents, against 5.5 ms without them: tools/profile_loads.py), and they served no query (the
-- loads and the views join on doc_id, which DuckDB does by hashing, not through an index). The keys they enforced, one row per (doc_id, index)
-- and per id, come from the load itself: a document's rows are deleted and inserted again in one transaction, keyed
-- by its doc_id, and tests/test_warehouse.py checks it. DuckDB drops no constraint, so each table is made again.
DROP INDEX IF EXISTS documents_content;

CREATE TABLE raw_documents_012(doc_id VARCHAR NOT NULL, raw_content VARCHAR NOT NULL, raw_text VARCHAR, offset_map STRUCT(clean_start INTEGER, raw_start INTEGER, length INTEGER)[] NOT NULL);
INSERT INTO raw_documents_012 SELECT * FROM raw_documents;
DROP TABLE raw_documents;
ALTER TABLE raw_documents_012 RENAME TO raw_documents;

CREATE TABLE paragraphs_012(doc_id VARCHAR NOT NULL, paragraph_index INTEGER NOT NULL, "role" VARCHAR NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL);
INSERT INTO paragraphs_012 SELECT * FROM paragraphs;
DROP TABLE paragraphs;
ALTER TABLE paragraphs_012 RENAME TO paragraphs;

CREATE TABLE sentences_012(doc_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL, paragraph_index INTEGER NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL);
INSERT INTO sentences_012 SELECT * FROM sentences;
DROP TABLE sentences;
ALTER TABLE sentences_012 RENAME TO sentences;

CREATE TABLE entity_mentions_012(doc_id VARCHAR NOT NULL, mention_id VARCHAR NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, "text" VARCHAR NOT NULL, "label" VARCHAR NOT NULL, entity_id VARCHAR NOT NULL, sentence_index INTEGER, paragraph_index INTEGER, canonical_name VARCHAR, title VARCHAR, part VARCHAR, note_index INTEGER, alias_key VARCHAR);
INSERT INTO entity_mentions_012 SELECT * FROM entity_mentions;
DROP TABLE entity_mentions;
ALTER TABLE entity_mentions_012 RENAME TO entity_mentions;

CREATE TABLE notes_012(doc_id VARCHAR NOT NULL, note_index INTEGER NOT NULL, marker VARCHAR NOT NULL, "text" VARCHAR NOT NULL);
INSERT INTO notes_012 SELECT * FROM notes;
DROP TABLE notes;
ALTER TABLE notes_012 RENAME TO notes;

CREATE TABLE note_refs_012(doc_id VARCHAR NOT NULL, ref_index INTEGER NOT NULL, marker VARCHAR NOT NULL, char_offset INTEGER NOT NULL, paragraph_index INTEGER NOT NULL);
INSERT INTO note_refs_012 SELECT * FROM note_refs;
DROP TABLE note_refs;
ALTER TABLE note_refs_012 RENAME TO note_refs;

CREATE TABLE links_012(doc_id VARCHAR NOT NULL, link_index INTEGER NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, url VARCHAR NOT NULL);
INSERT INTO links_012 SELECT * FROM links;
DROP TABLE links;
ALTER TABLE links_012 RENAME TO links;

CREATE TABLE quotes_012(quote_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, "text" VARCHAR NOT NULL, kind VARCHAR NOT NULL, speaker_name VARCHAR, speaker_entity_id VARCHAR, speaker_mention VARCHAR, cue VARCHAR, reported_via VARCHAR, speaker_start INTEGER, speaker_end INTEGER, is_conditional BOOLEAN, speaker_from VARCHAR, note_markers VARCHAR[], sentence_index INTEGER, paragraph_index INTEGER);
INSERT INTO quotes_012 SELECT * FROM quotes;
DROP TABLE quotes;
ALTER TABLE quotes_012 RENAME TO quotes;

CREATE TABLE citations_012(citation_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, marker VARCHAR, kind VARCHAR NOT NULL, raw_text VARCHAR NOT NULL, author VARCHAR, "publication" VARCHAR, published_date DATE, url VARCHAR, "domain" VARCHAR, same_as_citation_id VARCHAR, title VARCHAR, publisher VARCHAR, "year" INTEGER, outlet_key VARCHAR, start_char INTEGER, end_char INTEGER, sentence_index INTEGER);
INSERT INTO citations_012 SELECT * FROM citations;
DROP TABLE citations;
ALTER TABLE citations_012 RENAME TO citations;

CREATE TABLE quote_citations_012(quote_id VARCHAR NOT NULL, citation_id VARCHAR NOT NULL);
INSERT INTO quote_citations_012 SELECT * FROM quote_citations;
DROP TABLE quote_citations;
ALTER TABLE quote_citations_012 RENAME TO quote_citations;

CREATE TABLE quote_entities_012(quote_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, entity_id VARCHAR NOT NULL, in_quote BOOLEAN NOT NULL);
INSERT INTO quote_entities_012 SELECT * FROM quote_entities;
DROP TABLE quote_entities;
ALTER TABLE quote_entities_012 RENAME TO quote_entities;
