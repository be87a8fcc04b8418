"""How the stories of a warehouse that holds the OrangeSum dump score on the judged pairs of eval/near_duplicates:
a pair is predicted the same story when its two documents have one `story_id`. Where `corpus eval stories` scores the
pairwise decision alone, this scores what a user of the warehouse sees, after grouping (a document joins a story
through any earlier member, so two versions can meet through a third).

    .venv/bin/python tools/stories_in_warehouse.py full.duckdb [--locked-test]

The documents are found by their record number in the dump (`source_uri` ending in `#<line>`); pairs whose documents
are not both in the warehouse are counted apart. Totals and strata only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from corpus.scoring.stories import JudgedPair, report
from flows.evaluate import near_duplicate_gold


def grouped_pairs(con: duckdb.DuckDBPyConnection, gold: list[dict]) -> tuple[list[JudgedPair], int]:
    """The gold pairs whose documents the warehouse holds, predicted by their stories; and how many it lacks."""
    lines = sorted({g[side] for g in gold for side in ("line_a", "line_b")})
    story_of = dict(con.execute(
        "SELECT try_cast(regexp_extract(source_uri, '#(\\d+)$', 1) AS INTEGER) AS line, story_id FROM documents "
        "WHERE format = 'jsonl' AND line IN (SELECT unnest(?))", [lines]).fetchall())
    pairs, missing = [], 0
    for g in gold:
        a, b = story_of.get(g["line_a"]), story_of.get(g["line_b"])
        if a is None or b is None:
            missing += 1
            continue
        pairs.append(JudgedPair(str(g["a"]), str(g["b"]), g["stratum"], g["same_story"], a == b, 0.0))
    return pairs, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--locked-test", action="store_true", help="the locked test pairs instead of development")
    args = parser.parse_args()
    if not args.db.is_file():
        parser.error(f"no warehouse at {args.db}")
    path, gold = near_duplicate_gold(args.locked_test)
    with duckdb.connect(str(args.db), read_only=True) as con:
        pairs, missing = grouped_pairs(con, gold)
    print(f"Stories of {args.db} on the pairs of eval/near_duplicates/{path.name}: {len(pairs)} pairs "
          f"({missing} left out, a document not in the warehouse)")
    print(report(pairs))


if __name__ == "__main__":
    main()
