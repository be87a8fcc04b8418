"""Print structure-extraction figures on the shared data (run from the repository root):

    .venv/bin/python tools/eval_structure.py [../shared]

- HTML main text: share of trafilatura's `with` snippets found and `without` snippets absent
  (web_pages_fr/trafilatura/evaldata_fr.json), and metadata against the graby and readability gold.
- Dates, titles and ledes found on Wikinews and OrangeSum; paragraphs recovered in OrangeSum bodies.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from corpus.read.dates import split_dateline
from corpus.read.parse import parse_document
from corpus.records import Article, RawDocument


def parse(path: Path, fmt: str, content: bytes | None = None, uri: str | None = None):
    content = path.read_bytes() if content is None else content
    return parse_document(RawDocument.from_bytes(uri or str(path), content, fmt))


def main(shared: Path) -> None:
    pages = shared / "data/articles/web_pages_fr"
    gold = json.loads((pages / "trafilatura/evaldata_fr.json").read_text(encoding="utf-8"))
    found = expected = absent = unwanted = 0
    for entry in gold.values():
        article = parse(pages / "trafilatura" / entry["file"], "html")
        found += sum(s in article.text for s in entry["with"])
        expected += len(entry["with"])
        absent += sum(s not in article.text for s in entry["without"])
        unwanted += len(entry["without"])
    print(f"HTML main text (24 pages): with {found}/{expected} = {found / expected:.3f}, "
          f"without {absent}/{unwanted} = {absent / unwanted:.3f}")

    titles = 0
    for folder in ("lemonde-1", "liberation-1", "videos-2"):
        meta = json.loads((pages / "readability" / folder / "expected-metadata.json").read_text(encoding="utf-8"))
        titles += parse(pages / "readability" / folder / "source.html", "html").title == " ".join(meta["title"].split())
    print(f"HTML titles vs readability gold: {titles}/3")

    wikinews = sorted((shared / "data/articles/wikinews_fr_100/documents").glob("*.html"))
    articles = [parse(p, "html") for p in wikinews]
    print(f"Wikinews ({len(articles)} pages): date {sum(a.published_date is not None for a in articles)}, "
          f"title {sum(bool(a.title) for a in articles)}, lede {sum(bool(a.lede) for a in articles)}, "
          f"dateline left in text {sum(split_dateline(a.text) is not None for a in articles)}")

    lines = (shared / "data/articles/orangesum/sample_500.jsonl").read_bytes().splitlines()
    records = [parse(Path("sample_500.jsonl"), "jsonl", line, f"sample_500.jsonl#{i}") for i, line in enumerate(lines, 1)]
    records = [r for r in records if isinstance(r, Article)]
    counts = [len(r.body_paragraphs) for r in records]
    print(f"OrangeSum sample ({len(records)} records): date {sum(r.published_date is not None for r in records)}, "
          f"lede {sum(bool(r.lede) for r in records)}, body paragraphs per article: median "
          f"{statistics.median(counts)}, mean {statistics.mean(counts):.1f}, single-paragraph "
          f"{sum(c == 1 for c in counts)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent.parent / "shared")
