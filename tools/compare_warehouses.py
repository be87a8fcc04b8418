"""Whether two warehouses hold the same data: for every table of either, its row count and a digest of its rows
without the columns a run stamps (ids of runs and flow runs, times, pipeline versions), so that two ingests of the
same inputs by two versions of the code compare equal when the code changed nothing they load.

    python tools/compare_warehouses.py before.duckdb after.duckdb

Prints one line per table and exits 1 if any differs."""

from __future__ import annotations

import argparse
import sys

import duckdb

RUN_STAMPS = ("run_id", "flow_run_id", "pipeline_version", "started_at", "finished_at", "loaded_at", "updated_at",
              "checked_at", "fetched_at", "applied_at", "created_at", "refreshed_at", "ingested_at", "rejected_at")
"""Columns that differ between two runs of the same code over the same inputs."""


def table_digests(path: str) -> dict[str, tuple[int, str]]:
    """Each base table's row count and a digest of its rows (run stamps left out), order-independent."""
    with duckdb.connect(path, read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
        digests = {}
        for table in tables:
            columns = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                                  "table_name = ? ORDER BY ordinal_position", [table]).fetchall()
                       if c not in RUN_STAMPS]
            listed = ", ".join(f'"{c}"' for c in columns) or "1"
            count, digest = con.execute(f'SELECT count(*), coalesce(sum(hash(({listed}))), 0)::VARCHAR '
                                        f'FROM "{table}"').fetchone()
            digests[table] = (count, digest)
    return digests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before")
    parser.add_argument("after")
    args = parser.parse_args(argv)
    before, after = table_digests(args.before), table_digests(args.after)
    differing = 0
    for table in sorted(before.keys() | after.keys()):
        a, b = before.get(table), after.get(table)
        same = a == b
        differing += not same
        print(f"{'same' if same else 'DIFFERS':8} {table:28} rows {a[0] if a else '-':>8} -> {b[0] if b else '-':>8}")
    print(f"{differing} of {len(before.keys() | after.keys())} tables differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
