-- entity_stats: one row per entity: its mentions, documents, first and last date, and the five entities it shares
-- most documents with (then most sentences), from entity_top_comentions.
CREATE OR REPLACE VIEW entity_stats AS
WITH top AS (
    -- sorting 5-item lists is cheaper than an ordered aggregate: list(o.name ORDER BY t.rank) took twice as long
    SELECT t.entity_id, list_transform(list_sort(list({'rank': t.rank, 'name': o.name})), x -> x.name) AS names
    FROM entity_top_comentions t JOIN entities o ON o.entity_id = t.other_id
    GROUP BY t.entity_id
)

SELECT
    e.entity_id,
    e.name,
    e.label,
    e.n_mentions,
    e.n_docs,
    e.first_seen,
    e.last_seen,
    coalesce(top.names, []) AS top_comentions
FROM entities e
LEFT JOIN top USING (entity_id);
