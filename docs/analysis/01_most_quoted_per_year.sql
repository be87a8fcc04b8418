-- Who is quoted most, per year? The three most quoted people of each year (direct, partial and indirect quotes),
-- and in how many articles.
SELECT year(d.published_date) AS year, e.name AS speaker, count(*) AS quotes, count(DISTINCT q.doc_id) AS articles
FROM quotes q
JOIN documents d USING (doc_id)
JOIN entities e ON e.entity_id = q.speaker_entity_id
WHERE e.label = 'PER' AND q.kind <> 'term' AND d.published_date IS NOT NULL
GROUP BY year, speaker
QUALIFY row_number() OVER (PARTITION BY year ORDER BY quotes DESC, speaker) <= 3
ORDER BY year, quotes DESC;
