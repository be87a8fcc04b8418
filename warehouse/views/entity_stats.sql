-- entity_stats: one row per entity: its mentions, documents, stories (near-duplicates counted once), first and last
-- date, and the five entities it shares
-- most documents with (then most sentences), from entity_top_comentions. The entities a run has touched and not yet
-- recomputed (stale_entities: a run in progress, or one killed before its end left their counts NULL or old) are
-- counted from their mentions, so the counts are right between batches.
CREATE OR REPLACE VIEW entity_stats AS
WITH stale AS (
    SELECT m.entity_id, count(*) AS n_mentions, count(DISTINCT m.doc_id) AS n_docs,
        count(DISTINCT coalesce(d.story_id, d.doc_id)) AS n_stories, min(d.published_date) AS first_seen, max(d.published_date) AS last_seen
    FROM entity_mentions m JOIN documents d USING (doc_id)
    WHERE m.entity_id IN (SELECT entity_id FROM stale_entities)
    GROUP BY m.entity_id
),
top AS (
    -- sorting 5-item lists is cheaper than an ordered aggregate: list(o.name ORDER BY t.rank) took twice as long
    SELECT t.entity_id, list_transform(list_sort(list({'rank': t.rank, 'name': o.name})), x -> x.name) AS names
    FROM entity_top_comentions t JOIN entities o ON o.entity_id = t.other_id
    GROUP BY t.entity_id
)

SELECT
    e.entity_id,
    e.name,
    e.label,
    coalesce(s.n_mentions, e.n_mentions) AS n_mentions,
    coalesce(s.n_docs, e.n_docs) AS n_docs,
    coalesce(s.n_stories, e.n_stories) AS n_stories,
    coalesce(s.first_seen, e.first_seen) AS first_seen,
    coalesce(s.last_seen, e.last_seen) AS last_seen,
    coalesce(top.names, []) AS top_comentions
FROM entities e
LEFT JOIN stale s USING (entity_id)
LEFT JOIN top USING (entity_id);
