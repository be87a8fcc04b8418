-- Which outlets are credited for AFP-style dispatches? Quotes reported through an outlet ("selon l'AFP",
-- "a-t-il déclaré à France Info"), by outlet: how many quotes, in how many articles, and of which kinds.
SELECT reported_via AS outlet, count(*) AS quotes, count(DISTINCT doc_id) AS articles,
    count(*) FILTER (kind = 'direct') AS direct, count(*) FILTER (kind = 'partial') AS partial,
    count(*) FILTER (kind = 'indirect') AS indirect
FROM quotes
WHERE reported_via IS NOT NULL AND kind <> 'term'
GROUP BY outlet
ORDER BY quotes DESC
LIMIT 10;
