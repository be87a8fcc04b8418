-- 015_run_liveness: what tells a live run from a dead one. A run records the host and process it runs in (with the
-- process's start time, so that a reused process id is not taken for it) and, at each batch it loads, a heartbeat.
-- The next run that starts marks the runs left `running` whose process is gone (same host) or whose heartbeat is
-- older than flows/run.py STALE_AFTER (another host) as `abandoned`, finished at their last heartbeat.
ALTER TABLE ingest_runs ADD COLUMN host VARCHAR;
ALTER TABLE ingest_runs ADD COLUMN pid INTEGER;
ALTER TABLE ingest_runs ADD COLUMN process_started BIGINT;
ALTER TABLE ingest_runs ADD COLUMN heartbeat_at TIMESTAMP;
