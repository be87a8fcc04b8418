"""The seed article's structure meets every `document.must` (and `should`) item of expected.json."""

from __future__ import annotations

import pytest

from corpus.read.detect import sniff_format
from corpus.read.parse import parse_document
from corpus.records import Article, RawDocument
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed() -> Article:
    content = SEED.read_bytes()
    fmt = sniff_format(content.decode("utf-8"), SEED.name)
    raw = RawDocument.from_bytes(str(SEED), content, fmt)
    article = parse_document(raw)
    assert isinstance(article, Article), article
    return article


def test_seed_is_detected_as_markdown_from_content_alone():
    assert sniff_format(SEED.read_text(encoding="utf-8"), "export.txt") == "markdown"


def test_seed_metadata_meets_expected(seed, expected_seed):
    must = expected_seed["document"]["must"]
    assert seed.section == must["section"]
    assert seed.title == must["title"]
    assert seed.published_date.isoformat() == must["published_date"]
    assert seed.written_date.isoformat() == must["written_date"]
    assert list(seed.authors) == must["authors"]
    assert seed.language == must["language"]
    assert seed.lede.startswith(must["lede_starts_with"])


def test_seed_body_and_notes_meet_expected(seed, expected_seed):
    must = expected_seed["document"]["must"]
    assert len(seed.body_paragraphs) == must["body_paragraphs"]
    assert [ref.marker for ref in seed.note_refs] == must["note_markers_in_body"]
    assert [note.marker for note in seed.notes] == must["note_markers_in_body"]
    for fragment in must["not_in_clean_text"]:
        assert fragment not in seed.text
    assert "Notes" not in seed.text and "Robert M. Dover" not in seed.text


def test_seed_should_items(seed, expected_seed):
    should = expected_seed["document"]["should"]
    assert seed.signature == should["signature"]
    assert should["rejoined_paragraph"] in seed.text
    assert "Pierre Rousset" not in seed.text


def test_note_calls_stand_where_the_marker_was(seed):
    first = seed.note_refs[0]
    assert seed.text[:first.offset].endswith("fusées Soyouz-2 »")
    last = seed.note_refs[-1]
    assert seed.text[:last.offset].endswith("dizaines de millions de dollars »")


def test_notes_are_clean_text(seed):
    notes = {n.marker: n.text for n in seed.notes}
    assert notes["1"] == "Le Monde daté du 14 septembre 2023."
    assert notes["2"] == "Cité par Le Monde, op. cit."
    assert "<https://" not in notes["3"] and "https://theconversation.com/" in notes["3"]
    assert "*Corto Maltese en Sibérie*" not in notes["4"] and "Corto Maltese en Sibérie" in notes["4"]


def test_lede_is_the_first_paragraph_and_text_starts_with_it(seed):
    assert seed.paragraphs[0].role == "lede"
    assert seed.text.startswith(seed.lede)


def test_offset_map_runs_copy_raw_text_verbatim(seed):
    for clean_start, raw_start, length in seed.offset_map.runs:
        assert seed.text[clean_start:clean_start + length] == seed.raw_text[raw_start:raw_start + length]
    start = seed.text.index("symbole autant")
    raw_start, raw_end = seed.offset_map.span_to_raw(start, start + len("symbole autant"))
    assert seed.raw_text[raw_start:raw_end] == "symbole autant"
    assert seed.raw_text[raw_start - 1] == "*"
