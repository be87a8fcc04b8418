-- Who is quoted most, per year? The three most quoted people of each year (direct, partial and indirect quotes),
-- and in how many articles.
SELECT year(month) AS year, speaker, sum(n_quotes) AS quotes, sum(n_docs) AS articles
FROM speakers
WHERE label = 'PER' AND month IS NOT NULL
GROUP BY year, speaker
QUALIFY row_number() OVER (PARTITION BY year ORDER BY quotes DESC, speaker) <= 3
ORDER BY year, quotes DESC;
