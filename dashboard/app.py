"""The Streamlit app: `streamlit run dashboard/app.py -- --db FILE` (what `corpus dashboard` runs).

Six pages, each at its own URL (/overview, /entities, /quotes, /sources, /voices, /document?doc_id=...). A page render reads
through `data.read`: one read-only connection per query batch, closed at once, so ingest runs are not held off.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import streamlit as st

from dashboard import data, render
from warehouse.contract import Table
from warehouse.load import WarehouseError

COUNT_LABELS: dict[Table, str] = {"documents": "Documents", "entity_mentions": "Entity mentions", "entities": "Entities",
                "quotes": "Quotes", "citations": "Citations"}


def _db() -> str:
    parser = argparse.ArgumentParser(prog="dashboard")
    parser.add_argument("--db", required=True)
    return parser.parse_args(sys.argv[1:]).db


def _read(query):
    return data.read(_db(), query)


def _query_text(label: str, param: str = "q") -> str:
    """A text box kept in the page's URL (?q=...), so a search can be linked to."""
    value = st.text_input(label, value=st.query_params.get(param, ""))
    if value:
        st.query_params[param] = value
    else:
        st.query_params.pop(param, None)
    return value


def overview() -> None:
    counts, months = _read(lambda con: (data.counts(con), data.documents_per_month(con)))
    for column, (table, n) in zip(st.columns(len(counts)), counts.items()):
        column.metric(COUNT_LABELS[table], f"{n:,}")
    st.subheader("Documents per month of publication")
    st.bar_chart(months, x="month", y="documents")


def entities() -> None:
    name = _query_text("Entity name contains")
    found, top = _read(lambda con: (data.find_entities(con, name), data.top_entities(con)))
    if not found:
        st.info(f"No entity name contains {name!r}.")
    else:
        labels = {entity_id: f"{entity} ({label}, {n} mentions)" for entity_id, entity, label, n in found}
        chosen = st.selectbox("Entity", list(labels), format_func=labels.get)
        timeline, comentions = _read(lambda con: (data.entity_timeline(con, chosen), data.comentions(con, chosen)))
        left, right = st.columns(2)
        with left:
            st.subheader("Mentions per month")
            st.bar_chart(timeline, x="month", y="mentions")
        with right:
            st.subheader("Named in the same documents")
            _table(comentions, "No other entity.", "entities")
    st.subheader("Most mentioned entities")
    _table(top, "No entity.", "entities")


def _table(top: data.Top, empty: str, what: str) -> None:
    """A ranked list as a table, with how many more it has; or `empty` when it has no rows."""
    if not len(top.rows):
        st.write(empty)
        return
    st.table(top.rows, hide_index=True)
    if top.more:
        st.caption(f"and {top.more:,} more {what}")


def quotes() -> None:
    text = _query_text("Search the quotes")
    by_speaker, by_outlet, repeated, found = _read(lambda con: (
        data.quotes_by_speaker(con), data.quotes_by_outlet(con), data.most_repeated_quotes(con),
        data.search_quotes(con, text) if text else None))
    if found is not None:
        st.subheader(f"Quotes matching “{text}”")
        if found:
            st.markdown(render.STYLE + render.quote_results(found), unsafe_allow_html=True)
        else:
            st.write("None.")
    left, right = st.columns([3, 2])
    with left:
        st.subheader("By speaker")
        _table(by_speaker, "No quote has an identified speaker.", "speakers")
        st.caption("Speakers the corpus identifies by name; descriptions such as “le parquet” are counted on the "
                   "Voices page, by kind.")
    with right:
        st.subheader("By outlet credited")
        _table(by_outlet, "No quote is credited to an outlet.", "outlets")
    st.subheader("Most repeated quotes")
    _table(repeated, "No quote is carried by more than one story.", "quotes")
    st.caption("The same words (or nearly) across stories: near-copies of one article count once. Several speakers "
               "for one quote mean the articles disagree on who said it.")


def sources() -> None:
    outlets = _read(data.sources)
    st.subheader("Outlets cited")
    if len(outlets.rows):
        st.bar_chart(outlets.rows.head(20), x="outlet", y="citations", horizontal=True)
    _table(outlets, "No citation names an outlet.", "outlets")


def voices() -> None:
    options = _read(data.publications)
    chosen = st.selectbox("Publication", ["All publications", *options], index=0)
    publication = None if chosen == "All publications" else chosen
    by_month, by_publication, most_quoted, kinds = _read(lambda con: (
        data.women_share_by_month(con, publication), data.women_share_by_publication(con), data.most_quoted(con),
        data.anonymous_by_publication(con)))
    st.subheader("Women among the people quoted and named, per month")
    if len(by_month):
        st.line_chart(by_month, x="month", y=["women quoted", "gender unknown", "women named"])
    else:
        st.write("No dated document quotes a person.")
    st.subheader("Women among the people quoted, per publication")
    if len(by_publication.rows):
        st.bar_chart(by_publication.rows, x="publication", y=["women quoted", "gender unknown"], horizontal=True,
                     stack=False)
        if by_publication.more:
            st.caption(f"the {len(by_publication.rows)} publications quoting most people, of "
                       f"{len(by_publication.rows) + by_publication.more:,}")
    left, right = st.columns(2)
    for column, title, top in ((left, "Most quoted women", most_quoted["female"]),
                               (right, "Most quoted men", most_quoted["male"])):
        with column:
            st.subheader(title)
            _table(top, "None.", "people")
    st.subheader("Who the quotes come from, per publication")
    _table(kinds, "No quote.", "publications")


def document() -> None:
    title = st.text_input("Title contains")
    wanted = st.query_params.get("doc_id")
    found, doc = _read(lambda con: (data.find_documents(con, title), data.document(con, wanted) if wanted else None))
    if wanted and doc is None:
        st.warning(f"No document {wanted!r}.")
    labels = {doc_id: f"{doc_title} ({date or 'no date'})" for doc_id, doc_title, date in found}
    if doc and not title and doc["doc_id"] not in labels:  # a link to a document beyond the newest ones listed
        labels = {doc["doc_id"]: f"{doc['title']} ({doc['published_date'] or 'no date'})"} | labels
    if not labels:
        st.info(f"No title contains {title!r}.")
        return
    options = list(labels)
    chosen = st.selectbox("Document", options, format_func=labels.get,
                          index=options.index(doc["doc_id"]) if doc and doc["doc_id"] in labels else 0)
    if doc is None or chosen != doc["doc_id"]:
        st.query_params["doc_id"] = chosen
        doc = _read(lambda con: data.document(con, chosen))
    st.markdown(render.STYLE + render.title(doc["title"]), unsafe_allow_html=True)
    fields = {key: doc[key] for key in ("published_date", "authors", "section", "site_name", "url", "format",
                                        "language", "source_uri", "doc_id")}
    fields["marked"] = f"{len(doc['mentions'])} entity mentions, {len(doc['quotes'])} quotes"
    st.markdown(render.metadata(fields), unsafe_allow_html=True)
    st.markdown(render.highlight(doc["text"], doc["mentions"], doc["quotes"]), unsafe_allow_html=True)
    if doc["story"]:
        st.subheader("The same story elsewhere")
        st.markdown(render.siblings(doc["story"]), unsafe_allow_html=True)
    if doc["repeated"]:
        st.subheader("Its quotes in other stories")
        st.markdown(render.repeated_quotes(doc["repeated"]), unsafe_allow_html=True)


def _guarded(page: Callable[[], None]) -> Callable[[], None]:
    """The page, or a message instead of a traceback when the warehouse cannot be read."""
    def run() -> None:
        try:
            page()
        except data.WarehouseBusy as error:
            st.warning(f"The warehouse is being written by an ingest run, so it cannot be read right now. "
                       f"Reload the page in a moment. ({error})")
            st.button("Retry")
        except WarehouseError as error:
            st.error(str(error))
    return run


PAGES = [(overview, "Overview", "overview"), (entities, "Entities", "entities"), (quotes, "Quotes", "quotes"),
         (sources, "Sources", "sources"), (voices, "Voices", "voices"), (document, "Document", "document")]

if __name__ == "__main__":
    st.set_page_config(page_title="corpus-fr", layout="wide")
    st.navigation([st.Page(_guarded(page), title=title, url_path=path, default=path == "overview")
                   for page, title, path in PAGES], position="top").run()
