"""`corpus serve` for real: it starts its own Prefect server on 127.0.0.1, serves a feed source every few seconds, and
the scheduled runs pick up what the feed adds, until SIGINT stops both."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
import yaml

from flows import lifeline
from flows.config import load_sources
from flows.serve import free_port
from tests.conftest import ROOT, SAMPLES
from tests.loopback import Page, atom_feed, feed_page, serving

pytestmark = pytest.mark.slow

PAGES = sorted(p.name for p in SAMPLES.glob("wikinews-*.html"))[:3]
T0 = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.timezone.utc)


def runs(db: Path) -> list[tuple]:
    """The finished runs, read while the served runs write: a failed open (the writer holds the file) is no rows."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute("SELECT flow_run_id, status, n_loaded, n_skipped, n_rejected FROM ingest_runs "
                               "WHERE source = 'actus' AND status <> 'running' ORDER BY started_at").fetchall()
    except duckdb.Error:
        return []


FINAL_STATES = ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")


def wait_for(condition, what: str, process: subprocess.Popen, timeout: float = 240.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        assert process.poll() is None, f"corpus serve stopped (exit {process.returncode}) while waiting for {what}"
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def start_serve(tmp_path: Path, site, output: int) -> tuple[subprocess.Popen, int]:
    """`corpus serve` of a sources file scheduling the site's feed every 3 s, on a free port, its output to `output`;
    the process and the port."""
    sources = tmp_path / "sources.toml"
    sources.write_text(f'db = "corpus.duckdb"\n[fetch]\nallow_private = true\n\n[[sources]]\nname = "actus"\n'
                       f'kind = "feed"\nurl = "{site.url("/feed.xml")}"\nevery = "3s"\n', encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    serve = subprocess.Popen([sys.executable, "-m", "flows.cli", "serve", "--sources", str(sources),
                              "--port", str(port), "--no-ui"], cwd=tmp_path, env=env,
                             stdout=output, stderr=subprocess.STDOUT)
    return serve, port


def test_serve_runs_the_feed_on_schedule_and_second_run_loads_only_the_new_entry(tmp_path):
    with serving() as site:
        for name in PAGES:
            site.routes[f"/articles/{name}"] = Page((SAMPLES / name).read_bytes())
        entries = [(f"urn:actus:{i}", f"/articles/{name}", T0 + dt.timedelta(hours=i)) for i, name in enumerate(PAGES)]
        site.routes["/feed.xml"] = feed_page(atom_feed(site, entries[:2]))
        db = tmp_path / "corpus.duckdb"
        serve, port = start_serve(tmp_path, site, subprocess.PIPE)
        try:
            first = wait_for(lambda: [r for r in runs(db) if r[2]], "a run that loads the first entries", serve)
            assert first[0][1:] == ("completed", 2, 0, 0)
            site.routes["/feed.xml"] = feed_page(atom_feed(site, entries))
            wait_for(lambda: [r for r in runs(db) if r[2]][1:], "a run that loads the added entry", serve)
            api = f"http://127.0.0.1:{port}/api"
            request = urllib.request.Request(f"{api}/flow_runs/filter", data=b"{}", method="POST",
                                             headers={"Content-Type": "application/json"})

            def flow_runs_ended() -> dict | None:
                """Prefect's flow runs, once those of the two loading runs have ended there: a run records its end in
                the warehouse before its summaries, and Prefect after them."""
                with urllib.request.urlopen(request, timeout=10) as response:
                    found = {r["id"]: r for r in json.load(response)}
                ids = [r[0] for r in runs(db) if r[2]]
                ended = len(ids) >= 2 and all(found.get(i, {}).get("state_type") in FINAL_STATES for i in ids)
                return found if ended else None

            flow_runs = wait_for(flow_runs_ended, "the loading flow runs to end in Prefect", serve, timeout=60)
        finally:
            serve.send_signal(signal.SIGINT)
            try:
                output = serve.communicate(timeout=90)[0].decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                serve.kill()
                output = serve.communicate()[0].decode("utf-8", "replace")
                pytest.fail(f"corpus serve did not stop within 90 s of SIGINT:\n{output[-3000:]}")

    assert serve.returncode == 130, output[-3000:]
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the local Prefect server still listens after serve stopped"
    done = runs(db)
    loading = [r for r in done if r[2]]
    assert [r[2] for r in loading] == [2, 1], done
    assert loading[1][3] == 2, "the second loading run skips the two entries it has seen without fetching them"
    assert all(r[1] == "completed" for r in loading)
    for flow_run_id, *_ in loading:
        assert flow_runs[flow_run_id]["auto_scheduled"], "the runs were created by the server's scheduler"
        assert flow_runs[flow_run_id]["state_type"] == "COMPLETED"
    assert all(site.hits[f"/articles/{name}"] == 1 for name in PAGES), site.hits
    assert site.hits["/feed.xml"] >= 2
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT source_uri) FROM documents").fetchone() == (3, 3)
        assert con.execute("SELECT list(status ORDER BY item_key) FROM source_items").fetchone()[0] == ["loaded"] * 3
        assert con.execute("SELECT count(*) FROM raw_documents r JOIN documents d USING (doc_id) "
                           "WHERE r.raw_content LIKE '%<html%'").fetchone()[0] == 3, "the fetched pages are stored"
        assert con.execute("SELECT last_status FROM source_state WHERE source = 'actus'").fetchone()[0] in (
            "completed", "not-modified")
    assert (tmp_path / ".corpus" / "prefect" / "prefect.db").exists(), "the server kept its state under data_dir"


def test_a_killed_serve_leaves_no_process_behind(tmp_path):
    """SIGKILL to `corpus serve` alone, once a scheduled run has loaded: its Prefect server, its runner and what the
    runner started are gone within 30 s, and the server's port is free."""
    with serving() as site:
        site.routes[f"/articles/{PAGES[0]}"] = Page((SAMPLES / PAGES[0]).read_bytes())
        site.routes["/feed.xml"] = feed_page(atom_feed(site, [("urn:actus:0", f"/articles/{PAGES[0]}", T0)]))
        serve, port = start_serve(tmp_path, site, subprocess.DEVNULL)
        try:
            wait_for(lambda: [r for r in runs(tmp_path / "corpus.duckdb") if r[2]], "a run that loads", serve)
            under = lifeline.descendants(serve.pid)
            assert len(under) >= 3, under  # the lifeline, the server, the runner
            serve.kill()
            serve.wait()
            deadline = time.monotonic() + 30
            while (alive := [p for p, born in under.items() if lifeline.started_at(p) == born]) \
                    and time.monotonic() < deadline:
                time.sleep(0.5)
            assert alive == [], f"still running 30 s after serve was killed: {alive}"
        finally:
            if serve.poll() is None:  # the test failed before the kill
                for pid in lifeline.descendants(serve.pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                serve.kill()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0, "the Prefect server still listens after serve was killed"


def test_prefect_yaml_declares_the_deployments_of_sources_toml():
    config = load_sources(ROOT / "sources.toml")
    declared = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    scheduled = {s.name: s for s in config.sources if s.schedule}
    assert {d["name"] for d in declared} == set(scheduled)
    for deployment in declared:
        source = scheduled[deployment["name"]]
        assert deployment["entrypoint"] == "flows/scheduled.py:ingest_source"
        assert deployment["parameters"] == {"sources_file": "sources.toml", "source": source.name}
        (schedule,) = deployment["schedules"]
        assert schedule.get("interval") == source.schedule.interval_seconds
        assert schedule.get("cron") == source.schedule.cron
        assert deployment["work_pool"]["name"] == "corpus"
        assert deployment["concurrency_limit"] == 1
