-- stories: one row per story, a group of near-duplicate documents (the same text republished, updated or
-- re-headlined; docs/stories.md): its first document (story_id) and that one's title, how many documents and
-- publications carry it, the first and last publication dates, and the lowest similarity of a member to the first.
-- A document loaded before stories existed is a story of its own until reprocessed.
CREATE OR REPLACE VIEW stories AS
SELECT
    coalesce(d.story_id, d.doc_id) AS story_id,
    any_value(f.title) AS title,
    count(*) AS n_docs,
    count(DISTINCT publication(d.site_name, d.url)) AS n_publications,
    min(d.published_date) AS first_seen,
    max(d.published_date) AS last_seen,
    min(d.story_similarity) AS min_similarity,
    list(d.doc_id ORDER BY d.published_date NULLS LAST, d.doc_id) AS doc_ids
FROM documents d
LEFT JOIN documents f ON f.doc_id = coalesce(d.story_id, d.doc_id)
GROUP BY 1;
