"""Why a command stops: each error is one line on stderr, printed by `report`, and an exit code."""

from __future__ import annotations

import sys


class CommandError(Exception):
    """The command cannot do what it was asked: `corpus: error: <message>`, exit code 1."""

    exit_code = 1


class UsageError(CommandError):
    """The command line asks for something impossible; nothing was done (exit code 2, as argparse's own)."""

    exit_code = 2


class RunFailed(CommandError):
    """A flow run failed; `corpus pull` still runs the other sources."""


def report(error: CommandError) -> int:
    print(f"corpus: error: {error}", file=sys.stderr)
    return error.exit_code


def refused_write_message(error: BaseException, db: str) -> str:
    from warehouse.load import refused_write

    return (f"a write failed, the disk is full or the file too large ({refused_write(error)}); "
            f"batches already loaded into {db} are kept: free space, then run again to resume")
