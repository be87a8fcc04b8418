"""`corpus eval quotes`: score the pipeline's quotes against the gold of ../shared/data/quotes/wikinews_fr_dev."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from corpus.jsonl import field_names
from corpus.nlp import annotate
from corpus.parse import parse_document
from corpus.quote_scoring import QuoteScores, ScoredQuote, gold_quotes, score
from corpus.records import Article, RawDocument


def evaluate_wikinews_quotes(shared: Path, show_errors: bool = False) -> QuoteScores:
    """Run the pipeline over the 50 gold Wikinews articles and score its quotes."""
    gold_file = shared / "data/quotes/wikinews_fr_dev/gold.jsonl"
    documents = shared / "data/articles/wikinews_fr_100/documents"
    records = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = []
    for record in records:
        path = documents / f"{record['id']}.html"
        content = path.read_bytes()
        article = parse_document(RawDocument(str(path), content, "html", hashlib.sha256(content).hexdigest()),
                                 field_names(None))
        if not isinstance(article, Article):
            raise RuntimeError(f"{path} did not parse: {article}")
        articles.append(article)
    pairs = []
    for record, annotated in zip(records, annotate(articles)):
        predicted = [ScoredQuote(q.text, q.kind, q.speaker_name) for q in annotated.quotes]
        gold = gold_quotes(record)
        pairs.append((predicted, gold))
        if show_errors:
            _print_errors(record["id"], predicted, gold)
    return score(pairs)


def _print_errors(article_id: str, predicted: list[ScoredQuote], gold: list[ScoredQuote]) -> None:
    from corpus.quote_scoring import lenient_match, same_speaker

    for g in gold:
        if g.kind == "term":
            continue
        matches = [p for p in predicted if p.kind != "term" and lenient_match(p.text, g.text)]
        if not matches:
            print(f"{article_id} MISSED {g.kind}: {g.text[:90]!r} ({g.speaker})")
        elif g.speaker and not any(same_speaker(p.speaker, g.speaker) for p in matches):
            print(f"{article_id} SPEAKER {g.kind}: {g.text[:60]!r} gold={g.speaker!r} got={[p.speaker for p in matches]}")
    for p in predicted:
        if p.kind != "term" and not any(lenient_match(p.text, g.text) for g in gold):
            print(f"{article_id} EXTRA {p.kind}: {p.text[:90]!r} ({p.speaker})")
