"""Lists every place the JSONL reader splits words glued across a lost paragraph break ("accru|La prime"),
on a JSONL dump, and draws a seeded sample of them for judging by reading.

    python tools/glue_splits.py [--jsonl ../shared/data/articles/orangesum/sample_500.jsonl] [--draw 50]

Prints the count, then one tab-separated line per drawn split: record id, the text before the cut, the text
after it. A split is right when a paragraph (or sentence) really ends at the cut.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from corpus.read.jsonl import glue_splits

SEED = 20261205
HERE = Path(__file__).resolve().parent.parent
CONTEXT = 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl", type=Path, default=HERE.parent / "shared/data/articles/orangesum/sample_500.jsonl")
    parser.add_argument("--draw", type=int, default=50)
    args = parser.parse_args()
    found = []
    for line in args.jsonl.open(encoding="utf-8"):
        record = json.loads(line)
        body = record.get("article") or record.get("text") or ""
        for cut in glue_splits(body):
            left = body[max(0, cut - CONTEXT):cut].replace("\n", " ").replace("\t", " ")
            right = body[cut:cut + CONTEXT].replace("\n", " ").replace("\t", " ")
            found.append((record.get("id"), left, right))
    print(f"{len(found)} glue splits in {args.jsonl.name}")
    for record_id, left, right in random.Random(SEED).sample(found, min(args.draw, len(found))):
        print(f"{record_id}\t{left}\t{right}")


if __name__ == "__main__":
    main()
