"""`corpus ingest` and `corpus reprocess`: annotate paths, or the stored documents, into the warehouse; `corpus
index`: the full-text index brought up to date, or rebuilt; `corpus stories`: stories for documents loaded before
them."""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from flows.cli.errors import CommandError, UsageError
from flows.cli.options import DB_HELP, db_path
from flows.cli.run import add_run_options, run_flow


def add_parsers(commands: argparse._SubParsersAction) -> None:
    ingest = commands.add_parser("ingest", help="ingest articles (the bundled sample if no path is given)")
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="files, directories (walked recursively) or globs")
    _add_map_and_run_options(ingest, "read FIELD (title, lede, text, date, authors, section, url, id) from JSONL key KEY")
    ingest.set_defaults(run=_ingest)

    reprocess = commands.add_parser(
        "reprocess", help="annotate again, from the stored text, the documents an older pipeline version annotated")
    _add_map_and_run_options(reprocess, "the --map the JSONL documents were ingested with")
    reprocess.set_defaults(run=_reprocess)

    index = commands.add_parser("index", help="bring the full-text index up to date (--rebuild: rebuild it whole)")
    index.add_argument("--rebuild", action="store_true",
                       help="rebuild the index over every document, which also resets the ranking statistics")
    index.add_argument("--db", default=None, help=DB_HELP)
    index.set_defaults(run=_index)

    stories = commands.add_parser(
        "stories", help="group into stories the stored documents loaded before stories existed, and their quotes into "
                        "clusters, from their stored text (no annotation)")
    stories.add_argument("--db", default=None, help=DB_HELP)
    stories.set_defaults(run=_stories)


def _add_map_and_run_options(command: argparse.ArgumentParser, map_help: str) -> None:
    command.add_argument("--map", action="append", default=[], metavar="FIELD=KEY", help=map_help)
    add_run_options(command, DB_HELP)


def sample_corpus() -> str:
    """The bundled sample: the ESSF seed article and CC BY Wikinews articles (see its ATTRIBUTION.md)."""
    return str(resources.files("corpus.samples").joinpath("articles"))


def _ingest(args: argparse.Namespace) -> int:
    paths = args.paths or [sample_corpus()]
    return run_flow(args, "ingest", f"Ingesting {', '.join(paths)}", db_path(args), field_map=_field_map(args),
                    paths=paths)


def _reprocess(args: argparse.Namespace) -> int:
    return run_flow(args, "reprocess", "Annotating again the documents of an older pipeline version", db_path(args),
                    field_map=_field_map(args))


def _index(args: argparse.Namespace) -> int:
    import time

    from warehouse.load import open_warehouse
    from warehouse.search import build_search_index, update_search_index

    db = db_path(args)
    if not Path(db).is_file():
        raise CommandError(f"no database at {db}: run `corpus ingest` first")
    started = time.monotonic()
    with open_warehouse(db) as con:
        if args.rebuild:
            build_search_index(con)
            how = "full"
        else:
            how = update_search_index(con)
    print(f"Full-text index of {db}: {'rebuilt whole' if how == 'full' else 'delta indexed'} in "
          f"{time.monotonic() - started:.1f} s")
    return 0


def _stories(args: argparse.Namespace) -> int:
    import sys
    import time

    from warehouse.load import open_warehouse, update_summaries
    from warehouse.stories import group_unfingerprinted

    db = db_path(args)
    if not Path(db).is_file():
        raise CommandError(f"no database at {db}: run `corpus ingest` first")
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-9)
        print(f"\r{done:,}/{total:,} documents  {rate:,.0f} docs/s  {(total - done) / rate:,.0f} s left",
              end="", file=sys.stderr, flush=True)

    with open_warehouse(db) as con:
        grouped = group_unfingerprinted(con, progress=progress)
        if grouped:
            print(file=sys.stderr)
            update_summaries(con)
        stories, documents = con.execute("SELECT count(*), sum(n_docs) FROM stories").fetchone()
    print(f"{grouped:,} documents grouped in {time.monotonic() - started:.1f} s; {db} holds {stories:,} stories "
          f"for {documents or 0:,} documents")
    return 0


def _field_map(args: argparse.Namespace) -> dict[str, str] | None:
    """The JSONL `--map` the command was given, checked; None for none."""
    field_map = {}
    for item in args.map:
        field, sep, key = item.partition("=")
        if not sep or not field or not key:
            raise UsageError(f"--map takes FIELD=KEY, not {item!r}")
        field_map[field] = key
    from corpus.read.jsonl import field_names

    try:
        field_names(field_map)
    except ValueError as error:
        raise UsageError(error) from None
    return field_map or None
