"""Learning the speaker ranker from gold quotes: candidates labelled by the gold speaker of the quote they
stand for, gradient-boosted trees fitted over them, and k-fold figures by article. The documents come in
parsed and quoted by the rules; nothing here reads files. scikit-learn is needed here only (the `train`
extra); the pipeline applies the weights without it."""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from corpus.quotes.ranking import Candidate, Chooser, SpeakerRanker, Tree, model_chooser, rank_speakers, rule_chooser
from corpus.quotes.rules import QuoteRules
from corpus.quotes.syntax import document_memo
from corpus.records import Quote
from corpus.scoring.quotes import (
    LENIENT,
    QuoteScores,
    ScoredQuote,
    _matches,
    normalize_words,
    same_speaker,
    score_article,
)

THRESHOLDS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
UNATTRIBUTED_THRESHOLD = 0.45
"""The probability a quote the rules attribute to nobody (no cue, no mention) needs to get a name, above the
threshold of the other quotes: a user reads a wrong name as a fact, a missing one as a gap. Chosen on the
development part, k-fold (docs/quotes.md)."""


@dataclass(frozen=True)
class GoldDocument:
    """One annotated article: its parsed doc, the rules' quotes, the gold quotes and the set it belongs to."""

    key: str
    doc: Doc
    quotes: tuple[Quote, ...]
    gold: tuple[ScoredQuote, ...]
    corpus: str


def gold_for(quote: Quote, gold: Sequence[ScoredQuote]) -> ScoredQuote | None:
    """The gold quote (not a term) a predicted quote stands for: of those it covers at 30 %, the one with
    most words in common."""
    words = Counter(normalize_words(quote.text))
    best, best_shared = None, 0
    for g in gold:
        if g.kind == "term":
            continue
        g_words = Counter(normalize_words(g.text))
        if _matches(LENIENT, words, g_words):
            shared = (words & g_words).total()
            if shared > best_shared:
                best, best_shared = g, shared
    return best


def decode(document: GoldDocument, rules: QuoteRules, chooser: Chooser) -> list[Quote]:
    with document_memo(document.doc):
        return rank_speakers(document.doc, document.quotes, rules, chooser)


def instances(documents: Sequence[GoldDocument], rules: QuoteRules, chooser: Chooser
              ) -> list[tuple[int, int, dict[str, float], bool]]:
    """(document index, quote index, features, is the gold speaker) for every candidate of every predicted
    quote that stands for a gold quote, the previous speakers being those `chooser` picks."""
    rows = []
    for d, document in enumerate(documents):
        seen: list[tuple[Quote, list[Candidate]]] = []

        def collect(quote: Quote, candidates: list[Candidate]) -> Candidate | None:
            seen.append((quote, candidates))
            return chooser(quote, candidates)

        decode(document, rules, collect)
        for q, (quote, candidates) in enumerate(seen):
            gold = gold_for(quote, document.gold)
            if gold is None:
                continue
            for candidate in candidates:
                rows.append((d, q, candidate.features, gold.speaker is not None and same_speaker(candidate.name, gold.speaker)))
    return rows


def fit(rows: Sequence[tuple[int, int, dict[str, float], bool]], threshold: float, data_sha256: str,
        model: str = "trees") -> SpeakerRanker:
    """Gradient-boosted trees (the default: the features interact, a role is a good speaker unless the
    article names its holder) or a logistic regression, over the candidates' features."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sparse=False)
    x = vectorizer.fit_transform([features for _, _, features, _ in rows])
    y = [label for *_, label in rows]
    names = list(vectorizer.get_feature_names_out())
    if model == "pairwise":
        return _fit_pairwise(rows, x, names, threshold, data_sha256)
    if model == "linear":
        linear = LogisticRegression(C=1.0, max_iter=5000).fit(x, y)
        weights = {name: round(float(w), 6) for name, w in zip(names, linear.coef_[0])}
        return SpeakerRanker(weights, round(float(linear.intercept_[0]), 6), threshold, data_sha256)
    boosted = GradientBoostingClassifier(n_estimators=TREES, max_depth=DEPTH, learning_rate=LEARNING_RATE,
                                         subsample=1.0, random_state=0).fit(x, y)
    trees = tuple(_tree(estimator.tree_, names) for estimator in boosted.estimators_[:, 0])
    prior = sum(y) / len(y)
    return SpeakerRanker({}, round(math.log(prior / (1 - prior)), 6), threshold, data_sha256, trees, LEARNING_RATE)


TREES, DEPTH, LEARNING_RATE = 100, 4, 0.1


def _fit_pairwise(rows, x, names: list[str], threshold: float, data_sha256: str) -> SpeakerRanker:
    """A linear scorer learnt from pairs of candidates of one quote, the gold speaker's against each other
    one (a ranking objective: only the order of a quote's candidates matters)."""
    import numpy
    from sklearn.linear_model import LogisticRegression

    by_quote: dict[tuple[int, int], list[int]] = {}
    for n, (d, q, _, _) in enumerate(rows):
        by_quote.setdefault((d, q), []).append(n)
    diffs, labels = [], []
    for members in by_quote.values():
        positives = [n for n in members if rows[n][3]]
        negatives = [n for n in members if not rows[n][3]]
        for p in positives:
            for m in negatives:
                diffs.extend((x[p] - x[m], x[m] - x[p]))
                labels.extend((1, 0))
    model = LogisticRegression(C=1.0, max_iter=5000, fit_intercept=False).fit(numpy.array(diffs), labels)
    weights = {name: round(float(w), 6) for name, w in zip(names, model.coef_[0])}
    return SpeakerRanker(weights, 0.0, threshold, data_sha256)


def _tree(tree, names: list[str]) -> Tree:
    """A fitted sklearn tree as `Tree` arrays (leaves keep their value, splits their feature's name)."""
    leaf = tree.children_left == -1
    return Tree(tuple("" if leaf[n] else names[f] for n, f in enumerate(tree.feature)),
                tuple(round(float(t), 6) for t in tree.threshold), tuple(int(c) for c in tree.children_left),
                tuple(int(c) for c in tree.children_right), tuple(round(float(v), 6) for v in tree.value[:, 0, 0]))


def score_documents(documents: Sequence[GoldDocument], predicted: Sequence[Sequence[Quote]]) -> list[QuoteScores]:
    return [score_article([ScoredQuote(q.text, q.kind, q.speaker_name) for q in quotes], document.gold)
            for document, quotes in zip(documents, predicted)]


def k_fold(documents: Sequence[GoldDocument], rules: QuoteRules, folds: int = 5, model: str = "trees"
           ) -> dict[float, list[list[Quote]]]:
    """Each document's quotes as decoded by a ranker trained on the other folds (by article), for each
    threshold of `THRESHOLDS`."""
    out: dict[float, list[list[Quote]]] = {t: [[] for _ in documents] for t in THRESHOLDS}
    for fold in range(folds):
        train = [doc for n, doc in enumerate(documents) if n % folds != fold]
        ranker = train_ranker(train, rules, 0.0, "", model)
        for n, document in enumerate(documents):
            if n % folds == fold:
                for t in THRESHOLDS:
                    out[t][n] = decode(document, rules, model_chooser(dataclasses.replace(ranker, threshold=t)))
    return out


def train_ranker(documents: Sequence[GoldDocument], rules: QuoteRules, threshold: float, data_sha256: str,
                 model: str = "trees", threshold_unattributed: float = UNATTRIBUTED_THRESHOLD) -> SpeakerRanker:
    """Two rounds: candidates described with the rules' previous speakers, then with the first model's."""
    first = fit(instances(documents, rules, rule_chooser), threshold, data_sha256, model)
    second = fit(instances(documents, rules, model_chooser(first)), threshold, data_sha256, model)
    return dataclasses.replace(second, threshold_unattributed=threshold_unattributed)


def data_hash(lines: Sequence[str]) -> str:
    """The hash of the gold records a ranker is trained on, in a stable order."""
    digest = hashlib.sha256()
    for line in sorted(lines):
        digest.update(line.encode("utf-8") + b"\n")
    return digest.hexdigest()
