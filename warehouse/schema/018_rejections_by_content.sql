-- 018_rejections_by_content: one row per distinct input content and reason, wherever it was met (the same bad
-- record under two names, or at a new address in a feed, is one row). content_sha256 is the input's content where it
-- could be read (NULL where it could not: a missing file, a truncated gzip stream); input_key that hash, else the
-- source_uri; source_uri the last address the input was met at, addresses every address it was met at (two empty
-- files are one input, met at two addresses). Rows from before keep their source_uri as key and address.
CREATE TABLE rejected_inputs_by_content (
    run_id             VARCHAR NOT NULL,
    source_uri         VARCHAR NOT NULL,
    reason             VARCHAR NOT NULL,
    detail             VARCHAR NOT NULL,
    rejected_at        TIMESTAMP NOT NULL,
    first_run_id       VARCHAR NOT NULL,
    first_rejected_at  TIMESTAMP NOT NULL,
    n_runs             INTEGER NOT NULL,
    content_sha256     VARCHAR,
    input_key          VARCHAR NOT NULL,
    addresses          VARCHAR[] NOT NULL
);
INSERT INTO rejected_inputs_by_content
SELECT run_id, source_uri, reason, detail, rejected_at, first_run_id, first_rejected_at, n_runs, NULL, source_uri,
    [source_uri]
FROM rejected_inputs;
DROP TABLE rejected_inputs;
ALTER TABLE rejected_inputs_by_content RENAME TO rejected_inputs;
CREATE UNIQUE INDEX rejected_inputs_input ON rejected_inputs (input_key, reason);
