"""A person named by surname alone joins the one well-known person of that surname across the corpus
(`corpus.entities.surnames`, `refresh/surname_joins.sql`): decided from document counts, put in force whatever the
order of loading, and undone when the documents that made it go."""

from __future__ import annotations

import pytest

from corpus.entities.keys import entity_id, entity_key, fold
from corpus.entities.surnames import PersonDocs, surname_joins
from corpus.nlp import annotate
from flows.evaluate import entity_clutter, orangesum_articles
from tests.conftest import shared
from tests.test_warehouse import assert_derived_tables_agree_with_mentions, assert_summaries_agree_with_mentions
from warehouse.load import (
    delete_documents,
    load_batch,
    open_warehouse,
    refresh_stale_entities,
    start_run,
    update_summaries,
)
from warehouse.stage import doc_id_for


def joined(counts: list[tuple[str, int]]) -> dict[str, str]:
    """The joins among the persons of these names and document counts, by name."""
    names = {entity_id(entity_key(name, "PER")): name for name, _ in counts}
    persons = [PersonDocs(entity_id(entity_key(name, "PER")), fold(name), n) for name, n in counts]
    return {names[j.entity_id]: names[j.joined_id] for j in surname_joins(persons)}


def test_a_surname_joins_the_person_who_dominates_it_and_each_rule_keeps_its_case_apart():
    """Document counts of the full OrangeSum warehouse, and in each group below the one rule that blocks the join."""
    counts = [("Macron", 322), ("Emmanuel Macron", 4899), ("Brigitte Macron", 250),
              ("Le Pen", 47), ("Marine Le Pen", 1075), ("Jean-Marie Le Pen", 200),
              ("Marion Maréchal-Le Pen", 51),
              ("Jong Un", 3), ("KIM JONG UN", 40),  # a family name written first, in capitals
              ("Dieudonné", 35), ("Romain Dieudonné", 60),  # MIN_RATIO: named alone as often
              ("Kouachi", 5), ("Chérif Kouachi", 28), ("Saïd Kouachi", 25),  # MIN_SHARE: brothers
              ("Crochet", 3), ("Stéphane Crochet", 9),  # MIN_PERSON_DOCS: "Capitaine Crochet"
              ("Philippe", 51), ("Edouard Philippe", 1638),  # a given name alone
              ("Zapping", 4), ("Non Stop Zapping", 80),  # no person's name
              ("Saint-Laurent", 5), ("Yves Saint Laurent", 21)]  # a saint's name
    assert joined(counts) == {"Macron": "Emmanuel Macron", "Le Pen": "Marine Le Pen", "Jong Un": "KIM JONG UN"}


BARE = ["21343"]
FULL = ["27165", "25803", "9100", "25704", "27850", "27779", "25785", "17563", "30163", "4904", "421", "291", "11281",
        "21731", "13001", "17479", "21349", "11163", "20097", "27286", "13697", "21890"]
"""OrangeSum articles: one quotes "Borloo" by surname alone ("assure Borloo", "a fustigé M. Borloo"), 22 name
"Jean-Louis Borloo" (the shortest that do, outside the annotated ones)."""


@pytest.fixture(scope="module")
def borloo():
    shared("data/articles/orangesum/orangesum_articles.jsonl.gz")
    return dict(zip(BARE + FULL, annotate(orangesum_articles(shared(""), BARE + FULL))))


def corpus_view(con) -> dict[str, list]:
    """Every table a surname join rewrites or derives, in a form that does not depend on the order of loading."""
    queries = {
        "entities": "SELECT entity_id, name, label, entity_key, list_sort(aliases), n_mentions, n_docs FROM entities",
        "entity_aliases": "SELECT * FROM entity_aliases",
        "mentions": "SELECT mention_id, entity_id, document_entity_id FROM entity_mentions",
        "speakers": "SELECT quote_id, speaker_entity_id, speaker_document_entity_id FROM quotes",
        "holders": "SELECT doc_id, role_index, holder_entity_id FROM role_mentions",
        "quote_entities": "SELECT * FROM quote_entities",
        "entity_pairs": "SELECT * FROM entity_pairs",
        "entity_top_comentions": "SELECT * FROM entity_top_comentions",
        "document_entities": "SELECT entity_id, label, entity_key FROM document_entities",
        "surname_joins": "SELECT * FROM surname_joins",
    }
    return {table: con.execute(f"SELECT * FROM ({sql}) ORDER BY ALL").fetchall() for table, sql in queries.items()}


def load(path, records: list[str], borloo, per_batch: bool = False) -> dict[str, list] | None:
    """Load `records` six at a time, with the summaries after each batch; or `per_batch`, with the entities and the
    joins of the names each batch touches recomputed in its own transaction and the summaries at the end only, and
    return what the tables were before those."""
    with open_warehouse(path) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        for i in range(0, len(records), 6):
            load_batch(con, "r1", [borloo[record] for record in records[i:i + 6]], [], 0, refresh_entities=per_batch)
            if not per_batch:
                update_summaries(con)
            if i == 0 and records[0] in BARE:  # named in full in 5 documents: not yet well known
                assert con.execute("SELECT count(*) FROM surname_joins").fetchone()[0] == 0
        before = corpus_view(con) if per_batch else None
        update_summaries(con)
    return before


def test_the_surname_alone_counts_for_the_person_in_any_load_order_and_comes_back_when_he_goes(tmp_path, borloo):
    bare = entity_id(entity_key("Borloo", "PER"))
    full = entity_id(entity_key("Jean-Louis Borloo", "PER"))
    assert bare in {entity_id(m.entity_key) for m in borloo["21343"].mentions}
    load(tmp_path / "forward.duckdb", BARE + FULL, borloo)
    per_batch = load(tmp_path / "backward.duckdb", FULL[::-1] + BARE, borloo, per_batch=True)
    views = []
    for name in ("forward.duckdb", "backward.duckdb"):
        with open_warehouse(tmp_path / name, read_only=True) as con:
            views.append(corpus_view(con))
    assert views[0] == views[1]
    summaries = ("entity_pairs", "entity_top_comentions")  # left to the end of a run
    assert {t: rows for t, rows in per_batch.items() if t not in summaries} == {
        t: rows for t, rows in views[0].items() if t not in summaries}
    assert "Borloo -> Jean-Louis Borloo (1 documents alone, 22 in full)" in entity_clutter(tmp_path / "forward.duckdb")

    with open_warehouse(tmp_path / "forward.duckdb") as con:
        assert con.execute("SELECT entity_id, joined_id FROM surname_joins").fetchall() == [(bare, full)]
        assert con.execute("SELECT count(*) FROM entities WHERE entity_id = ?", [bare]).fetchone()[0] == 0
        assert con.execute("SELECT name FROM entities WHERE entity_id = ?", [full]).fetchone() == ("Jean-Louis Borloo",)
        assert ("Borloo", full) in con.execute("SELECT alias, entity_id FROM entity_aliases").fetchall()
        speakers = con.execute("SELECT speaker_entity_id FROM quotes WHERE speaker_document_entity_id = ?",
                               [bare]).fetchall()
        assert len(speakers) >= 2 and set(speakers) == {(full,)}  # "assure Borloo", "a fustigé M. Borloo"
        assert_derived_tables_agree_with_mentions(con)
        assert_summaries_agree_with_mentions(con)

        gone = [doc_id_for(borloo[record].article.source_uri) for record in FULL[:3]]
        con.execute("CREATE TEMP TABLE gone AS SELECT unnest(?) AS doc_id", [gone])
        delete_documents(con, "gone")  # named in full in 19 documents: the join goes, he stays
        refresh_stale_entities(con)  # the joins of the names the deletion touched only
        assert con.execute("SELECT count(*) FROM surname_joins").fetchone()[0] == 0
        refreshed = corpus_view(con)
        update_summaries(con)
        assert con.execute("SELECT name, n_mentions FROM entities WHERE entity_id = ?", [bare]).fetchone() == (
            "Borloo", sum(entity_id(m.entity_key) == bare for m in borloo["21343"].mentions))
        assert con.execute("SELECT DISTINCT speaker_entity_id FROM quotes WHERE speaker_document_entity_id = ?",
                           [bare]).fetchall() == [(bare,)]
        assert_derived_tables_agree_with_mentions(con)
        assert_summaries_agree_with_mentions(con)
        after_deletion = corpus_view(con)
    load(tmp_path / "rest.duckdb", BARE + FULL[3:], borloo)
    with open_warehouse(tmp_path / "rest.duckdb", read_only=True) as con:
        from_scratch = corpus_view(con)
    assert after_deletion == from_scratch
    assert {t: rows for t, rows in refreshed.items() if t not in summaries} == {
        t: rows for t, rows in from_scratch.items() if t not in summaries}
