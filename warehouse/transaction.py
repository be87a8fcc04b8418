"""One transaction, committed if the block ends, rolled back if it raises: the one way the warehouse writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """A failed COMMIT (a full disk) has already ended the transaction, and DuckDB then refuses the ROLLBACK ("no
    transaction is active"): that refusal must not replace the error that says what went wrong."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.TransactionException:
            pass
        raise
