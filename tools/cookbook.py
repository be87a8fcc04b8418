"""Write docs/analysis.md: run every question of docs/analysis/*.sql on a warehouse, as `corpus query --file` does
(read-only, locked down), and put each question's SQL, its output and its time in the page.

    .venv/bin/python tools/cookbook.py orangesum.duckdb
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from warehouse.load import open_warehouse
from warehouse.query import lock_down, render, run_query

QUESTIONS = Path(__file__).resolve().parent.parent / "docs" / "analysis"
PAGE = QUESTIONS.parent / "analysis.md"

INTRO = """# Analysis cookbook: ten questions to the warehouse

Each question is a file in `docs/analysis/`, answered by `corpus query --file`, on a warehouse of the full OrangeSum
corpus and the ESSF seed article, built with:

```sh
corpus ingest ../shared/data/articles/orangesum/orangesum_articles.jsonl.gz --db {db}
corpus ingest ../shared/seed/essf-poutine-kim-vostotchny.md --db {db}
```

The outputs below are that warehouse's, pasted by `tools/cookbook.py {db}`, which runs every file the way `corpus
query` does (a read-only connection that cannot reach files either) and times it. Run one yourself:

```sh
corpus query --file docs/analysis/01_most_quoted_per_year.sql --db {db}
```

Warehouse: {summary}.
"""


def main(db: str) -> None:
    sections = []
    with open_warehouse(db, read_only=True) as con:
        n_docs, n_mentions, n_entities, n_quotes = con.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM entity_mentions), "
            "(SELECT count(*) FROM entities), (SELECT count(*) FROM quotes)").fetchone()
        lock_down(con)
        for path in sorted(QUESTIONS.glob("*.sql")):
            sql = path.read_text(encoding="utf-8")
            comment = [line.removeprefix("-- ") for line in sql.splitlines() if line.startswith("--")]
            body = "\n".join(line for line in sql.splitlines() if not line.startswith("--")).strip()
            started = time.perf_counter()
            columns, rows = run_query(con, sql)
            elapsed = time.perf_counter() - started
            title, _, rest = " ".join(comment).partition("? ")
            heading = f"{title}?" if rest else title
            sections.append(
                f"## {len(sections) + 1}. {heading}\n\n{rest}\n\n"
                f"`corpus query --file docs/analysis/{path.name} --db {Path(db).name}` ({elapsed:.2f} s)\n\n"
                f"```sql\n{body}\n```\n\n```\n{render(columns, rows, 'table')}\n```\n")
            print(f"{path.name}: {len(rows)} rows in {elapsed:.2f} s", file=sys.stderr)
    summary = (f"{n_docs:,} documents, {n_mentions:,} entity mentions, {n_entities:,} entities, "
               f"{n_quotes:,} quotes")
    PAGE.write_text(INTRO.format(db=Path(db).name, summary=summary) + "\n" + "\n".join(sections), encoding="utf-8")
    print(f"wrote {PAGE}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus.duckdb")
