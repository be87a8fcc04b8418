"""How long a writer holds the warehouse: try a read-only open every 50 ms for SECONDS and print the share of tries
that found the file locked, and each locked span.

    .venv/bin/python tools/probe_lock.py corpus.duckdb 60
"""

from __future__ import annotations

import sys
import time

import duckdb


def main(db: str, seconds: float) -> None:
    held = free = 0
    spans, current = [], None  # current: (locked, since)
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            duckdb.connect(db, read_only=True).close()
            free, locked = free + 1, False
        except duckdb.IOException:
            held, locked = held + 1, True
        now = time.monotonic()
        if current is None or current[0] != locked:
            if current is not None:
                spans.append((current[0], now - current[1]))
            current = (locked, now)
        time.sleep(0.05)
    print(f"locked in {held / max(held + free, 1):.0%} of {held + free} tries over {seconds:.0f} s")
    print("locked spans (s): " + ", ".join(f"{d:.1f}" for locked, d in spans if locked))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 60.0)
