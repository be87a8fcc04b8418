"""The Streamlit dashboard on the warehouse, read-only, on loopback: the command line that serves it (what
`corpus dashboard` runs in its place) and a server for scripts and tests."""

from __future__ import annotations

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


def streamlit_command(db: str, port: int) -> list[str]:
    """The command line that serves the dashboard: headless, no usage statistics sent, loopback only, no file
    watcher (nothing is edited while it runs)."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.address", "127.0.0.1", "--server.port", str(port),
            "--server.fileWatcherType", "none", "--theme.base", "light", "--client.toolbarMode", "minimal",
            "--", "--db", str(Path(db).resolve())]


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
