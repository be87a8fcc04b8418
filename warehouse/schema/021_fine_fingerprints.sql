-- 021_fine_fingerprints: a second MinHash signature of each document, over 3-word shingles, beside the 5-word one,
-- because the story model (corpus/data/story_model.json) tells a rewrite from a recap better with both: a dispatch
-- rewritten sentence by sentence keeps short phrases of its source where it loses the longer ones. Documents
-- fingerprinted before have none (NULL) until reprocessed; the model then takes the 5-word containment for it.
ALTER TABLE document_fingerprints ADD COLUMN fine_minhash UINTEGER[];
ALTER TABLE document_fingerprints ADD COLUMN n_fine_shingles INTEGER;
