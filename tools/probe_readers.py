"""How a dashboard fares during an ingest run: render the overview's queries through `dashboard.data.read` (read-only,
retried while a writer holds the file) once a second, and count the renders that got in, how long they waited, and
those that gave up.

    .venv/bin/python tools/probe_readers.py corpus.duckdb 120
"""

from __future__ import annotations

import statistics
import sys
import time

from dashboard import data


def main(db: str, seconds: float) -> None:
    waits, busy = [], 0
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            data.read(db, lambda con: (data.counts(con), data.documents_per_month(con)))
            waits.append(time.perf_counter() - started)
        except data.WarehouseBusy:
            busy += 1
        time.sleep(1.0)
    n = len(waits) + busy
    print(f"{n} renders over {seconds:.0f} s: {len(waits)} read the warehouse, {busy} found it busy after every retry")
    if waits:
        print(f"render time: median {statistics.median(waits):.2f} s, 90th percentile "
              f"{sorted(waits)[int(0.9 * (len(waits) - 1))]:.2f} s, max {max(waits):.2f} s")


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 120.0)
