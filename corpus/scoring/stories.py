"""Scores the near-duplicate decision on gold pairs of documents: pairwise precision and recall, overall and per
stratum of the gold (the similarity band or the kind of pair it was drawn from)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
    n_a: int = 0
    n_b: int = 0
    """Their shingles (`Fingerprint.n_shingles`; 0 without a fingerprint)."""
    fine_similarity: float | None = None
    """The containment of their shorter shingles (`corpus.fingerprints.fine_resemblance`)."""
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
