"""What a small scheduled run costs on a big warehouse: N articles new to a copy of a full warehouse, ingested by the
real command (`corpus ingest`, Prefect's ephemeral API, the default workers), against one-process `nlp.pipe` over
the same texts (spaCy's lemmatizer as shipped, as `corpus bench`'s reference; and with the flow's), in one run on this
machine; and whether `document_search` finds every one of them right after.

    .venv/bin/python tools/bench_increment.py full.duckdb [--n 100] [--work DIR]

The copy loses the N documents loaded last from a JSONL dump (the highest record numbers), its summaries rebuilt
without them (not timed); their stored records become the new input.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus.nlp import STOCK_LEMMATIZER, load_pipeline
from warehouse.load import delete_documents, open_warehouse, update_summaries
from warehouse.transaction import transaction


def remove_last(db: Path, n: int) -> list[dict]:
    """Remove the `n` JSONL documents of the highest record numbers from `db`; their records."""
    with open_warehouse(db) as con:
        rows = con.execute(
            "SELECT d.doc_id, r.raw_content FROM documents d JOIN raw_documents r USING (doc_id) "
            "WHERE d.format = 'jsonl' ORDER BY try_cast(regexp_extract(d.source_uri, '#(\\d+)$', 1) AS INTEGER) DESC "
            "LIMIT ?", [n]).fetchall()
        doc_ids = [doc_id for doc_id, _ in rows]
        with transaction(con):
            con.execute("CREATE TEMP TABLE gone AS SELECT unnest(?) AS doc_id", [doc_ids])
            delete_documents(con, "gone")
        update_summaries(con)
    return [json.loads(content) for _, content in rows]


def pipe_once(texts: list[str]) -> float:
    """Seconds of one-process `nlp.pipe` over `texts`, the pipeline loaded before the clock starts."""
    nlp = load_pipeline()
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--work", type=Path, default=None, help="where the copy goes (default: a temporary folder)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="corpus-increment-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "increment.duckdb"
    shutil.copyfile(args.db, db)
    started = time.perf_counter()
    records = remove_last(db, args.n)
    print(f"copy of {args.db} without its last {len(records)} JSONL documents: {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    source = work / "new.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")

    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "flows.cli", "ingest", str(source), "--db", str(db)],
                         capture_output=True, text=True)
    ingest_seconds = time.perf_counter() - started
    if run.returncode:
        raise SystemExit(f"error: corpus ingest exited {run.returncode}: {run.stderr.strip().splitlines()[-1]}")
    stages = next((line for line in run.stdout.splitlines() if line.startswith("Seconds by stage")), "")

    texts = [r["article"] for r in records]
    os.environ[STOCK_LEMMATIZER] = "1"
    pipe_seconds = pipe_once(texts)
    del os.environ[STOCK_LEMMATIZER]
    load_pipeline.cache_clear()
    cut_seconds = pipe_once(texts)

    with open_warehouse(db, read_only=True) as con:
        new = con.execute("SELECT doc_id, title FROM documents WHERE run_id = (SELECT run_id FROM ingest_runs "
                          "ORDER BY started_at DESC LIMIT 1) AND title IS NOT NULL").fetchall()
        found = sum(bool(con.execute("SELECT count(*) FROM document_search(?) WHERE doc_id = ? AND kind = 'document'",
                                     [title, doc_id]).fetchone()[0]) for doc_id, title in new)
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    print(f"{len(records)} new articles into a warehouse of {n_docs - len(records):,} documents")
    print(f"corpus ingest (wall)           {ingest_seconds:8.1f} s   {stages}")
    print(f"one-process nlp.pipe           {pipe_seconds:8.1f} s   (spaCy's lemmatizer as shipped; "
          f"{cut_seconds:.1f} s with the flow's)")
    print(f"ratio                          {ingest_seconds / pipe_seconds:8.2f}x   ({ingest_seconds / cut_seconds:.2f}x "
          f"against the second)")
    print(f"found by document_search (each searched by its title) right after the run: {found}/{len(new)}")


if __name__ == "__main__":
    main(sys.argv[1:])
