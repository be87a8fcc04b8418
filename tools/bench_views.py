"""Time every analysis view on a warehouse: the whole view fetched as Arrow, every row of it counted (computed, not
fetched), and a typical question, the median of three runs each, through a read-only connection.

    .venv/bin/python tools/bench_views.py corpus.duckdb
"""

from __future__ import annotations

import statistics
import sys
import time

from warehouse.load import open_warehouse

QUESTIONS = {
    "entity_stats": "SELECT * FROM entity_stats ORDER BY n_mentions DESC LIMIT 20",
    "entity_timeline": "SELECT * FROM entity_timeline WHERE entity_id = (SELECT entity_id FROM entities "
                       "ORDER BY n_mentions DESC LIMIT 1) ORDER BY month",
    "cooccurrence": "SELECT * FROM cooccurrence WHERE entity_id = (SELECT entity_id FROM entities "
                    "ORDER BY n_mentions DESC LIMIT 1) ORDER BY pmi DESC LIMIT 20",
    "speakers": "SELECT speaker, sum(n_quotes) AS n FROM speakers GROUP BY 1 ORDER BY n DESC LIMIT 20",
    "quotes_about": "SELECT * FROM quotes_about WHERE entity_id = (SELECT entity_id FROM entities "
                    "ORDER BY n_mentions DESC LIMIT 1)",
    "sources": "SELECT * FROM sources ORDER BY 1 LIMIT 20",
    "document_search": "SELECT * FROM document_search('gouvernement élection') LIMIT 20",
}


def timed(con, sql: str) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(3):
        started = time.perf_counter()
        rows = con.execute(sql).to_arrow_table().num_rows
        times.append(time.perf_counter() - started)
    return statistics.median(times), rows


def main(db: str) -> None:
    with open_warehouse(db, read_only=True) as con:
        n_docs, n_mentions, n_quotes = con.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM entity_mentions), "
            "(SELECT count(*) FROM quotes)").fetchone()
        print(f"{db}: {n_docs:,} documents, {n_mentions:,} entity mentions, {n_quotes:,} quotes")
        print(f"{'view':<18}{'whole view':>12}{'rows':>11}{'counted':>10}{'question':>11}{'rows':>7}")
        for view, question in QUESTIONS.items():
            everything = ("SELECT * FROM document_search('gouvernement')" if view == "document_search"
                          else f"SELECT * FROM {view}")
            whole, n = timed(con, everything)
            counted, _ = timed(con, f"SELECT count(*) FROM ({everything})")
            asked, m = timed(con, question)
            print(f"{view:<18}{whole:>11.3f}s{n:>11,}{counted:>9.3f}s{asked:>10.3f}s{m:>7,}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus.duckdb")
