"""Learning when two documents are the same story (`corpus.fingerprints.StoryModel`) from the judged pairs of
eval/near_duplicates: a logistic regression over the model's four features, and repeated k-fold figures. The pairs
come in already fingerprinted; nothing here reads files. scikit-learn is needed here only (the `train` extra); the
pipeline applies the weights without it."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from corpus.fingerprints import Shingling, StoryModel
from corpus.scoring.ner import Tally
from corpus.scoring.stories import JudgedPair, tally

CUTS = (0.5, 0.6, 0.7, 0.75, 0.8)
"""The probabilities tried as the model's cut: the one kept has the best k-fold F1 of those whose k-fold precision
reaches `PRECISION_FLOOR`."""
PRECISION_FLOOR = 0.96
"""A wrong grouping hides a story from every count and reads as a fact; a missed one counts a story twice. The
precision wanted is 0.95; the floor leaves a margin for pairs unlike the judged ones."""
MAX_DAYS = 30
"""Beyond a month the judged pairs hold few gaps: longer ones count as a month rather than extend the slope."""
SHINGLES_RANGE = (100, 2400)
"""About the range of the judged pairs' summed shingles, outside which the slope is not extended either."""
REGULARISATION = 10.0
"""scikit-learn's C: mild, the features are few and the pairs a few hundred."""


def fit(pairs: Sequence[JudgedPair], cut: float, data_sha256: str = "") -> StoryModel:
    """The model fitted on all `pairs`."""
    from sklearn.linear_model import LogisticRegression

    template = _template(cut)
    x = [template.features(p.similarity, p.n_a, p.n_b, p.days_apart, p.fine_similarity) for p in pairs]
    model = LogisticRegression(C=REGULARISATION, max_iter=1000).fit(x, [p.same_story for p in pairs])
    return dataclasses.replace(template, weights=tuple(round(float(w), 6) for w in model.coef_[0]),
                               bias=round(float(model.intercept_[0]), 6), data_sha256=data_sha256)


def k_fold(pairs: Sequence[JudgedPair], shingling: Shingling, cut: float, folds: int = 5, repeats: int = 10) -> Tally:
    """Pairwise tally of models fitted on the other folds, summed over `repeats` shuffles of stratified folds (by
    label): how far weights learnt on some pairs hold on others."""
    from sklearn.model_selection import StratifiedKFold

    labels = [p.same_story for p in pairs]
    total = Tally()
    for seed in range(repeats):
        for rest, held in StratifiedKFold(folds, shuffle=True, random_state=seed).split(labels, labels):
            model = fit([pairs[i] for i in rest], cut)
            total += tally(decided([pairs[i] for i in held], dataclasses.replace(shingling, model=model)))
    return total


def chosen_cut(folded: dict[float, Tally]) -> float:
    """The cut of `CUTS` to keep, from their k-fold tallies (the highest cut if none reaches the floor)."""
    reaching = [cut for cut in CUTS if folded[cut].precision >= PRECISION_FLOOR]
    return max(reaching, key=lambda cut: folded[cut].f1) if reaching else max(CUTS)


def decided(pairs: Sequence[JudgedPair], shingling: Shingling) -> list[JudgedPair]:
    """`pairs` as `shingling` decides them: a pair is predicted the same when its documents share a band key and
    `Shingling.same` says so."""
    return [dataclasses.replace(p, predicted=p.candidate and shingling.same(p.similarity, p.n_a, p.n_b, p.days_apart,
                                                                             p.fine_similarity)) for p in pairs]


def _template(cut: float) -> StoryModel:
    return StoryModel(weights=(0.0, 0.0, 0.0, 0.0), bias=0.0, cut=cut, max_days=MAX_DAYS, shingles_range=SHINGLES_RANGE)
