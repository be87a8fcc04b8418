-- Full-text search over documents (title, lede, text) and quotes (text, speaker), with DuckDB's fts extension:
-- French stemming, accents and case ignored, BM25 ranking. An fts index is a snapshot, so this file is run again
-- after every ingest run that loads something (warehouse/search.py).
PRAGMA create_fts_index('documents', 'doc_id', 'title', 'lede', 'text', stemmer = 'french',
                        stopwords = 'search_stopwords', strip_accents = 1, overwrite = 1);
PRAGMA create_fts_index('quotes', 'quote_id', 'text', 'speaker_name', stemmer = 'french',
                        stopwords = 'search_stopwords', strip_accents = 1, overwrite = 1);

-- document_search(query): documents and quotes that match `query`, best first within each kind (BM25 scores of the
-- two indexes are not comparable). SELECT * FROM document_search('rencontre Poutine') WHERE kind = 'quote'.
CREATE OR REPLACE MACRO document_search(query) AS TABLE
SELECT * FROM (
    SELECT
        'document' AS kind,
        d.doc_id,
        NULL::VARCHAR AS quote_id,
        d.title,
        d.published_date,
        NULL::VARCHAR AS speaker,
        left(d.text, 300) AS snippet,
        fts_main_documents.match_bm25(d.doc_id, query) AS score
    FROM documents d
    UNION ALL
    SELECT
        'quote',
        q.doc_id,
        q.quote_id,
        d.title,
        d.published_date,
        q.speaker_name,
        q.text,
        fts_main_quotes.match_bm25(q.quote_id, query)
    FROM quotes q
    JOIN documents d USING (doc_id)
)
WHERE score IS NOT NULL
ORDER BY kind, score DESC;
