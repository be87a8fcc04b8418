-- entity_pairs and entity_top_comentions from every document, once per run (warehouse/load.py, rebuild_summaries):
-- 7 s on the full OrangeSum corpus (2.4 million pairs). Kept up to date per batch instead, a batch's scattered updates
-- to a million pair rows made each commit rewrite most of the table: the checkpoint took 6.6 s on 10,000 articles,
-- the batch's own rows 2.4 s.
DELETE FROM entity_pairs;
INSERT INTO entity_pairs SELECT * FROM pairs_in_documents('documents');
DELETE FROM entity_top_comentions;
INSERT INTO entity_top_comentions SELECT * FROM top_comentions_of('entities');
