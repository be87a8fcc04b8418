-- 011_stale_entities: an ingest run loads its batches without recomputing the counts, names and aliases of the
-- entities they mention (recomputing them joins every mention of "France" or "Macron" again, in every batch: the cost
-- of a batch grew with the corpus). The batch records those entities here, in its own transaction, and the end of
-- the run recomputes them all at once (warehouse/load.py, refresh_stale_entities) and empties the table. A run that
-- was killed leaves its rows: the next open of the warehouse that migrates recomputes them.
CREATE TABLE stale_entities (
    entity_id   VARCHAR PRIMARY KEY
);
