-- 017_stale_comentions: the entities whose entity_pairs and entity_top_comentions are out of date. Recomputing an
-- entity (refresh/entities.sql) records it here; the end of a run (refresh/summaries.sql) recomputes the pairs among
-- these entities and their top co-mentions, and empties the table: a pair's counts change only when a document naming
-- both entities comes or goes, and both are then recorded, so a small run costs its entities, not the whole corpus.
CREATE TABLE stale_comentions (
    entity_id   VARCHAR PRIMARY KEY
);
