"""`corpus train ner`: update the NER on the development part of eval/orangesum_quotes, report k-fold figures by
article beside the stock NER's, and write the weights to corpus/data/ner_update.bin. `corpus train speakers`: fit the
speaker ranker on the development gold (the development part of eval/orangesum_quotes and the shared
wikinews_fr_dev), report k-fold figures by article beside the rules' own, and write the weights to
corpus/data/speaker_ranker.json. `corpus train stories`: fit the story model on the
development pairs of eval/near_duplicates, report k-fold figures, and write it to corpus/data/story_model.json."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import random
import sys
from pathlib import Path

import spacy

from corpus import story_training
from corpus.entities.training import (
    NER_RECORD,
    NER_WEIGHTS,
    Settings,
    UpdateRecord,
    gold_example,
    gold_hash,
    rehearsal_example,
    update_ner,
)
from corpus.fingerprints import MODEL_FILE, Shingling, settings
from corpus.nlp import MODEL, NOT_FOR_NER, TOKENIZING, annotate, load_pipeline
from corpus.quotes.ranking import RANKER_FILE, rule_chooser
from corpus.quotes.rules import QuoteRules
from corpus.quotes.training import (
    THRESHOLDS,
    UNATTRIBUTED_THRESHOLD,
    GoldDocument,
    data_hash,
    decode,
    k_fold,
    score_documents,
    train_ranker,
)
from corpus.records import Quote
from corpus.scoring.ner import Tally, score_sets
from corpus.scoring.quotes import QuoteScores, gold_quotes
from corpus.scoring.stories import JudgedPair, tally
from flows.evaluate import (
    ORANGESUM,
    ORANGESUM_DUMP,
    WIKINEWS_DEV,
    judged_pairs,
    k_fold_report,
    near_duplicate_gold,
    orangesum_articles,
    orangesum_gold,
    wikinews_articles,
)

DATA = Path(__file__).resolve().parent.parent / "corpus/data"


def train_ner(shared: Path, folds: int = 5, settings: Settings = Settings()) -> str:
    """Report the stock and the updated NER through the whole pipeline, k-fold by article on the development part,
    then train on all of it and write the weights; returns the report. The locked test part is never read. `nlp` is
    the process's pipeline (`load_pipeline` is cached), so `annotate` scores each fold with the weights just
    trained."""
    records = orangesum_gold("dev")
    articles = orangesum_articles(shared, [r["id"] for r in records])
    nlp = load_pipeline()
    stock = spacy.load(MODEL).get_pipe("ner").to_bytes(exclude=["vocab"])
    with nlp.select_pipes(enable=list(TOKENIZING)):
        tokens = [list(nlp.pipe(([a.title] if a.title else []) + [a.text])) for a in articles]
    gold = [[gold_example(doc, [(e["text"], e["label"]) for e in r["entities"]]) for doc in docs]
            for r, docs in zip(records, tokens)]
    rehearsal = _rehearsal(shared, nlp, stock, settings.rehearsal_articles, settings.seed)
    truth = [{(e["text"], e["label"]) for e in r["entities"]} for r in records]
    nlp.get_pipe("ner").from_bytes(stock, exclude=["vocab"])
    stock_sets = _entity_sets(articles)
    order = list(range(len(records)))
    random.Random(settings.seed).shuffle(order)
    folded: list[set[tuple[str, str]]] = [set() for _ in records]
    for k in range(folds):
        held = set(order[k::folds])
        _say(f"fold {k + 1}/{folds}: {len(records) - len(held)} articles to learn from, {len(held)} held out")
        update_ner(nlp, stock, [e for i in order if i not in held for e in gold[i]], rehearsal, settings, _say)
        for i, found in zip(sorted(held), _entity_sets([articles[i] for i in sorted(held)])):
            folded[i] = found
    _say(f"all {len(records)} articles")
    weights = update_ner(nlp, stock, [e for examples in gold for e in examples], rehearsal, settings, _say)
    (DATA / NER_WEIGHTS).write_bytes(weights)
    figures = {"pipeline, stock NER": score_sets(zip(stock_sets, truth)),
               f"pipeline, updated NER, {folds}-fold": score_sets(zip(folded, truth))}
    record = UpdateRecord(gold_hash(records), f"{MODEL}-{spacy.util.get_package_version(MODEL)}", settings, folds,
                          figures)
    (DATA / NER_RECORD).write_text(record.to_json(), encoding="utf-8")
    return (f"{k_fold_report(record, len(records))}\n"
            f"weights -> {DATA / NER_WEIGHTS} (data sha256 {record.data_sha256[:12]})")


def _entity_sets(articles: list) -> list[set[tuple[str, str]]]:
    """Each article's distinct (text, label) pairs, as `corpus ingest` finds them."""
    return [{(m.text, m.label) for m in annotated.mentions} for annotated in annotate(articles)]


def _rehearsal(shared: Path, nlp, stock: bytes, count: int, seed: int) -> list:
    """The entities of the pipeline with the stock NER (the model, then `entity_cleaner`) on `count` OrangeSum
    articles drawn outside the annotated ones (seeded)."""
    annotated = {str(i) for part in ("dev", "test") for i in json.loads((ORANGESUM / "split.json").read_text())[part]}
    with gzip.open(shared / ORANGESUM_DUMP, "rt", encoding="utf-8") as dump:
        ids = [str(record["id"]) for record in map(json.loads, dump) if record.get("article", "").strip()]
    drawn = random.Random(seed).sample(sorted(set(ids) - annotated), count)
    texts = [a.text for a in orangesum_articles(shared, drawn)]
    nlp.get_pipe("ner").from_bytes(stock, exclude=["vocab"])
    with nlp.select_pipes(enable=list(TOKENIZING)):
        tokens = list(nlp.pipe(texts))
    return [rehearsal_example(doc, tagged) for doc, tagged in zip(tokens, nlp.pipe(texts, disable=NOT_FOR_NER))]


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


RANKER_PATH = DATA / RANKER_FILE


def training_sets(shared: Path) -> dict[str, list[dict]]:
    """The gold records the ranker learns from, by set: never the locked test part."""
    wikinews_lines = (shared / WIKINEWS_DEV).read_text(encoding="utf-8").splitlines()
    return {"orangesum_dev": orangesum_gold("dev"),
            "wikinews_fr_dev": [json.loads(line) for line in wikinews_lines if line]}


VOICE_LABELS = ("speaker_kind", "speaker_gender")
"""Labels of the gold quotes the ranker does not learn from (they are scored by `corpus eval quotes`): left out of
the hash, so that labelling the gold's speakers leaves the weights current."""


def training_data_hash(sets: dict[str, list[dict]]) -> str:
    """What the weights' `data_sha256` records: the training records, less their voice labels, and the split they
    were drawn by."""
    lines = [json.dumps(_without_voices(r), ensure_ascii=False, sort_keys=True) for records in sets.values()
             for r in records]
    return data_hash(lines + [(ORANGESUM / "split.json").read_text(encoding="utf-8")])


def _without_voices(record: dict) -> dict:
    quotes = [{k: v for k, v in q.items() if k not in VOICE_LABELS} for q in record.get("quotes", [])]
    return {**record, "quotes": quotes} if "quotes" in record else record


def gold_documents(shared: Path) -> tuple[list[GoldDocument], str, QuoteRules]:
    """The development gold, parsed and quoted by the rules alone, and the hash of its records."""
    nlp = load_pipeline(use_ranker=False)
    rules = nlp.get_pipe("quote_ruler").rules
    sets = training_sets(shared)
    articles = {"orangesum_dev": orangesum_articles(shared, [r["id"] for r in sets["orangesum_dev"]]),
                "wikinews_fr_dev": wikinews_articles(shared, [r["id"] for r in sets["wikinews_fr_dev"]])}
    documents = []
    for name, records in sets.items():
        texts = [a.text for a in articles[name]]
        for record, doc in zip(records, nlp.pipe(texts, batch_size=16)):
            quotes = tuple(Quote(**q) for q in doc._.quotes)
            documents.append(GoldDocument(f"{name}:{record['id']}", doc, quotes, tuple(gold_quotes(record)), name))
    return documents, training_data_hash(sets), rules


def train_speakers(shared: Path, out: Path = RANKER_PATH, folds: int = 5, model: str = "trees") -> str:
    """Train, report and write the ranker; returns the report."""
    documents, data_sha256, rules = gold_documents(shared)
    names = sorted({d.corpus for d in documents})
    rules_only = score_documents(documents, [decode(d, rules, rule_chooser) for d in documents])
    folded = k_fold(documents, rules, folds, model)
    by_threshold = {t: score_documents(documents, quotes) for t, quotes in folded.items()}
    threshold = max(THRESHOLDS, key=lambda t: (_total(by_threshold[t]).pairs.f1, -t))
    report = [f"{len(documents)} development articles; {folds}-fold by article; threshold {threshold} (the best "
              f"k-fold pair F1 of {', '.join(map(str, THRESHOLDS))}); {UNATTRIBUTED_THRESHOLD} for quotes the rules "
              "attribute to nobody",
              f"{'set':18} {'system':22} {'speaker acc':>11} {'pair P':>7} {'pair R':>7} {'pair F1':>7} {'quote F1':>8}"]
    for name in names + ["all"]:
        keep = [n for n, d in enumerate(documents) if name in ("all", d.corpus)]
        for system, scores in (("rules", rules_only), (f"ranker, {folds}-fold", by_threshold[threshold])):
            total = _total([scores[n] for n in keep])
            report.append(f"{name:18} {system:22} {total.speaker_accuracy:11.3f} {total.pairs.precision:7.3f} "
                          f"{total.pairs.recall:7.3f} {total.pairs.f1:7.3f} {total.lenient['all'].f1:8.3f}")
    ranker = train_ranker(documents, rules, threshold, data_sha256, model)
    out.write_text(ranker.to_json(), encoding="utf-8")
    size = f"{len(ranker.trees)} trees" if ranker.trees else f"weights of {len(ranker.weights)} features"
    report.append(f"{size} -> {out} (data sha256 {ranker.data_sha256[:12]})")
    return "\n".join(report)


def _total(scores: list[QuoteScores]) -> QuoteScores:
    return sum(scores[1:], scores[0])


STORY_MODEL_PATH = DATA / MODEL_FILE


def train_stories(shared: Path, out: Path = STORY_MODEL_PATH, folds: int = 5) -> str:
    """Fit, report and write the story model; returns the report."""
    gold, records = near_duplicate_gold()
    pairs = judged_pairs(shared, records)
    shingling = settings()["documents"]
    folded = {cut: story_training.k_fold(pairs, shingling, cut, folds) for cut in story_training.CUTS}
    cut = story_training.chosen_cut(folded)
    report = [f"{len(pairs)} development pairs of eval/near_duplicates/{gold.name}; {folds}-fold, 10 shuffles; cut "
              f"{cut} (the best k-fold F1 at precision >= {story_training.PRECISION_FLOOR})"]
    rows = [(f"k-fold, cut {c}", folded[c]) for c in story_training.CUTS]
    rows.append(("measure alone, in-sample best", _best_threshold(pairs, shingling)))
    report += [f"{name:32} precision {t.precision:.3f}  recall {t.recall:.3f}  F1 {t.f1:.3f}" for name, t in rows]
    model = story_training.fit(pairs, cut, hashlib.sha256(gold.read_bytes()).hexdigest())
    out.write_text(json.dumps(dataclasses.asdict(model)) + "\n", encoding="utf-8")
    report.append(f"weights {model.weights}, bias {model.bias} -> {out} (data sha256 {model.data_sha256[:12]})")
    return "\n".join(report)


def _best_threshold(pairs: list[JudgedPair], shingling: Shingling) -> Tally:
    """In-sample, the best F1 of the measure alone (no model): what the model is measured against."""
    return max((tally(story_training.decided(pairs, dataclasses.replace(shingling, threshold=t / 20, model=None)))
                for t in range(4, 19)), key=lambda t: t.f1)
