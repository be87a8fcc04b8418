"""Raw document -> parsed article: decode, pick the reader for the format, detect the language.

`parse_document` never raises for bad input: it returns a `Rejection` that says why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from corpus.read.decode import NotText, decode_text
from corpus.read.html import NoArticle, parse_html_article
from corpus.read.jsonl import BadRecord, field_names, parse_jsonl_record
from corpus.read.language import detect_language
from corpus.read.text import parse_text_article
from corpus.records import Article, RawDocument, Rejection

MIN_TEXT_CHARS = 20
"""A clean text shorter than this is not an article."""
MAX_TEXT_CHARS = 1_000_000
"""A longer clean text is rejected before annotation: spaCy refuses texts past its `max_length` (this many
characters), and no article is that long."""


def parse_document(raw: RawDocument, jsonl_fields: Mapping[str, tuple[str, ...]] | None = None) -> Article | Rejection:
    """The article in `raw`, or why there is none. `jsonl_fields` maps JSONL keys (default: `field_names()`)."""
    try:
        decoded = decode_text(raw.content)
    except NotText as error:
        return Rejection(raw.source_uri, error.reason, str(error), raw.content_sha256)
    common = {"source_uri": raw.source_uri, "content_sha256": raw.content_sha256}
    try:
        if raw.format in ("markdown", "text"):
            article = parse_text_article(decoded.text, markdown=raw.format == "markdown", **common)
        elif raw.format == "html":
            article = parse_html_article(decoded.text, **common)
        elif raw.format == "jsonl":
            article = parse_jsonl_record(decoded.text, names=jsonl_fields or field_names(None), **common)
        else:
            return Rejection(raw.source_uri, "unsupported-format",
                             f"{raw.format} inputs are not articles that `corpus ingest` can read", raw.content_sha256)
    except NoArticle as error:
        return Rejection(raw.source_uri, "no-article", str(error), raw.content_sha256)
    except BadRecord as error:
        return Rejection(raw.source_uri, "bad-record", str(error), raw.content_sha256)
    if len(article.text.strip()) < MIN_TEXT_CHARS:
        return Rejection(raw.source_uri, "no-article", f"the article text is shorter than {MIN_TEXT_CHARS} characters",
                         raw.content_sha256)
    if len(article.text) > MAX_TEXT_CHARS:
        return Rejection(raw.source_uri, "too-large",
                         f"the article text holds {len(article.text):,} characters; the limit is {MAX_TEXT_CHARS:,}",
                         raw.content_sha256)
    return dataclasses.replace(
        article, language=detect_language(article.text), raw_content=decoded.text, encoding=decoded.encoding
    )
