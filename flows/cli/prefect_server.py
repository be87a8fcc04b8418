"""Prefect's ephemeral API server, out of the terminal's reach.

Prefect starts it in the process group of the run, where the terminal's Ctrl-C stops it under the run: the run then
cannot record its end, retries for minutes, fails with a ConnectError and hangs at exit. Started in a session of its
own, it gets SIGTERM when this process dies, even by SIGKILL (Linux), so that a killed run leaves no server behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable

import prefect
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import get_current_settings


class SessionServer(SubprocessASGIServer):
    """Prefect's `SubprocessASGIServer`, which starts the server in `_run_uvicorn_command`; its command line and
    environment are Prefect 3.8.8's, with the session and the parent-death signal added."""

    def _run_uvicorn_command(self) -> subprocess.Popen:
        command = [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent),
                   "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
                   "--port", str(self.port), "--log-level", "error", "--lifespan", "on"]
        environment = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                       "PREFECT__SERVER_FINAL": "1",
                       **get_current_settings().to_environment_variables(exclude_unset=True)}
        return subprocess.Popen(command, env=environment, start_new_session=True, preexec_fn=_stop_with_parent())


def _stop_with_parent() -> Callable[[], None] | None:
    """What a child runs before exec to get SIGTERM when this process dies (PR_SET_PDEATHSIG; Linux only)."""
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    return lambda: prctl(1, signal.SIGTERM)
