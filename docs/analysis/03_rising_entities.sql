-- Which entities rise month by month? The largest gains in articles from one month to the next, for entities in at
-- least 20 articles that month.
WITH monthly AS (
    SELECT name, label, month, n_docs,
        lag(n_docs, 1, 0) OVER (PARTITION BY entity_id ORDER BY month) AS previous,
        lag(month) OVER (PARTITION BY entity_id ORDER BY month) AS previous_month
    FROM entity_timeline
)
SELECT strftime(month, '%Y-%m') AS month, name, label,
    CASE WHEN previous_month = month - INTERVAL 1 MONTH THEN previous ELSE 0 END AS articles_before,
    n_docs AS articles
FROM monthly
WHERE n_docs >= 20
ORDER BY n_docs - articles_before DESC
LIMIT 10;
