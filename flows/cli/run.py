"""Running a flow from the command line: the options every annotating command takes, their checks, and the run with
its details in a log file and its summary on the console."""

from __future__ import annotations

import argparse
import logging
import sys
import time

from flows import lifeline
from flows.cli.console import log_to, noting_interrupts, prefect_api, prefect_mode, start_prefect_api
from flows.cli.errors import RunFailed, UsageError, refused_write_message


def add_run_options(command: argparse.ArgumentParser, db_help: str) -> None:
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


def run_flow(args: argparse.Namespace, name: str, doing: str, db: str, **parameters) -> int:
    """Check the options shared by the commands that annotate and load, then run the flow `name` with its log in a
    file and one summary line on the console."""
    _check_run_options(args)
    from warehouse.load import open_warehouse

    lifeline.start()  # the workers and the ephemeral API server die with this process, even by SIGKILL
    api = start_prefect_api()  # the longest start-up, then the pipeline's: both go on while this process goes on
    if not args.dask:
        from flows.ingest import warm_nlp_workers

        warm_nlp_workers()
    flow = _flow(name, args)
    with open_warehouse(db):
        pass  # an unusable database is reported here, in one line, before the run starts
    log_file = args.log or f"{db}.log"
    with log_to(log_file), prefect_api(api), noting_interrupts() as interrupted:
        print(f"{doing} into {db} (Prefect {prefect_mode()})", file=sys.stderr)
        started = time.monotonic()
        summary = _run(flow, name, interrupted, log_file, db=db, batch_size=args.batch_size, **parameters)
    _print_summary(summary, time.monotonic() - started, db, log_file)
    return 0


def _check_run_options(args: argparse.Namespace) -> None:
    if args.batch_size < 1:
        raise UsageError("--batch-size must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if args.workers is not None and args.dask:
        raise UsageError("--workers sets local processes, --dask a cluster: give one of them")


def _flow(name: str, args: argparse.Namespace):
    """The flow `name` on the task runner the options ask for."""
    from flows.ingest import dask_workers, ingest, nlp_workers

    if name == "reprocess":
        from flows.reprocess import reprocess as flow
    elif name == "ingest-source":
        from flows.scheduled import ingest_source as flow
    else:
        flow = ingest
    if args.workers is not None:
        return flow.with_options(task_runner=nlp_workers(args.workers))
    if args.dask:
        try:
            return flow.with_options(task_runner=dask_workers(args.dask))
        except ImportError:
            raise UsageError("--dask needs the dask extra: pip install -c constraints.txt -e '.[dask]'") from None
    return flow


def _run(flow, name: str, interrupted: list[int], log_file: str, **parameters) -> dict:
    """The flow's summary; a failure is logged with its traceback and becomes one line."""
    from warehouse.load import WarehouseError, refused_write

    try:
        return flow(**parameters)
    except (WarehouseError, KeyboardInterrupt):
        raise
    except Exception as error:
        if interrupted:
            raise KeyboardInterrupt from error  # Ctrl-C that surfaced as another error inside Prefect
        logging.getLogger("corpus").exception("the %s run failed", name)
        if refused_write(error):
            raise RunFailed(refused_write_message(error, parameters["db"])) from error
        raise RunFailed(f"the run failed ({type(error).__name__}: {error}); batches already loaded are kept; "
                        f"details in {log_file}") from error


def _print_summary(summary: dict, elapsed: float, db: str, log_file: str) -> None:
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
