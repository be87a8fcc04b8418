"""Saved HTML pages: main text, metadata and lede, checked against the web_pages_fr gold."""

import json

import pytest

from corpus.read.decode import decode_text
from corpus.read.html import NoArticle, parse_html_article
from tests.conftest import SAMPLES, shared


def parse_file(path):
    return parse_html_article(decode_text(path.read_bytes()).text, source_uri=str(path), content_sha256="0")


def test_wikinews_page_structure():
    article = parse_file(SAMPLES / "wikinews-43971.html")
    assert article.title == "États-Unis : Lancement réussi pour Space X Dragon"
    assert article.published_date.isoformat() == "2012-05-22"
    assert article.lede.startswith("La fusée Falcon 9, développée par une société privée")
    assert article.text.startswith(article.lede + "\n\n")
    first_body = article.body_paragraphs[0]
    assert article.text[first_body.start:first_body.end].startswith("Prévu initialement pour samedi dernier")
    assert "22 mai 2012" not in article.text
    assert "\u00ad" not in article.text and "premier étage du lanceur" in article.text
    assert len(article.body_paragraphs) == 8


def test_trafilatura_gold_snippets():
    """Measured: 68/70 `with` snippets found, 64/72 `without` snippets absent (docs/accuracy.md)."""
    gold = json.loads(shared("data/articles/web_pages_fr/trafilatura/evaldata_fr.json").read_text(encoding="utf-8"))
    found = expected = absent = unwanted = 0
    for entry in gold.values():
        article = parse_file(shared(f"data/articles/web_pages_fr/trafilatura/{entry['file']}"))
        found += sum(snippet in article.text for snippet in entry["with"])
        expected += len(entry["with"])
        absent += sum(snippet not in article.text for snippet in entry["without"])
        unwanted += len(entry["without"])
    assert found / expected >= 0.95, (found, expected)
    assert absent / unwanted >= 0.88, (absent, unwanted)


@pytest.mark.parametrize("name, authors, date", [
    ("liberation-authors.html", ("Raphaël Balenieri", "Frédéric Autran"), "2017-04-05"),
    ("20minutes-authors.html", ("Jean Saint-Marc",), "2018-06-01"),
    ("lemonde-date.html", None, "2011-07-05"),
])
def test_graby_gold_authors_and_dates(name, authors, date):
    article = parse_file(shared(f"data/articles/web_pages_fr/graby/{name}"))
    if authors is not None:
        assert article.authors == authors
    assert article.published_date.isoformat() == date


@pytest.mark.parametrize("folder", ["lemonde-1", "liberation-1", "videos-2"])
def test_readability_gold_titles(folder):
    expected = json.loads(shared(f"data/articles/web_pages_fr/readability/{folder}/expected-metadata.json").read_text())
    article = parse_file(shared(f"data/articles/web_pages_fr/readability/{folder}/source.html"))
    assert article.title == " ".join(expected["title"].split())


def test_lede_from_a_chapo_class_is_kept_apart_from_the_body():
    article = parse_file(shared("data/articles/web_pages_fr/graby/liberation-authors.html"))
    assert article.lede.startswith("La première rencontre officielle entre les Etats-Unis et la Chine")
    assert article.paragraphs[0].role == "lede"
    assert article.text.count("La première rencontre officielle") == 1
    assert not article.text.startswith("Donald Trump et Xi Jinping, tentative de flirt")


def test_a_page_with_no_article_is_refused():
    html = "<html><head><title>Accueil</title></head><body><nav><a href='/'>Accueil</a></nav></body></html>"
    with pytest.raises(NoArticle):
        parse_html_article(html, source_uri="x", content_sha256="0")


def test_page_that_is_not_valid_utf8_is_decoded():
    path = shared("data/articles/web_pages_fr/trafilatura/archive.org-travaillent.html")
    decoded = decode_text(path.read_bytes())
    assert decoded.encoding != "utf-8"
    assert "Les Français travaillent-ils trop peu ?" in parse_file(path).title
