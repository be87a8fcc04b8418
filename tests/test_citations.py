"""Citations: the seed's notes as expected.json wants them, its quotes linked to their notes, notes of real HTML
pages parsed, inline credits of real Wikinews articles, and outlets normalised across documents."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.citations.resolve import note_citations
from corpus.read.decode import decode_text
from corpus.read.html import parse_html_article
from corpus.nlp import annotate
from corpus.entities.outlets import Outlets
from corpus.read.parse import parse_document
from corpus.records import RawDocument
from tests.conftest import SEED, SHARED_SUBSET, shared

PAGES = "data/articles/web_pages_fr/trafilatura"


@pytest.fixture(scope="module")
def seed():
    raw = RawDocument.from_bytes(str(SEED), SEED.read_bytes(), "markdown")
    return next(annotate([parse_document(raw)]))


def by_marker(citations):
    return {c.marker: c for c in citations if c.marker is not None}


def test_seed_notes_meet_expected_must(seed, expected_seed):
    notes = by_marker(seed.citations)
    assert sorted(notes) == [item["marker"] for item in expected_seed["citations"]["must"]]
    for item in expected_seed["citations"]["must"]:
        citation = notes[item["marker"]]
        assert citation.kind == item["kind"], item
        for field in ("publication", "author", "url", "domain"):
            if field in item:
                assert getattr(citation, field) == item[field], (field, item)
        if "date" in item:
            assert citation.published_date == dt.date.fromisoformat(item["date"])
        repeated = notes[item["same_as"]].key if "same_as" in item else None
        assert citation.same_as == repeated, item


def test_seed_notes_meet_expected_should(seed, expected_seed):
    notes = by_marker(seed.citations)
    for item in expected_seed["citations"]["should"]:
        citation = notes[item["marker"]]
        assert citation.title == item["mentions_work"]
        assert (citation.publisher, citation.year) == (item["publisher"], item["year"])


def test_seed_quotes_link_to_their_notes_and_the_notes_those_repeat(seed, expected_seed):
    notes = by_marker(seed.citations)
    for item in expected_seed["quotes"]["must"]:
        n = next(i for i, q in enumerate(seed.quotes) if q.text.startswith(item["starts_with"]))
        linked = [key for key in seed.quote_citations[n] if not key.startswith("inline:")]
        expected = [notes[m].key for m in item["citations"] + item.get("resolved_citations", [])]
        assert linked == expected, item


def test_the_poutine_quote_is_credited_to_the_press_agencies(seed):
    n = next(i for i, q in enumerate(seed.quotes) if q.text.startswith("C'est pour ça"))
    credits = [c for c in seed.citations if c.key in seed.quote_citations[n] and c.kind == "inline"]
    assert [(c.raw_text, c.outlet_key) for c in credits] == [("les agences de presse", None)]
    assert seed.article.text[credits[0].start:credits[0].end] == "les agences de presse"


def parse_page(name):
    path = shared(f"{PAGES}/{name}")
    html = decode_text(path.read_bytes()).text
    return html, parse_html_article(html, source_uri=str(path), content_sha256="0")


def test_spip_notes_of_laviedesidees_are_all_extracted_and_called():
    html, article = parse_page("laviedesidees.fr.evaluation.html")
    # The page holds five notes (<div id='nb4-N'>) and calls each once from the body (href='#nb4-N').
    assert html.count("<div id='nb4-") == 5 and html.count("href='#nb4-") == 5
    assert [n.marker for n in article.notes] == list("12345")
    assert [r.marker for r in article.note_refs] == list("12345")
    assert all(f"[{m}]" not in article.text for m in "12345")
    before = {r.marker: article.text[:r.offset] for r in article.note_refs}
    assert before["1"].endswith("jugement scientifique\u00a0»")
    assert before["2"].endswith("même des éditeurs de revues")
    assert before["4"].endswith("Les auteurs français")
    assert article.text[article.note_refs[0].offset:].startswith(". Plus précisément")
    notes = {n.marker: n.text for n in article.notes}
    assert notes["5"] == "Il va sans dire qu’il s’agit d’articles rédigés en langue anglaise."
    assert not any(text.startswith("[") for text in notes.values())


def test_spip_note_of_mondediplo_is_extracted_and_called():
    html, article = parse_page("blog.mondediplo.net.turpitude.html")
    assert html.count("<div id='nb1'>") == 1 and html.count("href='#nb1'") == 1
    assert [(n.marker, r.marker) for n, r in zip(article.notes, article.note_refs)] == [("1", "1")]
    assert len(article.notes) == len(article.note_refs) == 1
    assert article.text[:article.note_refs[0].offset].endswith("Au soleil couchant")
    assert "(1)" not in article.text


def test_footnote_list_and_sup_call_of_legrandcontinent():
    html, article = parse_page("legrandcontinent.eu.heran.html")
    assert html.count("<li class=\"easy-footnote-single\">") == 1
    assert [n.text for n in article.notes] == ["En stock : ensemble de la population recensée à un moment donné"]
    assert [r.marker for r in article.note_refs] == ["1"]
    text = article.text.replace("\u00a0", " ")
    assert text[:article.note_refs[0].offset].endswith("a dépassé les 40 %") and "40 %1" not in text


def test_html_notes_become_references_and_explanations():
    _, essay = parse_page("laviedesidees.fr.evaluation.html")
    citations = by_marker(note_citations(essay.notes))
    assert [citations[m].kind for m in "12345"] == ["reference", "reference", "note", "note", "note"]
    assert citations["1"].title == "Objectifs et principes"
    assert citations["1"].publication == "Catégorisation des revues en Economie et en Gestion"
    assert citations["1"].year == 2007
    assert citations["2"].domain == "slru.ehess.org" and citations["2"].url.startswith("http://www.slru.ehess.org/")
    _, review = parse_page("blog.mondediplo.net.turpitude.html")
    book = note_citations(review.notes)[0]
    assert (book.kind, book.author, book.title) == ("reference", "Hwank Sok-yong", "Au soleil couchant")
    assert (book.publisher, book.year) == ("Philippe Picquier", 2017)


@pytest.fixture(scope="module")
def wikinews():
    folder = SHARED_SUBSET / "data/articles/wikinews_fr_100/documents"
    names = ("44551.html", "44672.html", "44999.html")
    raws = [RawDocument.from_bytes(str(folder / n), (folder / n).read_bytes(), "html") for n in names]
    return {a.article.source_uri.rsplit("/", 1)[-1]: a for a in annotate([parse_document(r) for r in raws])}


def credits_of(annotated):
    return [(c.raw_text, c.publication) for c in annotated.citations if c.kind == "inline"]


def test_inline_credits_of_wikinews_articles(wikinews):
    assert credits_of(wikinews["44551.html"]) == [("déclaré à l'AFP", "AFP")]
    assert credits_of(wikinews["44999.html"]) == [("sur BFM TV", "BFMTV"), ("déclare à l'AFP", "AFP"),
                                                  ("sur Europe 1", "Europe 1")]
    assert credits_of(wikinews["44672.html"]) == [("Le Figaro annonce", "Le Figaro")]


def test_inline_credits_sit_in_their_sentence_and_link_to_its_quotes(wikinews):
    article = wikinews["44999.html"]
    for credit in (c for c in article.citations if c.kind == "inline" and c.start is not None):
        sentence = article.sentences[credit.sentence_index]
        assert sentence.start <= credit.start < credit.end <= sentence.end
        assert article.article.text[credit.start:credit.end] == credit.raw_text
    bfm = next(c.key for c in article.citations if c.publication == "BFMTV")
    quote = next(i for i, q in enumerate(article.quotes) if q.text.startswith("le nucléaire est une filière d'avenir"))
    assert bfm in article.quote_citations[quote]
    figaro = wikinews["44672.html"]
    assert all(keys == ("inline:0",) for q, keys in zip(figaro.quotes, figaro.quote_citations) if q.reported_via)


def test_one_outlet_however_written():
    outlets = Outlets.load()
    assert {outlets.find(form).key for form in ("Le Monde", "*Le Monde*", "lemonde.fr", "LeMonde", "le Monde")} == {
        "monde"}
    assert outlets.find("www.theconversation.com").name == "The Conversation"
    assert outlets.find("la presse") is None and outlets.find("La Presse").name == "La Presse"
