-- The delta (delta_tables.sql) indexed on its own after every run that loads something: small, so a run pays for
-- what it loaded, not for the warehouse. Its BM25 scores use the statistics of the delta alone, so its documents'
-- ranking among the others drifts from a full rebuild's; warehouse/search.py rebuilds everything once the delta
-- passes a share of the warehouse.
PRAGMA create_fts_index('search.documents_delta', 'doc_id', 'title', 'lede', 'text', stemmer = 'french',
                        stopwords = 'search_stopwords', strip_accents = 1, overwrite = 1);
PRAGMA create_fts_index('search.quotes_delta', 'quote_id', 'text', 'speaker_name', stemmer = 'french',
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
        CASE WHEN n.doc_id IS NULL THEN fts_main_documents.match_bm25(d.doc_id, query)
             ELSE fts_search_documents_delta.match_bm25(d.doc_id, query) END AS score
    FROM documents d LEFT JOIN search.documents_delta n USING (doc_id)
    UNION ALL
    SELECT
        'quote',
        q.doc_id,
        q.quote_id,
        d.title,
        d.published_date,
        q.speaker_name,
        q.text,
        CASE WHEN n.quote_id IS NULL THEN fts_main_quotes.match_bm25(q.quote_id, query)
             ELSE fts_search_quotes_delta.match_bm25(q.quote_id, query) END
    FROM quotes q
    JOIN documents d USING (doc_id)
    LEFT JOIN search.quotes_delta n USING (quote_id)
)
WHERE score IS NOT NULL
ORDER BY kind, score DESC;
