"""Copy a warehouse's documents N times over, in SQL, to time the views at a scale the pipeline cannot reach quickly:
each copy gets new ids and dates shifted by N weeks. The entities stay those of the original (their counts are
recomputed), so pair views come out cheaper than on as many real documents.

    cp s600.duckdb x60.duckdb && .venv/bin/python tools/replicate_warehouse.py x60.duckdb 60
    .venv/bin/python tools/bench_views.py x60.duckdb
"""

from __future__ import annotations

import sys
import time

from warehouse.load import open_warehouse, refresh_stale_entities
from warehouse.search import build_search_index

COPIED = {"entity_mentions": "mention_id", "quotes": "quote_id", "citations": "citation_id", "sentences": None}


def main(db: str, times: int) -> None:
    with open_warehouse(db) as con:
        con.execute(f"CREATE TEMP TABLE copies AS SELECT range AS k FROM range(1, {times})")
        con.execute("INSERT INTO documents BY NAME SELECT t.* REPLACE (t.doc_id || '-' || k AS doc_id, "
                    "t.source_uri || '-' || k AS source_uri, t.content_sha256 || '-' || k AS content_sha256, "
                    "(t.published_date + INTERVAL (k * 7) DAY)::DATE AS published_date) FROM documents t, copies")
        for table, key in COPIED.items():
            ids = "t.doc_id || '-' || k AS doc_id" + (f", t.{key} || '-' || k AS {key}" if key else "")
            con.execute(f"INSERT INTO {table} BY NAME SELECT t.* REPLACE ({ids}) FROM {table} t, copies")
        started = time.perf_counter()
        con.execute("INSERT INTO stale_entities SELECT entity_id FROM entities ON CONFLICT DO NOTHING")
        refresh_stale_entities(con)
        print(f"entity counts recomputed in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        build_search_index(con)
        print(f"full-text indexes rebuilt in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
