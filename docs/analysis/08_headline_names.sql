-- Who makes the headlines? The entities named most often in titles, against the articles that name them at all.
SELECT e.name, e.label, count(DISTINCT m.doc_id) AS in_titles, e.n_docs AS in_articles,
    round(100.0 * count(DISTINCT m.doc_id) / e.n_docs, 1) AS pct
FROM entity_mentions m JOIN entities e USING (entity_id)
WHERE m.part = 'title'
GROUP BY e.entity_id, e.name, e.label, e.n_docs
ORDER BY in_titles DESC
LIMIT 10;
