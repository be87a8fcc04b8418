"""Sources files and the runs of their sources: incremental pulls, backfills, and fetch faults recorded."""

from __future__ import annotations

import datetime as dt
import re
import textwrap

import duckdb
import pytest

from flows.cli import main
from flows.config import ConfigError, load_sources
from flows.scheduled import ingest_source
from tests.conftest import SAMPLES
from tests.loopback import Page, atom_feed, feed_page, serving


def write(tmp_path, text: str):
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def rows(db, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def artifact(run_id: str) -> str:
    """The markdown of the Prefect artifact the run `run_id` wrote."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        found = [a.data for a in client.read_artifacts() if f"run {run_id}" in (a.description or "")]
    assert len(found) == 1
    return found[0]


def test_sources_file_gives_kinds_schedules_paths_and_fetch_settings(tmp_path):
    config = load_sources(write(tmp_path, """
        db = "w.duckdb"
        [fetch]
        timeout = "5s"
        per_host = 1
        [[sources]]
        name = "dossiers"
        kind = "files"
        paths = ["articles", "*.md"]
        every = "15m"
        [[sources]]
        name = "actus"
        kind = "feed"
        url = "https://example.org/feed.xml"
        cron = "0 * * * *"
        timezone = "Europe/Paris"
        fetch = { per_host = 3, allow_private = true }
        [[sources]]
        name = "dump"
        kind = "jsonl"
        path = "dump.jsonl.gz"
        map = { lede = "heading" }
    """))
    assert config.db == tmp_path / "w.duckdb" and config.data_dir == tmp_path / ".corpus"
    files, feed, dump = config.sources
    assert files.locations == (str(tmp_path / "articles"), str(tmp_path / "*.md"))
    assert files.schedule.interval_seconds == 900 and files.schedule.cron is None
    assert (feed.schedule.cron, feed.schedule.timezone) == ("0 * * * *", "Europe/Paris")
    assert dict(feed.fetch) == {"timeout": 5.0, "per_host": 3, "allow_private": True}
    assert dict(files.fetch) == {"timeout": 5.0, "per_host": 1}
    assert dump.schedule is None and dump.field_map == (("lede", "heading"),)


@pytest.mark.parametrize("body, message", [
    ('[[sources]]\nname = "a"\nkind = "files"\npaths = ["x"]\nevry = "1h"\n', "unknown key evry"),
    ('[[sources]]\nkind = "files"\npaths = ["x"]\n', "`name` is required"),
    ('[[sources]]\nname = "a"\nkind = "ftp"\n', "`kind` must be one of files, jsonl, feed, urls"),
    ('[[sources]]\nname = "a"\nkind = "files"\npaths = ["x"]\nevery = "soon"\n', "'soon' is not a duration"),
    ('[[sources]]\nname = "a"\nkind = "files"\npaths = ["x"]\nevery = "1h"\ncron = "* * * * *"\n', "not both"),
    ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "file:///etc/passwd"\n', "is not an http(s) URL"),
    ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://x.org/f"\nfile = "f.xml"\n', "one of the two"),
    ('[[sources]]\nname = "a"\nkind = "urls"\nurls = ["https://x.org/1"]\ncron = "hourly"\n', "cron expression"),
    ('[[sources]]\nname = "a"\nkind = "files"\npaths = ["x"]\n[[sources]]\nname = "a"\nkind = "files"\n'
     'paths = ["y"]\n', "repeated: a"),
    ('[fetch]\nper_host = 0\n[[sources]]\nname = "a"\nkind = "files"\npaths = ["x"]\n', "must be positive"),
    ('db = "w.duckdb"\n', "at least one [[sources]]"),
    ('[[sources]\n', "is not valid TOML"),
])
def test_a_bad_sources_file_is_refused_with_the_source_and_key(tmp_path, body, message):
    with pytest.raises(ConfigError, match=None) as error:
        load_sources(write(tmp_path, body))
    assert message in str(error.value) and str(tmp_path / "sources.toml") in str(error.value)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_a_files_source_loads_once_then_only_what_changed_and_backfills_a_window_and_a_folder(tmp_path, capsys):
    articles = tmp_path / "articles"
    articles.mkdir()
    for name in ("wikinews-43971.html", "wikinews-44145.html", "wikinews-44269.html"):
        (articles / name).write_bytes((SAMPLES / name).read_bytes())
    sources = write(tmp_path, '[[sources]]\nname = "local"\nkind = "files"\npaths = ["articles"]\nevery = "1h"\n')
    db = tmp_path / "corpus.duckdb"
    first = ingest_source(str(sources), "local", show_progress=False)
    assert (first["status"], first["n_new"], first["n_changed"], first["n_skipped"]) == ("completed", 3, 0, 0)
    page = articles / "wikinews-44145.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>Mise \xc3\xa0 jour : le bilan s'alourdit.</p></body>"))
    second = ingest_source(str(sources), "local", show_progress=False)
    assert (second["n_new"], second["n_changed"], second["n_skipped"]) == (0, 1, 2)
    assert "| new | 0 |\n| changed | 1 |\n| unchanged, skipped | 2 |\n| rejected | 0 |" in artifact(second["run_id"])
    assert rows(db, "SELECT source, n_loaded, n_changed FROM ingest_runs ORDER BY started_at") == [
        ("local", 3, 0), ("local", 1, 1)]
    assert rows(db, "SELECT count(*), count(DISTINCT doc_id) FILTER (WHERE doc_id IS NOT NULL) FROM source_items "
                    "WHERE status = 'loaded'") == [(3, 3)]

    window = ingest_source(str(sources), "local", db=str(tmp_path / "window.duckdb"), since=dt.date(2012, 6, 1),
                           until=dt.date(2012, 6, 10), recheck=True, show_progress=False)
    assert (window["n_loaded"], window["n_skipped"]) == (1, 2)
    assert rows(tmp_path / "window.duckdb", "SELECT published_date FROM documents") == [(dt.date(2012, 6, 5),)]
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "wikinews-44290.html").write_bytes((SAMPLES / "wikinews-44290.html").read_bytes())
    folder = ingest_source(str(sources), "local", paths=[str(extra)], recheck=True, show_progress=False)
    assert (folder["n_new"], folder["n_skipped"]) == (1, 0)
    assert rows(db, "SELECT arguments FROM ingest_runs WHERE run_id = ?", [folder["run_id"]])[0][0].startswith(
        "backfill local files")
    assert rows(db, "SELECT count(*) FROM documents")[0][0] == 4
    assert main(["stats", "--db", str(db)]) == 0
    assert re.search(r"\n  local +files .* completed +loaded 4\n", capsys.readouterr().out)


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_fetch_faults_are_retried_or_rejected_and_recorded(tmp_path):
    article, other = (SAMPLES / "wikinews-44313.html").read_bytes(), (SAMPLES / "wikinews-44290.html").read_bytes()
    flaky = {"/flaky": lambda n: Page(b"busy", status=500) if n < 3 else Page(article)}
    with serving({"/ok": Page((SAMPLES / "wikinews-44388.html").read_bytes()),
                  "/slow": Page(other, delay=2.0), "/big": Page(b"<html><body>" + b"x" * 300_000 + b"</body></html>"),
                  "/gone": Page(b"gone", status=404), "/blank": Page(b"<html><body><nav>Menu</nav></body></html>"),
                  **flaky}) as site:
        urls = [site.url(p) for p in ("/ok", "/flaky", "/slow", "/big", "/gone", "/blank")]
        sources = write(tmp_path, f"""
            [fetch]
            allow_private = true
            timeout = 0.5
            retries = 2
            max_bytes = 200000
            [[sources]]
            name = "liste"
            kind = "urls"
            urls = {urls!r}
        """.replace("'", '"'))
        db = tmp_path / "corpus.duckdb"
        summary = ingest_source(str(sources), "liste", show_progress=False)
        assert (summary["n_loaded"], summary["n_rejected"]) == (2, 4)
        assert site.hits["/flaky"] == 3 and site.hits["/slow"] == 3 and site.hits["/gone"] == 1
        rejected = dict(rows(db, "SELECT source_uri, reason FROM rejected_inputs"))
        assert rejected == {site.url("/slow"): "timeout", site.url("/big"): "too-large",
                            site.url("/gone"): "http-404", site.url("/blank"): "no-article"}
        assert "3 attempts" in rows(db, "SELECT detail FROM rejected_inputs WHERE reason = 'timeout'")[0][0]
        items = {url: rest for url, *rest in rows(db, "SELECT url, status, reason, attempts, http_status FROM source_items")}
        assert items[site.url("/flaky")] == ["loaded", None, 3, 200]
        assert items[site.url("/slow")][:2] == ["retry", "timeout"]
        assert items[site.url("/gone")] == ["rejected", "http-404", 1, 404]
        assert items[site.url("/blank")] == ["rejected", "no-article", 1, 200], "fetched, then rejected by the parser"

        site.routes["/slow"] = Page(other)
        again = ingest_source(str(sources), "liste", show_progress=False)
        assert (again["n_loaded"], again["n_skipped"], again["n_rejected"]) == (1, 5, 0)
        assert site.hits["/slow"] == 4 and site.hits["/ok"] == 1 and site.hits["/gone"] == 1
        assert rows(db, "SELECT status FROM source_items WHERE url = ?", [site.url("/slow")]) == [("loaded",)]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
def test_a_feed_is_read_conditionally_and_never_followed_to_another_scheme(tmp_path):
    with serving({"/a": Page((SAMPLES / "wikinews-43971.html").read_bytes())}) as site:
        when = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
        body = atom_feed(site, [("urn:a", "/a", when)]).replace(
            b"</feed>", b'<entry><id>urn:b</id><title>B</title><link href="file:///etc/passwd"/>'
                        b"<updated>2024-05-01T09:00:00Z</updated></entry></feed>")
        site.routes["/feed.xml"] = feed_page(body)
        sources = write(tmp_path, f'[fetch]\nallow_private = true\n[[sources]]\nname = "f"\nkind = "feed"\n'
                                  f'url = "{site.url("/feed.xml")}"\n')
        db = tmp_path / "corpus.duckdb"
        first = ingest_source(str(sources), "f", show_progress=False)
        assert (first["n_loaded"], first["n_rejected"]) == (1, 1)
        assert rows(db, "SELECT source_uri, reason FROM rejected_inputs") == [("file:///etc/passwd", "bad-scheme")]
        second = ingest_source(str(sources), "f", show_progress=False)
        assert (second["n_loaded"], second["n_rejected"], second["n_inputs"]) == (0, 0, 0)
        assert rows(db, "SELECT last_status, etag IS NOT NULL FROM source_state") == [("not-modified", True)]
        assert site.hits["/a"] == 1 and site.hits["/feed.xml"] == 2
