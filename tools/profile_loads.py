"""Time the warehouse's batch loads as the warehouse grows, without the model's cost: annotate the first 128 records
of a JSONL dump once, then load them again and again under new ids (batches of 64) through a `BatchWriter`, and
print the milliseconds a document every 25 batches, then the end-of-run refresh of the stale entities.

    .venv/bin/python tools/profile_loads.py --batches 100 --hold 0           # close (checkpoint) after every batch
    .venv/bin/python tools/profile_loads.py --batches 100 --hold 5 --gap 1   # a batch a second, as the workers give

The same entities come back in every copy, as "France" or "Macron" do in a real corpus.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import itertools
import tempfile
import time
from pathlib import Path

from corpus.nlp import annotate
from corpus.read.parse import parse_document
from corpus.records import Article, RawDocument
from flows.bench import DEFAULT_SOURCE
from warehouse.load import BatchWriter, open_warehouse, refresh_stale_entities, start_run

BATCH = 64


def annotated_sample(source: Path, n: int = 2 * BATCH) -> list:
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        raws = [RawDocument.from_bytes(f"{source}#{i}", line.encode(), "jsonl") for i, line in
                enumerate(itertools.islice(lines, n + 10))]
    articles = [a for a in (parse_document(raw) for raw in raws) if isinstance(a, Article)][:n]
    return list(annotate(articles))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--hold", type=float, default=0.0, help="the writer's hold_seconds")
    parser.add_argument("--gap", type=float, default=0.0, help="seconds between batches (the workers' pace)")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    sample = annotated_sample(args.source)
    db = Path(tempfile.mkdtemp()) / "loads.duckdb"
    with open_warehouse(db) as con:
        start_run(con, "profile", pipeline_version="v", flow_run_id=None, arguments="")
    spent = 0.0
    with BatchWriter(db, args.hold) as writer:
        for b in range(args.batches):
            batch = [dataclasses.replace(a, article=dataclasses.replace(
                a.article, source_uri=f"copy{b}#{i}", content_sha256=f"{b}-{i}"))
                for i, a in enumerate(sample[(b % 2) * BATCH:(b % 2 + 1) * BATCH])]
            time.sleep(args.gap)
            started = time.perf_counter()
            writer.load("profile", batch, [], 0)
            spent += time.perf_counter() - started
            if (b + 1) % 25 == 0:
                print(f"{(b + 1) * BATCH:,} documents: {spent / (25 * BATCH) * 1000:.2f} ms a document "
                      "over the last 25 batches", flush=True)
                spent = 0.0
    started = time.perf_counter()
    with open_warehouse(db, migrate=False) as con:
        n_stale = refresh_stale_entities(con)
    print(f"end of run: {n_stale:,} stale entities recomputed in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
