-- 016_rejections_once: an input that cannot be loaded is recorded once, not once per run that meets it (a resumed or
-- scheduled run meets the same bad inputs again). One row per input and reason: run_id and rejected_at are the last
-- run that met it and when, detail that run's; first_run_id and first_rejected_at the first; n_runs how many runs.
CREATE TABLE rejected_inputs_once (
    run_id             VARCHAR NOT NULL,
    source_uri         VARCHAR NOT NULL,
    reason             VARCHAR NOT NULL,
    detail             VARCHAR NOT NULL,
    rejected_at        TIMESTAMP NOT NULL,
    first_run_id       VARCHAR NOT NULL,
    first_rejected_at  TIMESTAMP NOT NULL,
    n_runs             INTEGER NOT NULL
);
INSERT INTO rejected_inputs_once
SELECT arg_max(run_id, rejected_at), source_uri, reason, arg_max(detail, rejected_at), max(rejected_at),
       arg_min(run_id, rejected_at), min(rejected_at), count(DISTINCT run_id)
FROM rejected_inputs GROUP BY source_uri, reason;
DROP TABLE rejected_inputs;
ALTER TABLE rejected_inputs_once RENAME TO rejected_inputs;
CREATE UNIQUE INDEX rejected_inputs_input ON rejected_inputs (source_uri, reason);
