"""What a run needs around it on a terminal: its details in a log file, Ctrl-C noted, and a Prefect API that Ctrl-C
does not stop under it."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def start_prefect_api() -> Any | None:
    """With no Prefect server configured, Prefect's ephemeral API server for the run, its process starting now, in a
    session of its own (`flows.prefect_workarounds.session_server`), while the command goes on; else None."""
    from prefect.settings import get_current_settings

    if get_current_settings().api.url:
        return None
    from flows.prefect_workarounds import launch_session_server

    return launch_session_server()


@contextmanager
def prefect_api(launched: Any | None) -> Iterator[None]:
    """The run's Prefect API: the ephemeral server `start_prefect_api` launched, once it answers (the run's workers
    get its address from the settings), or the configured server."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if launched is None:
        yield
        return
    from flows.prefect_workarounds import session_server

    server = session_server(launched)  # the one Prefect's clients use; Prefect stops it at exit, after its last logs
    server.start()
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def prefect_mode() -> str:
    url = os.environ.get("PREFECT_API_URL")
    return f"server at {url}" if url else "ephemeral local API"


@contextmanager
def noting_interrupts() -> Iterator[list[int]]:
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
def log_to(path: str) -> Iterator[None]:
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
