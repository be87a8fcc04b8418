"""A progress line for long runs: documents done, rate and time left, on standard error."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, every_seconds: float = 5.0):
        self.total = total
        self.stream = stream or sys.stderr
        self.every = every_seconds if not self.stream.isatty() else 0.2
        self.started = self.last = time.monotonic()
        self.done = 0

    def advance(self, n: int, **counts: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.every or self.done >= self.total:
            self.last = now
            self._show(now, counts)

    def close(self) -> None:
        if self.stream.isatty():
            self.stream.write("\n")
            self.stream.flush()

    def _show(self, now: float, counts: dict[str, int]) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0
        percent = 100 * self.done / self.total if self.total else 100
        details = "  ".join(f"{k} {v:,}" for k, v in counts.items())
        line = (f"{self.done:,}/{self.total:,} documents ({percent:.0f}%)  {rate:.1f} docs/s  "
                f"{_clock(elapsed)} elapsed, {_clock(left)} left  {details}")
        end = "\r" if self.stream.isatty() else "\n"
        self.stream.write(line + end)
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
