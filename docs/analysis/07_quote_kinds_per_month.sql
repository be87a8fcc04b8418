-- How do articles quote? Direct, partial and indirect quotes per month, and the share of quotes with a speaker.
SELECT strftime(date_trunc('month', d.published_date), '%Y-%m') AS month, count(DISTINCT q.doc_id) AS articles,
    count(*) FILTER (q.kind = 'direct') AS direct, count(*) FILTER (q.kind = 'partial') AS partial,
    count(*) FILTER (q.kind = 'indirect') AS indirect,
    round(100 * avg((q.speaker_name IS NOT NULL)::INT), 1) AS pct_with_speaker
FROM quotes q JOIN documents d USING (doc_id)
WHERE q.kind <> 'term' AND d.published_date IS NOT NULL
GROUP BY ALL
ORDER BY month DESC
LIMIT 12;
