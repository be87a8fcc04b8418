"""The commands that only read the warehouse: `corpus stats`, `corpus dashboard`, `corpus query` and `corpus export`."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

from flows.cli.errors import CommandError, UsageError
from flows.cli.options import DB_HELP, db_path
from flows.dashboard import DEFAULT_PORT, streamlit_command


def add_parsers(commands: argparse._SubParsersAction) -> None:
    stats = commands.add_parser("stats", help="print counts and the top entities")
    stats.add_argument("--db", default=None, help=DB_HELP)
    stats.set_defaults(run=_stats)

    dashboard = commands.add_parser("dashboard", help="browse the warehouse in a web browser (read-only, on 127.0.0.1)")
    dashboard.add_argument("--db", default=None, help=DB_HELP)
    dashboard.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"the port to serve on (default {DEFAULT_PORT})")
    dashboard.set_defaults(run=_dashboard)

    query = commands.add_parser("query", help="run one SQL query on the warehouse, read-only")
    query.add_argument("sql", nargs="?", help="the query (or --file)")
    query.add_argument("--file", default=None, help="read the query from this file")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output (default table)")
    query.add_argument("--db", default=None, help=DB_HELP)
    query.set_defaults(run=_query)

    export = commands.add_parser("export", help="write every table and view to files, one per relation")
    export.add_argument("folder", metavar="DIR", help="the folder to write to")
    export.add_argument("--format", choices=["parquet", "csv"], default="parquet", help="file format (default parquet)")
    export.add_argument("--db", default=None, help=DB_HELP)
    export.set_defaults(run=_export)


def _stats(args: argparse.Namespace) -> int:
    from warehouse import stats
    from warehouse.load import open_warehouse

    with open_warehouse(db_path(args), read_only=True) as con:
        print("Rows per table")
        for table, count in stats.table_counts(con):
            print(f"  {table:<16} {count:>10,}")
        for column in ("format", "language"):
            print(f"Documents by {column}: " + ", ".join(f"{v} {n:,}" for v, n in stats.documents_by(con, column)))
        stories, grouped, clusters, repeated = stats.repeats(con)
        print(f"Stories: {stories:,} ({grouped:,} documents have near-duplicates); quote clusters: {clusters:,} "
              f"({repeated:,} carried by more than one story)")
        print("Top entities (label, name, mentions, documents)")
        for label, name, mentions, documents in stats.top_entities(con):
            print(f"  {label:<5} {name:<40} {mentions:>8,} {documents:>8,}")
        _print_runs_and_sources(con)
    return 0


def _print_runs_and_sources(con) -> None:
    from warehouse import stats

    from flows import lifeline
    from warehouse.load import running_runs

    dead = set(lifeline.dead(running_runs(con)))
    print("Last runs (run, source, started, status, inputs, loaded, of which changed, unchanged, rejected; a run "
          "still marked running whose process is gone shows as gone)")
    for run_id, source, started, status, *numbers in stats.last_runs(con):
        status = "gone" if run_id in dead else status
        print(f"  {run_id}  {source:<12} {started:%Y-%m-%d %H:%M:%S}  {status:<9} "
              + " ".join(f"{n:>7,}" for n in numbers))
    sources = stats.source_states(con)
    if sources:
        print("Sources (name, kind, last checked, last status, items)")
        for name, kind, checked, status, items in sources:
            print(f"  {name:<12} {kind:<5} {checked:%Y-%m-%d %H:%M:%S}  {status:<12} {items}")
    rejected = con.execute("SELECT reason, count(*) FROM rejected_inputs GROUP BY 1 ORDER BY 2 DESC").fetchall()
    if rejected:
        print("Rejected inputs by reason: " + ", ".join(f"{r} {n:,}" for r, n in rejected))


def _dashboard(args: argparse.Namespace) -> int:
    """Run Streamlit in place of this process, so that Ctrl-C stops Streamlit itself."""
    if importlib.util.find_spec("streamlit") is None:
        raise CommandError("the dashboard needs Streamlit: pip install -c constraints.txt -e '.[dashboard]'")
    db = db_path(args)
    _bring_views_up_to_date(db)
    command = streamlit_command(db, args.port)
    print(f"Dashboard on http://127.0.0.1:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    os.execv(command[0], command)


def _bring_views_up_to_date(db: str) -> None:
    """Views and macros follow the code, and only a read-write open recreates them: a warehouse loaded by an older
    version gets this version's before the read-only dashboard queries them. A run writing to it has done so."""
    from warehouse.load import WarehouseError, open_warehouse

    if not Path(db).is_file():
        return
    try:
        with open_warehouse(db, wait_seconds=0):
            pass
    except WarehouseError as error:
        print(f"corpus: the views of {db} were not brought up to date ({error})", file=sys.stderr)


def _query(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse.load import open_warehouse
    from warehouse.query import lock_down, render, run_query

    sql = _query_text(args)
    with open_warehouse(db_path(args), read_only=True) as con:
        lock_down(con)
        try:
            columns, rows = run_query(con, sql)
        except duckdb.Error as error:
            refused = "read-only mode" in str(error) or "disabled by configuration" in str(error)
            reason = "corpus query only reads the warehouse; nothing was changed" if refused else "the query failed"
            raise CommandError(f"{reason} ({str(error).strip().splitlines()[0]})") from None
    print(render(columns, rows, args.format))
    return 0


def _query_text(args: argparse.Namespace) -> str:
    if (args.sql is None) == (args.file is None):
        raise UsageError("give a query, or --file FILE, not both")
    if args.file is None:
        return args.sql
    try:
        return Path(args.file).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror}") from None


def _export(args: argparse.Namespace) -> int:
    from warehouse.load import open_warehouse
    from warehouse.query import export

    started = time.monotonic()
    with open_warehouse(db_path(args), read_only=True) as con:
        written = export(con, Path(args.folder), args.format)
    for name, n in written:
        print(f"  {name:<24} {n:>10,} rows")
    print(f"{len(written)} tables and views written to {args.folder} as {args.format} in {time.monotonic() - started:.1f} s")
    return 0
