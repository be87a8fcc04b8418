"""The speaker ranker: the weights shipped are the ones trained on the gold in the repository, the exported
trees score as scikit-learn's model does, and the thresholds decide when a quote keeps no speaker."""

import dataclasses

import pytest

from corpus.quotes.ranking import Candidate, SpeakerRanker, load_ranker
from corpus.quotes.training import DEPTH, LEARNING_RATE, TREES, fit
from corpus.records import Quote
from flows.train import training_data_hash, training_sets
from tests.conftest import shared


def test_the_packaged_weights_come_from_the_gold_in_the_repository():
    ranker = load_ranker()
    assert ranker is not None and ranker.trees
    assert ranker.data_sha256 == training_data_hash(training_sets(shared("data").parent)), \
        "the gold changed since the ranker was trained: run `corpus train speakers`"


def test_json_round_trip_keeps_the_scores():
    ranker = load_ranker()
    again = SpeakerRanker.from_json(ranker.to_json())
    features = {"rule_mention": 1.0, "per": 1.0, "same_sentence": 1.0, "salience": 1.1}
    assert again == ranker and again.probability(features) == ranker.probability(features)


@pytest.mark.slow
def test_exported_trees_score_as_scikit_learn_does():
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    rows = []
    for d in range(40):  # candidates of 40 quotes: the rules' mention is right 3 times in 4, else a name nearer
        near, rule_right = d % 5, d % 4 != 0
        rows.append((d, 0, {"rule_mention": 1.0, "log_distance": 1.0 + near / 3, "per": float(d % 2)}, rule_right))
        rows.append((d, 0, {"per": 1.0, "log_distance": 0.5 + near / 2, "subject": float(d % 3 == 0)}, not rule_right))
    ranker = fit(rows, 0.1, "test")
    vectorizer = DictVectorizer(sparse=False)
    x = vectorizer.fit_transform([r[2] for r in rows])
    model = GradientBoostingClassifier(n_estimators=TREES, max_depth=DEPTH, learning_rate=LEARNING_RATE,
                                       random_state=0).fit(x, [r[3] for r in rows])
    expected = model.predict_proba(x)[:, 1]
    assert [round(ranker.probability(r[2]), 5) for r in rows] == pytest.approx([round(p, 5) for p in expected], abs=1e-4)


def test_a_quote_the_rules_attribute_to_nobody_needs_a_more_confident_candidate():
    ranker = dataclasses.replace(load_ranker(), threshold=0.2, threshold_unattributed=0.6)
    candidate = Candidate("Kim Jong Un", (0, 11, "Kim Jong Un"), {"per": 1.0})
    p = ranker.probability(candidate.features)
    attributed = Quote(20, 40, "x" * 20, "partial", speaker_name="Kim Jong Un", cue="dire")
    unattributed = Quote(20, 40, "x" * 20, "partial")
    for threshold in (p - 0.01, p + 0.01):
        low = dataclasses.replace(ranker, threshold=min(threshold, 0.99), threshold_unattributed=min(threshold, 0.99))
        assert (low.choose(attributed, [candidate]) is candidate) == (p >= threshold)
    strict = dataclasses.replace(ranker, threshold=0.0, threshold_unattributed=min(p + 0.01, 1.0))
    assert strict.choose(attributed, [candidate]) is candidate
    assert strict.choose(unattributed, [candidate]) is None
