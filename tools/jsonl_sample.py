"""What the measurement scripts share: their arguments, and a JSONL sample parsed and annotated."""

from __future__ import annotations

import argparse
from pathlib import Path

from corpus.nlp import annotate
from corpus.read.parse import parse_document
from corpus.records import AnnotatedArticle, Article, RawDocument

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared/data/articles/orangesum/sample_500.jsonl"


def sample_arguments(shown: str) -> argparse.Namespace:
    """A JSONL path (the OrangeSum sample by default) and how many `shown` items to print for a check by hand."""
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--show", type=int, default=30, help=f"{shown} to print for a check by hand")
    return parser.parse_args()


def annotated_sample(path: str) -> list[AnnotatedArticle]:
    """Every article of a JSONL file, one per line, parsed and annotated."""
    articles = []
    for n, line in enumerate(Path(path).read_bytes().splitlines(), 1):
        parsed = parse_document(RawDocument.from_bytes(f"{path}#{n}", line, "jsonl"))
        if isinstance(parsed, Article):
            articles.append(parsed)
    return list(annotate(articles))
