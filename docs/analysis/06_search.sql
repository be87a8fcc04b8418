-- Who said what about the pension reform? A full-text search of the quotes for "réforme des retraites", ranked by
-- BM25 (French stemming: "réformes" and "retraite" match too; "des" is a stopword).
SELECT speaker, published_date, left(snippet, 90) AS snippet, round(score, 2) AS score
FROM document_search('réforme des retraites')
WHERE kind = 'quote'
ORDER BY score DESC
LIMIT 8;
