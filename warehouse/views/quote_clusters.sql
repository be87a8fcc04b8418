-- quote_clusters: one row per cluster of the same quote across documents (direct and partial quotes of eight words
-- or more, the same words or near-identical: docs/stories.md): its most frequent wording (canonical_text), when it
-- was first and last published, the speaker most often credited and every credited speaker with their count
-- (n_speakers > 1 means the documents disagree on who said it: a finding, or an attribution error), and how many
-- quotes, documents, stories, publications (the documents' sites) and days carry it, and how many outlets the quotes
-- are credited to (quotes.reported_via: "selon l'AFP").
CREATE OR REPLACE VIEW quote_clusters AS
WITH credited AS (
    SELECT q.cluster_id, coalesce(e.name, q.speaker_name) AS speaker, count(*) AS n
    FROM quotes q
    LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
    WHERE q.cluster_id IS NOT NULL AND q.speaker_name IS NOT NULL
    GROUP BY ALL
),

speakers AS (
    SELECT cluster_id,
        first(speaker ORDER BY n DESC, speaker) AS top_speaker,
        list({'speaker': speaker, 'n_quotes': n} ORDER BY n DESC, speaker) AS speakers,
        count(*) AS n_speakers
    FROM credited
    GROUP BY cluster_id
)

SELECT
    q.cluster_id,
    mode(q.text) AS canonical_text,
    min(d.published_date) AS first_seen,
    max(d.published_date) AS last_seen,
    any_value(s.top_speaker) AS top_speaker,
    coalesce(any_value(s.n_speakers), 0) AS n_speakers,
    coalesce(any_value(s.speakers), []) AS speakers,
    count(*) AS n_quotes,
    count(DISTINCT q.doc_id) AS n_docs,
    count(DISTINCT coalesce(d.story_id, d.doc_id)) AS n_stories,
    count(DISTINCT publication(d.site_name, d.url)) AS n_publications,
    count(DISTINCT d.published_date) AS n_days,
    count(DISTINCT q.reported_via) AS n_outlets_credited
FROM quotes q
JOIN documents d USING (doc_id)
LEFT JOIN speakers s USING (cluster_id)
WHERE q.cluster_id IS NOT NULL
GROUP BY q.cluster_id;
