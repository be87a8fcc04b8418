"""Shared fixtures. Two tiers: `pytest -m "not slow"` leaves out the tests marked slow (servers, subprocess runs, the
browser, Dask, the bench, full-corpus runs, anything that takes seconds), and no fast test may pull the session's
Prefect server. The behaviour tests read the seed and a few Wikinews articles bundled in the repository (as pages, and as JSONL
records in OrangeSum's shape: `wikinews_records`); only the tests that check against the gold sets of ../shared read
it in place, and the dashboard test drives Debian's chromium; without either a test fails under CI=true and is skipped
elsewhere."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "corpus" / "samples" / "articles"
SEED = SAMPLES / "essf-poutine-kim-vostotchny.md"
SHARED_SUBSET = ROOT / "tests" / "fixtures" / "shared"
"""A few files of ../shared, laid out as there (see its README): what the behaviour tests need of it."""

MENTIONS_IN_PLACE = (
    "SELECT m.part, CASE m.part WHEN 'text' THEN d.text WHEN 'title' THEN d.title ELSE n.text END, "
    "m.start_char, m.end_char, m.text FROM entity_mentions m JOIN documents d USING (doc_id) "
    "LEFT JOIN notes n ON n.doc_id = m.doc_id AND n.note_index = m.note_index"
)
"""(part, the string its offsets index, start, end, text) for every mention of the warehouse."""

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def missing(message: str) -> None:
    """Skip the test for want of something outside the project, or fail when CI=true, where it must be there."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def shared(relative: str) -> Path:
    """A path under ../shared, or a skip (a failure when CI=true) if it is missing."""
    path = SHARED / relative
    if not path.exists():
        missing(f"{path} is missing: the tests need ../shared beside the repository")
    return path


WIKINEWS_PAGES = sorted([*(SHARED_SUBSET / "data/articles/wikinews_fr_100/documents").glob("*.html"),
                         *(page for page in SAMPLES.glob("wikinews-*.html") if page.stem != "wikinews-44313")])
"""The CC BY Wikinews pages of the repository, less 44313, one of the articles kept for evaluation outside it."""


def wikinews_records(n: int, pages: int = 1) -> list[dict]:
    """`n` JSONL records in OrangeSum's shape made of the bundled Wikinews pages: `title`, `heading` (the first
    paragraph, its dateline taken off into `date`) and `article`, the other paragraphs glued with no break between
    them, as OrangeSum's are. Record i is page i modulo their number (its article followed by the next `pages` - 1
    pages' for longer records), and its `id` is i: no two lines are alike."""
    from lxml import html

    from corpus.read.dates import split_dateline

    found = []
    for page in WIKINEWS_PAGES:
        tree = html.fromstring(page.read_bytes())
        first, *body = [" ".join(p.text_content().split()) for p in tree.iter("p")]
        date, dateline_end = split_dateline(first)
        lede = first[dateline_end:].lstrip(" .-–")
        found.append({"title": tree.findtext(".//h1").strip(), "heading": lede, "date": date.isoformat(),
                      "article": "".join(body)})
    return [{"id": i, **found[i % len(found)],
             "article": "".join(found[(i + k) % len(found)]["article"] for k in range(pages))} for i in range(n)]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def expected_seed() -> dict:
    return json.loads((SHARED_SUBSET / "seed/expected.json").read_text(encoding="utf-8"))


@contextlib.contextmanager
def write_lock_held(db: Path):
    """Another process holding a write connection to `db` for the block: what a second writer meets."""
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(db)!r})
        print("ready", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.communicate("")


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect API for every flow test of the session (starting one costs ~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


def pytest_collection_modifyitems(items):
    """Keep the fast tier fast: a test that needs the Prefect server must be marked slow."""
    unmarked = [item.nodeid for item in items
                if "prefect_server" in item.fixturenames and item.get_closest_marker("slow") is None]
    if unmarked:
        raise pytest.UsageError(f"tests that use prefect_server must be marked slow: {', '.join(unmarked)}")
