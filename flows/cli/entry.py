"""The `corpus` command line: the parser, made of each command group's commands, and the one place where an error
becomes its line on stderr and its exit code."""

from __future__ import annotations

import argparse
import os
import sys

from flows.cli import bench, evaluate, ingest, reading, sources
from flows.cli.errors import CommandError, refused_write_message, report
from flows.cli.options import db_path

COMMAND_GROUPS = (ingest, sources, reading, bench, evaluate)
"""In the order `corpus --help` lists their commands."""

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}
"""Set unless the user set them: no telemetry calls offline, and time for a slow machine to start the
ephemeral API."""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    from warehouse.load import WarehouseError, refused_write

    try:
        return args.run(args)
    except CommandError as error:
        return report(error)
    except WarehouseError as error:
        return report(CommandError(error))
    except Exception as error:
        if refused_write(error) is None:
            raise
        return report(CommandError(refused_write_message(error, db_path(args))))
    except KeyboardInterrupt:
        print("corpus: interrupted; batches already loaded are kept, run again to resume", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="corpus", description="French news-corpus pipeline: articles to a DuckDB warehouse.")
    commands = parser.add_subparsers(dest="command")
    for group in COMMAND_GROUPS:
        group.add_parsers(commands)
    return parser
