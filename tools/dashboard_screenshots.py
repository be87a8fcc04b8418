"""Screenshots of every dashboard page for docs/dashboard/: the bundled sample ingested into a temporary warehouse
(or --db FILE), the dashboard served on a free loopback port, each page opened in Debian's headless chromium.

    .venv/bin/python tools/dashboard_screenshots.py [--db FILE] [--out docs/dashboard]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import time
from pathlib import Path

import duckdb
from playwright.sync_api import sync_playwright

from flows.cli import main, sample_corpus
from flows.dashboard import serving

ROOT = Path(__file__).resolve().parent.parent


def pages(db: Path) -> dict[str, tuple[str, str]]:
    """Page name: its path, with a search or document that shows something of the seed article, and a table cell
    that shows once the page is drawn."""
    with duckdb.connect(str(db), read_only=True) as con:
        seed = con.execute("SELECT doc_id FROM documents ORDER BY n_chars DESC LIMIT 1").fetchone()[0]
    return {"overview": ("", "Citations"), "entities": ("entities?q=Kim", "Vladimir Poutine"),
            "quotes": ("quotes?q=pays", "Robert M. Dover"), "sources": ("sources", "The Conversation"),
            "document": (f"document?doc_id={seed}", "Pierre Rousset")}


def shoot(db: Path, out: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out.mkdir(parents=True, exist_ok=True)
    with serving(str(db), port) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        for name, (path, drawn) in pages(db).items():
            started = time.monotonic()
            tab.goto(url + path)
            tab.get_by_test_id("stMain").locator("td, [data-testid=stMetric], table").get_by_text(drawn).first.wait_for()
            tab.wait_for_timeout(1500)  # the last elements and the charts draw after it
            tab.screenshot(path=out / f"{name}.png", full_page=True)
            print(f"{name}: {url + path} in {time.monotonic() - started:.1f} s -> {out / f'{name}.png'}")
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing warehouse (default: the sample, ingested afresh)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "sample.duckdb"
        if args.db is None and main(["ingest", sample_corpus(), "--db", str(db)]) != 0:
            raise SystemExit("the sample did not ingest")
        shoot(db, args.out)
