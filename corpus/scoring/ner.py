"""Scores predicted entity spans against gold ones, per label, the way `../shared/notes/ner.md` measured the raw
model: strict (same offsets and label) and fuzzy (same label and any overlap, each gold span matched at most once),
and, for the Wikinews gold, the distinct (text, label) pairs of an article."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LABELS = ("PER", "LOC", "ORG")


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Tally:
    """True positives, predictions and gold items: enough for P, R and F1."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.tp + other.tp, self.predicted + other.predicted, self.gold + other.gold)

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_spans(pairs: Iterable[tuple[Sequence[Entity], Sequence[Entity]]], labels: Sequence[str] = LABELS,
                fuzzy: bool = False) -> dict[str, Tally]:
    """(predicted, gold) entities per sentence -> a tally per label and for "all" (micro), the labels outside
    `labels` left out on both sides."""
    tallies: dict[str, Tally] = {label: Tally() for label in labels}
    for predicted, gold in pairs:
        for label in labels:
            p = [e for e in predicted if e.label == label]
            g = [e for e in gold if e.label == label]
            tp = _fuzzy_matches(p, g) if fuzzy else len({(e.start, e.end) for e in p} & {(e.start, e.end) for e in g})
            tallies[label] += Tally(tp, len(p), len(g))
    return {"all": sum(tallies.values(), Tally()), **tallies}


def _fuzzy_matches(predicted: Sequence[Entity], gold: Sequence[Entity]) -> int:
    """Overlapping pairs, each gold and each predicted entity used once (greedy in text order)."""
    used: set[int] = set()
    matched = 0
    for p in sorted(predicted, key=lambda e: e.start):
        for n, g in enumerate(gold):
            if n not in used and p.start < g.end and g.start < p.end:
                used.add(n)
                matched += 1
                break
    return matched


def score_sets(pairs: Iterable[tuple[set[tuple[str, str]], set[tuple[str, str]]]],
               labels: Sequence[str] = ("PER", "LOC", "ORG", "MISC")) -> dict[str, Tally]:
    """(predicted, gold) sets of distinct (text, label) per article -> a tally per label and for "all"."""
    result: dict[str, Tally] = {label: Tally() for label in labels}
    for predicted, gold in pairs:
        for label in labels:
            p = {t for t, lab in predicted if lab == label}
            g = {t for t, lab in gold if lab == label}
            result[label] += Tally(len(p & g), len(p), len(g))
    return {"all": sum(result.values(), Tally()), **result}


def report(rows: Sequence[tuple[str, dict[str, Tally]]], labels: Sequence[str]) -> str:
    """A table: one row per (name, tallies), P/R/F1 for all and F1 per label."""
    header = f"{'':34}{'P':>7}{'R':>7}{'F1':>7}" + "".join(f"{'F1 ' + label:>9}" for label in labels)
    lines = [header]
    for name, tallies in rows:
        overall = tallies["all"]
        lines.append(f"{name:34}{overall.precision:7.3f}{overall.recall:7.3f}{overall.f1:7.3f}"
                     + "".join(f"{tallies[label].f1:9.3f}" for label in labels))
    return "\n".join(lines)
