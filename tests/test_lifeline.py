"""The lifeline: a command's processes die with it, even when it is killed with SIGKILL (Linux, /proc)."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from flows import lifeline
from tests.conftest import ROOT

COMMAND = textwrap.dedent("""
    import subprocess, sys, time
    from flows import lifeline
    sleepers = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"]) for _ in range(2)]
    lifeline.start()
    print(" ".join(str(s.pid) for s in sleepers), flush=True)
    time.sleep(120)
""")


@pytest.mark.skipif(not lifeline.PROC.is_dir(), reason="the lifeline reads /proc (Linux)")
def test_a_commands_children_die_when_it_is_killed():
    command = subprocess.Popen([sys.executable, "-c", COMMAND], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    sleepers = [int(pid) for pid in command.stdout.readline().split()]
    deadline = time.monotonic() + 10
    while len(lifeline.descendants(command.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)  # the lifeline's interpreter starting
    born = {pid: lifeline.started_at(pid) for pid in sleepers}
    assert None not in born.values()
    time.sleep(2 * lifeline.EVERY_SECONDS)  # the lifeline has seen the sleepers
    os.kill(command.pid, signal.SIGKILL)
    command.wait()
    deadline = time.monotonic() + 10
    while any(lifeline.started_at(p) == b for p, b in born.items()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p, b in born.items() if lifeline.started_at(p) == b] == []


def test_a_command_that_dies_during_a_scan_still_has_its_children_killed(monkeypatch):
    """The command dies while the lifeline reads /proc: its children, being handed to init, are missing from that
    scan, and the scan before, made while it lived, still names them."""
    children = {101: 7, 102: 8}
    scans = []

    def descendants(pid):
        scans.append(pid)
        return dict(children) if len(scans) < 3 else {}  # the command dies during the third scan

    def started_at(pid):
        if pid == 100:
            return 5 if len(scans) < 3 else None
        return children.get(pid)

    killed = []
    monkeypatch.setattr(lifeline, "descendants", descendants)
    monkeypatch.setattr(lifeline, "started_at", started_at)
    monkeypatch.setattr(lifeline.os, "kill", lambda pid, sig: killed.append((pid, sig)))
    assert lifeline.watch(100, every=0) == [101, 102]
    assert killed == [(101, signal.SIGKILL), (102, signal.SIGKILL)]
