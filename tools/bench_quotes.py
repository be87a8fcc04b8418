"""Throughput of the NLP stage with and without quote extraction, measured in one run:

    .venv/bin/python tools/bench_quotes.py [N] [../shared/data/articles/orangesum/sample_500.jsonl]

Prints words/s for the pipeline with quote_ruler, the same pipeline without it, and NER alone (what
ingestion ran before quotes), over the clean texts of the first N records, one process.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import spacy

from corpus.nlp import MODEL, load_pipeline
from corpus.read.parse import parse_document
from corpus.records import Article, RawDocument

ROUNDS = 3
DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/data/articles/orangesum/sample_500.jsonl"


def texts(path: Path, n: int) -> list[str]:
    out = []
    for i, line in enumerate(path.read_bytes().splitlines()[:n], 1):
        parsed = parse_document(RawDocument.from_bytes(f"{path}#{i}", line, "jsonl"))
        if isinstance(parsed, Article):
            out.append(parsed.text)
    return out


def words_per_second(nlp, docs: list[str]) -> float:
    list(nlp.pipe(docs[:5]))
    started = time.perf_counter()
    for _ in nlp.pipe(docs, batch_size=32):
        pass
    return sum(len(t.split()) for t in docs) / (time.perf_counter() - started)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    docs = texts(Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT, n)
    nlp = load_pipeline()
    ner_only = spacy.load(MODEL, exclude=["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer"])
    ner_only.add_pipe("sentencizer")
    runs: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(ROUNDS):  # alternated, best of each: drift on a shared machine hits both alike
        runs["with"].append(words_per_second(nlp, docs))
        with nlp.select_pipes(disable=["quote_ruler"]):
            runs["without"].append(words_per_second(nlp, docs))
    with_quotes, without = max(runs["with"]), max(runs["without"])
    ner = words_per_second(ner_only, docs)
    print(f"{len(docs)} texts, {sum(len(t.split()) for t in docs):,} words, 1 process, best of {ROUNDS} alternated rounds")
    print(f"  full pipeline + quote_ruler : {with_quotes:8,.0f} words/s")
    print(f"  full pipeline, no quotes    : {without:8,.0f} words/s")
    print(f"  quotes cost                 : {1 - with_quotes / without:8.1%} of throughput")
    print(f"  NER only (before quotes)    : {ner:8,.0f} words/s")


if __name__ == "__main__":
    main()
