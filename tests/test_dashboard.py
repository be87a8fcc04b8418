"""The dashboard end to end: the bundled sample and a document full of markup ingested, the app served by Streamlit,
every page opened in headless Chromium (Debian's, driven by Playwright) and read for what the warehouse holds."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from html.parser import HTMLParser

import duckdb
import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard import data, render
from flows import dashboard
from flows.cli import main
from flows.cli.entry import build_parser
from tests.conftest import SAMPLES, missing

MARKUP_TITLE = "Le <b>gras</b> et la balise <script> dans un titre"
MARKUP_DOCUMENT = f"""{MARKUP_TITLE}

Le ministre Bruno Le Maire a déclaré : « Le code <script>alert("x")</script> ne doit jamais s'exécuter. » Emmanuel \
Macron a ajouté que la balise <b>gras</b> resterait du texte.
"""
"""Plain text (its first line is its title) whose title, quote and body hold tags that must show as text."""


class _Nesting(HTMLParser):
    """Checks that tags close in order and collects the text, unescaped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.text, self.tags = [], [], set()

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        self.tags.add(tag)

    def handle_endtag(self, tag):
        assert self.open.pop() == tag

    def handle_data(self, text):
        self.text.append(text)


def test_highlight_escapes_the_text_and_nests_overlapping_spans():
    text = 'Il dit « <script>alert("x")</script> et <b>Kim</b> » à Séoul.'
    start = text.index("«")
    mentions = [(text.index("Kim"), text.index("Kim") + 3, "PER", "Kim Jong Un"), (text.index("Séoul"), len(text) - 1, "LOC", "Séoul")]
    quotes = [(start, text.index("»") + 1, "direct", 'X <i>"'), (text.index("et"), len(text), "partial", None)]
    marked = render.highlight(text, mentions, quotes)
    parser = _Nesting()
    parser.feed(marked)
    parser.close()
    assert parser.open == [] and parser.tags == {"div", "span"}
    assert "".join(parser.text) == text
    assert 'title="direct quote (X &lt;i&gt;&quot;)"' in marked and "&lt;script&gt;" in marked
    assert '<span class="ent ent-PER" title="Kim Jong Un">Kim</span>' in marked
    assert render.title(MARKUP_TITLE) == "<h2>Le &lt;b&gt;gras&lt;/b&gt; et la balise &lt;script&gt; dans un titre</h2>"


def test_the_dashboard_command_is_registered_with_its_options():
    parser = build_parser()
    args = parser.parse_args(["dashboard", "--db", "x.duckdb", "--port", "9000"])
    assert (args.db, args.port) == ("x.duckdb", 9000)
    assert parser.parse_args(["dashboard"]).port == dashboard.DEFAULT_PORT
    command = " ".join(dashboard.streamlit_command("x.duckdb", 9000))
    assert "--server.headless true --browser.gatherUsageStats false --server.address 127.0.0.1 --server.port 9000" in command


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, prefect_server):
    """The sample corpus and the markup document ingested through `corpus ingest`; its counts and document ids."""
    folder = tmp_path_factory.mktemp("dashboard")
    markup = folder / "balises.txt"
    markup.write_text(MARKUP_DOCUMENT, encoding="utf-8")
    db = folder / "dashboard.duckdb"
    assert main(["ingest", str(SAMPLES), str(markup), "--db", str(db)]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        counts = data.counts(con)
        seed, = con.execute("SELECT doc_id FROM documents WHERE format = 'markdown'").fetchone()
        markup_id, = con.execute("SELECT doc_id FROM documents WHERE format = 'text'").fetchone()
    return {"db": db, "counts": counts, "seed": seed, "markup": markup_id}


@pytest.fixture(scope="module")
def site(warehouse):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with dashboard.serving(str(warehouse["db"]), port) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        missing("Debian's chromium is not installed: .ci/run installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    """A fresh tab that fails the test on any dialog (an alert() would mean article markup ran); each page it shows
    is saved to tmp_path as a screenshot."""
    tab = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    tab.screenshot(path=tmp_path / "page.png", full_page=True)
    tab.close()
    assert dialogs == []


def main_text(page, url: str, *expected: str) -> str:
    """The text of the page at `url` once every `expected` string shows in it."""
    page.goto(url)
    main = page.get_by_test_id("stMain")
    for text in expected:
        main.get_by_text(text, exact=False).first.wait_for(timeout=30_000)
    return main.inner_text()


def rows(table) -> list[str]:
    """The body rows of a table, each as its cells' text with the whitespace collapsed."""
    return [" ".join(row.split()) for row in table.locator("tbody tr").all_inner_texts()]


@pytest.mark.slow
def test_overview_counts_the_warehouse_and_charts_documents_per_month(page, site, warehouse):
    main_text(page, site, "Documents per month", "Citations")
    metrics = [" ".join(metric.split()) for metric in page.get_by_test_id("stMetric").all_inner_texts()]
    assert metrics == [f"{label} {n:,}" for label, n in zip(
        ("Documents", "Entity mentions", "Entities", "Quotes", "Citations"), warehouse["counts"].values())]
    page.get_by_test_id("stVegaLiteChart").first.wait_for()


@pytest.mark.slow
def test_entities_page_finds_kim_jong_un_and_his_comentions(page, site):
    main_text(page, site + "entities?q=Kim", "Named in the same documents", "Most mentioned entities")
    expect(page.get_by_role("combobox", name="Entity")).to_have_value("Kim Jong Un (PER, 9 mentions)")
    expect(page.get_by_test_id("stTable")).to_have_count(2)
    comentions, top = page.get_by_test_id("stTable").all()
    assert {"Moscou LOC 1 3", "Vladimir Poutine PER 1 3"} <= {row.rsplit(" ", 1)[0] for row in rows(comentions)}
    assert rows(top)[0].startswith("Kim Jong Un PER 9 1 1 2023-09-18 2023-09-18")  # mentions, documents, stories
    page.get_by_test_id("stVegaLiteChart").first.wait_for()


@pytest.mark.slow
def test_entities_search_box_narrows_to_the_name_typed(page, site):
    main_text(page, site + "entities", "Most mentioned entities")
    page.get_by_label("Entity name contains").fill("poutine")
    page.get_by_label("Entity name contains").press("Enter")
    expect(page.get_by_role("combobox", name="Entity")).to_have_value("Vladimir Poutine (PER, 6 mentions)")
    assert page.url.endswith("entities?q=poutine")


@pytest.mark.slow
def test_quotes_page_lists_speakers_outlets_and_finds_quote_text(page, site, warehouse):
    text = main_text(page, site + "quotes?q=script", "By speaker", "Robert M. Dover", "les agences de presse")
    assert "Vladimir Poutine" in text and "Bruno Le Maire" in text
    results = page.locator(".quote-results li")
    assert results.count() == 1
    assert results.inner_text().startswith('« Le code <script>alert("x")</script> ne doit jamais')
    assert results.locator("script, b").count() == 0
    results.get_by_role("link", name=MARKUP_TITLE).click()
    page.wait_for_url(f"**/document?doc_id={warehouse['markup']}")
    page.locator(".doc-text").wait_for()


@pytest.mark.slow
def test_sources_page_lists_the_outlets_cited(page, site):
    main_text(page, site + "sources", "Outlets cited")
    table = page.get_by_test_id("stTable")
    table.get_by_text("The Conversation").wait_for()
    assert rows(table)[0] == "Le Monde 1 2 2023-09-18 2023-09-18"
    assert rows(table)[1].startswith("The Conversation 1 1 2023-09-18 2023-09-18 https://theconversation.com/")


@pytest.mark.slow
def test_voices_page_charts_women_and_lists_the_most_quoted(page, site):
    text = main_text(page, site + "voices", "Women among the people quoted and named, per month", "Most quoted men",
                     "Who the quotes come from, per publication", "Vladimir Poutine", "Xi Jinping")
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2)
    assert re.search(r"Most quoted women\s+None\.", text)  # the sample quotes no woman
    men, kinds = page.get_by_test_id("stTable").all()
    assert rows(men)[0] == "Xi Jinping 2 1 100 %"  # a man by his given name: the "elle" once taken for him is not his
    assert {"Vladimir Poutine 1 1 100 %", "Robert M. Dover 1 1 100 %", "Bruno Le Maire 1 1 100 %"} <= set(rows(men))
    assert rows(kinds)[0].startswith("(unknown) ")  # saved pages with no site name nor URL


@pytest.mark.slow
def test_document_page_marks_the_seed_entities_and_quotes(page, site, warehouse):
    main_text(page, site + f"document?doc_id={warehouse['seed']}", "La rencontre Poutine-Kim de Vostotchny", "Pierre Rousset")
    people = set(page.locator(".doc-text .ent-PER").all_inner_texts())
    assert {"Vladimir Poutine", "Kim Jong Un", "Kim"} <= people
    assert page.locator('.doc-text .ent-PER[title="Kim Jong Un"]').count() >= 7
    quotes = " ".join(page.locator(".doc-text .quote").all_inner_texts())
    assert "C'est pour ça que nous sommes" in quotes


@pytest.mark.slow
def test_document_found_by_title_shows_its_markup_as_text(page, site, warehouse):
    main_text(page, site + "document", "Title contains")
    page.get_by_label("Title contains").fill("balise")
    page.get_by_label("Title contains").press("Enter")
    page.get_by_role("heading", name=MARKUP_TITLE).wait_for()
    page.wait_for_url(f"**/document?doc_id={warehouse['markup']}")
    text = page.locator(".doc-text")
    expect(text).to_contain_text('Le code <script>alert("x")</script> ne doit jamais')  # waits for the text to change
    assert "la balise <b>gras</b> resterait" in text.inner_text()
    assert page.get_by_test_id("stMain").locator("script, b").count() == 0
    assert text.locator(".quote").inner_text() == 'Le code <script>alert("x")</script> ne doit jamais s\'exécuter.'


@pytest.mark.slow
def test_a_writer_holding_the_file_gets_a_message_then_the_page_recovers(page, site, warehouse):
    writer = duckdb.connect(str(warehouse["db"]))
    try:
        started = time.monotonic()
        main_text(page, site, "being written by an ingest run")
        waited = time.monotonic() - started
        assert waited >= sum(data.RETRY_DELAYS)
    finally:
        writer.close()
    page.get_by_role("button", name="Retry").click()
    page.get_by_test_id("stMetric").get_by_text("Quotes").wait_for()
    expect(page.get_by_role("button", name="Retry")).to_have_count(0)  # the stale render goes once the new one ends
    assert "being written" not in page.get_by_test_id("stMain").inner_text()


@pytest.mark.slow
def test_read_retries_while_another_process_writes(warehouse):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys
        con = duckdb.connect({str(warehouse["db"])!r})
        print("ready", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        busy = f"{len(data.RETRY_DELAYS) + 1} attempts over {sum(data.RETRY_DELAYS):.1f} s"
        with pytest.raises(data.WarehouseBusy, match=busy):
            data.read(warehouse["db"], data.counts)
        assert sum(data.RETRY_DELAYS) <= time.monotonic() - started < sum(data.RETRY_DELAYS) + 2
    finally:
        holder.communicate("")
    assert data.read(warehouse["db"], data.counts) == warehouse["counts"]
