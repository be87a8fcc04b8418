"""`corpus pull`, `corpus backfill` and `corpus serve`: the sources of a sources file, now, again, or on schedule."""

from __future__ import annotations

import argparse
import datetime as dt

from flows.cli.errors import CommandError, RunFailed, UsageError, report
from flows.cli.options import SOURCES_DB_HELP, SOURCES_HELP, sources_file
from flows.cli.run import add_run_options, run_flow


def add_parsers(commands: argparse._SubParsersAction) -> None:
    pull = commands.add_parser("pull", help="ingest now what is new in the sources of a sources file (all, or NAME...)")
    pull.add_argument("names", nargs="*", metavar="NAME", help="the sources to pull (default: all of them)")
    pull.add_argument("--sources", default=None, help=SOURCES_HELP)
    add_run_options(pull, SOURCES_DB_HELP)
    pull.set_defaults(run=_pull)

    backfill = commands.add_parser(
        "backfill", help="ingest one source again over a publication window or a folder, fetching seen items again")
    backfill.add_argument("name", metavar="NAME", help="the source")
    backfill.add_argument("--since", type=_date, default=None, help="keep articles published on or after this day (YYYY-MM-DD)")
    backfill.add_argument("--until", type=_date, default=None, help="keep articles published on or before this day")
    backfill.add_argument("--path", action="append", default=None, metavar="PATH",
                          help="read this folder, file or glob instead of the source's paths (files and jsonl sources)")
    backfill.add_argument("--sources", default=None, help=SOURCES_HELP)
    add_run_options(backfill, SOURCES_DB_HELP)
    backfill.set_defaults(run=_backfill)

    serve = commands.add_parser(
        "serve", help="run the sources file's schedules until Ctrl-C (with a local Prefect server unless "
                      "PREFECT_API_URL is set)")
    serve.add_argument("--sources", default=None, help=SOURCES_HELP)
    serve.add_argument("--db", default=None, help=SOURCES_DB_HELP)
    serve.add_argument("--port", type=int, default=None, help="the local Prefect server's port (default: a free one)")
    serve.add_argument("--no-ui", action="store_true", help="start the local Prefect server without its web UI")
    serve.set_defaults(run=_serve)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2024-03-31") from None


def _pull(args: argparse.Namespace) -> int:
    config = sources_file(args)
    names = args.names or [s.name for s in config.sources]
    unknown = [n for n in names if n not in {s.name for s in config.sources}]
    if unknown:
        raise UsageError(f"{config.path} has no source named {', '.join(unknown)}")
    return max([_pull_source(args, config, name) for name in names])


def _pull_source(args: argparse.Namespace, config, name: str) -> int:
    """Pull one source; its run failing leaves the next sources to pull."""
    try:
        return run_flow(args, "ingest-source", f"Pulling source {name} ({config.source(name).kind})",
                        args.db or str(config.db), sources_file=str(config.path), source=name, show_progress=True)
    except RunFailed as failure:
        return report(failure)


def _backfill(args: argparse.Namespace) -> int:
    config = sources_file(args)
    if args.name not in {s.name for s in config.sources}:
        raise UsageError(f"{config.path} has no source named {args.name}")
    source = config.source(args.name)
    if args.path and source.kind not in ("files", "jsonl"):
        raise UsageError(f"--path backfills a files or jsonl source; {args.name} is a {source.kind} source")
    if args.since and args.until and args.since > args.until:
        raise UsageError("--since comes after --until")
    window = " ".join(f"{k} {v}" for k, v in (("from", args.since), ("to", args.until)) if v)
    return run_flow(args, "ingest-source", f"Backfilling source {args.name} {window}".rstrip(),
                    args.db or str(config.db), sources_file=str(config.path), source=args.name, since=args.since,
                    until=args.until, recheck=True, paths=args.path, show_progress=True)


def _serve(args: argparse.Namespace) -> int:
    config = sources_file(args)
    from flows.serve import ServeError, serve

    try:
        return serve(config, db=args.db, port=args.port, ui=not args.no_ui)
    except ServeError as error:
        raise CommandError(error) from None
