"""Where the flows lean on Prefect (3.8) beyond its public API, or around its defaults. Each piece says what it works
around and what would let it go; nothing else in `flows/` touches Prefect's internals."""

from __future__ import annotations

import ctypes
import functools
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import prefect
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner


class Sealed:
    """Articles handed to a worker in one piece.

    Works around: Prefect walks a task's parameters, every object of every article, looking for futures (0.3 s a
    batch of 64 in the flow, and again in the worker, which rebuilds them), but not into an object of a class it does
    not know. Prefect's own `quote` does the same for tasks run in the flow's process, but it is a tuple, and Dask's
    task graph unpacks tuples. Can go when a task can opt out of that walk for its parameters."""

    __slots__ = ("articles",)

    def __init__(self, articles: Sequence[Any]):
        self.articles = articles


POLL_SECONDS = 0.25
"""How often `wait_for` looks at a future while it has something else to do in between."""


def wait_for(future: PrefectFuture, meanwhile: Callable[[], bool]) -> Any:
    """The future's result; while `meanwhile()` says it still has work (the writer holding the warehouse, which it
    lets go if a reader waits), call it every `POLL_SECONDS`.

    Works around: `future.wait(timeout)` asks the API for the task's state at each timeout, and a Ctrl-C during it
    hung the flow; `future.state` asks the API too. The process pool's and Dask's futures wrap a local future that
    knows when it is done (`wrapped_future`, not public). Can go when `PrefectFuture` has a local, interruptible
    `done()`."""
    while meanwhile() and not _done(future):
        time.sleep(POLL_SECONDS)
    return future.result()


def _done(future: PrefectFuture) -> bool:
    wrapped = getattr(future, "wrapped_future", None)
    return wrapped.done() if wrapped is not None else future.state.is_final()


@contextmanager
def workers_on_this_api() -> Iterator[None]:
    """Point a local process pool's workers at this process's Prefect API.

    Works around: with no API configured (Prefect's ephemeral mode, a flow called from Python), this process runs a
    temporary server, and each worker started one of its own: seconds of start-up in the run, then a share of a core
    each beside the model for the whole run (seen in `corpus bench`). `corpus ingest` configures the API itself. Dask
    workers, perhaps on other machines, keep their own settings. The pool reads the settings once, at its first
    task. Uses `SubprocessASGIServer`, the ephemeral server's class (not public). Can go when the process pool hands
    its workers the parent's ephemeral API."""
    if get_current_settings().api.url or not isinstance(FlowRunContext.get().task_runner, ProcessPoolTaskRunner):
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer  # Prefect's clients import it as late

    server = SubprocessASGIServer()  # one per process: the one this process's Prefect client started
    if not server.running:
        yield
        return
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def forkserver(preload: Sequence[str], *, start: bool = False) -> multiprocessing.context.BaseContext:
    """The forkserver context, its server to import `preload` first (Linux), started now if `start`, else when the
    first process is made from it.

    Started, the server imports `preload` while the caller goes on (its start-up then overlaps the command's own); the
    first worker forked from it waits for that, every later one forks in milliseconds; it lives until this process
    ends, across the runs it makes."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    if start:
        multiprocessing.forkserver.ensure_running()
    return context


class ForkedProcessPool(ProcessPoolTaskRunner):
    """Prefect's process pool with its workers forked from `forkserver(preload)` instead of spawned afresh.

    Works around: the pool starts its workers with 'spawn', hard-coded in `__enter__`: every worker of every run
    imported Prefect and spaCy and loaded the pipeline again (7 s each, two thirds of it compiling the French
    tokenizer's regular expressions). The context `__enter__` reads from the `multiprocessing` module is swapped for
    the forkserver's, during `__enter__` only. Can go when the pool takes a multiprocessing context."""

    preload: tuple[str, ...] = ()

    def duplicate(self) -> ForkedProcessPool:
        copy = super().duplicate()
        copy.preload = self.preload
        return copy

    def __enter__(self) -> ForkedProcessPool:
        module = sys.modules[ProcessPoolTaskRunner.__module__]
        module.multiprocessing = _OneContext(forkserver(self.preload))
        try:
            return super().__enter__()
        finally:
            module.multiprocessing = multiprocessing


class _OneContext:
    """The `multiprocessing` module, but for the context it gives whatever start method is asked."""

    def __init__(self, context: multiprocessing.context.BaseContext):
        self._context = context

    def get_context(self, method: str | None = None) -> multiprocessing.context.BaseContext:
        return self._context

    def __getattr__(self, name: str) -> Any:
        return getattr(multiprocessing, name)


def runner_parallelism() -> int | None:
    """The current task runner's workers, if it says: a Dask runner its cluster's threads, a process pool its size.

    Works around: task runners do not say how many tasks they run at once; the process pool keeps it in
    `_max_workers` (not public). Can go when task runners expose their size."""
    runner = FlowRunContext.get().task_runner
    if getattr(runner, "address", None):
        return sum(runner.client.nthreads().values()) or None
    return getattr(runner, "_max_workers", None)


def launch_session_server() -> tuple[int, subprocess.Popen]:
    """Start the process of Prefect's ephemeral API server now, on a free port: its start-up (seconds of imports and
    database set-up) overlaps the command's own; `session_server` takes it over."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return port, _uvicorn_process(port)


def session_server(launched: tuple[int, subprocess.Popen]) -> Any:
    """Prefect's ephemeral API server (the `SubprocessASGIServer` Prefect's clients use) with the process `launched`,
    started in a session of its own and to get SIGTERM when this process dies, even by SIGKILL (Linux); its `start()`
    waits until it answers (and starts another process if that one found its port taken).

    Works around: Prefect starts it in the process group of the run, where the terminal's Ctrl-C stops it under the
    run: the run then cannot record its end, retries for minutes, fails with a ConnectError and hangs at exit; and a
    killed run left it behind. `_run_uvicorn_command` is not public: its command line and environment are copied from
    Prefect 3.8.8 (the pinned version), with the session and the parent-death signal added. Can go when Prefect
    starts its ephemeral server outside the run's process group and stops it with its parent."""
    server = _session_server_class()()
    if server.running:  # an earlier run of this process started one: it serves this run too
        launched[1].terminate()
    else:
        server.port, server.launched = launched
    return server


@functools.cache
def _session_server_class() -> type:
    from prefect.server.api.server import SubprocessASGIServer  # 1.4 s of imports, which only the CLI's runs need

    class SessionServer(SubprocessASGIServer):
        launched: subprocess.Popen | None = None

        def _run_uvicorn_command(self) -> subprocess.Popen:
            process, self.launched = self.launched, None
            return process or _uvicorn_process(self.port)

    return SessionServer


def _uvicorn_process(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent),
               "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "error", "--lifespan", "on"]
    environment = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                   "PREFECT__SERVER_FINAL": "1", **get_current_settings().to_environment_variables(exclude_unset=True)}
    return subprocess.Popen(command, env=environment, start_new_session=True, preexec_fn=_stop_with_parent())


def _stop_with_parent() -> Callable[[], None] | None:
    """What a child runs before exec to get SIGTERM when this process dies (PR_SET_PDEATHSIG; Linux only)."""
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    return lambda: prctl(1, signal.SIGTERM)
