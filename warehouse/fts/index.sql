-- Full-text search over documents (title, lede, text) and quotes (text, speaker), with DuckDB's fts extension:
-- French stemming, accents and case ignored, BM25 ranking. An fts index is a snapshot that cannot take new rows, so
-- the main indexes below cover the documents of search.indexed, as they were when this file last ran (a full
-- rebuild), and delta.sql indexes the documents loaded or changed since, after every run (warehouse/search.py).
PRAGMA create_fts_index('documents', 'doc_id', 'title', 'lede', 'text', stemmer = 'french',
                        stopwords = 'search_stopwords', strip_accents = 1, overwrite = 1);
PRAGMA create_fts_index('quotes', 'quote_id', 'text', 'speaker_name', stemmer = 'french',
                        stopwords = 'search_stopwords', strip_accents = 1, overwrite = 1);
CREATE SCHEMA IF NOT EXISTS search;
CREATE OR REPLACE TABLE search.indexed AS SELECT doc_id, content_sha256 FROM documents;
