"""Full-text search with DuckDB's `fts` extension, loaded from the `duckdb-extension-fts` wheel's file: no network.

`document_search(query)` is a table macro over the indexes `fts/index.sql` and `fts/delta.sql` build. DuckDB binds a
macro when it is created, so it is created with the indexes, not with the views. An fts index does not follow later
inserts: the main indexes cover the documents as they were at the last full rebuild, and after each run that loaded
documents the delta indexes cover the ones loaded or changed since (`update_search_index`).
"""

from __future__ import annotations

from importlib import resources

import duckdb

from warehouse.sqlfiles import sql_text
from warehouse.transaction import transaction

FTS_EXTENSION = resources.files("duckdb_extension_fts") / f"extensions/v{duckdb.__version__}/fts.duckdb_extension"


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Make `match_bm25`, and so `document_search`, callable on this connection (read-only ones included)."""
    con.execute(f"LOAD '{FTS_EXTENSION}'")


def has_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_functions() WHERE function_name = 'document_search'"
                       ).fetchone()[0] > 0


FULL_REBUILD_SHARE = 0.05
"""Once the documents outside the main indexes pass this share of the warehouse, a run rebuilds everything rather
than the delta: the delta's BM25 statistics (document frequencies, lengths) are its own, and the larger it grows the
more its ranking drifts from a full rebuild's; and the delta costs more to index again at each run."""


def build_search_index(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the main indexes over every document, the (then empty) delta and the macro, in one transaction:
    readers see the old index or the new one."""
    load_fts(con)
    with transaction(con):
        con.execute(sql_text("warehouse.fts", "index"))
        _index_delta(con)


def update_search_index(con: duckdb.DuckDBPyConnection) -> str:
    """After a run: index the documents loaded or changed since the last full rebuild on their own (`fts/delta.sql`),
    so that `document_search` finds every document, at a cost that follows what was loaded since; rebuild everything
    when there is no index yet or the delta passes `FULL_REBUILD_SHARE` of the documents. Returns "full" or
    "delta"."""
    if not has_search_index(con) or _delta_share(con) > FULL_REBUILD_SHARE:
        build_search_index(con)
        return "full"
    load_fts(con)
    with transaction(con):
        _index_delta(con)
    return "delta"


def _index_delta(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql_text("warehouse.fts", "delta_tables"))
    con.execute(sql_text("warehouse.fts", "delta"))


def _delta_share(con: duckdb.DuckDBPyConnection) -> float:
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'search' AND table_name = 'indexed'"
                       ).fetchone()[0]:
        return 1.0
    outside, total = con.execute(
        "SELECT count(*) FILTER (WHERE i.doc_id IS NULL), count(*) FROM documents d "
        "LEFT JOIN search.indexed i ON i.doc_id = d.doc_id AND i.content_sha256 = d.content_sha256").fetchone()
    return outside / total if total else 0.0
