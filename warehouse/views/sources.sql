-- sources: one row per outlet the corpus cites (a note's publication, an inline credit, a URL's outlet), keyed by
-- citations.outlet_key, or by the domain for a URL no outlet owns. Dates are those of the citing documents;
-- count_stories counts them with near-duplicates once.
CREATE OR REPLACE VIEW sources AS
WITH outlet_citations AS (
    SELECT
        coalesce(c.outlet_key, c.domain) AS outlet_key,
        coalesce(c.publication, c.domain) AS outlet,
        c.citation_id,
        c.doc_id,
        coalesce(d.story_id, d.doc_id) AS story_id,
        c.url,
        d.published_date
    FROM citations c
    JOIN documents d USING (doc_id)
    WHERE coalesce(c.outlet_key, c.domain) IS NOT NULL
),

url_counts AS (
    SELECT outlet_key, url, count(*) AS count_citations
    FROM outlet_citations
    WHERE url IS NOT NULL
    GROUP BY outlet_key, url
),

top_urls AS (
    SELECT outlet_key, list(url ORDER BY count_citations DESC, url)[1:5] AS top_urls
    FROM url_counts
    GROUP BY outlet_key
),

outlet_summary AS (
    SELECT
        outlet_key,
        mode(outlet) AS outlet,
        count(DISTINCT doc_id) AS count_documents,
        count(DISTINCT story_id) AS count_stories,
        count(*) AS count_citations,
        min(published_date) AS first_seen,
        max(published_date) AS last_seen
    FROM outlet_citations
    GROUP BY outlet_key
)

SELECT s.*, coalesce(t.top_urls, []) AS top_urls
FROM outlet_summary s
LEFT JOIN top_urls t USING (outlet_key)
