"""Time the queries behind each dashboard page on a warehouse, as a page render runs them (one read-only connection
per render), the median of three renders each.

    .venv/bin/python tools/bench_dashboard.py corpus.duckdb
"""

from __future__ import annotations

import statistics
import sys
import time

from dashboard import data


def pages(con) -> dict:
    """Each page's queries, for the most mentioned person and a document that names them."""
    person = con.execute("SELECT entity_id, name FROM entities WHERE label = 'PER' ORDER BY n_mentions DESC LIMIT 1"
                         ).fetchone()
    doc_id = con.execute("SELECT doc_id FROM entity_mentions WHERE entity_id = ? ORDER BY doc_id LIMIT 1",
                         [person[0]]).fetchone()[0]
    return {
        "overview": lambda c: (data.counts(c), data.documents_per_month(c)),
        f"entities ({person[1]})": lambda c: (data.find_entities(c, person[1]), data.entity_timeline(c, person[0]),
                                               data.comentions(c, person[0]), data.top_entities(c)),
        "quotes (search 'retraites')": lambda c: (data.quotes_by_speaker(c), data.quotes_by_outlet(c),
                                                  data.search_quotes(c, "retraites")),
        "sources": data.sources,
        "voices": lambda c: (data.publications(c), data.women_share_by_month(c, None),
                             data.women_share_by_publication(c), data.most_quoted(c, "female"),
                             data.most_quoted(c, "male"), data.anonymous_by_publication(c)),
        "document": lambda c: data.document(c, doc_id),
    }


def main(db: str) -> None:
    page_queries = data.read(db, pages)
    print(f"{'page':<36}{'render':>9}")
    for page, queries in page_queries.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            data.read(db, queries)
            times.append(time.perf_counter() - started)
        print(f"{page:<36}{statistics.median(times):>8.3f}s")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus.duckdb")
