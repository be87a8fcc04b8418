"""Quote scoring: word normalisation, the two match thresholds, speakers, term exclusion, the real gold."""

import dataclasses
import json

import pytest

from corpus.scoring.quotes import (
    ScoredQuote,
    bootstrap_interval,
    gold_quotes,
    lenient_match,
    normalize_words,
    same_speaker,
    score,
    score_article,
    shared_words,
    strict_match,
)
from tests.conftest import shared

SAMARAS = "cette révision ne doit pas mettre en danger la voie européenne du pays ou son maintien dans l'euro"


def test_normalize_words_apostrophes_quotes_and_soft_hyphens():
    assert normalize_words("« L’été sera chaud », a-t-il dit") == ["l", "été", "sera", "chaud", "a", "t", "il", "dit"]
    expected = ["aujourd", "hui", "l", "euro"]
    for apostrophe in "'’‘ʼ`":
        assert normalize_words(f"Aujourd{apostrophe}hui l{apostrophe}euro") == expected
    assert normalize_words("“démo\u00adcratie” „ﬁn” \"Vote\" ‹ oui ›") == ["démocratie", "fin", "vote", "oui"]


def test_shared_words_counts_repeats_as_often_as_both_have_them():
    assert shared_words("la France et la Grèce", "« La Grèce, la zone euro »") == 3
    assert shared_words("rien", "Rester dans l'euro") == 0


def test_lenient_matches_a_long_prediction_covering_a_short_gold_but_strict_does_not():
    gold = "rester dans la zone euro"
    pred = "la Grèce est déterminée à honorer ses engagements et à rester dans la zone euro"
    assert lenient_match(pred, gold)
    assert not strict_match(pred, gold)


def test_lenient_threshold_is_30_percent_of_the_gold_words():
    gold = "un deux trois quatre cinq six sept huit neuf dix"
    assert lenient_match("un deux trois", gold)
    assert not lenient_match("un deux", gold)
    assert not lenient_match("", gold) and not lenient_match("un", "« »")


def test_strict_threshold_is_80_percent_of_the_longer_quote():
    gold = "nous ne céderons pas au chantage"
    assert strict_match("Nous ne céderons pas au chantage, jamais", gold)  # 6 of 7 words
    assert not strict_match("nous ne céderons pas", gold)  # 4 of 6
    assert not strict_match("nous ne céderons pas au chantage des marchés", gold)  # 6 of 8


def test_same_speaker():
    assert same_speaker("M. Poutine", "Vladimir Poutine")
    assert not same_speaker("Kim", "Xi Jinping")
    assert same_speaker("Francois HOLLANDE", "François Hollande")
    assert same_speaker("la NASA", "NASA")
    assert same_speaker("le chef de l'aviation civile", "chef de l’aviation civile nigériane")
    assert same_speaker("Mme Merkel", "Angela Merkel")
    assert not same_speaker("le Premier ministre", "le ministre de la Défense")
    assert not same_speaker(None, "Barroso") and not same_speaker("Barroso", None)
    assert not same_speaker("M.", "M. Barroso")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        ScoredQuote("bonjour", "quote", None)


def test_term_quotes_are_excluded_on_both_sides():
    gold = [ScoredQuote("nous resterons dans l'euro", "direct", "Antonis Samaras"),
            ScoredQuote("Printemps érable", "term", None)]
    predicted = [ScoredQuote("Nous resterons dans l'euro", "direct", "Samaras"),
                 ScoredQuote("« Printemps érable »", "direct", None),  # matches only the term: not counted
                 ScoredQuote("nous resterons", "term", None),  # a predicted term: not counted
                 ScoredQuote("la crise est finie", "indirect", "Samaras")]  # wrong
    scores = score([(predicted, gold)])
    for counts in (scores.lenient["all"], scores.strict["all"]):
        assert (counts.tp_gold, counts.fn, counts.tp_pred, counts.fp) == (1, 0, 1, 1)
        assert counts.precision == 0.5 and counts.recall == 1.0
    assert scores.lenient["direct"].precision == 1.0
    assert scores.lenient["indirect"].fp == 1
    assert (scores.speaker_correct, scores.speaker_total) == (1, 1)


def test_a_clause_matches_its_quoted_fragment_too_and_breakdowns_go_by_kind():
    gold = [ScoredQuote("la Grèce honorera ses engagements", "indirect", "Barroso"),
            ScoredQuote("honorera ses engagements", "partial", "Barroso"),
            ScoredQuote(SAMARAS, "direct", "le nouveau gouvernement")]
    predicted = [ScoredQuote("la Grèce honorera ses engagements", "indirect", "José Manuel Barroso")]
    scores = score([(predicted, gold)])
    lenient, strict = scores.lenient, scores.strict
    assert (lenient["all"].tp_gold, lenient["all"].fn, lenient["all"].tp_pred) == (2, 1, 1)
    assert lenient["all"].precision == 1.0 and lenient["all"].recall == pytest.approx(2 / 3)
    assert lenient["all"].f1 == pytest.approx(0.8)
    assert lenient["partial"].recall == 1.0 and lenient["direct"].recall == 0.0
    assert strict["partial"].recall == 0.0 and strict["indirect"].recall == 1.0  # 3 of 5 words < 80 %
    assert lenient["indirect"].precision == 1.0 and lenient["partial"].tp_pred + lenient["partial"].fp == 0
    assert (scores.speaker_correct, scores.speaker_total) == (2, 2)


def test_speaker_comes_from_the_prediction_sharing_most_words():
    gold = [ScoredQuote("cela envoie un signal clair de la détermination de la Grèce", "direct", "Barroso")]
    predicted = [ScoredQuote("un signal clair", "partial", "Bruxelles"),
                 ScoredQuote("cela envoie un signal clair de la détermination", "direct", "M. Barroso")]
    assert score([(predicted, gold)]).speaker_accuracy == 1.0
    assert score([(predicted[:1], gold)]).speaker_accuracy == 0.0


def test_report_lists_kinds_and_speaker_accuracy():
    gold = [ScoredQuote(SAMARAS, "direct", "Antonis Samaras")]
    report = score([([ScoredQuote(SAMARAS, "direct", "Samaras")], gold)]).report()
    rows = report.splitlines()
    assert [row.split()[0] for row in rows[2:6]] == ["all", "direct", "partial", "indirect"]
    assert rows[2].split() == ["all"] + ["1.000"] * 6 + ["1", "1", "1"]
    assert rows[-2] == "speaker accuracy (matched, with a gold speaker): 1.000 (1/1)"
    assert rows[-1] == "pair (quote and speaker) P 1.000 R 1.000 F1 1.000 (1/1 gold, 1/1 predicted)"


def test_pair_f1_needs_the_quote_and_its_speaker():
    gold = [ScoredQuote(SAMARAS, "direct", "Antonis Samaras"),
            ScoredQuote("nous resterons dans la zone euro", "indirect", "Evangelos Venizelos"),
            ScoredQuote("la troïka arrive mardi", "indirect", None),
            ScoredQuote("Nouvelle Démocratie", "term", None)]
    predicted = [ScoredQuote(SAMARAS, "direct", "M. Samaras"),  # right pair
                 ScoredQuote("nous resterons dans la zone euro", "indirect", "Antonis Samaras"),  # wrong speaker
                 ScoredQuote("la troïka arrive mardi", "indirect", "Venizelos"),  # the gold names nobody
                 ScoredQuote("Nouvelle Démocratie", "partial", "Samaras"),  # only a term: left out
                 ScoredQuote("un tout autre propos", "direct", None)]  # no speaker: not in the precision
    pairs = score([(predicted, gold)]).pairs
    assert (pairs.tp_gold, pairs.fn, pairs.tp_pred, pairs.fp) == (1, 1, 1, 2)
    assert pairs.precision == pytest.approx(1 / 3) and pairs.recall == pytest.approx(1 / 2)


def test_pair_f1_is_not_raised_by_blanking_speakers_or_dropping_quotes():
    gold = [ScoredQuote(SAMARAS, "direct", "Antonis Samaras"),
            ScoredQuote("nous resterons dans la zone euro", "indirect", "Evangelos Venizelos")]
    right = [ScoredQuote(SAMARAS, "direct", "Samaras"), ScoredQuote("nous resterons dans la zone euro", "indirect", "Venizelos")]
    blanked = [right[0], dataclasses.replace(right[1], speaker=None)]
    wrong = [right[0], dataclasses.replace(right[1], speaker="Samaras")]
    f1 = {name: score([(quotes, gold)]).pairs.f1 for name, quotes in
          (("right", right), ("blanked", blanked), ("dropped", right[:1]), ("wrong", wrong))}
    assert f1["right"] == 1.0 and f1["blanked"] == f1["dropped"] == pytest.approx(2 / 3)
    assert f1["wrong"] == 0.5  # a wrong speaker costs precision as well as recall


def test_article_scores_add_up_and_bootstrap_brackets_the_total():
    gold = [ScoredQuote(SAMARAS, "direct", "Antonis Samaras")]
    articles = [score_article([ScoredQuote(SAMARAS, "direct", name)], gold)
                for name in ("Samaras", "Samaras", "Barroso", "Samaras")]
    total = sum(articles[1:], articles[0])
    assert total.speaker_correct == 3 and total.speaker_total == 4 and total == score(
        [([ScoredQuote(SAMARAS, "direct", n)], gold) for n in ("Samaras", "Samaras", "Barroso", "Samaras")])
    low, high = bootstrap_interval(articles, lambda s: s.speaker_accuracy, draws=500)
    assert low < 0.75 < high and 0.0 <= low and high <= 1.0


@pytest.fixture(scope="module")
def gold_articles():
    lines = shared("data/quotes/wikinews_fr_dev/gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [gold_quotes(json.loads(line)) for line in lines]


def test_real_gold_scored_against_itself_is_perfect(gold_articles):
    scores = score((quotes, quotes) for quotes in gold_articles)
    with_speaker = sum(q.kind != "term" and q.speaker is not None for quotes in gold_articles for q in quotes)
    assert len(gold_articles) == 50 and with_speaker > 100
    for counts in (scores.lenient["all"], scores.strict["all"]):
        assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0)
    assert scores.lenient["direct"].tp_gold == sum(q.kind == "direct" for quotes in gold_articles for q in quotes)
    assert (scores.speaker_correct, scores.speaker_total) == (with_speaker, with_speaker)


def test_real_gold_without_predicted_speakers_has_speaker_accuracy_zero(gold_articles):
    pairs = [([dataclasses.replace(q, speaker=None) for q in quotes], quotes) for quotes in gold_articles]
    scores = score(pairs)
    assert scores.lenient["all"].f1 == 1.0
    assert scores.speaker_accuracy == 0.0 and scores.speaker_total > 100
