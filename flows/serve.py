"""`corpus serve`: run the schedules of a sources file until Ctrl-C.

Schedules need a Prefect server: its scheduler creates the runs, and Prefect's ephemeral API has none ("Cannot
schedule flows on an ephemeral server"). So with no `PREFECT_API_URL`, this starts one on 127.0.0.1, with its own
`PREFECT_HOME` under the sources file's data directory, waits until it answers, and serves there; with
`PREFECT_API_URL` set, it serves against that server. The deployments are served by a child process, which loads
Prefect once the server's address is in its environment; `limit=1` keeps a second ingest run from starting while one
runs (DuckDB has one writer). Ctrl-C stops the runner first, then the server.

This module imports no Prefect at the top: the supervisor must not load it with the wrong API address.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows import lifeline
from flows.config import SourcesFile, load_sources

HEALTH_TIMEOUT_SECONDS = 120.0
"""A cold first start migrates the server's SQLite database: ~11 s here, more on a slow disk."""
STOP_GRACE_SECONDS = 30.0


class ServeError(RuntimeError):
    """The local server or the runner could not start; the message is one line for the user."""


def serve(config: SourcesFile, *, db: str | None = None, port: int | None = None, ui: bool = True) -> int:
    """Serve `config`'s scheduled sources until Ctrl-C or until the runner stops; its exit code."""
    scheduled = [s.name for s in config.sources if s.schedule]
    if not scheduled:
        raise ServeError(f"{config.path} schedules no source: give a source `every` or `cron`")
    lifeline.start()  # the server, the runner and the runs it starts die with this process, even by SIGKILL
    env = dict(os.environ)
    runner_command = [sys.executable, "-m", "flows.serve", str(config.path), *(["--db", db] if db else [])]
    if env.get("PREFECT_API_URL"):
        print(f"Serving {', '.join(scheduled)} against the Prefect server at {env['PREFECT_API_URL']}", file=sys.stderr)
        return _supervise(runner_command, env)
    with local_server(config.data_dir, port=port, ui=ui) as api_url:
        env["PREFECT_API_URL"] = api_url
        env["PREFECT_HOME"] = str(config.data_dir / "prefect")
        print(f"Serving {', '.join(scheduled)}: Prefect server at {api_url.removesuffix('/api')} "
              f"(log {config.data_dir / 'prefect-server.log'}); Ctrl-C stops both", file=sys.stderr)
        return _supervise(runner_command, env)


@contextmanager
def local_server(data_dir: Path, *, port: int | None = None, ui: bool = True) -> Iterator[str]:
    """A `prefect server start` on 127.0.0.1 for the duration of the block; its API URL. The server runs in its own
    session, so that the terminal's Ctrl-C reaches the runner first and the server stops after it."""
    home = data_dir / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "true" if ui else "false", "PREFECT_SERVER_API_HOST": "127.0.0.1"}
    env.pop("PREFECT_API_URL", None)
    log_path = data_dir / "prefect-server.log"
    with open(log_path, "ab") as log:
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    api_url = f"http://127.0.0.1:{port}/api"
    try:
        wait_until_healthy(api_url, server, log_path)
        yield api_url
    finally:
        stop(server, signal.SIGTERM)


def wait_until_healthy(api_url: str, server: subprocess.Popen, log_path: Path,
                       timeout: float = HEALTH_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServeError(f"the Prefect server stopped at start (exit code {server.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200 and json.loads(response.read() or b"false") is True:
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.5)
    raise ServeError(f"the Prefect server did not answer at {api_url} within {timeout:.0f} s; see {log_path}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, sig: int, grace: float = STOP_GRACE_SECONDS) -> None:
    """Send `sig` to the process group `process` leads (started with `start_new_session`), then kill what is left
    of the group after `grace` seconds, or at once on a second Ctrl-C."""
    try:
        os.killpg(process.pid, sig)
        process.wait(grace)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):
        _kill_group(process)
    except ProcessLookupError:
        pass
    _kill_group(process)  # children the leader left behind


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait()


def _supervise(command: list[str], env: dict[str, str]) -> int:
    """Run the runner in its own process group until it stops; on Ctrl-C or SIGTERM, pass one SIGINT to the group
    (the runner and the flow run it has started, which rolls back its open batch and marks the run failed), give it
    time to stop, and report."""
    runner = subprocess.Popen(command, env=env, start_new_session=True)
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return runner.wait()
    except KeyboardInterrupt:
        stop(runner, signal.SIGINT)
        print("corpus: serve stopped; batches already loaded are kept", file=sys.stderr)
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum: int, frame: object) -> None:
    """SIGINT and SIGTERM stop serving, even when started in the background, where SIGINT comes ignored."""
    raise KeyboardInterrupt


def run_deployments(sources_file: str, db: str | None) -> None:
    """The runner: serve one deployment of the `ingest-source` flow per scheduled source, one run at a time."""
    from prefect import serve as prefect_serve
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron, Interval

    from flows.scheduled import ingest_source

    config = load_sources(sources_file)
    deployments = []
    for source in config.sources:
        if source.schedule is None:
            continue
        schedule = source.schedule
        deployments.append(ingest_source.to_deployment(
            name=source.name,
            schedules=[Cron(schedule.cron, timezone=schedule.timezone) if schedule.cron
                       else Interval(schedule.interval_seconds, timezone=schedule.timezone)],
            parameters={"sources_file": str(config.path), "source": source.name, **({"db": db} if db else {})},
            description=f"Ingest what is new in the {source.kind} source {source.name} ({' '.join(source.locations)})",
            tags=["corpus", source.kind], entrypoint_type=EntrypointType.MODULE_PATH))
    prefect_serve(*deployments, limit=1, print_starting_message=True)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the supervisor's SIGINT must reach Prefect's runner
    args = sys.argv[1:]
    db_arg = args[args.index("--db") + 1] if "--db" in args else None
    run_deployments(args[0], db_arg)
