-- most_repeated_quotes: the quotes carried by more than one story (a story's near-copies count once), most stories
-- first, with their spread over publications and days and the speakers they are credited to.
CREATE OR REPLACE VIEW most_repeated_quotes AS
SELECT cluster_id, canonical_text, top_speaker, n_speakers, speakers, n_stories, n_docs, n_publications, n_days,
    n_outlets_credited, first_seen, last_seen
FROM quote_clusters
WHERE n_stories > 1
ORDER BY n_stories DESC, n_docs DESC, cluster_id;
