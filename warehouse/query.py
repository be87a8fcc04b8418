"""Questions to the warehouse from outside: one SQL statement through a connection that cannot write, and the
export of every table and view to files."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from pathlib import Path

import duckdb

EXPORT_FORMATS = ("parquet", "csv")


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """No files outside the database either (COPY ... TO, ATTACH, reading other files), for the rest of the session:
    a read-only connection alone would still let a query write files."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple]]:
    """The column names and rows of `sql`'s result (no columns for a statement that returns none)."""
    result = con.execute(sql)
    if result.description is None:
        return [], []
    return [d[0] for d in result.description], result.fetchall()


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    """`table` (aligned text), `csv` or `json` (an array of objects)."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, default=_json_value, indent=1)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    cells = [columns] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines + [f"({len(rows):,} row{'s' if len(rows) != 1 else ''})"])


def _json_value(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return str(value)


def relations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The warehouse's tables and views, by name (the full-text index's internal tables left out)."""
    rows = con.execute("""
        SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT internal AND NOT temporary
        UNION SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal AND NOT temporary
        ORDER BY 1""").fetchall()
    return [name for (name,) in rows]


def export(con: duckdb.DuckDBPyConnection, folder: Path, fmt: str) -> list[tuple[str, int]]:
    """Write every table and view to `folder/<name>.<fmt>`; return (name, rows) for each."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER"
    for name in relations(con):
        target = str(folder / f"{name}.{fmt}").replace("'", "''")
        con.execute(f'COPY (SELECT * FROM "{name}") TO \'{target}\' ({options})')
        written.append((name, con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]))
    return written
