"""The `corpus` command: exit codes, one-line errors, stats, and the README's contract with CI."""

import re
import time

import duckdb
import pytest

from flows.cli import main
from tests.conftest import ROOT, SEED, write_lock_held


@pytest.mark.parametrize("argv", [["ingest", "--map", "headline"], ["ingest", "--map", "titre=headline"],
                                  ["ingest", "--batch-size", "0"], ["ingest", "--workers", "2", "--dask", "tcp://h:8786"],
                                  ["bench", "--n", "0"], []])
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2


def test_unusable_database_is_one_line_and_exit_1(tmp_path, capsys):
    not_a_db = tmp_path / "x.duckdb"
    not_a_db.write_text("pas une base " * 200)
    assert main(["ingest", str(SEED), "--db", str(not_a_db)]) == 1
    assert main(["ingest", str(SEED), "--db", str(tmp_path)]) == 1
    assert main(["stats", "--db", str(tmp_path / "none.duckdb")]) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3 and all(line.startswith("corpus: error: ") for line in errors)


@pytest.mark.slow
def test_database_locked_by_another_writer_is_waited_for_then_reported(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CORPUS_LOCK_WAIT", "1.5")
    db = tmp_path / "locked.duckdb"
    with write_lock_held(db):
        started = time.monotonic()
        assert main(["ingest", str(SEED), "--db", str(db)]) == 1
        assert time.monotonic() - started >= 1.5
    assert "in use by another process that writes to it, and stayed so for 2 s" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_ingest_then_stats(tmp_path, capsys, monkeypatch):
    db = tmp_path / "cli.duckdb"
    monkeypatch.setenv("CORPUS_DB", str(db))
    assert main(["ingest", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"completed in [\d.]+ s: 1 documents loaded \(1 new, 0 changed\), 0 unchanged, 0 rejected", out)
    assert main(["stats"]) == 0
    stats = capsys.readouterr().out
    assert re.search(r"documents\s+1\n", stats) and re.search(r"PER\s+Kim Jong Un\s+9\s+1", stats)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
    with duckdb.connect(str(db)) as con:  # what a run killed between its batches and its summaries leaves
        con.execute("UPDATE entities SET n_mentions = NULL, n_docs = NULL")
        con.execute("INSERT INTO stale_entities SELECT entity_id FROM entities")
    assert main(["stats"]) == 0
    assert re.search(r"PER\s+Kim Jong Un\s+9\s+1", capsys.readouterr().out)


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```(?:sh|bash)\n(.*?)\n```", readme, re.DOTALL)
    assert len(commands) >= 2
    test_command = commands[1].strip()
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_a_failing_run_is_one_line_with_details_in_the_log(tmp_path, capsys, monkeypatch):
    import flows.collect

    def broken_parse(raws, jsonl_fields):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(flows.collect.parse_batch, "fn", broken_parse)
    db, log = tmp_path / "f.duckdb", tmp_path / "f.log"
    assert main(["ingest", str(SEED), "--db", str(db), "--log", str(log)]) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors[-1].startswith("corpus: error: the run failed (RuntimeError: disk on fire)")
    assert "Traceback" in log.read_text() and "disk on fire" in log.read_text()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT status, finished_at IS NOT NULL FROM ingest_runs").fetchall() == [("failed", True)]
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_the_dashboard_is_a_corpus_command(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["dashboard", "--help"])
    assert exit.value.code == 0 and "--port" in capsys.readouterr().out


def test_the_dashboard_brings_an_older_warehouses_views_up_to_date(tmp_path, monkeypatch):
    """A warehouse whose views an older version made (here, one view missing) gets this version's before Streamlit
    starts, since the dashboard only opens it read-only."""
    from warehouse.load import open_warehouse

    db = tmp_path / "old.duckdb"
    with open_warehouse(db) as con:
        con.execute("DROP VIEW quoted_people")
    started = []
    monkeypatch.setattr("os.execv", lambda path, command: started.append(command))
    main(["dashboard", "--db", str(db)])
    assert started and "dashboard/app.py" in " ".join(started[0])
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM quoted_people").fetchone() == (0,)


def test_index_brings_the_full_text_index_up_to_date_or_rebuilds_it(tmp_path, capsys):
    from warehouse.load import open_warehouse

    db = str(tmp_path / "i.duckdb")
    with open_warehouse(db):
        pass  # a new warehouse, its index built whole
    assert main(["index", "--db", db]) == 0 and "delta indexed" in capsys.readouterr().out
    assert main(["index", "--rebuild", "--db", db]) == 0 and "rebuilt whole" in capsys.readouterr().out
    missing = tmp_path / "missing.duckdb"
    assert main(["index", "--db", str(missing)]) == 1 and not missing.exists()
    assert capsys.readouterr().err.strip() == f"corpus: error: no database at {missing}: run `corpus ingest` first"
