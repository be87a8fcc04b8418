"""`corpus dashboard [--db FILE] [--port N]`: the Streamlit dashboard on the warehouse, read-only, on loopback.

It runs `streamlit run dashboard/app.py` in place of the `corpus` process, so Ctrl-C stops Streamlit itself.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dashboard

APP = Path(dashboard.__file__).resolve().parent / "app.py"
DEFAULT_PORT = 8501


def register(commands: argparse._SubParsersAction, db_help: str) -> None:
    """Add the `dashboard` command to the `corpus` parser's subcommands."""
    command = commands.add_parser("dashboard", help="browse the warehouse in a web browser (read-only, on 127.0.0.1)")
    command.add_argument("--db", default=None, help=db_help)
    command.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"the port to serve on (default {DEFAULT_PORT})")
    command.set_defaults(run=run)


def streamlit_command(db: str, port: int) -> list[str]:
    """The command line that serves the dashboard: headless, no usage statistics sent, loopback only, no file
    watcher (nothing is edited while it runs)."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.fileWatcherType", "none", "--theme.base", "light", "--client.toolbarMode", "minimal",
            "--", "--db", str(Path(db).resolve())]


def run(args: argparse.Namespace) -> int:
    from flows.cli import _db_path

    if importlib.util.find_spec("streamlit") is None:
        print("corpus: error: the dashboard needs Streamlit: pip install -c constraints.txt -e '.[dashboard]'",
              file=sys.stderr)
        return 1
    command = streamlit_command(_db_path(args), args.port)
    print(f"Dashboard on http://127.0.0.1:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    os.execv(command[0], command)


@contextmanager
def serving(db: str, port: int, timeout: float = 60) -> Iterator[str]:
    """The dashboard served in a child process until the block ends, for scripts and tests: its base URL once
    Streamlit answers its health check."""
    log = tempfile.TemporaryFile("w+", encoding="utf-8")  # a file, not a pipe: a chatty server never blocks on it
    server = subprocess.Popen(streamlit_command(db, port), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the dashboard exited with {server.returncode}: {log.read()}")
            try:
                with urllib.request.urlopen(url + "_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the dashboard did not answer on {url} within {timeout:.0f} s") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
