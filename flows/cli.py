"""The `corpus` command: `ingest`, `reprocess`, `pull`, `backfill`, `serve`, `stats`, `query`, `export`, `dashboard`,
`bench` and `eval`."""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import functools
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from unittest import mock

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}
"""Set unless the user set them: no telemetry calls offline, and time for a slow machine to start the
ephemeral API."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    from warehouse.load import WarehouseError, refused_write

    try:
        return args.run(args)
    except WarehouseError as error:
        print(f"corpus: error: {error}", file=sys.stderr)
        return 1
    except Exception as error:
        if refused_write(error) is None:
            raise
        print(_refused_write_line(error, _db_path(args)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("corpus: interrupted; batches already loaded are kept, run again to resume", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="corpus", description="French news-corpus pipeline: articles to a DuckDB warehouse.")
    commands = parser.add_subparsers(dest="command")
    db_help = "the DuckDB database (default: $CORPUS_DB, else corpus.duckdb here)"

    ingest = commands.add_parser("ingest", help="ingest articles (the bundled sample if no path is given)")
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="files, directories (walked recursively) or globs")
    _annotating_options(ingest, db_help, "read FIELD (title, lede, text, date, authors, section, url, id) from JSONL key KEY")
    ingest.set_defaults(run=_ingest)

    reprocess = commands.add_parser(
        "reprocess", help="annotate again, from the stored text, the documents an older pipeline version annotated")
    _annotating_options(reprocess, db_help, "the --map the JSONL documents were ingested with")
    reprocess.set_defaults(run=_reprocess)

    sources_help = "the sources file (default: $CORPUS_SOURCES, else sources.toml here); see docs/sources.md"
    pull = commands.add_parser("pull", help="ingest now what is new in the sources of a sources file (all, or NAME...)")
    pull.add_argument("names", nargs="*", metavar="NAME", help="the sources to pull (default: all of them)")
    pull.add_argument("--sources", default=None, help=sources_help)
    _run_options(pull, "the DuckDB database (default: the sources file's db)")
    pull.set_defaults(run=_pull)

    backfill = commands.add_parser(
        "backfill", help="ingest one source again over a publication window or a folder, fetching seen items again")
    backfill.add_argument("name", metavar="NAME", help="the source")
    backfill.add_argument("--since", type=_date, default=None, help="keep articles published on or after this day (YYYY-MM-DD)")
    backfill.add_argument("--until", type=_date, default=None, help="keep articles published on or before this day")
    backfill.add_argument("--path", action="append", default=None, metavar="PATH",
                          help="read this folder, file or glob instead of the source's paths (files and jsonl sources)")
    backfill.add_argument("--sources", default=None, help=sources_help)
    _run_options(backfill, "the DuckDB database (default: the sources file's db)")
    backfill.set_defaults(run=_backfill)

    serve = commands.add_parser(
        "serve", help="run the sources file's schedules until Ctrl-C (with a local Prefect server unless "
                      "PREFECT_API_URL is set)")
    serve.add_argument("--sources", default=None, help=sources_help)
    serve.add_argument("--db", default=None, help="the DuckDB database (default: the sources file's db)")
    serve.add_argument("--port", type=int, default=None, help="the local Prefect server's port (default: a free one)")
    serve.add_argument("--no-ui", action="store_true", help="start the local Prefect server without its web UI")
    serve.set_defaults(run=_serve)

    stats = commands.add_parser("stats", help="print counts and the top entities")
    stats.add_argument("--db", default=None, help=db_help)
    stats.set_defaults(run=_stats)

    from flows.dashboard import register as register_dashboard
    register_dashboard(commands, db_help)

    query = commands.add_parser("query", help="run one SQL query on the warehouse, read-only")
    query.add_argument("sql", nargs="?", help="the query (or --file)")
    query.add_argument("--file", default=None, help="read the query from this file")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output (default table)")
    query.add_argument("--db", default=None, help=db_help)
    query.set_defaults(run=_query)

    export = commands.add_parser("export", help="write every table and view to files, one per relation")
    export.add_argument("folder", metavar="DIR", help="the folder to write to")
    export.add_argument("--format", choices=["parquet", "csv"], default="parquet", help="file format (default parquet)")
    export.add_argument("--db", default=None, help=db_help)
    export.set_defaults(run=_export)

    bench = commands.add_parser("bench", help="measure the ingest flow against raw nlp.pipe on the first N records "
                                              "of a JSONL dump, and check the performance targets (docs/performance.md)")
    bench.add_argument("--n", type=int, default=2000, help="records to ingest (default 2000)")
    bench.add_argument("--source", default=None, help="the JSONL dump (default: OrangeSum in ../shared)")
    bench.add_argument("--workers", type=_worker_counts, default=[1, 2], metavar="1,2",
                       help="the worker counts to measure, comma-separated (default 1,2)")
    bench.add_argument("--batch-size", type=int, default=128, help="documents per batch (default 128)")
    bench.add_argument("--rss-baseline", type=int, default=None, metavar="M",
                       help="also ingest the first M records, to compare peak memory (default N/5; 0: no)")
    bench.add_argument("--json", default=None, metavar="FILE", help="also write every figure to FILE")
    bench.add_argument("--keep", default=None, metavar="DIR", help="keep the sample and the databases in DIR")
    bench.set_defaults(run=_bench)

    train = commands.add_parser("train", help="learn from the gold data in ../shared and eval/ (the `train` extra)")
    train.add_argument("target", choices=["speakers"], help="what to learn: the speaker ranker")
    train.add_argument("--shared", default=None, help="the shared data folder (default: ../shared beside the project)")
    train.add_argument("--folds", type=int, default=5, help="folds of the k-fold figures, by article (default: 5)")
    train.set_defaults(run=_train)
    evaluate = commands.add_parser("eval", help="score the pipeline against gold data in ../shared")
    evaluate.add_argument("target", choices=["quotes", "ner"], help="what to score")
    evaluate.add_argument("--shared", default=None, help="the shared data folder (default: ../shared beside the project)")
    evaluate.add_argument("--errors", action="store_true", help="also list missed, extra and misattributed quotes")
    evaluate.add_argument("--locked-test", action="store_true",
                          help="score the locked test part of eval/orangesum_quotes instead (totals only, no errors)")
    evaluate.set_defaults(run=_evaluate)
    return parser


def _annotating_options(command: argparse.ArgumentParser, db_help: str, map_help: str) -> None:
    """The options of the commands that annotate and load paths or stored documents (`ingest`, `reprocess`)."""
    command.add_argument("--map", action="append", default=[], metavar="FIELD=KEY", help=map_help)
    _run_options(command, db_help)


def _run_options(command: argparse.ArgumentParser, db_help: str) -> None:
    """The options of every command that annotates and loads."""
    command.add_argument("--db", default=None, help=db_help)
    command.add_argument("--batch-size", type=int, default=128,
                         help="documents per batch and transaction (default 128)")
    command.add_argument("--workers", type=int, default=None,
                         help="processes that annotate batches side by side (default: one per core)")
    command.add_argument("--dask", default=None, metavar="ADDRESS",
                         help="annotate on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786) instead; "
                              "needs the dask extra (docs/scaling.md)")
    command.add_argument("--log", default=None, help="log file (default: the database path + .log)")


def _db_path(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("CORPUS_DB") or "corpus.duckdb"


def sample_corpus() -> str:
    """The bundled sample: the ESSF seed article and CC BY Wikinews articles (see its ATTRIBUTION.md)."""
    return str(resources.files("corpus.samples").joinpath("articles"))


def _ingest(args: argparse.Namespace) -> int:
    paths = args.paths or [sample_corpus()]
    return _run_with_map(args, "ingest", f"Ingesting {', '.join(paths)}", paths=paths)


def _reprocess(args: argparse.Namespace) -> int:
    return _run_with_map(args, "reprocess", "Annotating again the documents of an older pipeline version")


def _run_with_map(args: argparse.Namespace, name: str, doing: str, **parameters) -> int:
    """Run `ingest` or `reprocess` with the JSONL `--map` the command was given."""
    field_map = {}
    for item in args.map:
        field, sep, key = item.partition("=")
        if not sep or not field or not key:
            print(f"corpus: error: --map takes FIELD=KEY, not {item!r}", file=sys.stderr)
            return 2
        field_map[field] = key
    from corpus.jsonl import field_names

    try:
        field_names(field_map)
    except ValueError as error:
        print(f"corpus: error: {error}", file=sys.stderr)
        return 2
    return _run_flow(args, name, doing, _db_path(args), field_map=field_map or None, **parameters)


def _pull(args: argparse.Namespace) -> int:
    config = _sources_file(args)
    if config is None:
        return 2
    names = args.names or [s.name for s in config.sources]
    unknown = [n for n in names if n not in {s.name for s in config.sources}]
    if unknown:
        print(f"corpus: error: {config.path} has no source named {', '.join(unknown)}", file=sys.stderr)
        return 2
    db = args.db or str(config.db)
    codes = [_run_flow(args, "ingest-source", f"Pulling source {name} ({config.source(name).kind})", db,
                       sources_file=str(config.path), source=name, show_progress=True) for name in names]
    return max(codes)


def _backfill(args: argparse.Namespace) -> int:
    config = _sources_file(args)
    if config is None:
        return 2
    if args.name not in {s.name for s in config.sources}:
        print(f"corpus: error: {config.path} has no source named {args.name}", file=sys.stderr)
        return 2
    source = config.source(args.name)
    if args.path and source.kind not in ("files", "jsonl"):
        print(f"corpus: error: --path backfills a files or jsonl source; {args.name} is a {source.kind} source",
              file=sys.stderr)
        return 2
    if args.since and args.until and args.since > args.until:
        print("corpus: error: --since comes after --until", file=sys.stderr)
        return 2
    window = " ".join(f"{k} {v}" for k, v in (("from", args.since), ("to", args.until)) if v)
    return _run_flow(args, "ingest-source", f"Backfilling source {args.name} {window}".rstrip(),
                     args.db or str(config.db), sources_file=str(config.path), source=args.name, since=args.since,
                     until=args.until, recheck=True, paths=args.path, show_progress=True)


def _serve(args: argparse.Namespace) -> int:
    config = _sources_file(args)
    if config is None:
        return 2
    from flows.serve import ServeError, serve

    try:
        return serve(config, db=args.db, port=args.port, ui=not args.no_ui)
    except ServeError as error:
        print(f"corpus: error: {error}", file=sys.stderr)
        return 1


def _sources_file(args: argparse.Namespace):
    """The sources file the command names, or None after printing why it cannot be used."""
    from flows.config import ConfigError, load_sources

    path = args.sources or os.environ.get("CORPUS_SOURCES") or "sources.toml"
    try:
        return load_sources(path)
    except ConfigError as error:
        print(f"corpus: error: {error}", file=sys.stderr)
        return None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2024-03-31") from None


def _run_flow(args: argparse.Namespace, name: str, doing: str, db: str, **parameters) -> int:
    """Check the options shared by the commands that annotate and load, then run the flow `name` with its log in a
    file and one summary line on the console."""
    if args.batch_size < 1:
        print("corpus: error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("corpus: error: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.workers is not None and args.dask:
        print("corpus: error: --workers sets local processes, --dask a cluster: give one of them", file=sys.stderr)
        return 2
    from warehouse.load import WarehouseError, open_warehouse, refused_write

    with open_warehouse(db):
        pass  # an unusable database is reported here, in one line, before Prefect starts

    from flows.ingest import dask_workers, ingest, nlp_workers

    if name == "reprocess":
        from flows.reprocess import reprocess as run
    elif name == "ingest-source":
        from flows.scheduled import ingest_source as run
    else:
        run = ingest
    if args.workers is not None:
        run = run.with_options(task_runner=nlp_workers(args.workers))
    elif args.dask:
        try:
            run = run.with_options(task_runner=dask_workers(args.dask))
        except ImportError:
            print("corpus: error: --dask needs the dask extra: pip install -c constraints.txt -e '.[dask]'",
                  file=sys.stderr)
            return 2
    log_file = args.log or f"{db}.log"
    with _log_to(log_file), _prefect_api(), _noting_interrupts() as interrupted:
        print(f"{doing} into {db} (Prefect {_prefect_mode()})", file=sys.stderr)
        started = time.monotonic()
        try:
            summary = run(db=db, batch_size=args.batch_size, **parameters)
        except (WarehouseError, KeyboardInterrupt):
            raise
        except Exception as error:
            if interrupted:
                raise KeyboardInterrupt from error  # Ctrl-C that surfaced as another error inside Prefect
            logging.getLogger("corpus").exception("the %s run failed", name)
            if refused_write(error):
                print(_refused_write_line(error, db), file=sys.stderr)
                return 1
            print(f"corpus: error: the run failed ({type(error).__name__}: {error}); batches already loaded are "
                  f"kept; details in {log_file}", file=sys.stderr)
            return 1
    elapsed = time.monotonic() - started
    loaded, changed = summary.get("n_loaded", 0), summary.get("n_changed", 0)
    print(
        f"Run {summary['run_id']} {summary['status']} in {elapsed:.1f} s: {loaded:,} documents loaded "
        f"({loaded - changed:,} new, {changed:,} changed), {summary.get('n_skipped', 0):,} unchanged, "
        f"{summary.get('n_rejected', 0):,} rejected, {summary['n_mentions']:,} entity mentions, "
        f"{summary['n_quotes']:,} quotes, into {db}"
    )
    stages = ", ".join(f"{stage} {value:.1f}" for stage, value in summary.get("seconds", {}).items())
    print(f"Seconds by stage: {stages}; details in {log_file}")
    if summary.get("n_rejected"):
        print(f"Why inputs were rejected: corpus stats --db {db}, or "
              f"SELECT * FROM rejected_inputs WHERE run_id = '{summary['run_id']}'")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from warehouse import stats
    from warehouse.load import open_warehouse

    with open_warehouse(_db_path(args), read_only=True) as con:
        print("Rows per table")
        for table, count in stats.table_counts(con):
            print(f"  {table:<16} {count:>10,}")
        for column in ("format", "language"):
            print(f"Documents by {column}: " + ", ".join(f"{v} {n:,}" for v, n in stats.documents_by(con, column)))
        print("Top entities (label, name, mentions, documents)")
        for label, name, mentions, documents in stats.top_entities(con):
            print(f"  {label:<5} {name:<40} {mentions:>8,} {documents:>8,}")
        print("Last runs (run, source, started, status, inputs, loaded, of which changed, unchanged, rejected)")
        for run_id, source, started, status, *numbers in stats.last_runs(con):
            print(f"  {run_id}  {source:<12} {started:%Y-%m-%d %H:%M:%S}  {status:<9} "
                  + " ".join(f"{n:>7,}" for n in numbers))
        sources = stats.source_states(con)
        if sources:
            print("Sources (name, kind, last checked, last status, items)")
            for name, kind, checked, status, items in sources:
                print(f"  {name:<12} {kind:<5} {checked:%Y-%m-%d %H:%M:%S}  {status:<12} {items}")
        rejected = con.execute(
            "SELECT reason, count(*) FROM rejected_inputs GROUP BY 1 ORDER BY 2 DESC").fetchall()
        if rejected:
            print("Rejected inputs by reason: " + ", ".join(f"{r} {n:,}" for r, n in rejected))
    return 0


def _query(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse.load import open_warehouse
    from warehouse.query import lock_down, render, run_query

    if (args.sql is None) == (args.file is None):
        print("corpus: error: give a query, or --file FILE, not both", file=sys.stderr)
        return 2
    try:
        sql = args.sql if args.file is None else Path(args.file).read_text(encoding="utf-8")
    except OSError as error:
        print(f"corpus: error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    with open_warehouse(_db_path(args), read_only=True) as con:
        lock_down(con)
        try:
            columns, rows = run_query(con, sql)
        except duckdb.Error as error:
            refused = "read-only mode" in str(error) or "disabled by configuration" in str(error)
            reason = "corpus query only reads the warehouse; nothing was changed" if refused else "the query failed"
            print(f"corpus: error: {reason} ({_first_line(error)})", file=sys.stderr)
            return 1
    print(render(columns, rows, args.format))
    return 0


def _export(args: argparse.Namespace) -> int:
    from warehouse.load import open_warehouse
    from warehouse.query import export

    started = time.monotonic()
    with open_warehouse(_db_path(args), read_only=True) as con:
        written = export(con, Path(args.folder), args.format)
    for name, n in written:
        print(f"  {name:<24} {n:>10,} rows")
    print(f"{len(written)} tables and views written to {args.folder} as {args.format} in {time.monotonic() - started:.1f} s")
    return 0


def _worker_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of worker counts such as 1,2")
    return counts


def _bench(args: argparse.Namespace) -> int:
    from flows.bench import DEFAULT_SOURCE, main as bench

    source = Path(args.source) if args.source else DEFAULT_SOURCE
    if not source.is_file():
        print(f"corpus: error: no JSONL dump at {source}; give one with --source", file=sys.stderr)
        return 2
    if args.n < 1 or args.batch_size < 1:
        print("corpus: error: --n and --batch-size must be at least 1", file=sys.stderr)
        return 2
    baseline = args.n // 5 if args.rss_baseline is None else args.rss_baseline
    return bench(args.n, source, args.workers, args.batch_size, Path(args.json) if args.json else None,
                 Path(args.keep) if args.keep else None, baseline)


def _refused_write_line(error: BaseException, db: str) -> str:
    from warehouse.load import refused_write

    return (f"corpus: error: a write failed, the disk is full or the file too large ({refused_write(error)}); "
            f"batches already loaded into {db} are kept: free space, then run again to resume")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]


def _train(args: argparse.Namespace) -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("corpus: error: training needs scikit-learn: pip install -c constraints.txt -e '.[train]'", file=sys.stderr)
        return 1
    from flows.evaluate import WIKINEWS_DEV
    from flows.train import train_speakers

    shared = Path(args.shared) if args.shared else Path(__file__).resolve().parent.parent.parent / "shared"
    if not (shared / WIKINEWS_DEV).exists():
        print(f"corpus: error: no gold quotes under {shared}; give the shared folder with --shared", file=sys.stderr)
        return 1
    print(train_speakers(shared, folds=args.folds))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from flows.evaluate import WIKINEWS_25, WIKINEWS_DEV, evaluate_litbank_quotes, evaluate_wikinews_quotes

    shared = Path(args.shared) if args.shared else Path(__file__).resolve().parent.parent.parent / "shared"
    if not (shared / WIKINEWS_DEV).exists():
        print(f"corpus: error: no gold quotes under {shared}; give the shared folder with --shared", file=sys.stderr)
        return 1
    if args.target == "ner":
        from flows.evaluate import SEQUOIA, evaluate_ner

        if not (shared / SEQUOIA).exists():
            print(f"corpus: error: no gold entities under {shared}; give the shared folder with --shared", file=sys.stderr)
            return 1
        print(evaluate_ner(shared))
        return 0
    if args.locked_test:
        if args.errors:
            print("corpus: error: the locked test part is scored in totals only; --errors is refused", file=sys.stderr)
            return 2
        from flows.evaluate import evaluate_orangesum_quotes, interval_report

        scores = evaluate_orangesum_quotes(shared, "test")
        print(f"Quotes on the locked test part of eval/orangesum_quotes ({len(scores)} articles)")
        print(sum(scores[1:], scores[0]).report())
        print(interval_report(scores))
        return 0
    print("Quotes on wikinews_fr_dev (50 articles; kinds direct, partial, indirect; terms excluded)")
    print(evaluate_wikinews_quotes(shared, show_errors=args.errors).report())
    print("\nQuotes on eval/wikinews_fr_25 (25 other articles, this project's annotation; see its README)")
    print(evaluate_wikinews_quotes(shared, WIKINEWS_25, show_errors=args.errors).report())
    print("\nRegression check, not a target: fr-litbank-citations (18 works of fiction, mostly dialogue dashes; "
          "all quotes scored as direct, speakers as local mentions)")
    print(evaluate_litbank_quotes(shared).report())
    return 0


@contextmanager
def _prefect_api() -> Iterator[None]:
    """With no Prefect server configured, start Prefect's ephemeral API server here, in a session of its own, for the
    run. Prefect would start it in this process group, where the terminal's Ctrl-C stops it under the run: the run
    then cannot record its end, retries for minutes, fails with a ConnectError and hangs at exit. The server gets
    SIGTERM if this process dies, even by SIGKILL (Linux), so that a killed run leaves no server behind; the run's
    workers get its address from the settings."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    if get_current_settings().api.url:
        yield
        return
    popen = functools.partial(subprocess.Popen, start_new_session=True, preexec_fn=_stop_with_parent())
    server = SubprocessASGIServer()  # the one Prefect's clients use; Prefect stops it at exit, after its last logs
    with mock.patch.object(subprocess, "Popen", popen):
        server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def _stop_with_parent() -> Callable[[], None] | None:
    """What a child runs before exec to get SIGTERM when this process dies (PR_SET_PDEATHSIG; Linux only)."""
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    return lambda: prctl(1, signal.SIGTERM)


@contextmanager
def _noting_interrupts() -> Iterator[list[int]]:
    """A list that gets an item on Ctrl-C (which still raises KeyboardInterrupt as it comes)."""
    noted: list[int] = []

    def interrupt(signum: int, frame: object) -> None:
        noted.append(signum)
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield noted
        return
    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, previous)


def _prefect_mode() -> str:
    url = os.environ.get("PREFECT_API_URL")
    return f"server at {url}" if url else "ephemeral local API"


class _LogFile(logging.FileHandler):
    """The run's log file, whose writes may fail (a full disk) without a traceback on the console for each record: the
    console keeps its one line for the error."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass

    def close(self) -> None:
        try:
            super().close()
        except OSError:
            pass


@contextmanager
def _log_to(path: str) -> Iterator[None]:
    """Details (per-batch counts, task states, warnings, tracebacks) go to a log file; the console keeps
    the progress line, the summary and one line per error. Enter after Prefect has set up logging."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    handler = _LogFile(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    for console in root.handlers:
        console.setLevel(logging.CRITICAL)  # for good: Prefect still logs when its server stops at exit
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()


if __name__ == "__main__":
    sys.exit(main())
