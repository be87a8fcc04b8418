"""The evaluation readers recover the gold data sets as their READMEs describe them, and `corpus eval quotes` scores
the pipeline on the bundled gold articles."""

from flows.evaluate import WIKINEWS_25, _brat_quotes, evaluate_wikinews_quotes, wikinews_gold_texts
from tests.conftest import SHARED_SUBSET, shared


def test_litbank_brat_reader_counts_match_the_readme():
    folder = shared("data/quotes/fr-litbank-citations/brat")
    quotes = []
    for ann in sorted(folder.glob("*.ann")):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        quotes += _brat_quotes(ann.read_text(encoding="utf-8"), text)
    assert len(quotes) == 1168
    assert sum(q.speaker is not None for q in quotes) == 973
    assert not any(q.text.startswith("—") for q in quotes)


def test_discontinuous_quote_is_joined_and_linked_to_its_speaker():
    text = "— Tiens, dit-il, nous avons eu la même idée."
    first_end, second_start, il = text.index(",") + 1, text.index("nous"), text.index("il,")
    ann = (f"R1\tSource Arg1:T7 Arg2:T1\t\nT1\tCitation 0 {first_end};{second_start} {len(text)}\t…\n"
           f"T7\tEntite {il} {il + 2}\til\n")
    [quote] = _brat_quotes(ann, text)
    assert (quote.text, quote.speaker) == ("Tiens, nous avons eu la même idée.", "il")


def test_project_gold_quotes_are_excerpts_of_their_articles():
    """eval/wikinews_fr_25: every quote is an exact excerpt of its article's h1, h2 and p blocks (white
    space collapsed), as the guidelines of the shared set require, and its type is a known one."""
    articles = wikinews_gold_texts(shared("data").parent, WIKINEWS_25)
    assert len(articles) == 25
    for record, text in articles:
        for quote in record["quotes"]:
            assert quote["type"] in ("direct", "partial", "indirect", "term"), quote
            assert quote["text"] in text, (record["id"], quote["text"][:60])


def test_eval_quotes_finds_nearly_every_gold_quote_and_speaker_of_the_bundled_articles():
    """`corpus eval quotes` end to end on the three gold articles of tests/fixtures/shared (32 quotes, 31 speakers,
    27 of them right: the speaker of 44551's first quote is "les services de Manuel Valls", which the gold names as
    the ministry, and the three of 44999 are "le ministre du Redressement productif", whom the gold names)."""
    scores = evaluate_wikinews_quotes(SHARED_SUBSET)
    assert scores.lenient["all"].recall >= 0.9 and scores.lenient["all"].precision >= 0.9
    assert scores.speaker_total > 25 and scores.speaker_accuracy >= 0.85
