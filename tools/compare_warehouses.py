"""Whether two warehouses hold the same data (`warehouse.digest`): for every table of either, its row count and a
digest of its rows without the columns a run stamps, so that two ingests of the same inputs by two versions of the
code compare equal when the code changed nothing they load.

    python tools/compare_warehouses.py before.duckdb after.duckdb

Prints one line per table and exits 1 if any differs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from warehouse.digest import table_digests  # noqa: E402


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
