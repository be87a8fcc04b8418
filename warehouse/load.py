"""Open the warehouse and load batches of annotated articles, one transaction per batch.

Loading is keyed by content: a document whose `content_sha256` is already in the warehouse is
skipped before any work is done on it, and a document whose source changed replaces all its rows.
Rows are staged as Arrow tables and inserted in bulk.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from corpus.entities.surnames import PersonDocs, SurnameJoin, surname_joins
from corpus.records import AnnotatedArticle, Rejection
from warehouse.contract import DOCUMENT_TABLES, STAGED_TABLES, RunProcess, RunStatus
from warehouse.errors import WarehouseError
from warehouse.migrate import migrate as apply_migrations
from warehouse.search import build_search_index, has_search_index, load_fts, update_search_index
from warehouse.sqlfiles import sql_text
from warehouse.stage import stage
from warehouse.state import SourceItem, save_items
from warehouse.stories import assign_quote_clusters, assign_stories, keep_stories, with_clusters, with_stories
from warehouse.transaction import transaction

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
              arguments: str, source: str | None = None, process: RunProcess | None = None) -> None:
    """Record a run as `running`, in the process `process` (unknown: only its heartbeat tells whether it lives)."""
    process = process or RunProcess(None, None, None)
    con.execute(
        "INSERT INTO ingest_runs (run_id, started_at, status, pipeline_version, flow_run_id, arguments, source, host, "
        "pid, process_started, heartbeat_at) VALUES (?, now()::TIMESTAMP, 'running', ?, ?, ?, ?, ?, ?, ?, "
        "now()::TIMESTAMP)",
        [run_id, pipeline_version, flow_run_id, arguments, source, process.host, process.pid, process.started],
    )


def running_runs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, RunProcess, object]]:
    """(run_id, process, last heartbeat) of the runs recorded as `running`."""
    rows = con.execute("SELECT run_id, host, pid, process_started, coalesce(heartbeat_at, started_at) FROM ingest_runs "
                       "WHERE status = 'running'").fetchall()
    return [(run_id, RunProcess(host, pid, started), heartbeat) for run_id, host, pid, started, heartbeat in rows]


def abandon_runs(con: duckdb.DuckDBPyConnection, run_ids: Sequence[str]) -> None:
    """Mark these `running` runs `abandoned`, finished at their last heartbeat."""
    if run_ids:
        con.execute("UPDATE ingest_runs SET status = 'abandoned', finished_at = coalesce(heartbeat_at, started_at) "
                    "WHERE status = 'running' AND run_id IN (SELECT unnest(?))", [list(run_ids)])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: RunStatus) -> dict:
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
    matching_seconds: float = 0.0
    """Spent giving the documents their story and the quotes their cluster (`warehouse/stories.py`)."""


def refresh_stale_entities(con: duckdb.DuckDBPyConnection, rejoin_all: bool = False) -> int:
    """Recompute the stale entities (`refresh/stale_entities.sql`) in one transaction, after their surname joins (every
    join if `rejoin_all`); return how many entities there were."""
    with transaction(con):
        return _refresh_stale(con, rejoin_all)


def _refresh_stale(con: duckdb.DuckDBPyConnection, rejoin_all: bool = False) -> int:
    if rejoin_all or con.execute("SELECT count(*) FROM stale_entities").fetchone()[0]:
        join_surnames(con, rejoin_all)
    con.execute(sql_text("warehouse.refresh", "stale_entities"))
    n_stale = con.execute("SELECT count(*) FROM affected_entities").fetchone()[0]
    if n_stale:
        con.execute(sql_text("warehouse.refresh", "entities"))
    con.execute("DROP TABLE affected_entities")
    return n_stale


def join_surnames(con: duckdb.DuckDBPyConnection, everyone: bool = False) -> None:
    """Decide again the surname joins (`corpus.entities.surnames`) of the persons whose names end like a stale
    person's, or of `everyone`, and put them in force (`refresh/surname_joins.sql`), marking stale the entities of
    the documents they change."""
    con.execute(sql_text("warehouse.refresh", "rejoin_scope"), [everyone])
    persons = [PersonDocs(*row) for row in con.execute(sql_text("warehouse.refresh", "person_docs")).fetchall()]
    joins = surname_joins(persons)
    con.register("joins_found", pa.Table.from_pydict(
        {name: [getattr(j, name) for j in joins] for name in SurnameJoin.__dataclass_fields__}))
    try:
        con.execute(sql_text("warehouse.refresh", "surname_joins"))
    finally:
        con.unregister("joins_found")


def update_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Decide every surname join again and recompute the stale entities (about a second on the full OrangeSum
    warehouse: a change of the joining rule reaches it with the next run that loads a document), then the entity
    pairs and top co-mentions of the entities recomputed since the last summaries (`refresh/summaries.sql`), and bring
    the full-text index up to date (`update_search_index`): each in one transaction, so that readers see the old ones
    or the new ones; each but the joins costs what was loaded since."""
    refresh_stale_entities(con, rejoin_all=True)
    with transaction(con):
        con.execute(sql_text("warehouse.refresh", "summaries"))
    update_search_index(con)


def load_batch(con: duckdb.DuckDBPyConnection, run_id: str, articles: Sequence[AnnotatedArticle],
               rejections: Sequence[Rejection], n_skipped: int, items: Sequence[SourceItem] = (), *,
               refresh_entities: bool = True) -> BatchResult:
    """Load one batch in one transaction: its documents with all their rows, its rejections, the state of its
    source's items, and the run's counters. Either all of it lands or none of it does.

    The entities the batch mentions (and those the documents it replaces mentioned) are marked stale, and recomputed
    in the same transaction if `refresh_entities`; an ingest run leaves them to the end of the run (`update_summaries`),
    so that a batch's load costs its own rows, not a join over every mention of the entities it names."""
    staged = stage(articles, run_id)
    try:
        for name, table in staged.items():
            con.register(f"staged_{name}", table)
        with transaction(con):
            con.execute("CREATE OR REPLACE TEMP TABLE batch_documents AS SELECT doc_id FROM staged_documents")
            keep_stories(con)
            n_changed = delete_documents(con)
            started = time.perf_counter()
            staged["documents"] = with_stories(staged["documents"],
                                               assign_stories(con, staged["documents"]["doc_id"].to_pylist()))
            staged["quotes"] = with_clusters(staged["quotes"], assign_quote_clusters(con))
            matching_seconds = time.perf_counter() - started
            for name in ("documents", "quotes"):
                con.register(f"staged_{name}", staged[name])
            _insert_staged(con)
            if refresh_entities:
                _refresh_stale(con)
            con.execute("DROP TABLE batch_documents")
            result = BatchResult(len(articles), n_changed, n_skipped, len(rejections),
                                 staged["entity_mentions"].num_rows, staged["quotes"].num_rows, matching_seconds)
            _record_batch(con, run_id, rejections, items, result)
    finally:
        for name in staged:
            con.unregister(f"staged_{name}")
    return result


def delete_documents(con: duckdb.DuckDBPyConnection, doc_ids: str = "batch_documents") -> int:
    """Delete every row of the loaded documents whose doc_id is in the table named `doc_ids` (a batch's documents that
    replace them, or documents to remove), marking the entities they mentioned stale; return how many there were."""
    listed = f"SELECT doc_id FROM {doc_ids}"
    loaded = f"SELECT doc_id FROM documents WHERE doc_id IN ({listed})"
    n_loaded = con.execute(f"SELECT count(*) FROM ({loaded})").fetchone()[0]
    if n_loaded:
        con.execute("INSERT INTO stale_entities SELECT entity_id FROM entity_mentions WHERE doc_id IN "
                    f"({loaded}) UNION SELECT document_entity_id FROM entity_mentions WHERE doc_id IN ({loaded}) "
                    "ON CONFLICT DO NOTHING")
        con.execute(f"DELETE FROM quote_citations WHERE quote_id IN (SELECT quote_id FROM quotes WHERE doc_id IN "
                    f"({listed}))")
        con.execute(f"DELETE FROM quotes WHERE doc_id IN ({listed})")
        for table in DOCUMENT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN ({listed})")
    return n_loaded


def _insert_staged(con: duckdb.DuckDBPyConnection) -> None:
    """Insert the staged tables, the quote_entities they imply, and the entities not yet known, marked stale."""
    con.execute("INSERT INTO documents BY NAME SELECT *, now()::TIMESTAMP AS ingested_at FROM staged_documents")
    for table in STAGED_TABLES:
        if table not in ("documents", "entities"):
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM staged_{table}")
    con.execute("INSERT INTO quote_entities SELECT * FROM quote_entities_in('batch_documents')")
    con.execute("INSERT INTO entities BY NAME SELECT * FROM staged_entities ON CONFLICT DO NOTHING")
    con.execute("INSERT INTO document_entities BY NAME SELECT * FROM staged_entities ON CONFLICT DO NOTHING")
    con.execute("INSERT INTO stale_entities SELECT entity_id FROM staged_entity_mentions UNION "
                "SELECT holder_entity_id FROM staged_role_mentions ON CONFLICT DO NOTHING")  # a holder joins too


def _record_batch(con: duckdb.DuckDBPyConnection, run_id: str, rejections: Sequence[Rejection],
                  items: Sequence[SourceItem], result: BatchResult) -> None:
    """The batch's rejections, its source's items, and its counts added to the run's."""
    if rejections:
        once: dict[tuple[str, str], tuple[Rejection, list[str]]] = {}  # an input met twice in a batch is one row
        for r in rejections:
            addresses = once.get((r.input_key, r.reason), (r, []))[1]
            once[r.input_key, r.reason] = (r, addresses + [r.source_uri] * (r.source_uri not in addresses))
        con.executemany(
            "INSERT INTO rejected_inputs VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?, now()::TIMESTAMP, 1, ?, ?, ?) "
            "ON CONFLICT (input_key, reason) DO UPDATE SET source_uri = excluded.source_uri, detail = excluded.detail, "
            "rejected_at = excluded.rejected_at, n_runs = n_runs + (run_id <> excluded.run_id)::INTEGER, "
            "run_id = excluded.run_id, content_sha256 = excluded.content_sha256, "
            "addresses = list_distinct(list_concat(addresses, excluded.addresses))",
            [[run_id, r.source_uri, r.reason, r.detail, run_id, r.content_sha256, r.input_key, addresses]
             for r, addresses in once.values()],
        )
    save_items(con, run_id, items)
    con.execute(
        "UPDATE ingest_runs SET n_inputs = n_inputs + ?, n_loaded = n_loaded + ?, n_changed = n_changed + ?, "
        "n_skipped = n_skipped + ?, n_rejected = n_rejected + ?, heartbeat_at = now()::TIMESTAMP WHERE run_id = ?",
        [result.n_loaded + result.n_skipped + result.n_rejected, result.n_loaded, result.n_changed, result.n_skipped,
         result.n_rejected, run_id],
    )


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
