-- entity_timeline: one row per entity and month of publication: its mentions, the documents that name it and their
-- stories (near-duplicates counted once).
-- Documents without a published date are left out.
CREATE OR REPLACE VIEW entity_timeline AS
SELECT
    m.entity_id,
    e.name,
    e.label,
    date_trunc('month', d.published_date)::DATE AS month,
    count(*) AS n_mentions,
    count(DISTINCT m.doc_id) AS n_docs,
    count(DISTINCT coalesce(d.story_id, d.doc_id)) AS n_stories
FROM entity_mentions m
JOIN entities e USING (entity_id)
JOIN documents d USING (doc_id)
WHERE d.published_date IS NOT NULL
GROUP BY m.entity_id, e.name, e.label, month;
