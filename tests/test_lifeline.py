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
