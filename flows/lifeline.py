"""The processes a command starts die with it, however it dies; and whether a run's process is still alive.

A run starts NLP workers (a process pool), the pool's resource tracker and, in Prefect's ephemeral mode, an API
server. A clean end or Ctrl-C stops them, but SIGKILL (the OOM killer, a service manager, `kill -9`) does not: they
lived on as orphans (about 600 MB each for a worker). So a command that runs a flow starts a lifeline first: a small
process of its own that looks at the command's process tree twice a second and, once the command is gone, kills the
processes it last saw under it (each checked by its start time, so that a reused process id is never touched).
Linux only (it reads /proc); elsewhere nothing is started.

    python -m flows.lifeline PID
"""

from __future__ import annotations

import datetime
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from warehouse.contract import RunProcess

PROC = Path("/proc")
EVERY_SECONDS = 0.5
STALE_AFTER = datetime.timedelta(hours=1)
"""A run on another host whose last batch loaded longer ago than this is taken for dead: a batch takes seconds to a
few minutes."""


def start() -> subprocess.Popen | None:
    """The lifeline of this process, in a session of its own (Ctrl-C to the command's terminal does not reach it:
    the command then stops its processes itself, and the lifeline ends after it)."""
    if not (PROC / str(os.getpid()) / "stat").is_file():
        return None
    return subprocess.Popen([sys.executable, "-m", "flows.lifeline", str(os.getpid())], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def watch(pid: int, every: float = EVERY_SECONDS) -> list[int]:
    """Wait for process `pid` to end, then kill the processes that were under it; the ids killed."""
    born = started_at(pid)
    if born is None:
        return []
    under: dict[int, int] = {}
    while True:
        seen = descendants(pid)
        if started_at(pid) != born:
            # It died during this scan: its children were being handed to init, so the scan may have missed some.
            under.update(seen)
            break
        under = seen
        time.sleep(every)
    killed = []
    for child, child_born in under.items():
        if started_at(child) == child_born:
            try:
                os.kill(child, signal.SIGKILL)
                killed.append(child)
            except ProcessLookupError:
                pass
    return killed


def started_at(pid: int) -> int | None:
    """The process's start time (clock ticks since boot), None when there is no such process or it has ended (a
    zombie: its parent, or an init that does not reap, has not collected it yet)."""
    fields = _stat(PROC / str(pid) / "stat")
    return int(fields[19]) if fields and fields[0] not in ("Z", "X") else None


def this_process() -> RunProcess:
    return RunProcess(socket.gethostname(), os.getpid(), started_at(os.getpid()))


def is_alive(process: RunProcess) -> bool | None:
    """Whether the process still runs: None when it cannot be told from here (another host)."""
    if process.host != socket.gethostname() or process.pid is None:
        return None
    if process.started is not None and PROC.is_dir():
        return started_at(process.pid) == process.started
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead(runs: list[tuple[str, RunProcess, datetime.datetime]]) -> list[str]:
    """Of (run_id, process, last heartbeat) of runs recorded as `running`, those that are not: their process is gone
    (this host), or their last heartbeat is older than `STALE_AFTER` (another host, whose processes cannot be seen
    from here)."""
    now = datetime.datetime.now()
    return [run_id for run_id, process, heartbeat in runs
            if (alive := is_alive(process)) is False or (alive is None and now - heartbeat > STALE_AFTER)]


def descendants(pid: int) -> dict[int, int]:
    """The processes under `pid` (children, their children...), with their start times."""
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (fields := _stat(entry / "stat")):
            children.setdefault(int(fields[1]), []).append((int(entry.name), int(fields[19])))
    found, todo = {}, [pid]
    while todo:
        for child, born in children.get(todo.pop(), []):
            if child not in found:
                found[child] = born
                todo.append(child)
    found.pop(os.getpid(), None)  # the lifeline itself, when it is a child of the command
    return found


def _stat(path: Path) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces and brackets): state, ppid, ..."""
    try:
        text = path.read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()


if __name__ == "__main__":
    watch(int(sys.argv[1]))
