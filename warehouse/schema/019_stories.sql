-- 019_stories: near-duplicate documents grouped into stories, and the same quote across documents into clusters
-- (corpus/fingerprints.py, warehouse/stories.py, docs/stories.md). Each document's and each long enough direct or
-- partial quote's MinHash signature, number of shingles and LSH band keys are kept, so that a new one is matched by
-- looking up its band keys, whatever the size of the warehouse. documents.story_id is the story's first-loaded
-- document and story_similarity the document's estimated resemblance to it (the measure of
-- corpus/data/fingerprints.json); quotes.cluster_id names the quote's cluster. A story or a cluster keeps its id and
-- never merges with another; the registries order them, so that a newcomer that matches two joins the older.
-- Documents loaded before this migration have no story until grouped (`corpus stories`) or reprocessed (story_id
-- NULL: the views count each as a story of its own).
ALTER TABLE documents ADD COLUMN story_id VARCHAR;
ALTER TABLE documents ADD COLUMN story_similarity FLOAT;
ALTER TABLE quotes ADD COLUMN cluster_id VARCHAR;
-- Counts by story beside counts by document: every entity and pair is recomputed once, at the next run.
ALTER TABLE entities ADD COLUMN n_stories INTEGER;
ALTER TABLE entity_pairs ADD COLUMN n_stories INTEGER;
INSERT INTO stale_entities SELECT entity_id FROM entities ON CONFLICT DO NOTHING;
CREATE TABLE document_fingerprints (
    doc_id      VARCHAR NOT NULL,
    minhash     UINTEGER[] NOT NULL,
    n_shingles  INTEGER NOT NULL
);
CREATE TABLE document_bands (
    band_key BIGINT NOT NULL,
    doc_id   VARCHAR NOT NULL
);
CREATE TABLE quote_fingerprints (
    quote_id   VARCHAR NOT NULL,
    doc_id     VARCHAR NOT NULL,
    quote_key   VARCHAR NOT NULL,
    minhash     UINTEGER[] NOT NULL,
    n_shingles  INTEGER NOT NULL
);
CREATE TABLE quote_bands (
    band_key  BIGINT NOT NULL,
    quote_id  VARCHAR NOT NULL,
    doc_id    VARCHAR NOT NULL
);
CREATE TABLE story_registry (
    story_id  VARCHAR PRIMARY KEY,
    seq       BIGINT NOT NULL,
    made_at   TIMESTAMP NOT NULL
);
CREATE TABLE quote_cluster_registry (
    cluster_id  VARCHAR PRIMARY KEY,
    seq         BIGINT NOT NULL,
    made_at     TIMESTAMP NOT NULL
);
