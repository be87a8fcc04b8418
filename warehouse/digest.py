"""Whether two warehouses hold the same data: for every table, its row count and a digest of its rows without the
columns a run stamps (ids of runs and flow runs, times, processes, pipeline versions), so that two ingests of the same
inputs compare equal when nothing they load differs (`tools/compare_warehouses.py`, `corpus bench --compare-cut`)."""

from __future__ import annotations

import duckdb

RUN_STAMPS = ("run_id", "first_run_id", "flow_run_id", "pipeline_version", "started_at", "finished_at", "loaded_at",
              "updated_at", "checked_at", "fetched_at", "applied_at", "created_at", "refreshed_at", "ingested_at",
              "rejected_at", "first_rejected_at", "heartbeat_at", "made_at", "pid", "process_started", "arguments")
"""Columns that differ between two runs of the same code over the same inputs."""


def table_digests(path: str) -> dict[str, tuple[int, str]]:
    """Each base table's row count and a digest of its rows (run stamps left out), order-independent."""
    with duckdb.connect(path, read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
        digests = {}
        for table in tables:
            columns = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                                  "table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                                                  [table]).fetchall()
                       if c not in RUN_STAMPS]
            listed = ", ".join(f'"{c}"' for c in columns) or "1"
            count, digest = con.execute(f'SELECT count(*), coalesce(sum(hash(({listed}))), 0)::VARCHAR '
                                        f'FROM "{table}"').fetchone()
            digests[table] = (count, digest)
    return digests


def differing_tables(before: str, after: str) -> list[str]:
    """The tables whose rows differ between the two warehouses (or that only one has)."""
    a, b = table_digests(before), table_digests(after)
    return sorted(t for t in a.keys() | b.keys() if a.get(t) != b.get(t))
