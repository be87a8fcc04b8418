-- entity_stats: one row per entity: its mentions, documents, first and last date, and the five entities it shares
-- most documents with (then most sentences, then by name).
CREATE OR REPLACE VIEW entity_stats AS
WITH ranked AS (
    SELECT entity_id, other_name,
        row_number() OVER (PARTITION BY entity_id ORDER BY n_docs DESC, n_sentences DESC, other_name) AS rank
    FROM cooccurrence
)

SELECT
    e.entity_id,
    e.name,
    e.label,
    e.n_mentions,
    e.n_docs,
    e.first_seen,
    e.last_seen,
    coalesce(list(r.other_name ORDER BY r.rank) FILTER (WHERE r.rank IS NOT NULL), []) AS top_comentions
FROM entities e
LEFT JOIN ranked r ON r.entity_id = e.entity_id AND r.rank <= 5
GROUP BY ALL;
