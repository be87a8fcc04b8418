"""The hostile-input suite (`tests/hostile/cases.py`): one `corpus ingest` over every case's input, then, per case, a
document or a rejection with its reason, never both and never neither; a second run over the same tree adds nothing."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from tests.hostile.cases import CASES, Case, Outcome

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_server")]

DOCUMENT_COLUMNS = ("doc_id", "source_uri", "format", "title", "lede", "text", "language", "encoding", "site_name",
                    "section")
MENTIONS = ("SELECT m.doc_id, m.part, m.start_char, m.end_char, m.text, "
            "CASE m.part WHEN 'text' THEN d.text WHEN 'title' THEN d.title ELSE n.text END "
            "FROM entity_mentions m JOIN documents d USING (doc_id) "
            "LEFT JOIN notes n ON n.doc_id = m.doc_id AND n.note_index = m.note_index ORDER BY m.mention_id")
COUNTED = ("documents", "raw_documents", "paragraphs", "sentences", "entity_mentions", "entities", "quotes",
           "citations", "notes", "links")


def uri(path: Path) -> str:
    """How the warehouse writes a path (undecodable file-name bytes as `\\xNN`)."""
    return os.fsencode(os.path.abspath(path)).decode("utf-8", errors="backslashreplace")


def outcomes(con: duckdb.DuckDBPyConnection, run_id: str, folders: dict[str, Path]) -> dict[str, Outcome]:
    documents = [dict(zip(DOCUMENT_COLUMNS, row)) for row in
                 con.execute(f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM documents ORDER BY source_uri").fetchall()]
    mentions: dict[str, list] = {}
    for doc_id, *mention in con.execute(MENTIONS).fetchall():
        mentions.setdefault(doc_id, []).append(tuple(mention))
    for doc in documents:
        doc["mentions"] = mentions.get(doc["doc_id"], [])
    rejected = [dict(zip(("source_uri", "reason", "detail"), row)) for row in con.execute(
        "SELECT unnest(addresses) AS address, reason, detail FROM rejected_inputs WHERE run_id = ? ORDER BY address",
        [run_id]).fetchall()]
    prefixes = {name: uri(folder) + "/" for name, folder in folders.items()}
    stray = [r["source_uri"] for r in documents + rejected
             if not any(r["source_uri"].startswith(p) for p in prefixes.values())]
    assert not stray, f"rows that belong to no case: {stray}"
    return {name: Outcome(tuple(d for d in documents if d["source_uri"].startswith(prefix)),
                          tuple(r for r in rejected if r["source_uri"].startswith(prefix)))
            for name, prefix in prefixes.items()}


def expected(case: Case, paths: list[Path]) -> str:
    """The case's outcome; a mode-000 input that this process can read anyway (root) is loaded."""
    if case.when_readable and all(os.access(p, os.R_OK | os.X_OK if p.is_dir() else os.R_OK) for p in paths):
        return case.when_readable
    return case.expect


def assert_case(case: Case, expect: str, outcome: Outcome) -> None:
    loaded = {d["source_uri"] for d in outcome.documents}
    rejected = {r["source_uri"] for r in outcome.rejected}
    assert not loaded & rejected, f"{case.name}: both loaded and rejected: {loaded & rejected}"
    assert all(r["detail"] for r in outcome.rejected), f"{case.name}: a rejection without its detail"
    if expect == "loaded":
        assert loaded, f"{case.name}: nothing loaded; rejected {outcome.rejected}"
        if case.reason is None:
            assert not rejected, f"{case.name}: unexpected rejections {outcome.rejected}"
    else:
        assert not loaded and rejected, f"{case.name}: expected a rejection; loaded {sorted(loaded)}"
    assert all(r["reason"] == case.reason for r in outcome.rejected), f"{case.name}: {outcome.rejected}"
    if case.check and expect == case.expect:
        case.check(outcome)


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED}


def test_every_hostile_input_is_loaded_or_rejected_with_its_reason_and_a_rerun_adds_nothing(tmp_path, capsys):
    tree, db = tmp_path / "tree", tmp_path / "hostile.duckdb"
    folders, built, named = {}, {}, []
    for case in CASES:
        folders[case.name] = tree / case.name
        folders[case.name].mkdir(parents=True)
        built[case.name] = case.build(folders[case.name])
        named += [str(p) for p in built[case.name]] if case.named else []
    argv = ["ingest", str(tree), *named, "--db", str(db), "--workers", "1"]
    try:
        assert main(argv) == 0, capsys.readouterr().err
        with duckdb.connect(str(db), read_only=True) as con:
            (run_id, status), = con.execute("SELECT run_id, status FROM ingest_runs").fetchall()
            first = outcomes(con, run_id, folders)
            before = counts(con)
        assert status == "completed"
        failures = []
        for case in CASES:
            try:
                assert_case(case, expected(case, built[case.name]), first[case.name])
            except AssertionError as error:
                failures.append(f"{case.name}: {error}")
        assert not failures, "\n".join(failures)

        assert main(argv) == 0, capsys.readouterr().err
        with duckdb.connect(str(db), read_only=True) as con:
            (run_id, n_loaded, status), = con.execute(
                "SELECT run_id, n_loaded, status FROM ingest_runs ORDER BY started_at DESC LIMIT 1").fetchall()
            second = outcomes(con, run_id, folders)
            assert (n_loaded, status) == (0, "completed") and counts(con) == before
        for name in first:
            assert first[name].documents == second[name].documents, name
            assert ({(r["source_uri"], r["reason"]) for r in first[name].rejected} ==
                    {(r["source_uri"], r["reason"]) for r in second[name].rejected}), name
    finally:
        for folder, subdirs, _ in os.walk(tree):
            for sub in subdirs:
                os.chmod(os.path.join(folder, sub), 0o755)  # let tmp_path be removed
