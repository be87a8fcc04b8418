-- The documents loaded or changed since the main indexes were built (index.sql), and their quotes: what delta.sql
-- indexes on its own after every run that loads something. A statement of its own, before delta.sql's: DuckDB binds
-- the statements of one call before it runs them, and the index pragma must see these tables.
CREATE SCHEMA IF NOT EXISTS search;
CREATE OR REPLACE TABLE search.documents_delta AS
SELECT d.doc_id, d.title, d.lede, d.text
FROM documents d ANTI JOIN search.indexed i ON i.doc_id = d.doc_id AND i.content_sha256 = d.content_sha256;
CREATE OR REPLACE TABLE search.quotes_delta AS
SELECT q.quote_id, q.text, q.speaker_name FROM quotes q SEMI JOIN search.documents_delta USING (doc_id);
