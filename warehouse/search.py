"""Full-text search with DuckDB's `fts` extension, loaded from the `duckdb-extension-fts` wheel's file: no network.

`document_search(query)` is a table macro over the indexes `fts/index.sql` builds. DuckDB binds a macro when it
is created, so it is created with the indexes, not with the views; and as an fts index does not follow later
inserts, the indexes are rebuilt after each ingest run that loaded documents.
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


def build_search_index(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build both indexes and the macro, in one transaction: readers see the old index or the new one."""
    load_fts(con)
    with transaction(con):
        con.execute(sql_text("warehouse.fts", "index"))
