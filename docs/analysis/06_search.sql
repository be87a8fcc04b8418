-- Who said what about the pension reform? A full-text search of the quotes for "réforme retraites", ranked by
-- BM25 (French stemming: "réformes" and "retraite" match too), keeping the quotes whose speaker
-- is a named person: speakers the extractor could not tie to a name ("87%", "le retrait") are its known errors.
SELECT s.speaker, s.published_date, left(s.snippet, 80) AS snippet, round(s.score, 2) AS score
FROM document_search('réforme retraites') s
JOIN quotes q USING (quote_id)
JOIN entities e ON e.entity_id = q.speaker_entity_id
WHERE s.kind = 'quote' AND e.label = 'PER'
ORDER BY s.score DESC
LIMIT 8;
