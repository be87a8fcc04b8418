"""`corpus bench`: the ingest flow against raw `nlp.pipe`, and the performance targets (docs/performance.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.cli.errors import UsageError


def add_parsers(commands: argparse._SubParsersAction) -> None:
    bench = commands.add_parser("bench", help="measure the ingest flow against raw nlp.pipe on the first N records "
                                              "of a JSONL dump, and check the performance targets (docs/performance.md)")
    bench.add_argument("--n", type=int, default=2000, help="records to ingest (default 2000)")
    bench.add_argument("--source", default=None, help="the JSONL dump (default: OrangeSum in ../shared)")
    bench.add_argument("--workers", type=_worker_counts, default=[1, 2], metavar="1,2",
                       help="the worker counts to measure, comma-separated (default 1,2)")
    bench.add_argument("--batch-size", type=int, default=128, help="documents per batch (default 128)")
    bench.add_argument("--rss-baseline", type=int, default=None, metavar="M",
                       help="also ingest the first M records, to compare peak memory (default N/5; 0: no)")
    bench.add_argument("--compare-cut", action="store_true",
                       help="also ingest with spaCy's lemmatizer as shipped, and check both warehouses hold the same rows")
    bench.add_argument("--json", default=None, metavar="FILE", help="also write every figure to FILE")
    bench.add_argument("--keep", default=None, metavar="DIR", help="keep the sample and the databases in DIR")
    bench.set_defaults(run=_bench)


def _worker_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of worker counts such as 1,2")
    return counts


def _bench(args: argparse.Namespace) -> int:
    from flows.bench import DEFAULT_SOURCE, main as bench

    source = Path(args.source) if args.source else DEFAULT_SOURCE
    if not source.is_file():
        raise UsageError(f"no JSONL dump at {source}; give one with --source")
    if args.n < 1 or args.batch_size < 1:
        raise UsageError("--n and --batch-size must be at least 1")
    baseline = args.n // 5 if args.rss_baseline is None else args.rss_baseline
    return bench(args.n, source, args.workers, args.batch_size, Path(args.json) if args.json else None,
                 Path(args.keep) if args.keep else None, baseline, args.compare_cut)
