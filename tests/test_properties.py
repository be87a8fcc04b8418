"""Properties of the readers and the offset map, on generated inputs: spans lie inside the text, every clean character
that the map traces comes from the same character of `Article.raw_text` (and a word copied in one piece maps back to
the same word), parsing is deterministic, and a bad input is a `Rejection`, never an exception."""

from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.read.parse import parse_document
from corpus.read.textmap import TextBuilder
from corpus.records import Article, RawDocument, Rejection

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = st.sampled_from(["Le", "ministre", "a", "déclaré", "à", "Lyon", "que", "l’été", "serait", "chaud", "M.",
                         "Dupont", "«", "»", "[1]", "**", "*", "_", "[lien](https://x.fr)", "<https://y.fr>", "\\*",
                         "\u00ad", "—", "2024", "mai", "Par", "Notes", "#", "##", ">", "---", "🎉", "שלום", "\t"])
LINES = st.lists(WORDS, min_size=0, max_size=14).map(" ".join)
DOCUMENTS = st.lists(LINES, min_size=1, max_size=16).map("\n".join)
TEXT_FIELD = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200) | DOCUMENTS


def assert_article_invariants(article: Article) -> None:
    n = len(article.text)
    for start, end, *_ in [(p.start, p.end) for p in article.paragraphs] + [(k.start, k.end) for k in article.links]:
        assert 0 <= start <= end <= n
    assert all(0 <= ref.offset <= n for ref in article.note_refs)
    assert [p.start for p in article.paragraphs] == sorted(p.start for p in article.paragraphs)
    previous_end = 0
    for clean, raw, length in article.offset_map.runs:
        assert clean >= previous_end and length > 0 and clean + length <= n and raw + length <= len(article.raw_text)
        assert article.text[clean:clean + length] == article.raw_text[raw:raw + length]
        previous_end = clean + length
    for word in re.finditer(r"\S+", article.text):
        raw_at = [article.offset_map.to_raw(i) for i in range(word.start(), word.end())]
        if None not in raw_at and raw_at == list(range(raw_at[0], raw_at[0] + len(raw_at))):
            start, end = article.offset_map.span_to_raw(word.start(), word.end())
            assert article.raw_text[start:end] == word.group()


def parse_twice(data: bytes, fmt: str) -> Article | Rejection:
    first = parse_document(RawDocument.from_bytes("prop", data, fmt))
    assert parse_document(RawDocument.from_bytes("prop", data, fmt)) == first
    return first


@SETTINGS
@given(DOCUMENTS, st.sampled_from(["markdown", "text"]))
def test_markdown_and_text_articles_map_back_to_their_raw_text(document, fmt):
    result = parse_twice(document.encode("utf-8"), fmt)
    if isinstance(result, Article):
        assert result.raw_text == result.raw_content
        assert_article_invariants(result)


@pytest.mark.slow
@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["p", "h1", "h2", "div", "li", "sup", "script", "template", "blockquote"]),
                          LINES), min_size=1, max_size=12))
def test_html_articles_map_back_and_never_show_a_script(elements):
    body = "".join(f"<{tag}>{line}</{tag}>" for tag, line in elements)
    html = f"<html><head><title>Un titre</title></head><body><article>{body}</article></body></html>"
    result = parse_twice(html.encode("utf-8"), "html")
    if isinstance(result, Article):
        assert_article_invariants(result)
        scripts = [line for tag, line in elements if tag in ("script", "template") and len(line) > 30]
        kept = {line for tag, line in elements if tag not in ("script", "template")}
        assert not any(line in result.text for line in scripts if not any(line in k for k in kept))


@SETTINGS
@given(st.dictionaries(st.sampled_from(["title", "heading", "article", "text", "date", "authors", "url"]),
                       TEXT_FIELD | st.integers() | st.none() | st.lists(TEXT_FIELD, max_size=3), max_size=6))
def test_jsonl_records_map_into_title_lede_and_body(record):
    line = json.dumps(record, ensure_ascii=bool(record) and len(record) % 2 == 0)
    result = parse_twice(line.encode("utf-8"), "jsonl")
    if isinstance(result, Article):
        assert_article_invariants(result)
        assert result.raw_content == line and result.format == "jsonl"
    else:
        assert result.reason in ("bad-record", "no-article", "empty")


@SETTINGS
@given(st.binary(max_size=600), st.sampled_from(["markdown", "html", "jsonl", "text"]))
def test_any_bytes_give_an_article_or_a_rejection(data, fmt):
    result = parse_twice(data, fmt)
    if isinstance(result, Article):
        assert_article_invariants(result)
    else:
        assert result.reason and result.detail


@SETTINGS
@given(st.text(max_size=80), st.lists(st.tuples(st.booleans(), st.integers(0, 80), st.integers(0, 80)), max_size=12))
def test_text_builder_maps_every_copied_character_and_no_inserted_one(raw, steps):
    builder, expected = TextBuilder(raw), []
    for copy, a, b in steps:
        start, end = sorted((min(a, len(raw)), min(b, len(raw))))
        if copy:
            builder.copy(start, end)
            expected += [(c, i) for i, c in enumerate(raw[start:end], start) if c != "\u00ad"]
        else:
            builder.insert("|" * (end - start))
            expected += [("|", None)] * (end - start)
    text, offset_map = builder.build()
    assert text == "".join(c for c, _ in expected)
    assert [offset_map.to_raw(i) for i in range(len(text))] == [i for _, i in expected]
    for i, (_, raw_at) in enumerate(expected):
        if raw_at is not None:
            assert offset_map.span_to_raw(i, i + 1) == (raw_at, raw_at + 1)


def test_unclosed_markdown_brackets_parse_in_linear_time():
    """200 kB of `[`, `![`, `[12](` and `<https://` once took hours (each opened a scan to the end of the line)."""
    data = b"## Titre\n\nLe texte commence ici " + b"[12]([![<https://x" * 12_000 + b" fin.\n"
    started = time.perf_counter()
    result = parse_document(RawDocument.from_bytes("brackets", data, "markdown"))
    assert isinstance(result, Article) and result.text.startswith("Le texte commence ici [12]([![")
    assert time.perf_counter() - started < 10
