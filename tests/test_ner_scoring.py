"""NER scoring as `corpus eval ner` applies it, on the first gold sentences of Sequoia."""

import json

from corpus.scoring.ner import Entity, score_sets, score_spans
from flows.evaluate import SEQUOIA
from tests.conftest import shared


def gold_sentences():
    lines = shared(SEQUOIA).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:200]]


def test_gold_scored_against_itself_is_perfect_and_counts_match_the_file():
    sentences = gold_sentences()
    gold = [[Entity(e["start"], e["end"], e["label"]) for e in s["entities"]] for s in sentences]
    tallies = score_spans(zip(gold, gold))
    expected = sum(e.label in ("PER", "LOC", "ORG") for sentence in gold for e in sentence)
    assert tallies["all"].gold == tallies["all"].tp == expected > 0
    assert tallies["all"].f1 == 1.0


def test_strict_needs_the_same_offsets_fuzzy_an_overlap_once():
    # "M. Soyer" with the title kept, where the gold has "Soyer": wrong for strict, right for fuzzy
    gold = [Entity(3, 8, "PER"), Entity(20, 26, "LOC")]
    predicted = [Entity(0, 8, "PER"), Entity(1, 7, "PER"), Entity(20, 26, "ORG")]
    strict, fuzzy = score_spans([(predicted, gold)]), score_spans([(predicted, gold)], fuzzy=True)
    assert (strict["PER"].tp, strict["PER"].predicted, strict["PER"].gold) == (0, 2, 1)
    assert (fuzzy["PER"].tp, fuzzy["LOC"].tp, fuzzy["ORG"].predicted) == (1, 0, 1)
    assert fuzzy["all"].recall == 0.5


def test_distinct_pairs_per_article():
    tallies = score_sets([({("Poutine", "PER"), ("Russes", "LOC")}, {("Poutine", "PER"), ("Russie", "LOC")})])
    assert (tallies["PER"].f1, tallies["LOC"].tp, tallies["all"].precision) == (1.0, 0, 0.5)
