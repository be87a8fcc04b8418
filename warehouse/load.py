"""Open the warehouse and load batches of annotated articles, one transaction per batch.

Loading is keyed by content: a document whose `content_sha256` is already in the warehouse is
skipped before any work is done on it, and a document whose source changed replaces all its rows.
Rows are staged as Arrow tables and inserted in bulk.
"""

from __future__ import annotations

import bisect
import errno
import hashlib
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from corpus.entities import entity_id, entity_key, key_label
from corpus.records import AnnotatedArticle, Rejection
from corpus.roles import role_key
from warehouse.migrate import migrate as apply_migrations
from warehouse.search import build_search_index, has_search_index, load_fts
from warehouse.state import SourceItem, save_items
from warehouse.transaction import transaction

DOCUMENT_TABLES = ("quote_entities", "role_mentions", "raw_documents", "paragraphs", "sentences", "entity_mentions", "notes",
                   "note_refs", "links", "citations", "documents")
"""Tables whose rows belong to one document and are replaced with it; quotes and their citation links
are replaced first, as quote_citations is keyed by quote."""


REFRESH_ENTITIES = (
    "DELETE FROM entity_aliases WHERE entity_id IN (SELECT entity_id FROM affected_entities)",
    """
    INSERT INTO entity_aliases
    SELECT alias_key, entity_id, first(text ORDER BY n DESC, text) AS alias, sum(n) AS n_mentions
    FROM (SELECT alias_key, entity_id, text, count(*) AS n FROM entity_mentions
          WHERE entity_id IN (SELECT entity_id FROM affected_entities) GROUP BY ALL)
    GROUP BY alias_key, entity_id
    """,
    """
    UPDATE entities SET name = s.name, aliases = s.aliases, n_mentions = s.n_mentions, n_docs = s.n_docs,
        first_seen = s.first_seen, last_seen = s.last_seen
    FROM (
        WITH affected_mentions AS (
            SELECT m.entity_id, m.doc_id, m.text, m.canonical_name, d.published_date
            FROM entity_mentions m JOIN documents d USING (doc_id)
            WHERE m.entity_id IN (SELECT entity_id FROM affected_entities)
        ),
        name_counts AS (SELECT entity_id, canonical_name, count(*) AS n FROM affected_mentions GROUP BY ALL),
        alias_counts AS (SELECT entity_id, text, count(*) AS n FROM affected_mentions GROUP BY ALL),
        entity_summary AS (
            SELECT entity_id, count(*) AS n_mentions, count(DISTINCT doc_id) AS n_docs,
                min(published_date) AS first_seen, max(published_date) AS last_seen
            FROM affected_mentions GROUP BY entity_id
        )
        SELECT entity_id, n.name, a.aliases, e.n_mentions, e.n_docs, e.first_seen, e.last_seen
        FROM entity_summary e
        JOIN (SELECT entity_id, first(canonical_name ORDER BY n DESC, canonical_name) AS name
              FROM name_counts GROUP BY entity_id) n USING (entity_id)
        JOIN (SELECT entity_id, list(text ORDER BY n DESC, text) AS aliases
              FROM alias_counts GROUP BY entity_id) a USING (entity_id)
    ) s
    WHERE entities.entity_id = s.entity_id
    """,
    "DELETE FROM entities WHERE entity_id IN (SELECT entity_id FROM affected_entities) "
    "AND NOT EXISTS (SELECT 1 FROM entity_mentions m WHERE m.entity_id = entities.entity_id)",
)
"""Recompute `entities` and `entity_aliases` for the ids in the temporary table `affected_entities` from their
mentions, and drop the entities no mention names any more: loading a batch touches only its own entities."""

REBUILD_SUMMARIES = (
    "DELETE FROM entity_pairs",
    "INSERT INTO entity_pairs SELECT * FROM pairs_in_documents('documents')",
    "DELETE FROM entity_top_comentions",
    "INSERT INTO entity_top_comentions SELECT * FROM top_comentions_of('entities')",
)
"""`entity_pairs` and `entity_top_comentions` from every document, once per run (`rebuild_summaries`): 7 s on the
full OrangeSum corpus (2.4 million pairs). Kept up to date per batch instead, a batch's scattered updates to a million
pair rows made each commit rewrite most of the table: the checkpoint took 6.6 s on 10,000 articles, the batch's own
rows 2.4 s."""


REFUSED_WRITES = ("No space left on device", "File too large", "Disk quota exceeded")
"""How the system's refusals of a write (ENOSPC, EFBIG, EDQUOT) read in DuckDB's errors, which carry no errno."""


def refused_write(error: BaseException | None) -> str | None:
    """The first line of `error`, or of an error it came from, when the system refused to write (a full disk, a file
    over the size limit, a quota): the one cause a user must act on outside the pipeline."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        codes = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
        if (isinstance(error, OSError) and error.errno in codes) or any(m in str(error) for m in REFUSED_WRITES):
            return str(error).strip().splitlines()[0]
        error = error.__cause__ or error.__context__
    return None


class WarehouseError(RuntimeError):
    """The database cannot be used; the message is one line for the user."""


def doc_id_for(source_uri: str) -> str:
    return hashlib.sha256(source_uri.encode("utf-8")).hexdigest()[:16]


LOCK_WAIT_SECONDS = 60.0
"""How long (unless $CORPUS_LOCK_WAIT gives other seconds) a connection waits for the file while another process
holds it (DuckDB allows one writer, or readers): an ingest run holds it only while a batch loads, and a reader only
while its query runs, so a second ingest run, a scheduled run while the dashboard reads, or `corpus query` during a
run, waits for its turn; a file held longer than this is reported as in use."""


@contextmanager
def open_warehouse(path: str | Path, read_only: bool = False, wait_seconds: float | None = None, *,
                   migrate: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse at `path`, migrated to the latest schema unless read-only or `migrate` is
    false: a run migrates once, as it starts, and its batch loads then open the file without migrating (migrating
    recreates every view, 0.1-0.5 s an open); the migrating open also recomputes the entities a killed run left stale.
    While another process holds the file, retry for `wait_seconds` (default: `LOCK_WAIT_SECONDS`)."""
    path = Path(path)
    if path.is_dir():
        raise WarehouseError(f"cannot use {path} as the database: it is a directory")
    if read_only and not path.exists():
        raise WarehouseError(f"no database at {path}: run `corpus ingest` first")
    if wait_seconds is None:
        wait_seconds = float(os.environ.get("CORPUS_LOCK_WAIT", LOCK_WAIT_SECONDS))
    con = _connect(path, read_only, wait_seconds)
    try:
        con.execute("SET enable_progress_bar = false")  # a long migration would draw one over the console's progress
        if read_only or migrate:
            load_fts(con)  # for `document_search` and the index; a batch's load needs neither (50 ms an open)
        if migrate and not read_only:
            apply_migrations(con)
            refresh_stale_entities(con)
            if not has_search_index(con):
                build_search_index(con)
        yield con
    finally:
        con.close()


WAITING_SECONDS = 3.0
"""How recent the mark of a waiting connection (`waiting_mark`) must be for the writer to let it in: a waiting open
renews it at each retry, at least every second."""


def waiting_mark(path: str | Path) -> Path:
    """The file whose modification time says that a connection is waiting for the warehouse at `path`: DuckDB tells
    the process that holds a file nothing of those it turns away, so they say it here, and the run's writer, which
    would otherwise hold the file for `HOLD_SECONDS`, lets it go after its current batch."""
    path = Path(path)
    return path.with_name(path.name + ".waiting")


def someone_waiting(path: str | Path) -> bool:
    try:
        return time.time() - waiting_mark(path).stat().st_mtime < WAITING_SECONDS
    except OSError:
        return False


def _connect(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    waited = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config={"autoinstall_known_extensions": False})
            if waited:
                waiting_mark(path).unlink(missing_ok=True)  # others still waiting renew it at their next retry
            return con
        except duckdb.IOException as error:
            message = str(error).splitlines()[0]
            if "lock" not in message.lower():
                raise WarehouseError(f"cannot open {path} as a DuckDB database: {message}") from error
            waited = True
            try:
                waiting_mark(path).touch()
            except OSError:
                pass  # a read-only folder: the writer lets go after `HOLD_SECONDS` all the same
            left = deadline - time.monotonic()
            if left <= 0:
                waited = f", and stayed so for {wait_seconds:.0f} s" if wait_seconds else ""
                raise WarehouseError(f"{path} is in use by another process that writes to it{waited} ({message})"
                                     ) from error
            time.sleep(min(delay, left))
            delay = min(delay * 2, 1.0)
        except duckdb.Error as error:
            raise WarehouseError(f"cannot open {path} as a DuckDB database: {str(error).splitlines()[0]}") from error


def known_content(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The content hashes already loaded: inputs with one of these are skipped."""
    return {row[0] for row in con.execute("SELECT content_sha256 FROM documents").fetchall()}


def stale_documents(con: duckdb.DuckDBPyConnection, version: str) -> list[str]:
    """The documents another pipeline version annotated, by doc_id."""
    return [doc_id for (doc_id,) in con.execute(
        "SELECT doc_id FROM documents WHERE pipeline_version IS DISTINCT FROM ? ORDER BY doc_id", [version]).fetchall()]


@dataclass(frozen=True)
class StoredInput:
    """A document's input as the warehouse keeps it: what reprocessing parses again, with no file or network."""
    source_uri: str
    format: str
    content: str
    content_sha256: str
    encoding: str | None


def stored_inputs(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> list[StoredInput]:
    rows = con.execute(
        "SELECT d.source_uri, d.format, r.raw_content, d.content_sha256, d.encoding FROM documents d "
        "JOIN raw_documents r USING (doc_id) WHERE d.doc_id IN (SELECT unnest(?)) ORDER BY d.doc_id",
        [list(doc_ids)]).fetchall()
    return [StoredInput(*row) for row in rows]


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, *, pipeline_version: str, flow_run_id: str | None,
              arguments: str, source: str | None = None) -> None:
    con.execute(
        "INSERT INTO ingest_runs (run_id, started_at, status, pipeline_version, flow_run_id, arguments, source) "
        "VALUES (?, now()::TIMESTAMP, 'running', ?, ?, ?, ?)",
        [run_id, pipeline_version, flow_run_id, arguments, source],
    )


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str) -> dict:
    con.execute("UPDATE ingest_runs SET finished_at = now()::TIMESTAMP, status = ? WHERE run_id = ?", [status, run_id])
    row = con.execute(
        "SELECT n_inputs, n_loaded, n_changed, n_skipped, n_rejected FROM ingest_runs WHERE run_id = ?", [run_id]
    ).fetchone()
    return dict(zip(("n_inputs", "n_loaded", "n_changed", "n_skipped", "n_rejected"), row))


@dataclass(frozen=True)
class BatchResult:
    n_loaded: int
    n_changed: int
    """Of the loaded documents, those that replaced an earlier version."""
    n_skipped: int
    n_rejected: int
    n_mentions: int
    n_quotes: int


STALE_ENTITIES = "SELECT entity_id FROM stale_entities UNION SELECT entity_id FROM entities WHERE n_mentions IS NULL"
"""The entities whose counts, name and aliases are out of date: those the loads since the last refresh marked, and
those loaded before schema 004 (no counts)."""


def refresh_stale_entities(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute the stale entities (`STALE_ENTITIES`) in one transaction; return how many there were."""
    with transaction(con):
        return _refresh_stale(con)


def _refresh_stale(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(f"CREATE OR REPLACE TEMP TABLE affected_entities AS {STALE_ENTITIES}")
    n_stale = con.execute("SELECT count(*) FROM affected_entities").fetchone()[0]
    if n_stale:
        for sql in REFRESH_ENTITIES:
            con.execute(sql)
        con.execute("DELETE FROM stale_entities")
    con.execute("DROP TABLE affected_entities")
    return n_stale


def rebuild_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the stale entities, then rebuild the corpus-wide summaries (`REBUILD_SUMMARIES`, which read the
    entities) and the full-text index: each in one transaction, so that readers see the old ones or the new ones."""
    refresh_stale_entities(con)
    with transaction(con):
        for sql in REBUILD_SUMMARIES:
            con.execute(sql)
    build_search_index(con)


def load_batch(con: duckdb.DuckDBPyConnection, run_id: str, articles: Sequence[AnnotatedArticle],
               rejections: Sequence[Rejection], n_skipped: int, items: Sequence[SourceItem] = (), *,
               refresh_entities: bool = True) -> BatchResult:
    """Load one batch in one transaction: its documents with all their rows, its rejections, the state of its
    source's items, and the run's counters. Either all of it lands or none of it does.

    The entities the batch mentions (and those the documents it replaces mentioned) are marked stale, and recomputed
    in the same transaction if `refresh_entities`; an ingest run leaves them to the end of the run (`rebuild_summaries`),
    so that a batch's load costs its own rows, not a join over every mention of the entities it names."""
    staged = _stage(articles, run_id)
    try:
        for name, table in staged.items():
            con.register(f"staged_{name}", table)
        with transaction(con):
            con.execute("CREATE OR REPLACE TEMP TABLE batch_documents AS SELECT doc_id FROM staged_documents")
            replaced = "SELECT doc_id FROM documents WHERE doc_id IN (SELECT doc_id FROM batch_documents)"
            n_changed = con.execute(f"SELECT count(*) FROM ({replaced})").fetchone()[0]
            if n_changed:
                con.execute("INSERT INTO stale_entities SELECT DISTINCT entity_id FROM entity_mentions "
                            f"WHERE doc_id IN ({replaced}) ON CONFLICT DO NOTHING")
                con.execute("DELETE FROM quote_citations WHERE quote_id IN "
                            "(SELECT quote_id FROM quotes WHERE doc_id IN (SELECT doc_id FROM batch_documents))")
                con.execute("DELETE FROM quotes WHERE doc_id IN (SELECT doc_id FROM batch_documents)")
                for table in DOCUMENT_TABLES:
                    con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM batch_documents)")
            con.execute("INSERT INTO documents BY NAME SELECT *, now()::TIMESTAMP AS ingested_at FROM staged_documents")
            for table in ("raw_documents", "paragraphs", "sentences", "entity_mentions", "notes", "note_refs", "links",
                          "quotes", "citations", "quote_citations", "role_mentions"):
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM staged_{table}")
            con.execute("INSERT INTO quote_entities SELECT * FROM quote_entities_in('batch_documents')")
            con.execute("INSERT INTO entities BY NAME SELECT * FROM staged_entities ON CONFLICT DO NOTHING")
            con.execute("INSERT INTO stale_entities SELECT DISTINCT entity_id FROM staged_entity_mentions "
                        "ON CONFLICT DO NOTHING")
            if refresh_entities:
                _refresh_stale(con)
            con.execute("DROP TABLE batch_documents")
            if rejections:
                con.executemany(
                    "INSERT INTO rejected_inputs VALUES (?, ?, ?, ?, now()::TIMESTAMP)",
                    [[run_id, r.source_uri, r.reason, r.detail] for r in rejections],
                )
            save_items(con, run_id, items)
            con.execute(
                "UPDATE ingest_runs SET n_inputs = n_inputs + ?, n_loaded = n_loaded + ?, n_changed = n_changed + ?, "
                "n_skipped = n_skipped + ?, n_rejected = n_rejected + ? WHERE run_id = ?",
                [len(articles) + n_skipped + len(rejections), len(articles), n_changed, n_skipped, len(rejections),
                 run_id],
            )
    finally:
        for name in staged:
            con.unregister(f"staged_{name}")
    return BatchResult(len(articles), n_changed, n_skipped, len(rejections), staged["entity_mentions"].num_rows,
                       staged["quotes"].num_rows)


HOLD_SECONDS = 20.0
"""How long (unless $CORPUS_HOLD_SECONDS gives other seconds) a run's writer keeps the warehouse open across its
batch loads before it lets readers in: closing the file checkpoints it, and a checkpoint costs more the bigger the
warehouse (0.7 s at 6,400 documents), so closing after every batch of 64 made loading a quarter of a run's time. A
connection that waits for the file says so (`waiting_mark`), and the writer lets it in sooner: after its current
batch, or within a quarter of a second while the flow waits for annotations."""


WRITER_THREADS = 1
"""DuckDB threads of a run's writer. A batch's inserts are small, and the NLP workers keep every core busy meanwhile:
with DuckDB's default (one thread a core), the loads of 640 documents beside two workers took 2.6-2.9 s, with one
thread 2.1-2.4 s (two runs each, `flows/ingest.py` at 2 workers). The setting is the open database's: the summaries
at the end of a run open the file once the writer has closed it, with every thread."""


class BatchWriter:
    """The one writer of a run: opens the warehouse (without migrating) for the first batch, keeps it across the
    loads that follow, and closes it once it has been held `hold_seconds` or another connection waits for it
    (`let_in`), after a failed load (the retry opens it afresh), and at the end (`release`, or leaving the `with`
    block)."""

    def __init__(self, path: str | Path, hold_seconds: float | None = None):
        self.path = path
        self.hold_seconds = float(os.environ.get("CORPUS_HOLD_SECONDS", HOLD_SECONDS)
                                  ) if hold_seconds is None else hold_seconds
        self._open: ExitStack | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._since = 0.0

    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            opening = ExitStack()
            self._con = opening.enter_context(open_warehouse(self.path, migrate=False))
            self._con.execute(f"SET threads = {WRITER_THREADS}")
            self._open, self._since = opening, time.monotonic()
        return self._con

    def load(self, run_id: str, articles: Sequence[AnnotatedArticle], rejections: Sequence[Rejection],
             n_skipped: int, items: Sequence[SourceItem] = ()) -> BatchResult:
        """`load_batch`, the entities left stale for the end of the run."""
        try:
            return load_batch(self.connection(), run_id, articles, rejections, n_skipped, items, refresh_entities=False)
        except BaseException:
            self.release()
            raise
        finally:
            self.let_in()

    def let_in(self) -> None:
        """Close the warehouse if it has been held `hold_seconds`, or if another connection is waiting for it."""
        if self._con is not None and (time.monotonic() - self._since >= self.hold_seconds
                                      or someone_waiting(self.path)):
            self.release()

    @property
    def holding(self) -> bool:
        return self._con is not None

    def release(self) -> None:
        if self._open is not None:
            opening, self._open, self._con = self._open, None, None
            opening.close()

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()


_OFFSET_RUN = pa.struct([("clean_start", pa.int32()), ("raw_start", pa.int32()), ("length", pa.int32())])
_SCHEMAS = {
    "documents": pa.schema([
        ("doc_id", pa.string()), ("source_uri", pa.string()), ("format", pa.string()), ("title", pa.string()),
        ("section", pa.string()), ("authors", pa.list_(pa.string())), ("published_date", pa.date32()),
        ("written_date", pa.date32()), ("language", pa.string()), ("lede", pa.string()), ("text", pa.string()),
        ("content_sha256", pa.string()), ("pipeline_version", pa.string()), ("run_id", pa.string()),
        ("signature", pa.string()), ("url", pa.string()), ("site_name", pa.string()), ("encoding", pa.string()),
        ("n_chars", pa.int32()),
    ]),
    "raw_documents": pa.schema([
        ("doc_id", pa.string()), ("raw_content", pa.string()), ("raw_text", pa.string()),
        ("offset_map", pa.list_(_OFFSET_RUN)),
    ]),
    "paragraphs": pa.schema([
        ("doc_id", pa.string()), ("paragraph_index", pa.int32()), ("role", pa.string()),
        ("start_char", pa.int32()), ("end_char", pa.int32()),
    ]),
    "sentences": pa.schema([
        ("doc_id", pa.string()), ("sentence_index", pa.int32()), ("paragraph_index", pa.int32()),
        ("start_char", pa.int32()), ("end_char", pa.int32()),
    ]),
    "entity_mentions": pa.schema([
        ("doc_id", pa.string()), ("mention_id", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
        ("text", pa.string()), ("label", pa.string()), ("entity_id", pa.string()), ("sentence_index", pa.int32()),
        ("paragraph_index", pa.int32()), ("canonical_name", pa.string()), ("title", pa.string()),
        ("part", pa.string()), ("note_index", pa.int32()), ("alias_key", pa.string()),
    ]),
    "entities": pa.schema([
        ("entity_id", pa.string()), ("name", pa.string()), ("label", pa.string()), ("entity_key", pa.string()),
    ]),
    "notes": pa.schema([
        ("doc_id", pa.string()), ("note_index", pa.int32()), ("marker", pa.string()), ("text", pa.string()),
    ]),
    "note_refs": pa.schema([
        ("doc_id", pa.string()), ("ref_index", pa.int32()), ("marker", pa.string()), ("char_offset", pa.int32()),
        ("paragraph_index", pa.int32()),
    ]),
    "quotes": pa.schema([
        ("quote_id", pa.string()), ("doc_id", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
        ("text", pa.string()), ("kind", pa.string()), ("speaker_name", pa.string()),
        ("speaker_entity_id", pa.string()), ("speaker_mention", pa.string()), ("cue", pa.string()),
        ("reported_via", pa.string()), ("speaker_start", pa.int32()), ("speaker_end", pa.int32()),
        ("is_conditional", pa.bool_()), ("speaker_from", pa.string()), ("note_markers", pa.list_(pa.string())),
        ("sentence_index", pa.int32()), ("paragraph_index", pa.int32()), ("speaker_role_key", pa.string()),
    ]),
    "role_mentions": pa.schema([
        ("doc_id", pa.string()), ("role_index", pa.int32()), ("start_char", pa.int32()), ("end_char", pa.int32()),
        ("role", pa.string()), ("role_key", pa.string()), ("holder", pa.string()), ("holder_entity_id", pa.string()),
        ("holder_start", pa.int32()), ("holder_end", pa.int32()),
    ]),
    "links": pa.schema([
        ("doc_id", pa.string()), ("link_index", pa.int32()), ("start_char", pa.int32()), ("end_char", pa.int32()),
        ("url", pa.string()),
    ]),
    "citations": pa.schema([
        ("citation_id", pa.string()), ("doc_id", pa.string()), ("marker", pa.string()), ("kind", pa.string()),
        ("raw_text", pa.string()), ("author", pa.string()), ("publication", pa.string()), ("published_date", pa.date32()),
        ("url", pa.string()), ("domain", pa.string()), ("same_as_citation_id", pa.string()), ("title", pa.string()),
        ("publisher", pa.string()), ("year", pa.int32()), ("outlet_key", pa.string()), ("start_char", pa.int32()),
        ("end_char", pa.int32()), ("sentence_index", pa.int32()),
    ]),
    "quote_citations": pa.schema([("quote_id", pa.string()), ("citation_id", pa.string())]),
}


def _stage(articles: Sequence[AnnotatedArticle], run_id: str) -> dict[str, pa.Table]:
    """Column lists for every table, built in one pass over the batch."""
    columns = {name: {field: [] for field in schema.names} for name, schema in _SCHEMAS.items()}

    def add(table: str, *values) -> None:
        for field, value in zip(columns[table], values):
            columns[table][field].append(value)

    entities_seen: set[str] = set()
    for annotated in articles:
        a = annotated.article
        doc = doc_id_for(a.source_uri)
        add("documents", doc, a.source_uri, a.format, a.title, a.section, list(a.authors), a.published_date,
            a.written_date, a.language, a.lede, a.text, a.content_sha256, annotated.pipeline_version, run_id,
            a.signature, a.url, a.site_name, a.encoding, len(a.text))
        raw_content = a.raw_content if a.raw_content is not None else a.raw_text
        add("raw_documents", doc, raw_content, a.raw_text if a.raw_text != raw_content else None,
            [{"clean_start": c, "raw_start": r, "length": n} for c, r, n in a.offset_map.runs])
        for i, p in enumerate(a.paragraphs):
            add("paragraphs", doc, i, p.role, p.start, p.end)
        for i, s in enumerate(annotated.sentences):
            add("sentences", doc, i, s.paragraph_index, s.start, s.end)
        for i, m in enumerate(annotated.mentions):
            eid = entity_id(m.entity_key)
            add("entity_mentions", doc, f"{doc}:{i}", m.start, m.end, m.text, m.label, eid, m.sentence_index,
                m.paragraph_index, m.canonical, m.title, m.part, m.note_index, entity_key(m.text, m.label))
            if eid not in entities_seen:
                entities_seen.add(eid)
                add("entities", eid, m.canonical, key_label(m.entity_key), m.entity_key)
        for i, note in enumerate(a.notes):
            add("notes", doc, i, note.marker, note.text)
        paragraph_starts = [p.start for p in a.paragraphs]
        for i, ref in enumerate(a.note_refs):
            paragraph = max(sum(1 for s in paragraph_starts if s <= ref.offset) - 1, 0)
            add("note_refs", doc, i, ref.marker, ref.offset, paragraph)
        for i, link in enumerate(a.links):
            add("links", doc, i, link.start, link.end, link.url)
        named = {(name, m.label): entity_id(m.entity_key) for m in annotated.mentions if m.label in ("PER", "ORG")
                 for name in (m.text, m.canonical)}
        sentence_starts = [s.start for s in annotated.sentences]
        for i, (q, markers) in enumerate(zip(annotated.quotes, annotated.quote_notes)):
            speaker_id = named.get((q.speaker_name, "PER")) or named.get((q.speaker_name, "ORG"))
            sentence = max(bisect.bisect_right(sentence_starts, q.start) - 1, 0)
            paragraph = annotated.sentences[sentence].paragraph_index if annotated.sentences else 0
            add("quotes", f"{doc}:q{i}", doc, q.start, q.end, q.text, q.kind, q.speaker_name, speaker_id,
                q.speaker_mention, q.cue, q.reported_via, q.speaker_start, q.speaker_end, q.conditional,
                q.speaker_from, list(markers), sentence, paragraph, q.speaker_role)
        for i, r in enumerate(annotated.roles):
            add("role_mentions", doc, i, r.start, r.end, r.role, role_key(r.role), r.holder,
                entity_id(entity_key(r.holder, "PER")), r.holder_start, r.holder_end)
        for c in annotated.citations:
            add("citations", f"{doc}:{c.key}", doc, c.marker, c.kind, c.raw_text, c.author, c.publication,
                c.published_date, c.url, c.domain, f"{doc}:{c.same_as}" if c.same_as else None, c.title, c.publisher,
                c.year, c.outlet_key, c.start, c.end, c.sentence_index)
        for i, keys in enumerate(annotated.quote_citations):
            for key in keys:
                add("quote_citations", f"{doc}:q{i}", f"{doc}:{key}")
    return {name: pa.Table.from_pydict(columns[name], schema=schema) for name, schema in _SCHEMAS.items()}
