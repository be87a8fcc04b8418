"""Time each dashboard page on a warehouse, two ways, the median of three each:

- **queries**: the queries behind the page, as a render runs them (one read-only connection per render);
- **browser**: from the click on the page's link in the top navigation to the page drawn in headless Chromium
  (the page's last table, chart or text shown, its charts drawn), through a Streamlit server on the warehouse.

    .venv/bin/python tools/bench_dashboard.py corpus.duckdb [--queries-only]

The browser needs Debian's `chromium` (`.ci/run` installs it) and the `dashboard` extra.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import sys
import time

from dashboard import data

ROUNDS = 3
CHARTS = "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg"
PAGES = {
    # page title in the navigation: (text only that page shows, what it draws last)
    "Overview": ("Documents per month of publication", CHARTS),
    "Entities": ("Most mentioned entities", "[data-testid=stTable] >> nth=-1"),
    "Quotes": ("By outlet credited", "[data-testid=stTable] >> nth=-1"),
    "Sources": ("Outlets cited", "[data-testid=stTable]"),
    "Voices": ("Who the quotes come from, per publication", "[data-testid=stTable] >> nth=-1"),
    "Document": ("Title contains", ".doc-text"),
}


def page_queries(con) -> dict:
    """Each page's queries, for the most mentioned person and a document that names them."""
    person = con.execute("SELECT entity_id, name FROM entities WHERE label = 'PER' ORDER BY n_mentions DESC LIMIT 1"
                         ).fetchone()
    doc_id = con.execute("SELECT doc_id FROM entity_mentions WHERE entity_id = ? ORDER BY doc_id LIMIT 1",
                         [person[0]]).fetchone()[0]
    return {
        "Overview": lambda c: (data.counts(c), data.documents_per_month(c)),
        "Entities": lambda c: (data.find_entities(c, ""), data.entity_timeline(c, person[0]),
                               data.comentions(c, person[0]), data.top_entities(c)),
        "Quotes": lambda c: (data.quotes_by_speaker(c), data.quotes_by_outlet(c), data.search_quotes(c, "retraites")),
        "Sources": data.sources,
        "Voices": lambda c: (data.publications(c), data.women_share_by_month(c, None),
                             data.women_share_by_publication(c), data.most_quoted(c),
                             data.anonymous_by_publication(c)),
        "Document": lambda c: (data.find_documents(c, ""), data.document(c, doc_id)),
    }


def time_queries(db: str) -> dict[str, float]:
    medians = {}
    for page, queries in data.read(db, page_queries).items():
        times = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            data.read(db, queries)
            times.append(time.perf_counter() - started)
        medians[page] = statistics.median(times)
    return medians


def time_in_browser(db: str) -> dict[str, float]:
    """Click to drawn, per page: every page visited once per round, in the navigation's order, after a first load
    of the app that is not timed (Streamlit's start of a session)."""
    from playwright.sync_api import sync_playwright

    from flows.dashboard import serving

    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("error: Debian's chromium is not installed (apt-get install chromium), or use --queries-only")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    times: dict[str, list[float]] = {page: [] for page in PAGES}
    with serving(db, port) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(url)
        _wait_drawn(tab, *PAGES["Overview"])
        for _ in range(ROUNDS):
            for page, (text, last) in [*list(PAGES.items())[1:], next(iter(PAGES.items()))]:
                link = tab.get_by_test_id("stTopNavLink").filter(has_text=page)
                link = link if link.count() else tab.get_by_role("link", name=page, exact=True)
                started = time.perf_counter()
                link.first.click()
                _wait_drawn(tab, text, last)
                times[page].append(time.perf_counter() - started)
        browser.close()
    return {page: statistics.median(found) for page, found in times.items()}


def _wait_drawn(tab, text: str, last: str) -> None:
    main = tab.get_by_test_id("stMain")
    main.get_by_text(text, exact=False).first.wait_for(timeout=120_000)
    main.locator(last).first.wait_for(timeout=120_000)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", nargs="?", default="corpus.duckdb")
    parser.add_argument("--queries-only", action="store_true", help="leave out the browser timings")
    args = parser.parse_args(argv)
    queries = time_queries(args.db)
    browser = {} if args.queries_only else time_in_browser(args.db)
    print(f"{'page':<12}{'queries':>10}{'browser':>10}")
    for page in PAGES:
        shown = f"{browser[page]:>9.2f}s" if page in browser else f"{'-':>10}"
        print(f"{page:<12}{queries[page]:>9.3f}s{shown}")
    if browser:
        print(f"slowest page in the browser: {max(browser.values()):.2f} s, click to drawn, median of {ROUNDS}")


if __name__ == "__main__":
    main(sys.argv[1:])
