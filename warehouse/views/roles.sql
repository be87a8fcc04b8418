-- roles: who held which role when, as the corpus states it: one row per role and holder, from every apposition of
-- the two ("le Premier ministre Édouard Philippe"), with the documents that state it (and their stories) and the first and last of
-- their dates. A view over the per-document rows: the same whatever order the documents were loaded in.
CREATE OR REPLACE VIEW roles AS
SELECT
    r.role_key,
    mode(r.role) AS role,
    r.holder_entity_id,
    coalesce(any_value(e.name), mode(r.holder)) AS holder,
    count(DISTINCT r.doc_id) AS n_docs,
    count(DISTINCT coalesce(d.story_id, d.doc_id)) AS n_stories,
    min(d.published_date) AS first_seen,
    max(d.published_date) AS last_seen
FROM role_mentions r
JOIN documents d USING (doc_id)
LEFT JOIN entities e ON e.entity_id = r.holder_entity_id
GROUP BY r.role_key, r.holder_entity_id;
