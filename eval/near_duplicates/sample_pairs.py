"""Draws the candidate OrangeSum document pairs of the near-duplicate gold, without labels.

    .venv/bin/python eval/near_duplicates/sample_pairs.py [--shared ../shared] [--seed N] [--half]
        [--exclude PAIRS.jsonl ...] [--split NAME] [--out FILE]

Writes `eval/near_duplicates/pairs.jsonl` (one pair a line, no texts) and prints the counts per stratum. A further
draw (the locked test set, README.md) takes another seed, half of each stratum (`--half`), no document of the pairs
already drawn (`--exclude`) and one split name for all its pairs (`--split`).
Deterministic: fixed seed, sorted iteration everywhere, so the same dump gives the same pairs.

Similarity
    Exact Jaccard of the two bodies' shingle sets. Body = the `article` field only (not title, not heading).
    Words = `re.findall(r"\\w+", body.lower())`; a shingle = 5 consecutive words joined by one space; a body of
    fewer than 5 words is one shingle (all its words). Jaccard = |A & B| / |A | B|, computed exactly (from the
    shingle sets, not from MinHash) for every pair written, rounded to 3 decimals.

Candidates
    datasketch MinHash (num_perm 128, seed 1) of every non-empty body, MinHashLSH at threshold 0.12; every LSH
    collision gets its exact Jaccard. Records with an empty `article` (165) are skipped. Pairs from
    `list_of_duplicates.txt` (the dataset authors' groups, mostly by identical title) are added from the file
    itself, whatever their similarity.

Strata (drawn in this order; a pair is drawn at most once; a document is in at most 3 pairs)
    roundup       20  pairs inside the two big groups of list_of_duplicates.txt (83 and 55 files, daily
                      roundups that share a title), 10 from each
    listdup_lt05  30  pairs inside the other groups of list_of_duplicates.txt with Jaccard < 0.5
    j80_100       30  Jaccard >= 0.8; at most 10 at Jaccard 1.0, preferring those whose titles or dates differ
    j60_80        40  0.6 <= Jaccard < 0.8
    j40_60        40  0.4 <= Jaccard < 0.6
    j20_40        40  0.2 <= Jaccard < 0.4
    j10_20        20  0.1 <= Jaccard < 0.2
    The Jaccard strata draw from LSH collisions and list_of_duplicates pairs alike (uniformly inside a band).

Split
    Assigned here, before any judging: inside each stratum the pairs are shuffled (seeded) and the first
    ceil(n/2) are `dev`, the rest `test`.

Fields per pair: a, b (OrangeSum ids, a < b), line_a, line_b (1-based line numbers in the jsonl.gz),
stratum, jaccard, split.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import math
import random
import re
from collections import Counter
from pathlib import Path

from datasketch import MinHash, MinHashLSH

SEED = 20261206
NUM_PERM = 128
LSH_THRESHOLD = 0.12
SHINGLE = 5
MAX_PER_DOC = 3
MAX_EXACT = 10  # at most this many pairs with Jaccard 1.0 in j80_100
BANDS = [  # (stratum, low, high, size), high exclusive
    ("j80_100", 0.8, 1.01, 30),
    ("j60_80", 0.6, 0.8, 40),
    ("j40_60", 0.4, 0.6, 40),
    ("j20_40", 0.2, 0.4, 40),
    ("j10_20", 0.1, 0.2, 20),
]
N_ROUNDUP = 20
N_LISTDUP = 30
LISTDUP_MAX_J = 0.5
ORDER = ["j10_20", "j20_40", "j40_60", "j60_80", "j80_100", "listdup_lt05", "roundup"]

HERE = Path(__file__).resolve().parent
WORD = re.compile(r"\w+")


def shingles(body: str) -> frozenset[str]:
    words = WORD.findall(body.lower())
    if len(words) < SHINGLE:
        return frozenset([" ".join(words)])
    return frozenset(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    return len(x & y) / len(x | y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent.parent / "shared")
    parser.add_argument("--out", type=Path, default=HERE / "pairs.jsonl")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--half", action="store_true", help="draw half of each stratum's pairs")
    parser.add_argument("--exclude", type=Path, action="append", default=[],
                        help="a pairs file whose documents may not appear again (repeatable)")
    parser.add_argument("--split", help="put every pair in this one split instead of dev/test halves")
    args = parser.parse_args()
    scale = 0.5 if args.half else 1.0
    excluded = {int(r[k]) for path in args.exclude for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() for r in [json.loads(line)] for k in ("a", "b")}
    folder = args.shared / "data/articles/orangesum"

    records: dict[int, dict] = {}
    with gzip.open(folder / "orangesum_articles.jsonl.gz", "rt", encoding="utf-8") as dump:
        for number, line in enumerate(dump, start=1):
            record = json.loads(line)
            if record["article"].strip():
                records[record["id"]] = {"line": number, "title": record["title"], "date": record["date"],
                                         "sh": shingles(record["article"])}
    ids = sorted(records)
    print(f"{len(ids)} non-empty articles ({len(excluded)} documents excluded)")

    # --- LSH candidates
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    minhashes = MinHash.bulk([[s.encode("utf-8") for s in sorted(records[i]["sh"])] for i in ids],
                             num_perm=NUM_PERM, seed=1)
    for i, m in zip(ids, minhashes):
        lsh.insert(i, m)
    candidates: set[tuple[int, int]] = set()
    for i, m in zip(ids, minhashes):
        for j in lsh.query(m):
            if j != i:
                candidates.add((min(i, j), max(i, j)))
    print(f"{len(candidates)} LSH candidate pairs")

    # --- list_of_duplicates groups
    groups = []
    for line in (folder / "list_of_duplicates.txt").read_text(encoding="utf-8").split("\n"):
        group = sorted({int(name.strip().removesuffix(".json")) for name in line.split(",") if name.strip()})
        group = [i for i in group if i in records]
        if len(group) >= 2:
            groups.append(group)
    big = sorted((g for g in groups if len(g) >= 50), key=len, reverse=True)
    assert len(big) == 2, [len(g) for g in big]
    small_pairs = {p for g in groups if len(g) < 50 for p in itertools.combinations(g, 2)}
    roundup_pairs = [set(itertools.combinations(g, 2)) for g in big]
    listed = small_pairs | roundup_pairs[0] | roundup_pairs[1]

    sims = {p: jaccard(records[p[0]]["sh"], records[p[1]]["sh"]) for p in sorted(candidates | small_pairs)}
    print(f"{sum(s >= 0.1 for s in sims.values())} pairs with Jaccard >= 0.1 "
          f"({sum(s >= 0.1 for p, s in sims.items() if p in candidates)} among LSH candidates)")

    rng = random.Random(args.seed)
    per_doc: Counter[int] = Counter()
    chosen: dict[tuple[int, int], str] = {}

    def take(pool: list[tuple[int, int]], n: int, stratum: str) -> int:
        """Takes up to n pairs of pool, in a seeded random order, respecting the per-document cap."""
        pool = sorted(pool)
        rng.shuffle(pool)
        got = 0
        for a, b in pool:
            if got == n:
                break
            if (a, b) in chosen or per_doc[a] >= MAX_PER_DOC or per_doc[b] >= MAX_PER_DOC or {a, b} & excluded:
                continue
            chosen[(a, b)] = stratum
            per_doc[a] += 1
            per_doc[b] += 1
            got += 1
        return got

    def sim(p: tuple[int, int]) -> float:
        if p not in sims:
            sims[p] = jaccard(records[p[0]]["sh"], records[p[1]]["sh"])
        return sims[p]

    # roundups: half from each big group (a document of a roundup group in at most 3 pairs as everywhere)
    for pairs in roundup_pairs:
        take(list(pairs), round(N_ROUNDUP * scale) // 2, "roundup")
    take([p for p in small_pairs if sim(p) < LISTDUP_MAX_J], round(N_LISTDUP * scale), "listdup_lt05")

    pool = [p for p in sorted(set(sims) | listed) if sim(p) >= 0.1]
    for stratum, low, high, size in BANDS:
        n = round(size * scale)
        band = [p for p in pool if low <= sim(p) < high]
        if stratum == "j80_100":
            exact = [p for p in band if sim(p) == 1.0]
            differ = [p for p in exact if records[p[0]]["title"] != records[p[1]]["title"]
                      or records[p[0]]["date"] != records[p[1]]["date"]]
            same = [p for p in exact if p not in set(differ)]
            got = take(differ, round(MAX_EXACT * scale), stratum)
            got += take(same, round(MAX_EXACT * scale) - got, stratum)
            take([p for p in band if sim(p) < 1.0], n - got, stratum)
            print(f"  j80_100: {len(exact)} pairs at 1.0, {len(differ)} of them with different title or date")
        else:
            take(band, n, stratum)
        print(f"  band {stratum}: {len(band)} pairs available")

    # --- split, stratified
    split: dict[tuple[int, int], str] = {}
    for stratum in ORDER:
        members = sorted(p for p, s in chosen.items() if s == stratum)
        rng.shuffle(members)
        half = math.ceil(len(members) / 2)
        for k, p in enumerate(members):
            split[p] = args.split or ("dev" if k < half else "test")

    rows = []
    for (a, b), stratum in chosen.items():
        rows.append({"a": a, "b": b, "line_a": records[a]["line"], "line_b": records[b]["line"],
                     "stratum": stratum, "jaccard": round(sim((a, b)), 3), "split": split[(a, b)]})
    rows.sort(key=lambda r: (ORDER.index(r["stratum"]), r["a"], r["b"]))
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")

    print(f"wrote {len(rows)} pairs to {args.out}")
    counts = Counter((r["stratum"], r["split"]) for r in rows)
    print(f"{'stratum':14} {'dev':>4} {'test':>4} {'all':>4}")
    for stratum in ORDER:
        d, t = counts[(stratum, "dev")], counts[(stratum, "test")]
        print(f"{stratum:14} {d:4} {t:4} {sum(n for (s, _), n in counts.items() if s == stratum):4}")
    print(f"max pairs per document: {max(per_doc.values())}")


if __name__ == "__main__":
    main()
