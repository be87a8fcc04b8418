"""Draws the OrangeSum articles of `eval/orangesum_quotes` and splits them, by article, into a development
part and a locked test part. Deterministic: the same seed gives the same ids on every machine.

    python tools/sample_orangesum_gold.py [--shared ../shared] [--texts DIR]

Writes `eval/orangesum_quotes/split.json`; with `--texts`, also each article's text (title, heading and
body joined by blank lines, as the JSONL reader builds its raw text) as `<id>.txt`, for annotation.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

SEED = 20261204
N_ARTICLES = 170
N_TEST = 60
N_TWICE = 20
N_ADDED_DEV = (120, 120)
"""Articles drawn after the first 170, in rounds (same seed, same generator, so earlier draws are unchanged) and
annotated later, all for the development part: the ranker's learning curve was still rising."""
HERE = Path(__file__).resolve().parent.parent
SPLIT = HERE / "eval/orangesum_quotes/split.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent / "shared")
    parser.add_argument("--texts", type=Path, default=None)
    args = parser.parse_args()
    folder = args.shared / "data/articles/orangesum"
    excluded = {json.loads(line)["id"] for line in (folder / "sample_500.jsonl").open(encoding="utf-8")}
    records = {}
    with gzip.open(folder / "orangesum_articles.jsonl.gz", "rt", encoding="utf-8") as dump:
        for line in dump:
            record = json.loads(line)
            if record["article"].strip() and record["id"] not in excluded:
                records[record["id"]] = record
    rng = random.Random(SEED)
    chosen = rng.sample(sorted(records), N_ARTICLES)
    test, dev = sorted(chosen[:N_TEST]), sorted(chosen[N_TEST:])
    twice = sorted(rng.sample(chosen, N_TWICE))
    added: list[str] = []
    for size in N_ADDED_DEV:
        added += sorted(rng.sample(sorted(set(records) - set(chosen) - set(added)), size))
    SPLIT.write_text(json.dumps({"seed": SEED, "dev": sorted(dev + added), "test": test, "annotated_twice": twice,
                                 "added_to_dev": sorted(added)}, indent=1) + "\n", encoding="utf-8")
    if args.texts:
        args.texts.mkdir(parents=True, exist_ok=True)
        for key in chosen + added:
            record = records[key]
            text = "\n\n".join([record["title"] or "", record["heading"] or "", record["article"]])
            (args.texts / f"{key}.txt").write_text(text, encoding="utf-8")
    print(f"{len(dev) + len(added)} development ({len(added)} added later) and {len(test)} test articles, "
          f"{len(twice)} annotated twice -> {SPLIT}")


if __name__ == "__main__":
    main()
