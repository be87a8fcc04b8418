-- 010_source_state: the sources of a sources file (`corpus serve`, `pull`, `backfill`) keep their state here, so that
-- a scheduled run ingests only what is new or changed, and so that what a source has seen can be inspected in SQL.

-- Which source a run ingested (NULL for `corpus ingest PATH...`), and how many of its loaded documents replaced an
-- earlier version of the same input (the others are new).
ALTER TABLE ingest_runs ADD COLUMN source VARCHAR;
ALTER TABLE ingest_runs ADD COLUMN n_changed INTEGER DEFAULT 0;

-- One row per source: the last check of its feed or folder.
CREATE TABLE source_state (
    source          VARCHAR PRIMARY KEY,   -- the source's name in the sources file
    kind            VARCHAR NOT NULL,      -- files | jsonl | feed | urls
    location        VARCHAR NOT NULL,      -- its paths, feed URL or URL list, as configured
    etag            VARCHAR,               -- of the feed, sent back as If-None-Match
    last_modified   VARCHAR,               -- of the feed, sent back as If-Modified-Since
    content_sha256  VARCHAR,               -- of the feed document last read
    checked_at      TIMESTAMP NOT NULL,    -- when a run last looked at the source
    changed_at      TIMESTAMP,             -- when the feed last came back different
    last_run_id     VARCHAR NOT NULL,
    last_status     VARCHAR NOT NULL       -- completed | failed | not-modified | unreachable
);

-- One row per item a source has seen: a feed entry, a listed URL, or an input a folder or dump gave.
CREATE TABLE source_items (
    source          VARCHAR NOT NULL,
    item_key        VARCHAR NOT NULL,      -- the feed entry's id, else the URL or source_uri
    url             VARCHAR,               -- the article URL (feeds and URL lists)
    doc_id          VARCHAR,               -- the document it loaded (documents.doc_id), if any
    content_sha256  VARCHAR,               -- of the content last read
    etag            VARCHAR,               -- of the page, for a conditional request next time
    last_modified   VARCHAR,
    item_updated    TIMESTAMPTZ,           -- the feed's updated (else published) date: a later one means changed
    status          VARCHAR NOT NULL,      -- loaded | unchanged | not-modified | rejected | retry
    reason          VARCHAR,               -- for rejected and retry: rejected_inputs.reason
    http_status     INTEGER,               -- of the last fetch
    attempts        INTEGER,               -- requests the last fetch took (retries after timeouts or 5xx)
    first_seen      TIMESTAMP NOT NULL,
    last_seen       TIMESTAMP NOT NULL,
    last_run_id     VARCHAR NOT NULL,
    PRIMARY KEY (source, item_key)
);
