"""Faults, with real processes (`python -m flows.cli ingest`, each in a process group of its own): a run killed and run
again, two runs at once, readers during a run, a full disk, and Ctrl-C. The input is JSONL records in OrangeSum's shape made of
the bundled Wikinews articles (`tests.conftest.wikinews_records`). The runs use the session's Prefect server, except the Ctrl-C one, which starts the ephemeral API
as a user's run does. Figures from these tests are in docs/reliability.md ("Faults")."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import dashboard.data
from flows import lifeline
from flows.cli import main
from tests.conftest import ROOT, wikinews_records, write_jsonl, write_lock_held
from warehouse.load import WarehouseError, open_warehouse, running_runs
from warehouse.query import relations

pytestmark = pytest.mark.slow

PER_DOCUMENT = ("raw_documents", "paragraphs", "sentences", "entity_mentions", "notes", "note_refs", "links",
                "citations", "quotes", "quote_entities")
EVERY_DOCUMENT_HAS = ("raw_documents", "paragraphs", "sentences")
UNIQUE_KEYS = (("documents", "doc_id"), ("entity_mentions", "mention_id"), ("quotes", "quote_id"),
               ("documents", "content_sha256"))
READ_PAUSE = 0.5
"""Seconds between two rounds of reads: readers back to back leave the writer no gap (it gave up after 60 s)."""
PROC = Path("/proc")
INTERRUPTED = "corpus: interrupted; batches already loaded are kept, run again to resume"


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> dict[str, Path]:
    """The first 150 records (10 batches of 16), and two sets of 20 others, each two articles long (as long as
    OrangeSum's: a run of shorter ones ends before a poller sees its first batches); and 150 records four articles
    long, whose warehouse outgrows the small disk (the shorter ones' fits in the blocks DuckDB allocates at once)."""
    records = wikinews_records(190, pages=2)
    folder = tmp_path_factory.mktemp("records")
    parts = {"first": (0, 150), "second": (150, 170), "third": (170, 190)}
    files = {name: write_jsonl(folder / f"{name}.jsonl", records[start:stop]) for name, (start, stop) in parts.items()}
    return {**files, "long": write_jsonl(folder / "long.jsonl", wikinews_records(150, pages=4))}


@pytest.fixture(scope="module")
def env(prefect_server) -> dict[str, str]:
    """The runs' environment: the session's Prefect server, so that no run starts an API of its own; and a writer
    that holds the file for 2 s at a time (20 s by default), so that a reader polling these short runs gets in between
    batches, while a run killed in its middle most likely dies holding it, its last batches committed but not
    checkpointed."""
    from prefect.settings import get_current_settings

    return {**os.environ, "PREFECT_API_URL": get_current_settings().api.url, "CORPUS_HOLD_SECONDS": "2"}


def ingest(env: dict[str, str], db: Path, path: Path, *, workers: int = 1, batch: int = 16,
           **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "ingest", str(path), "--db", str(db), "--batch-size",
                             str(batch), "--workers", str(workers)], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)


def documents_in(db: Path, wait: float = 0) -> int | None:
    """The documents a reader sees now, or None while the writer holds the file (or before it exists). With a `wait`,
    the reader marks that it waits, as `corpus` commands do, and the writer lets it in after its batch."""
    try:
        with open_warehouse(db, read_only=True, wait_seconds=wait) as con:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    except (duckdb.Error, WarehouseError):
        return None


def wait_for_documents(run: subprocess.Popen, db: Path, n: int, timeout: float = 300) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = documents_in(db, wait=5)
        if seen is not None and seen >= n:
            return seen
        assert run.poll() is None, f"the run ended (exit {run.returncode}) before {n} documents: {run.stderr.read()}"
        time.sleep(0.2)
    raise AssertionError(f"no {n} documents in {db} after {timeout:.0f} s")


def views_of(con: duckdb.DuckDBPyConnection) -> list[str]:
    names = {name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    return [name for name in relations(con) if name in names]


def per_document_counts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """For each per-document table, its rows per content hash (doc_ids follow the path, hashes the content)."""
    return {table: dict(con.execute(f"SELECT d.content_sha256, count(t.doc_id) FROM documents d LEFT JOIN {table} t "
                                    "USING (doc_id) GROUP BY 1").fetchall()) for table in PER_DOCUMENT}


def assert_whole(con: duckdb.DuckDBPyConnection) -> int:
    """No document without its rows, no rows without their document, no key twice; the number of documents."""
    for table in EVERY_DOCUMENT_HAS:
        assert con.execute(f"SELECT count(*) FROM documents d WHERE NOT EXISTS "
                           f"(SELECT 1 FROM {table} t WHERE t.doc_id = d.doc_id)").fetchone()[0] == 0, table
    for table in PER_DOCUMENT:
        assert con.execute(f"SELECT count(*) FROM {table} WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
                           ).fetchone()[0] == 0, table
    for table, key in UNIQUE_KEYS:
        assert con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchone()[0] == 0, key
    return con.execute("SELECT count(*) FROM documents").fetchone()[0]


@pytest.fixture(scope="module")
def read_during_run(records, env, tmp_path_factory) -> dict:
    """One run of the 150 records while this process reads the warehouse every `READ_PAUSE` seconds, through
    `corpus query` and the dashboard's `read`: the reference warehouse of a clean single run, and what the readers saw."""
    db = tmp_path_factory.mktemp("clean") / "clean.duckdb"
    started = time.monotonic()
    run = ingest(env, db, records["first"])
    wait_for_documents(run, db, 0)
    seen = {"query": [], "dashboard": []}  # (documents, seconds) per read
    failures = []
    while run.poll() is None:
        out, err = io.StringIO(), io.StringIO()
        began = time.monotonic()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["query", "SELECT count(*) AS n FROM documents", "--db", str(db), "--format", "csv"])
        took = time.monotonic() - began
        if code != 0:
            failures.append(("query", err.getvalue()))
        else:
            seen["query"].append((int(out.getvalue().split()[1]), took))
        began = time.monotonic()
        try:
            counts = dashboard.data.read(db, dashboard.data.counts)
            seen["dashboard"].append((counts["documents"], time.monotonic() - began))
        except Exception as error:
            failures.append(("dashboard", repr(error)))
        time.sleep(READ_PAUSE)
    out, err = run.communicate()
    return {"db": db, "returncode": run.returncode, "stderr": err, "seen": seen, "failures": failures,
            "seconds": time.monotonic() - started}


def test_readers_during_a_run_always_get_an_answer_that_never_goes_back(read_during_run):
    assert read_during_run["returncode"] == 0, read_during_run["stderr"]
    assert read_during_run["failures"] == []
    for reader, reads in read_during_run["seen"].items():
        counts = [n for n, _ in reads]
        assert len(reads) >= 5 and counts == sorted(counts), (reader, counts)
        print(f"{reader}: {len(reads)} reads, slowest {max(s for _, s in reads):.2f} s, "
              f"counts {counts[0]}..{counts[-1]}, run {read_during_run['seconds']:.0f} s")
    with duckdb.connect(str(read_during_run["db"]), read_only=True) as con:
        assert assert_whole(con) == 150


def test_a_killed_run_keeps_whole_batches_and_a_rerun_ends_as_a_clean_run(records, env, read_during_run, tmp_path):
    db = tmp_path / "killed.duckdb"
    started = time.monotonic()
    run = ingest(env, db, records["first"])
    wait_for_documents(run, db, 16)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    killed_after = time.monotonic() - started
    with duckdb.connect(str(read_during_run["db"]), read_only=True) as con:
        clean = per_document_counts(con)
        clean_documents = con.execute("SELECT doc_id, content_sha256 FROM documents ORDER BY 1").fetchall()
        clean_entities = con.execute("SELECT * FROM entities ORDER BY entity_id").fetchall()
    with duckdb.connect(str(db), read_only=True) as con:
        kept = assert_whole(con)
        assert 16 <= kept < 150 and kept % 16 == 0, kept
        assert con.execute("SELECT status, finished_at FROM ingest_runs").fetchall() == [("running", None)]
        assert len(lifeline.dead(running_runs(con))) == 1  # what `corpus stats` shows as gone
        for table, counts in per_document_counts(con).items():
            assert counts == {sha: clean[table][sha] for sha in counts}, f"{table} of a kept document differs"
    with open_warehouse(db, read_only=True) as con:  # what readers see of the warehouse the killed run left
        for view in views_of(con):
            con.execute(f"SELECT count(*) FROM {view}").fetchone()
        assert con.execute("SELECT count(*) FROM entities WHERE n_mentions IS NULL").fetchone()[0] > 0
        assert con.execute(
            "SELECT count(*) FROM entity_stats s JOIN (SELECT entity_id, count(*) AS n FROM entity_mentions "
            "GROUP BY ALL) m USING (entity_id) WHERE s.n_mentions IS DISTINCT FROM m.n").fetchone() == (0,)
    pages = dashboard.data.read(db, lambda c: (
        dashboard.data.counts(c), dashboard.data.documents_per_month(c), dashboard.data.top_entities(c),
        dashboard.data.quotes_by_speaker(c), dashboard.data.quotes_by_outlet(c), dashboard.data.sources(c),
        dashboard.data.women_share_by_month(c, None), dashboard.data.most_quoted(c),
        dashboard.data.anonymous_by_publication(c), dashboard.data.find_documents(c, "")))
    assert pages[0]["documents"] == kept

    started = time.monotonic()
    rerun = ingest(env, db, records["first"])
    out, err = rerun.communicate(timeout=600)
    rerun_took = time.monotonic() - started
    assert rerun.returncode == 0, err
    assert f"{150 - kept} documents loaded" in out and f"{kept} unchanged" in out
    with duckdb.connect(str(db), read_only=True) as con:
        assert assert_whole(con) == 150
        assert con.execute("SELECT doc_id, content_sha256 FROM documents ORDER BY 1").fetchall() == clean_documents
        assert per_document_counts(con) == clean
        assert con.execute("SELECT * FROM entities ORDER BY entity_id").fetchall() == clean_entities
        assert con.execute("SELECT status, finished_at = heartbeat_at FROM ingest_runs ORDER BY started_at"
                           ).fetchall() == [("abandoned", True), ("completed", False)]
    print(f"killed at {kept} documents after {killed_after:.0f} s; the rerun took {rerun_took:.0f} s")


def test_the_processes_of_a_run_die_with_it_whatever_kills_it(records, env, tmp_path):
    """SIGKILL to the command alone (not its group, as the OOM killer or `kill -9` do): its two workers, the pool's
    resource tracker, the server the workers fork from and its lifeline are gone within 30 s."""
    db = tmp_path / "orphans.duckdb"
    run = ingest(env, db, records["first"], workers=2)
    try:
        wait_for_documents(run, db, 16)
        under = lifeline.descendants(run.pid)
        commands = [(PROC / str(pid) / "cmdline").read_bytes() for pid in under]
        forked = sum(b"multiprocessing.forkserver" in c for c in commands)  # the server and the workers forked from it
        assert forked == 3 and any(b"flows.lifeline" in c for c in commands)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 30
        while (alive := [p for p, born in under.items() if lifeline.started_at(p) == born]) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert alive == [], f"still running 30 s after the run was killed: {alive}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)


def test_two_runs_at_once_take_turns_and_load_each_document_once(records, env, tmp_path):
    db = tmp_path / "two.duckdb"
    runs = [ingest(env, db, records[name], batch=5) for name in ("second", "third")]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err for _, err in results]
    with duckdb.connect(str(db), read_only=True) as con:
        assert assert_whole(con) == 40
        assert con.execute("SELECT status, n_loaded FROM ingest_runs").fetchall() == [("completed", 20)] * 2
        spans = con.execute("SELECT run_id, min(ingested_at), max(ingested_at) FROM documents GROUP BY 1").fetchall()
    (_, a_first, a_last), (_, b_first, b_last) = spans
    print(f"loads overlapped: {a_first <= b_last and b_first <= a_last}")


def test_a_run_that_finds_the_database_held_says_so_in_one_line(records, env, tmp_path):
    """The in-process case is `tests/test_cli.py::test_database_locked_by_another_writer_is_waited_for_then_reported`;
    here the real command, whose whole console output must be that line."""
    db = tmp_path / "held.duckdb"
    with write_lock_held(db):
        run = ingest({**env, "CORPUS_LOCK_WAIT": "1"}, db, records["second"])
        out, err = run.communicate(timeout=120)
    assert run.returncode == 1 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"corpus: error: {db} is in use by another process that writes to it, and stayed so for 1 s")


@contextlib.contextmanager
def small_disk(folder: Path):
    """A 40 MB tmpfs on `folder`, with a filler leaving 14 MB free: the filler's path. Mounting needs root (or
    CAP_SYS_ADMIN); without it the test is skipped, even under CI=true, and says why. A per-process file-size limit
    (RLIMIT_FSIZE) is no substitute: it also stops Prefect's own SQLite database, and DuckDB, stopped at the limit in
    its database file, goes on committing into its WAL (docs/reliability.md)."""
    folder.mkdir()
    try:
        mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(folder)], capture_output=True)
    except OSError as error:  # no mount command
        pytest.skip(f"a full disk needs a tmpfs, and mount cannot run here: {error}")
    if mount.returncode != 0:
        pytest.skip(f"a full disk needs a tmpfs, and mount was refused: {mount.stderr.decode().strip()}")
    try:
        (folder / "filler").write_bytes(b"\0" * (26 << 20))
        yield folder / "filler"
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_full_disk_stops_the_run_with_one_line_and_keeps_whole_batches(records, env, tmp_path):
    with small_disk(tmp_path / "disk") as filler:
        db = tmp_path / "disk" / "full.duckdb"
        run = ingest(env, db, records["long"])
        out, err = run.communicate(timeout=600)
        assert run.returncode == 1, err
        assert "Traceback" not in err and "Logging error" not in err, err
        last = err.strip().splitlines()[-1]
        assert last.startswith("corpus: error: a write failed, the disk is full or the file too large (")
        assert "No space left on device" in last
        filler.unlink()
        with open_warehouse(db) as con:
            kept = assert_whole(con)
            assert 16 <= kept < 150 and kept % 16 == 0, kept
            assert con.execute("SELECT status FROM ingest_runs").fetchall() in ([("running",)], [("failed",)])


def test_ctrl_c_during_a_two_worker_run_stops_it_cleanly(records, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    # the writer closes the file after each batch: held 2 s at a time, it let the poller in only once two workers had
    # loaded all 150 documents, and the SIGINT then came after the last batch
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "CORPUS_HOLD_SECONDS": "0"}
    db = tmp_path / "interrupted.duckdb"
    run = ingest(env, db, records["first"], workers=2, batch=8)
    wait_for_documents(run, db, 8)
    os.killpg(run.pid, signal.SIGINT)
    interrupted = time.monotonic()
    out, err = run.communicate(timeout=120)
    stopped_in = time.monotonic() - interrupted
    assert run.returncode == 130, err
    assert err.strip().splitlines()[-1] == INTERRUPTED and "Traceback" not in err and "rror" not in err, err
    with duckdb.connect(str(db), read_only=True) as con:
        kept = assert_whole(con)
        assert 8 <= kept < 150 and kept % 8 == 0
        assert con.execute("SELECT status, finished_at IS NOT NULL, n_loaded FROM ingest_runs").fetchall() == [
            ("interrupted", True, kept)]
    deadline = time.monotonic() + 10
    with pytest.raises(ProcessLookupError):  # no worker left behind
        while time.monotonic() < deadline:
            os.killpg(run.pid, 0)
            time.sleep(0.2)
    print(f"stopped {stopped_in:.1f} s after SIGINT, {kept} documents kept")
