"""What the dashboard reads: short read-only connections that wait out a writer, and the queries of its pages.

Every page render opens the warehouse read-only, runs its queries and closes it, so an ingest run (the single
writer) is never held off for longer than a query; while a writer holds the file no reader can open it at all, so a
reader retries a few times, then gives up with `WarehouseBusy`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import duckdb

if TYPE_CHECKING:
    import pandas

from warehouse.contract import DASHBOARD_TABLES
from warehouse.load import WarehouseError, open_warehouse

T = TypeVar("T")

RETRY_DELAYS = (0.1, 0.2) + (0.25,) * 32
"""Seconds to wait before each new attempt while a writer holds the file: 35 attempts over 8.3 s. On the full
OrangeSum run a batch's load held the file 3.4-4.7 s, with gaps of 1-3 s between loads, so polling every 0.25 s for
8.3 s gets a render in between two batches, where 1.5 s of attempts gave up on 44% of renders. A longer hold (the
rebuild of the summaries at the end of a run) ends the wait."""

class WarehouseBusy(WarehouseError):
    """A writer (an ingest run) held the file through every attempt."""


def read(db: str | Path, query: Callable[[duckdb.DuckDBPyConnection], T],
         delays: tuple[float, ...] = RETRY_DELAYS) -> T:
    """`query` run on a read-only connection opened for it alone, retried after each delay while a writer holds
    the file."""
    for delay in (*delays, None):
        try:
            with open_warehouse(db, read_only=True, wait_seconds=0) as con:
                return query(con)
        except WarehouseError as error:
            cause = error.__cause__
            if not (isinstance(cause, duckdb.IOException) and "lock" in str(cause).lower()):
                raise
            if delay is None:
                raise WarehouseBusy(f"{db} is being written by another process (an ingest run?): "
                                    f"{len(delays) + 1} attempts over {sum(delays):.1f} s found it locked") from error
            time.sleep(delay)


@dataclass(frozen=True)
class Top:
    """The first rows of a ranked list, and how many rows the list has beyond them."""

    rows: pandas.DataFrame
    more: int


def _top(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> Top:
    """A ranked list's first rows, from a query that counts the whole list in `n_listed` (`count(*) OVER ()`, which
    is computed before its LIMIT)."""
    return _as_top(con.execute(sql, params).df())


def _as_top(frame: pandas.DataFrame) -> Top:
    listed = int(frame.pop("n_listed").iloc[0]) if len(frame) else 0
    return Top(frame.reset_index(drop=True), listed - len(frame))


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in DASHBOARD_TABLES}


def documents_per_month(con: duckdb.DuckDBPyConnection):
    """Documents per month of publication (documents without a date are left out), as a DataFrame."""
    return con.execute(
        "SELECT date_trunc('month', published_date)::DATE AS month, count(*) AS documents FROM documents "
        "WHERE published_date IS NOT NULL GROUP BY month ORDER BY month"
    ).df()


def contains(text: str) -> str:
    """An ILIKE pattern matching `text` anywhere, its own % and _ taken literally (with ESCAPE '\\')."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_entities(con: duckdb.DuckDBPyConnection, name: str, limit: int = 50) -> list[tuple]:
    """(entity_id, name, label, n_mentions) of the entities whose name contains `name`, most mentioned first."""
    return con.execute(
        "SELECT entity_id, name, label, n_mentions FROM entities WHERE name ILIKE ? ESCAPE '\\' "
        "ORDER BY n_mentions DESC, name LIMIT ?", [contains(name), limit]
    ).fetchall()


def entity_timeline(con: duckdb.DuckDBPyConnection, entity_id: str):
    return con.execute(
        "SELECT month, n_mentions AS mentions, n_docs AS documents FROM entity_timeline WHERE entity_id = ? "
        "ORDER BY month", [entity_id]
    ).df()


def comentions(con: duckdb.DuckDBPyConnection, entity_id: str, limit: int = 30) -> Top:
    return _top(con,
        "SELECT other_name AS entity, other_label AS label, n_docs AS documents, n_sentences AS sentences, "
        "round(pmi, 2) AS pmi, count(*) OVER () AS n_listed FROM cooccurrence WHERE entity_id = ? "
        "ORDER BY n_docs DESC, n_sentences DESC, other_name LIMIT ?", [entity_id, limit])


def top_entities(con: duckdb.DuckDBPyConnection, limit: int = 30) -> Top:
    return _top(con,
        "SELECT name, label, n_mentions AS mentions, n_docs AS documents, n_stories AS stories, "
        "first_seen::VARCHAR AS first_seen, "
        "last_seen::VARCHAR AS last_seen, array_to_string(top_comentions, ', ') AS named_with, "
        "count(*) OVER () AS n_listed FROM entity_stats ORDER BY n_mentions DESC, name LIMIT ?", [limit])


def quotes_by_speaker(con: duckdb.DuckDBPyConnection, limit: int = 30) -> Top:
    """The speakers the corpus identifies (an entity, or the holder of the role an article names), by quotes, with
    the kinds of their quotes and the months they were quoted in. Descriptions ("le parquet", "la préfecture") are
    left out: the same words name a different body in each article."""
    return _top(con,
        "SELECT speaker, label, sum(n_quotes)::BIGINT AS quotes, string_agg(DISTINCT kind, ', ' ORDER BY kind) AS kinds, "
        "strftime(min(month), '%Y-%m') AS first_month, strftime(max(month), '%Y-%m') AS last_month, "
        "count(*) OVER () AS n_listed FROM speakers "
        "WHERE entity_id IS NOT NULL GROUP BY speaker, label ORDER BY quotes DESC, speaker LIMIT ?", [limit])


def quotes_by_outlet(con: duckdb.DuckDBPyConnection, limit: int = 30, speakers: int = 5) -> Top:
    """The outlets quotes are credited to (quotes.reported_via), most quoted first, each with its most quoted
    speakers and how many more it has."""
    return _top(con,
        "WITH per AS (SELECT outlet, speaker, sum(n_quotes) AS n FROM speakers "
        "             WHERE nullif(trim(outlet), '') IS NOT NULL GROUP BY ALL), "
        "ranked AS (SELECT *, row_number() OVER (PARTITION BY outlet ORDER BY n DESC, speaker) AS r, "
        "           count(*) OVER (PARTITION BY outlet) AS n_speakers FROM per) "
        "SELECT outlet, sum(n)::BIGINT AS quotes, string_agg(speaker, ', ' ORDER BY r) FILTER (WHERE r <= ?) "
        "|| CASE WHEN max(n_speakers) > ? THEN format(' and {:,} more', max(n_speakers) - ?) ELSE '' END AS speakers, "
        "count(*) OVER () AS n_listed FROM ranked GROUP BY outlet ORDER BY quotes DESC, outlet LIMIT ?",
        [speakers, speakers, speakers, limit])


def search_quotes(con: duckdb.DuckDBPyConnection, text: str, limit: int = 50) -> list[tuple]:
    """(doc_id, title, kind, speaker_name, quote) of the quotes that match `text` in the full-text index
    (`document_search`: French stems, accents and case ignored), best match first."""
    return con.execute(
        "SELECT s.doc_id, s.title, q.kind, q.speaker_name, q.text FROM document_search(?) s JOIN quotes q "
        "USING (quote_id) WHERE s.kind = 'quote' ORDER BY s.score DESC, q.quote_id LIMIT ?",
        [text, limit]
    ).fetchall()


def sources(con: duckdb.DuckDBPyConnection, limit: int = 50) -> Top:
    """The outlets cited most."""
    return _top(con,
        "SELECT outlet, count_documents AS documents, count_citations AS citations, first_seen::VARCHAR AS first_seen, "
        "last_seen::VARCHAR AS last_seen, array_to_string(top_urls, ' ') AS top_urls, count(*) OVER () AS n_listed "
        "FROM sources ORDER BY count_citations DESC, outlet LIMIT ?", [limit])


def find_documents(con: duckdb.DuckDBPyConnection, title: str, limit: int = 50) -> list[tuple]:
    """(doc_id, title, published_date) of the documents whose title contains `title`, newest first."""
    return con.execute(
        "SELECT doc_id, coalesce(title, source_uri), published_date FROM documents "
        "WHERE coalesce(title, '') ILIKE ? ESCAPE '\\' ORDER BY published_date DESC NULLS LAST, title LIMIT ?",
        [contains(title), limit]
    ).fetchall()


def document(con: duckdb.DuckDBPyConnection, doc_id: str) -> dict | None:
    """A document's metadata and text, with its text's entity mentions and its quotes as (start, end, ...) rows."""
    row = con.execute(
        "SELECT doc_id, title, published_date, authors, section, format, language, site_name, url, source_uri, text "
        "FROM documents WHERE doc_id = ?", [doc_id]
    ).fetchone()
    if row is None:
        return None
    doc = dict(zip(("doc_id", "title", "published_date", "authors", "section", "format", "language", "site_name",
                    "url", "source_uri", "text"), row))
    doc["mentions"] = con.execute(
        "SELECT start_char, end_char, m.label, coalesce(e.name, m.text) FROM entity_mentions m "
        "LEFT JOIN entities e USING (entity_id) WHERE m.doc_id = ? AND m.part = 'text' ORDER BY start_char", [doc_id]
    ).fetchall()
    doc["quotes"] = con.execute(
        "SELECT start_char, end_char, kind, speaker_name FROM quotes WHERE doc_id = ? ORDER BY start_char", [doc_id]
    ).fetchall()
    doc["story"] = story_siblings(con, doc_id)
    doc["repeated"] = repeated_quotes_of(con, doc_id)
    return doc


def story_siblings(con: duckdb.DuckDBPyConnection, doc_id: str) -> list[tuple]:
    """(doc_id, title, published_date, similarity to the story's first document) of the other documents of the
    document's story (its near-duplicates), oldest first."""
    return con.execute(
        "SELECT s.doc_id, coalesce(s.title, s.source_uri), s.published_date, s.story_similarity FROM documents d "
        "JOIN documents s ON s.story_id = d.story_id AND s.doc_id <> d.doc_id WHERE d.doc_id = ? "
        "ORDER BY s.published_date NULLS LAST, s.doc_id", [doc_id]).fetchall()


def repeated_quotes_of(con: duckdb.DuckDBPyConnection, doc_id: str) -> list[tuple]:
    """(quote, documents, stories, publications, first_seen, speakers credited) of the document's quotes that other
    stories carry too (their cluster, `quote_clusters`)."""
    return con.execute(
        "WITH mine AS (SELECT cluster_id, text, start_char FROM quotes WHERE doc_id = ? AND cluster_id IS NOT NULL) "
        "SELECT m.text, c.n_docs, c.n_stories, c.n_publications, c.first_seen, "
        "list_transform(c.speakers, s -> s.speaker || ' (' || s.n_quotes || ')') FROM mine m "
        "JOIN (SELECT * FROM quote_clusters WHERE cluster_id IN (SELECT cluster_id FROM mine)) c USING (cluster_id) "
        "WHERE c.n_stories > 1 ORDER BY m.start_char", [doc_id]).fetchall()


def most_repeated_quotes(con: duckdb.DuckDBPyConnection, limit: int = 30) -> Top:
    """The quotes most stories carry, with their spread over publications and days and who they are credited to."""
    return _top(con,
        "SELECT canonical_text AS quote, top_speaker AS speaker, n_speakers AS speakers, n_stories AS stories, "
        "n_docs AS documents, n_publications AS publications, n_days AS days, first_seen::VARCHAR AS first_seen, "
        "count(*) OVER () AS n_listed FROM most_repeated_quotes "
        "ORDER BY n_stories DESC, n_docs DESC, cluster_id LIMIT ?", [limit])


def publications(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The publications of the documents, the largest first (from the documents alone: the views over the quotes
    cost a pass over every quote)."""
    return [p for (p,) in con.execute(
        "SELECT publication(site_name, url) AS p FROM documents GROUP BY p ORDER BY count(*) DESC, p"
    ).fetchall()]


def women_share_by_month(con: duckdb.DuckDBPyConnection, publication: str | None):
    """Per month, the shares of women and of people of unknown gender among the people quoted (in one publication,
    or in all), and the same share among the people named."""
    where = "grouped_by = 'publication, month' AND publication = ?" if publication else "grouped_by = 'month'"
    mentioned = "publication = ?" if publication else "TRUE"
    params = [publication, publication] if publication else []
    return con.execute(
        f"WITH m AS (SELECT month, sum(n_women) / sum(n_people) AS mentioned FROM mentioned_gender WHERE {mentioned} "
        f"GROUP BY month) "
        f"SELECT q.month, q.women_share AS \"women quoted\", q.unknown_share AS \"gender unknown\", "
        f"m.mentioned AS \"women named\" FROM quoted_gender q LEFT JOIN m USING (month) "
        f"WHERE {where} AND q.month IS NOT NULL ORDER BY q.month", params
    ).df()


def women_share_by_publication(con: duckdb.DuckDBPyConnection, limit: int = 20) -> Top:
    """The publications quoting most people, with their women's and unknown shares."""
    return _top(con,
        "SELECT publication, n_people AS people, women_share AS \"women quoted\", unknown_share AS \"gender unknown\", "
        "count(*) OVER () AS n_listed FROM quoted_gender WHERE grouped_by = 'publication' "
        "ORDER BY n_people DESC, publication LIMIT ?", [limit])


def most_quoted(con: duckdb.DuckDBPyConnection, limit: int = 15) -> dict[str, Top]:
    """For women and for men, the people quoted most whose documents give them that gender (at least 90 % of those
    that give one: `quoted_people.prevailing_gender`), with that share: one pass over the quotes for both."""
    frame = con.execute(
        "SELECT prevailing_gender AS gender, person, n_quotes AS quotes, n_docs AS documents, "
        "format('{:.0f} %', 100 * gender_agreement) AS \"documents agreeing\", "
        "count(*) OVER (PARTITION BY prevailing_gender) AS n_listed FROM quoted_people "
        "WHERE prevailing_gender IN ('female', 'male') "
        "QUALIFY row_number() OVER (PARTITION BY prevailing_gender ORDER BY n_quotes DESC, person) <= ? "
        "ORDER BY gender, quotes DESC, person", [limit]
    ).df()
    return {gender: _as_top(frame[frame["gender"] == gender].drop(columns="gender")) for gender in ("female", "male")}


def anonymous_by_publication(con: duckdb.DuckDBPyConnection, limit: int = 20) -> Top:
    """Quotes by kind of speaker per publication, with the anonymous sources' share."""
    return _top(con,
        "SELECT publication, sum(n_quotes)::BIGINT AS quotes, sum(n_person)::BIGINT AS persons, "
        "sum(n_organisation)::BIGINT AS organisations, sum(n_group)::BIGINT AS groups, "
        "sum(n_anonymous)::BIGINT AS anonymous, sum(n_document)::BIGINT AS documents, "
        "sum(n_anonymous) / nullif(sum(n_quotes) - sum(n_no_speaker), 0) AS \"anonymous share\", "
        "count(*) OVER () AS n_listed FROM speaker_kinds GROUP BY publication "
        "ORDER BY quotes DESC, publication LIMIT ?", [limit])
