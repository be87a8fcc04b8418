"""Property-based tests: clean-text offsets map back to the same raw characters, and parsing is
deterministic, whatever the Markdown or plain text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.read.jsonl import split_paragraphs
from corpus.read.text import parse_text_article
from corpus.read.textmap import TextBuilder

WORDS = st.sampled_from(["Poutine", "Kim", "«", "»", "*", "**", "_", "[1]", "[2](#)", "[lien](https://x.fr)",
                         "<https://ex.fr/a>", "## ", "---", "\n", "\n\n", " ", "é", "\u00ad", "l'été", ".", ",",
                         "Notes", "[12]", "\\*", "`", "!", "?", "lundi 18 septembre 2023", "par", "ROUSSET Pierre"])
DOCUMENTS = st.lists(WORDS, max_size=80).map(" ".join) | st.text(max_size=300)


def assert_runs_copy_raw(article):
    for clean_start, raw_start, length in article.offset_map.runs:
        assert 0 <= clean_start and clean_start + length <= len(article.text)
        assert article.text[clean_start:clean_start + length] == article.raw_text[raw_start:raw_start + length]


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=DOCUMENTS, markdown=st.booleans())
def test_text_parser_offsets_and_determinism(raw, markdown):
    article = parse_text_article(raw, markdown=markdown, source_uri="x", content_sha256="0")
    assert_runs_copy_raw(article)
    for paragraph in article.paragraphs:
        assert 0 <= paragraph.start < paragraph.end <= len(article.text)
    for ref in article.note_refs:
        assert 0 <= ref.offset <= len(article.text)
    for link in article.links:
        assert 0 <= link.start <= link.end <= len(article.text)
    assert parse_text_article(raw, markdown=markdown, source_uri="x", content_sha256="0") == article


@settings(max_examples=200, deadline=None)
@given(body=st.text(alphabet=st.sampled_from('aZ. "«»!?\n\u00a0-éÉ3'), max_size=200))
def test_paragraph_split_covers_only_real_text(body):
    spans = split_paragraphs(body)
    for (start, end), nxt in zip(spans, spans[1:] + [(len(body), len(body))]):
        assert 0 <= start < end <= nxt[0] <= len(body)
        assert not body[start].isspace() and not body[end - 1].isspace()


@given(pieces=st.lists(st.tuples(st.booleans(), st.text(max_size=10)), max_size=20))
def test_builder_maps_every_copied_character(pieces):
    raw = "".join(text for copied, text in pieces if copied)
    builder = TextBuilder(raw)
    cursor = 0
    for copied, text in pieces:
        if copied:
            builder.copy(cursor, cursor + len(text))
            cursor += len(text)
        else:
            builder.insert(text)
    text, offset_map = builder.build()
    for clean_start, raw_start, length in offset_map.runs:
        assert text[clean_start:clean_start + length] == raw[raw_start:raw_start + length]
    mapped = sum(length for _, _, length in offset_map.runs)
    assert mapped == len(raw.replace("\u00ad", ""))
    for i in range(len(text)):
        raw_i = offset_map.to_raw(i)
        assert raw_i is None or raw[raw_i] == text[i]
