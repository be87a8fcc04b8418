"""Citations: the seed's notes as expected.json wants them, its quotes linked to their notes, notes of real HTML
pages parsed, inline credits of real Wikinews articles, and outlets normalised across documents."""

from __future__ import annotations

import datetime as dt

import pytest

from corpus.citations.resolve import note_citations
from corpus.entities.outlets import Outlets
from corpus.nlp import annotate
from corpus.read.html import parse_html_article
from corpus.read.parse import parse_document
from corpus.records import RawDocument
from tests.conftest import SEED, SHARED_SUBSET


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


NOTES = (
    ("de l'Intérieur", "« Communiqué du ministère de l'Intérieur », <i>Ministère de l'Intérieur</i>, 5 juillet 2012."),
    ("communauté juive de Toulouse", "Voir le site de la communauté : "
     "<a href=\"http://www.crif.org/fr/communautes/toulouse\">http://www.crif.org/fr/communautes/toulouse</a>"),
    ("à Villeurbane", "Villeurbanne, commune voisine de Lyon, que l'article écrit avec un seul n."),
)
"""Notes added to Wikinews article 44551 to lay it out as sites that have notes do: where each is called (after the
first of these words in the body), and its text."""


def page_with_notes(call, note, notes_block) -> tuple[str, object]:
    """Article 44551 as a page whose body calls the `NOTES`, each call and note written by the site's markup."""
    from lxml import html as lxml_html

    page = SHARED_SUBSET / "data/articles/wikinews_fr_100/documents/44551.html"
    tree = lxml_html.fromstring(page.read_bytes())
    first, *body = [" ".join(p.text_content().split()) for p in tree.iter("p")]
    text = "".join(f"<p>{p}</p>" for p in body)
    for n, (words, _) in enumerate(NOTES, 1):
        text = text.replace(words, words + call(n), 1)
    notes = "".join(note(n, content) for n, (_, content) in enumerate(NOTES, 1))
    html = (f"<html><head><meta charset='utf-8'><title>{tree.findtext('.//h1')}</title></head><body>"
            f"<h1>{tree.findtext('.//h1')}</h1><div class='chapo'><p>{first}</p></div><div class='texte'>{text}</div>"
            f"{notes_block(notes)}</body></html>")
    return html, parse_html_article(html, source_uri=str(page), content_sha256="0")


SPIP_CALL = "<span class='spip_note_ref'>&nbsp;[<a href='#nb4-{0}' class='spip_note' rel='appendix' id='nh4-{0}'>{0}</a>]</span>"
SPIP_NOTE = ("<div id='nb4-{0}'><p><span class='spip_note_ref'>[<a href='#nh4-{0}' class='spip_note' "
             "rev='appendix'>{0}</a>]&nbsp;</span>{1}</p></div>")
BLOG_CALL = "<span class='spip_note_ref'>&nbsp;(<a href='#nb{0}' class='spip_note' rel='appendix' id='nh{0}'>{0}</a>)</span>"
BLOG_NOTE = "<div id='nb{0}'><p><span class='spip_note_ref'>(<a href='#nh{0}' class='spip_note'>{0}</a>)&nbsp;</span>{1}</p></div>"
WORDPRESS_CALL = ("<span id='easy-footnote-{0}-7' class='easy-footnote-margin-adjust'></span><span class='easy-footnote'>"
                  "<a href='#easy-footnote-bottom-{0}-7'><sup>{0}</sup></a></span>")
WORDPRESS_NOTE = ("<li class='easy-footnote-single'><span id='easy-footnote-bottom-{0}-7' class='easy-footnote-margin-"
                  "adjust'></span>{1}<a class='easy-footnote-to-top' href='#easy-footnote-{0}-7'></a></li>")
LAYOUTS = {
    "spip, [n] calls": (SPIP_CALL, SPIP_NOTE, "<div class='notes surlignable'>{}</div>", "[{}]"),
    "spip blog, (n) calls": (BLOG_CALL, BLOG_NOTE, "<div class='notes surlignable'>{}</div>", "({})"),
    "wordpress easy-footnotes, <sup> calls": (WORDPRESS_CALL, WORDPRESS_NOTE,
                                             "<h5>Sources</h5><ol class='easy-footnotes-wrapper'>{}</ol>", "{}"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_notes_are_extracted_and_their_calls_placed(layout):
    call, note, block, written = LAYOUTS[layout]
    html, article = page_with_notes(call.format, note.format, block.format)
    assert [n.marker for n in article.notes] == [r.marker for r in article.note_refs] == ["1", "2", "3"]
    for ref, (words, _) in zip(article.note_refs, NOTES):
        assert article.text[:ref.offset].endswith(words)
    assert not any(f"{words}{written.format(n)}" in article.text for n, (words, _) in enumerate(NOTES, 1))
    assert article.notes[2].text == "Villeurbanne, commune voisine de Lyon, que l'article écrit avec un seul n."
    assert "Villeurbanne, commune voisine" not in article.text


def test_html_notes_become_references_and_explanations():
    _, article = page_with_notes(SPIP_CALL.format, SPIP_NOTE.format, "<div class='notes surlignable'>{}</div>".format)
    citations = by_marker(note_citations(article.notes))
    assert [citations[m].kind for m in "123"] == ["reference", "reference", "note"]
    assert citations["1"].title == "Communiqué du ministère de l'Intérieur"
    assert citations["1"].year == 2012
    assert citations["2"].domain == "crif.org" and citations["2"].url == "http://www.crif.org/fr/communautes/toulouse"


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
