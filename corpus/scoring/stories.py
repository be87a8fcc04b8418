"""Scores the near-duplicate decision on gold pairs of documents: pairwise precision and recall, overall and per
stratum of the gold (the similarity band or the kind of pair it was drawn from)."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.fingerprints import Shingling
from corpus.scoring.ner import Tally


@dataclass(frozen=True)
class JudgedPair:
    """A gold pair: the two documents, the stratum it was drawn from, the judge's answer and the pipeline's."""

    a: str
    b: str
    stratum: str
    same_story: bool
    predicted: bool
    similarity: float
    """The estimated measure of the two (`corpus.fingerprints.resemblance`)."""
    days_apart: int | None = None
    """Between their publication dates; None if one is unknown."""
    candidate: bool = True
    """Whether they share an LSH band key, so that the warehouse compares them at all."""
    note: str = ""


def tally(pairs: Iterable[JudgedPair]) -> Tally:
    pairs = list(pairs)
    return Tally(sum(p.same_story and p.predicted for p in pairs), sum(p.predicted for p in pairs),
                 sum(p.same_story for p in pairs))


def report(pairs: list[JudgedPair]) -> str:
    """Pairwise precision and recall, then one line per stratum."""
    lines = [_line("all", pairs)]
    for stratum in sorted({p.stratum for p in pairs}):
        lines.append(_line(stratum, [p for p in pairs if p.stratum == stratum]))
    return "\n".join(lines)


def _line(name: str, pairs: list[JudgedPair]) -> str:
    t = tally(pairs)
    return (f"{name:<22} pairs {len(pairs):>4}  same story {t.gold:>4}  predicted {t.predicted:>4}  "
            f"precision {t.precision:.3f}  recall {t.recall:.3f}  F1 {t.f1:.3f}")


def threshold_sweep(pairs: list[JudgedPair], thresholds: Iterable[float], measure: str) -> str:
    """Precision and recall if the estimated `measure` alone decided at each threshold (the bands aside)."""
    lines = []
    for threshold in thresholds:
        t = Tally(sum(p.same_story and p.similarity >= threshold for p in pairs),
                  sum(p.similarity >= threshold for p in pairs), sum(p.same_story for p in pairs))
        lines.append(f"{measure} >= {threshold:.2f}: precision {t.precision:.3f}  recall {t.recall:.3f}  F1 {t.f1:.3f}")
    return "\n".join(lines)


def cross_validated(pairs: list[JudgedPair], shingling: Shingling, folds: int = 5,
                    seed: int = 0) -> tuple[Tally, list[Shingling]]:
    """Pairwise scores of thresholds learnt from the other folds: for each fold, the thresholds of `shingling` (one
    for each of its `within_days` gaps, then one for any gap, rising with the gap) that give the best F1 on the rest,
    applied to it. Return the summed tally and the settings each fold chose: how far thresholds chosen on some pairs
    hold on others."""
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    days = [d for d, _ in shingling.within_days]
    grid = [dataclasses.replace(shingling, threshold=t[-1], within_days=tuple(zip(days, t[:-1])))
            for t in itertools.product([x / 20 for x in range(6, 21)], repeat=len(days) + 1) if list(t) == sorted(t)]
    total, chosen = Tally(), []
    for fold in range(folds):
        held = {i for k, i in enumerate(order) if k % folds == fold}
        rest = [p for i, p in enumerate(pairs) if i not in held]
        best = max(grid, key=lambda candidate: (_decided(rest, candidate).f1, candidate.lowest_threshold))
        chosen.append(best)
        total += _decided([pairs[i] for i in sorted(held)], best)
    return total, chosen


def _decided(pairs: Iterable[JudgedPair], shingling: Shingling) -> Tally:
    """The tally of `pairs` if `shingling`'s thresholds decided them."""
    return tally(dataclasses.replace(p, predicted=p.candidate and p.similarity >= shingling.threshold_for(p.days_apart))
                 for p in pairs)
