-- 001_core: the warehouse contract. Tables and columns named in the project's contract are not
-- renamed; new columns are added after them. Offsets are 0-based, end-exclusive indices into
-- documents.text. Grain is stated above each table.

-- One row per document (a file, or one record of a JSONL file).
CREATE TABLE documents (
    doc_id            VARCHAR PRIMARY KEY,   -- sha256 of source_uri, 16 hex digits
    source_uri        VARCHAR NOT NULL,      -- absolute path, plus '#line' for a JSONL record
    format            VARCHAR NOT NULL,      -- markdown | html | jsonl | text
    title             VARCHAR,
    section           VARCHAR,
    authors           VARCHAR[],
    published_date    DATE,
    written_date      DATE,
    language          VARCHAR,               -- ISO 639-1, or 'und'
    lede              VARCHAR,
    text              VARCHAR NOT NULL,      -- clean text: the lede, then body paragraphs, '\n\n' apart
    content_sha256    VARCHAR NOT NULL,      -- of the input's raw bytes: unchanged input loads nothing
    pipeline_version  VARCHAR NOT NULL,
    ingested_at       TIMESTAMP NOT NULL,
    run_id            VARCHAR NOT NULL,      -- the ingest run that loaded this version
    signature         VARCHAR,
    url               VARCHAR,
    site_name         VARCHAR,
    encoding          VARCHAR,
    n_chars           INTEGER NOT NULL
);
CREATE INDEX documents_content ON documents (content_sha256);

-- One row per document: what was read, to re-parse without the source, and the offset map from
-- documents.text back to raw_text as runs copied verbatim.
CREATE TABLE raw_documents (
    doc_id       VARCHAR PRIMARY KEY,
    raw_content  VARCHAR NOT NULL,  -- the decoded input: the file, or the JSONL line
    raw_text     VARCHAR,           -- what offsets map into when it is not raw_content (JSONL: title, lede, body)
    offset_map   STRUCT(clean_start INTEGER, raw_start INTEGER, length INTEGER)[] NOT NULL
);

-- One row per paragraph of documents.text.
CREATE TABLE paragraphs (
    doc_id           VARCHAR NOT NULL,
    paragraph_index  INTEGER NOT NULL,
    role             VARCHAR NOT NULL,  -- lede | body | heading
    start_char       INTEGER NOT NULL,
    end_char         INTEGER NOT NULL,
    PRIMARY KEY (doc_id, paragraph_index)
);

-- One row per sentence of documents.text.
CREATE TABLE sentences (
    doc_id           VARCHAR NOT NULL,
    sentence_index   INTEGER NOT NULL,
    paragraph_index  INTEGER NOT NULL,
    start_char       INTEGER NOT NULL,
    end_char         INTEGER NOT NULL,
    PRIMARY KEY (doc_id, sentence_index)
);

-- One row per canonical entity.
CREATE TABLE entities (
    entity_id   VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    entity_key  VARCHAR NOT NULL    -- label:accent- and case-folded name
);

-- One row per entity mention in documents.text.
CREATE TABLE entity_mentions (
    doc_id           VARCHAR NOT NULL,
    mention_id       VARCHAR PRIMARY KEY,   -- doc_id:n
    start_char       INTEGER NOT NULL,
    end_char         INTEGER NOT NULL,
    text             VARCHAR NOT NULL,
    label            VARCHAR NOT NULL,
    entity_id        VARCHAR NOT NULL,
    sentence_index   INTEGER NOT NULL,
    paragraph_index  INTEGER NOT NULL
);
CREATE INDEX entity_mentions_doc ON entity_mentions (doc_id);
CREATE INDEX entity_mentions_entity ON entity_mentions (entity_id);

-- One row per footnote entry in a document's notes section.
CREATE TABLE notes (
    doc_id      VARCHAR NOT NULL,
    note_index  INTEGER NOT NULL,
    marker      VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, note_index)
);

-- One row per footnote call ("[3]") removed from the body; char_offset is where it stood.
CREATE TABLE note_refs (
    doc_id           VARCHAR NOT NULL,
    ref_index        INTEGER NOT NULL,
    marker           VARCHAR NOT NULL,
    char_offset      INTEGER NOT NULL,
    paragraph_index  INTEGER NOT NULL,
    PRIMARY KEY (doc_id, ref_index)
);

-- One row per hyperlink in documents.text.
CREATE TABLE links (
    doc_id      VARCHAR NOT NULL,
    link_index  INTEGER NOT NULL,
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    url         VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, link_index)
);

-- One row per quote (filled by quote extraction).
CREATE TABLE quotes (
    quote_id           VARCHAR PRIMARY KEY,
    doc_id             VARCHAR NOT NULL,
    start_char         INTEGER NOT NULL,
    end_char           INTEGER NOT NULL,
    text               VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,   -- direct | partial | indirect | term
    speaker_name       VARCHAR,
    speaker_entity_id  VARCHAR,
    speaker_mention    VARCHAR,
    cue                VARCHAR,
    reported_via       VARCHAR
);
CREATE INDEX quotes_doc ON quotes (doc_id);

-- One row per citation: a note, an inline credit or a URL (filled by citation resolution).
CREATE TABLE citations (
    citation_id          VARCHAR PRIMARY KEY,
    doc_id               VARCHAR NOT NULL,
    marker               VARCHAR,
    kind                 VARCHAR NOT NULL,   -- reference | note | inline | url
    raw_text             VARCHAR NOT NULL,
    author               VARCHAR,
    publication          VARCHAR,
    published_date       DATE,
    url                  VARCHAR,
    domain               VARCHAR,
    same_as_citation_id  VARCHAR
);
CREATE INDEX citations_doc ON citations (doc_id);

-- One row per (quote, citation) link.
CREATE TABLE quote_citations (
    quote_id     VARCHAR NOT NULL,
    citation_id  VARCHAR NOT NULL,
    PRIMARY KEY (quote_id, citation_id)
);

-- One row per run of `corpus ingest`. Counters grow batch by batch, in the batch's transaction;
-- finished_at stays NULL for a run that was interrupted.
CREATE TABLE ingest_runs (
    run_id            VARCHAR PRIMARY KEY,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    n_inputs          INTEGER NOT NULL DEFAULT 0,   -- documents read (files and JSONL records) plus unreadable paths
    n_loaded          INTEGER NOT NULL DEFAULT 0,   -- new or changed documents loaded
    n_skipped         INTEGER NOT NULL DEFAULT 0,   -- unchanged documents (same content already loaded)
    n_rejected        INTEGER NOT NULL DEFAULT 0,
    status            VARCHAR NOT NULL,             -- running | completed | failed
    pipeline_version  VARCHAR,
    flow_run_id       VARCHAR,
    arguments         VARCHAR
);

-- One row per input that could not be loaded in a run, and why.
CREATE TABLE rejected_inputs (
    run_id       VARCHAR NOT NULL,
    source_uri   VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,   -- empty | binary | encoding | no-article | bad-record | unreadable | not-found | ...
    detail       VARCHAR NOT NULL,
    rejected_at  TIMESTAMP NOT NULL
);
