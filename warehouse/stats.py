"""Read-only summaries of the warehouse for `corpus stats`."""

from __future__ import annotations

import duckdb

from warehouse.contract import STATS_TABLES


def table_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    return [(t, con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in STATS_TABLES]


def documents_by(con: duckdb.DuckDBPyConnection, column: str) -> list[tuple]:
    if column not in ("format", "language"):
        raise ValueError(column)
    return con.execute(f"SELECT {column}, count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC").fetchall()


def repeats(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int, int]:
    """(stories, documents in a story of two or more, quote clusters, clusters carried by two stories or more)."""
    stories, grouped = con.execute(
        "SELECT count(*), coalesce(sum(n_docs) FILTER (WHERE n_docs > 1), 0) FROM stories").fetchone()
    clusters, repeated = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE n_stories > 1) FROM quote_clusters").fetchone()
    return stories, grouped, clusters, repeated


def top_entities(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[tuple]:
    """The most mentioned entities: (label, name, mentions, documents), from `entity_stats`, which counts the
    entities a run left stale from their mentions (a killed run leaves their counts NULL in `entities`)."""
    return con.execute(
        """
        SELECT label, name, n_mentions, n_docs FROM entity_stats
        ORDER BY n_mentions DESC NULLS LAST, name
        LIMIT ?
        """,
        [limit],
    ).fetchall()


def last_runs(con: duckdb.DuckDBPyConnection, limit: int = 5) -> list[tuple]:
    """(run, source, started, status, inputs, loaded, changed, unchanged, rejected), the latest first."""
    return con.execute(
        "SELECT run_id, coalesce(source, ''), started_at, status, n_inputs, n_loaded, n_changed, n_skipped, n_rejected "
        "FROM ingest_runs ORDER BY started_at DESC LIMIT ?",
        [limit],
    ).fetchall()


def source_states(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(source, kind, last checked, last status, items by status) for every source of a sources file run here."""
    return con.execute(
        """
        SELECT s.source, s.kind, s.checked_at, s.last_status,
            coalesce((SELECT string_agg(status || ' ' || n, ', ' ORDER BY n DESC, status)
                      FROM (SELECT status, count(*) AS n FROM source_items i WHERE i.source = s.source GROUP BY status)),
                     'no items recorded') AS items
        FROM source_state s ORDER BY s.source
        """).fetchall()


def entity_names(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """Every entity as (name, label, mentions), most mentioned first."""
    return con.execute("SELECT name, label, n_mentions FROM entities ORDER BY n_mentions DESC, name").fetchall()


def most_mentioned_people(con: duckdb.DuckDBPyConnection, limit: int = 50) -> list[tuple[str, int, int]]:
    """The `limit` most mentioned people as (name, mentions by `entities`, mentions counted in `entity_mentions`)."""
    return con.execute("""
        SELECT e.name, e.n_mentions, (SELECT count(*) FROM entity_mentions m WHERE m.entity_id = e.entity_id)
        FROM entities e WHERE e.label = 'PER' ORDER BY e.n_mentions DESC, e.name LIMIT ?""", [limit]).fetchall()


def surname_joins(con: duckdb.DuckDBPyConnection, limit: int = 5) -> tuple[int, int, list[tuple[str, str, int, int]]]:
    """(joins, mentions they move, the `limit` joins of the most documents as (surname, person, surname documents,
    person documents))."""
    n_joins, n_mentions = con.execute(
        "SELECT count(*), coalesce(sum((SELECT count(*) FROM entity_mentions m WHERE m.document_entity_id = j.entity_id)), 0) "
        "FROM surname_joins j").fetchone()
    largest = con.execute("""
        WITH spellings AS (
            SELECT m.document_entity_id AS entity_id, m.canonical_name, count(*) AS n
            FROM entity_mentions m WHERE m.document_entity_id IN (SELECT entity_id FROM surname_joins) GROUP BY ALL)
        SELECT (SELECT first(canonical_name ORDER BY n DESC, canonical_name) FROM spellings s
                WHERE s.entity_id = j.entity_id) AS surname, e.name, j.surname_docs, j.person_docs
        FROM surname_joins j JOIN entities e ON e.entity_id = j.joined_id
        ORDER BY j.surname_docs DESC, surname LIMIT ?""", [limit]).fetchall()
    return n_joins, n_mentions, largest
