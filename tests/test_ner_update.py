"""The NER update (corpus/entities/training.py, `corpus train ner`): the gold's entities land wherever an article
names them, the shipped weights are the ones trained on the gold in the repository and the pipeline runs them, and
training moves the model towards the gold."""

import numpy
import pytest
import spacy

from corpus.entities.training import (
    Settings,
    gold_example,
    gold_hash,
    gold_spans,
    shipped_record,
    shipped_weights,
    update_ner,
)
from corpus.nlp import MODEL, TOKENIZING, load_pipeline
from flows.evaluate import orangesum_articles, orangesum_gold
from tests.conftest import shared


def _gold_and_tokens(article_id: str):
    record = next(r for r in orangesum_gold("dev") if r["id"] == article_id)
    article = orangesum_articles(shared("data").parent, [article_id])[0]
    nlp = load_pipeline()
    with nlp.select_pipes(enable=list(TOKENIZING)):
        return {(e["text"], e["label"]) for e in record["entities"]}, nlp(article.text)


def test_each_gold_entity_lands_on_every_place_the_article_names_it_and_the_longest_name_wins():
    gold, doc = _gold_and_tokens("132")
    spans = gold_spans(doc, gold)
    found = [(s.text, s.label_) for s in spans]
    assert set(found) == gold
    # "Houlette" is named four times, once inside "Eliane Houlette"; "Champrenault" five, once inside her full name
    assert found.count(("Eliane Houlette", "PER")) == 1 and found.count(("Houlette", "PER")) == 3
    assert found.count(("Catherine Champrenault", "PER")) == 1 and found.count(("Champrenault", "PER")) == 4
    tokens = [i for s in spans for i in range(s.start, s.end)]
    assert len(tokens) == len(set(tokens))


@pytest.mark.parametrize("article_id, name, longer_word", [("7875", "Paris", "Le Parisien"),
                                                          ("1521", "Sénégal", "Sénégalais")])
def test_a_name_inside_a_longer_word_is_no_entity(article_id, name, longer_word):
    gold, doc = _gold_and_tokens(article_id)
    gold = {(text, label) for text, label in gold if name not in text or text == name}  # no longer name to take it
    inside = doc.text.index(longer_word) + longer_word.index(name)
    assert (name, "LOC") in gold
    assert [s.start_char for s in gold_spans(doc, gold) if s.text == name]
    assert all(s.start_char != inside for s in gold_spans(doc, gold) if s.text == name)


def test_the_shipped_weights_come_from_the_gold_in_the_repository_and_the_pipeline_runs_them():
    record = shipped_record()
    assert record.data_sha256 == gold_hash(orangesum_gold("dev")), \
        "the gold changed since the NER was updated: run `corpus train ner`"
    assert record.base_model == f"{MODEL}-{spacy.util.get_package_version(MODEL)}"
    stock = spacy.load(MODEL, exclude=["parser", "lemmatizer"]).get_pipe("ner")
    stock_weights = _weights(stock)
    stock.from_bytes(shipped_weights(), exclude=["vocab"])
    shipped, running = _weights(stock), _weights(load_pipeline().get_pipe("ner"))
    assert len(shipped) == len(running) == len(stock_weights) > 10
    assert all(numpy.array_equal(a, b) for a, b in zip(running, shipped))
    assert not all(numpy.array_equal(a, b) for a, b in zip(shipped, stock_weights))


def _weights(ner) -> list:
    return [node.get_param(name) for node in ner.model.walk() for name in node.param_names if node.has_param(name)]


@pytest.mark.slow
def test_training_on_an_article_teaches_the_model_its_entities():
    gold, doc = _gold_and_tokens("132")
    nlp = spacy.load(MODEL, exclude=["parser", "lemmatizer"])
    stock = nlp.get_pipe("ner").to_bytes(exclude=["vocab"])
    tokens = nlp.make_doc(doc.text)
    before = {(e.text, e.label_) for e in nlp(doc.text).ents}
    update_ner(nlp, stock, [gold_example(tokens, gold)], [], Settings(epochs=12, dropout=0.0, batch_size=1))
    after = {(e.text, e.label_) for e in nlp(doc.text).ents}
    assert len(after & gold) > len(before & gold)
    assert ("Direction des affaires criminelles et des grâces", "ORG") in after - before


def test_the_recorded_k_fold_figures_count_every_gold_entity_of_the_development_part():
    from flows.evaluate import k_fold_report

    record = shipped_record()
    gold = sum(len({(e["text"], e["label"]) for e in r["entities"]}) for r in orangesum_gold("dev"))
    assert len(record.k_fold) == 2 and all(tallies["all"].gold == gold for tallies in record.k_fold.values())
    report = k_fold_report(record, len(orangesum_gold("dev")))
    assert all(system in report for system in record.k_fold) and f"{record.folds}-fold by article" in report
    updated = next(tallies for system, tallies in record.k_fold.items() if "updated" in system)
    assert f"{updated['all'].f1:7.3f}" in report
