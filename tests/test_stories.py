"""Stories and quote clusters as batches load (warehouse/stories.py), on real OrangeSum articles: pairs drawn for the
near-duplicate gold (eval/near_duplicates/pairs.jsonl), fingerprinted as the workers do, loaded without the model."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from corpus.fingerprints import days_between, fingerprint, quote_fingerprints, same_text
from corpus.records import AnnotatedArticle, Quote
from flows.evaluate import orangesum_articles
from tests.conftest import ROOT, shared
from warehouse.load import load_batch, open_warehouse, start_run
from warehouse.stage import doc_id_for

PAIRS = ROOT / "eval" / "near_duplicates" / "pairs.jsonl"


@pytest.fixture(scope="module")
def articles():
    """Twelve articles: four pairs of near-copies (similarity 0.6 and more) and two pairs of different articles that
    share phrases (0.1-0.2), by OrangeSum id; each copy quotes the first twelve words of its pair's first body."""
    shared("data/articles/orangesum/orangesum_articles.jsonl.gz")
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    chosen = ([p for p in pairs if p["stratum"] == "j80_100"][:2] + [p for p in pairs if p["stratum"] == "j60_80"][:2]
              + [p for p in pairs if p["stratum"] == "j10_20"][:2])
    ids = [str(p[side]) for p in chosen for side in ("a", "b")]
    assert len(set(ids)) == 12
    parsed = dict(zip(ids, orangesum_articles(shared(""), ids)))
    return {key: _annotated(article, parsed[str(pair["a"])].text) for pair in chosen
            for key, article in ((str(pair["a"]), parsed[str(pair["a"])]), (str(pair["b"]), parsed[str(pair["b"])]))}


def _annotated(article, quoted: str) -> AnnotatedArticle:
    words = quoted.split()[:12]
    quote = Quote(0, 1, " ".join(words), "direct", speaker_name="Un porte-parole")
    return AnnotatedArticle(article, (), (), "v", quotes=(quote,), quote_notes=((),),
                            fingerprint=fingerprint(article.text, "documents"),
                            quote_fingerprints=quote_fingerprints([quote]))


def _load(db: Path, batches: list[list[AnnotatedArticle]], run_id: str = "r1") -> None:
    with open_warehouse(db) as con:
        start_run(con, run_id, pipeline_version="v", flow_run_id=None, arguments="")
        for batch in batches:
            load_batch(con, run_id, batch, [], 0)


def _groups(db: Path, column: str, table: str, key: str) -> set[frozenset[str]]:
    with open_warehouse(db, read_only=True) as con:
        rows = con.execute(f"SELECT list({key}) FROM {table} WHERE {column} IS NOT NULL GROUP BY {column}").fetchall()
    return {frozenset(items) for (items,) in rows}


def test_near_copies_share_a_story_and_different_articles_do_not(tmp_path, articles):
    keys = list(articles)
    _load(tmp_path / "w.duckdb", [[articles[k] for k in keys]])
    stories = _groups(tmp_path / "w.duckdb", "story_id", "documents", "doc_id")
    expected = {frozenset(doc_id_for(articles[k].article.source_uri) for k in pair)
                for pair in zip(keys[0::2], keys[1::2])}
    near = {pair for pair in expected if _same_story(*(articles[k] for k in keys
                                                       if doc_id_for(articles[k].article.source_uri) in pair))}
    assert len(near) >= 3  # the copies the fingerprints match (a 0.6 pair may fall under the threshold)
    assert near <= stories and sum(len(s) for s in stories) == 12
    assert all(len(s) == 1 for s in stories - near)


def _same_story(a: AnnotatedArticle, b: AnnotatedArticle) -> bool:
    return same_text(a.fingerprint, b.fingerprint, "documents",
                     days_between(a.article.published_date, b.article.published_date))


def test_two_batch_orders_give_the_same_stories_and_clusters(tmp_path, articles):
    keys = list(articles)
    forward = [[articles[k] for k in keys[i:i + 5]] for i in range(0, 12, 5)]
    backward = [[articles[k] for k in reversed(keys)][i:i + 5] for i in range(0, 12, 5)]
    _load(tmp_path / "a.duckdb", forward)
    _load(tmp_path / "b.duckdb", backward)
    for group in (("story_id", "documents", "doc_id"), ("cluster_id", "quotes", "quote_id")):
        assert _groups(tmp_path / "a.duckdb", *group) == _groups(tmp_path / "b.duckdb", *group)
    with open_warehouse(tmp_path / "a.duckdb", read_only=True) as a, open_warehouse(tmp_path / "b.duckdb",
                                                                                  read_only=True) as b:
        first = a.execute("SELECT doc_id, story_id FROM documents ORDER BY 1").fetchall()
        second = b.execute("SELECT doc_id, story_id FROM documents ORDER BY 1").fetchall()
    assert first != second  # the first member, hence the id, depends on the order


def test_the_same_words_quoted_across_stories_make_one_cluster(tmp_path, articles):
    """The two articles of each pair quote the same twelve words: one cluster per pair, with both documents."""
    _load(tmp_path / "w.duckdb", [list(articles.values())])
    with open_warehouse(tmp_path / "w.duckdb", read_only=True) as con:
        clusters = con.execute("SELECT n_docs, n_quotes FROM quote_clusters ORDER BY ALL").fetchall()
    assert clusters == [(2, 2)] * 6


def test_a_changed_input_and_a_reprocessed_one_keep_their_story_and_cluster(tmp_path, articles):
    keys = list(articles)
    db = tmp_path / "w.duckdb"
    _load(db, [[articles[k] for k in keys]])
    before = _ids(db)
    first, copy = articles[keys[0]], articles[keys[1]]
    edited = dataclasses.replace(copy.article, text=copy.article.text + " Mise à jour : l'article a été corrigé.",
                                 content_sha256="changed")
    _load(db, [[first, dataclasses.replace(copy, article=edited, fingerprint=fingerprint(edited.text, "documents"))]],
          "r2")
    assert _ids(db) == before


def _ids(db: Path) -> list[tuple]:
    with open_warehouse(db, read_only=True) as con:
        return con.execute("SELECT d.doc_id, d.story_id, list(q.cluster_id ORDER BY q.quote_id) FROM documents d "
                           "JOIN quotes q USING (doc_id) GROUP BY ALL ORDER BY 1").fetchall()


def test_the_warehouse_measures_resemblance_as_the_eval_does(tmp_path, articles):
    """warehouse/macros/resemblance.sql and corpus.fingerprints: one formula, in SQL and in Python, for both
    signatures of a document."""
    from corpus.fingerprints import fine_resemblance, resemblance, settings

    keys = list(articles)
    _load(tmp_path / "w.duckdb", [[articles[k] for k in keys]])
    measure = settings()["documents"].measure
    with open_warehouse(tmp_path / "w.duckdb", read_only=True) as con:
        for a, b in zip(keys[0::2], keys[1::2]):
            fa, fb = articles[a].fingerprint, articles[b].fingerprint
            in_sql = con.execute(
                "SELECT resemblance(minhash_jaccard(f.minhash, g.minhash), f.n_shingles, g.n_shingles, ?), "
                "resemblance(minhash_jaccard(f.fine_minhash, g.fine_minhash), f.n_fine_shingles, g.n_fine_shingles, "
                "'containment') FROM document_fingerprints f, document_fingerprints g "
                "WHERE f.doc_id = ? AND g.doc_id = ?",
                [measure, doc_id_for(articles[a].article.source_uri), doc_id_for(articles[b].article.source_uri)]
            ).fetchone()
            assert in_sql == pytest.approx((resemblance(fa, fb, measure), fine_resemblance(fa, fb)))


def test_a_document_without_the_shorter_signature_is_matched_on_the_longer_one(tmp_path, articles):
    """A document fingerprinted before migration 021 has no 3-word signature: its pairs are decided as
    `same_text` decides them when that signature is missing (the 5-word containment stands for it)."""
    keys = list(articles)
    older = {k: dataclasses.replace(v, fingerprint=dataclasses.replace(v.fingerprint, fine_minhash=(),
                                                                        n_fine_shingles=0))
             for k, v in articles.items()}
    _load(tmp_path / "w.duckdb", [[older[k] for k in keys]])
    stories = _groups(tmp_path / "w.duckdb", "story_id", "documents", "doc_id")
    for a, b in zip(keys[0::2], keys[1::2]):
        together = any({doc_id_for(older[a].article.source_uri), doc_id_for(older[b].article.source_uri)} <= s
                       for s in stories)
        assert together == _same_story(older[a], older[b])
    with open_warehouse(tmp_path / "w.duckdb", read_only=True) as con:
        fine = con.execute("SELECT DISTINCT resemblance(minhash_jaccard(f.fine_minhash, g.fine_minhash), "
                           "f.n_fine_shingles, g.n_fine_shingles, 'containment') "
                           "FROM document_fingerprints f, document_fingerprints g").fetchall()
    assert fine == [(None,)]  # unknown, not 1.0 (`least` skipping the NULL)


def test_an_update_joins_its_story_within_days_and_not_weeks_later(tmp_path):
    """A same-day rewrite shares less of its text than a republication: the first judged pair of the gold
    (eval/near_duplicates/gold.jsonl) that the story model puts together when published the same day or the next, and
    not a month apart, joins its story in the warehouse when loaded so, and not when moved a month later."""
    shared("data/articles/orangesum/orangesum_articles.jsonl.gz")
    gold = [json.loads(line) for line in (ROOT / "eval/near_duplicates/gold.jsonl").read_text("utf-8").splitlines()]
    for pair in (g for g in gold if g["same_story"] and 0.2 <= g["jaccard"] < 0.4):
        first, second = orangesum_articles(shared(""), [str(pair["a"]), str(pair["b"])])
        days = days_between(first.published_date, second.published_date)
        a, b = fingerprint(first.text, "documents"), fingerprint(second.text, "documents")
        if days is not None and days <= 1 and same_text(a, b, "documents", days) and \
                not same_text(a, b, "documents", days + 30):
            break
    else:
        pytest.fail("no such pair in the gold")
    later = dataclasses.replace(second, published_date=second.published_date + dt.timedelta(days=30))
    for name, pair in (("same_cycle", (first, second)), ("month_later", (first, later))):
        _load(tmp_path / f"{name}.duckdb", [[_annotated(article, first.text) for article in pair]])
    assert len(_groups(tmp_path / "same_cycle.duckdb", "story_id", "documents", "doc_id")) == 1
    assert len(_groups(tmp_path / "month_later.duckdb", "story_id", "documents", "doc_id")) == 2


def test_the_story_model_asks_more_of_short_texts_and_of_texts_far_apart():
    """The shipped model (corpus/data/story_model.json): the same containment makes two long texts the same story
    sooner than two short ones, and two texts of the same day sooner than two a week apart; an unknown date counts as
    the longest gap, and beyond it the probability no longer falls."""
    from corpus.fingerprints import settings

    model = settings()["documents"].model
    assert model.probability(0.5, 600, 600, 0) > model.probability(0.5, 100, 100, 0)
    assert model.probability(0.5, 400, 400, 0) > model.probability(0.5, 400, 400, 7)
    assert model.probability(0.5, 400, 400, None) == model.probability(0.5, 400, 400, model.max_days) \
        == model.probability(0.5, 400, 400, 365)
    assert model.probability(0.9, 400, 400, 3) > model.probability(0.6, 400, 400, 3)


def test_the_packaged_story_model_is_the_one_learnt_from_the_gold_in_the_repository():
    """corpus/data/story_model.json: trained on eval/near_duplicates/gold.jsonl as it is, and refitting on those pairs
    gives its weights."""
    from corpus.fingerprints import settings
    from corpus.story_training import fit
    from flows.evaluate import judged_pairs, near_duplicate_gold

    model = settings()["documents"].model
    gold, records = near_duplicate_gold()
    assert model.data_sha256 == hashlib.sha256(gold.read_bytes()).hexdigest(), \
        "the gold changed since the story model was trained: run `corpus train stories`"
    shared("data/articles/orangesum/orangesum_articles.jsonl.gz")
    refit = fit(judged_pairs(shared(""), records), model.cut)
    assert refit.weights == pytest.approx(model.weights, abs=1e-4) and refit.bias == pytest.approx(model.bias, abs=1e-4)
