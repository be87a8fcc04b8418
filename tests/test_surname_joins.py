"""A person named by surname alone joins the one well-known person of that surname across the corpus
(`corpus.entities.surnames`, `refresh/surname_joins.sql`): decided from document counts, put in force whatever the
order of loading, and undone when the documents that made it go."""

from __future__ import annotations

import pytest

from corpus.entities.keys import entity_id, entity_key
from corpus.entities.surnames import PersonDocs, surname_joins
from corpus.nlp import annotate
from flows.evaluate import entity_clutter, orangesum_articles
from tests.conftest import shared
from tests.test_warehouse import assert_summaries_agree_with_mentions
from warehouse.load import delete_documents, load_batch, open_warehouse, start_run, update_summaries


def person(name: str, n_docs: int) -> PersonDocs:
    return PersonDocs(entity_id(entity_key(name, "PER")), name, n_docs)


def joined(persons: list[PersonDocs]) -> dict[str, str]:
    names = {p.entity_id: p.name for p in persons}
    return {names[j.entity_id]: names[j.joined_id] for j in surname_joins(persons)}


def test_a_surname_joins_the_person_who_dominates_it_and_nothing_else_joins():
    """Document counts of the full OrangeSum warehouse."""
    persons = [person("Macron", 322), person("Emmanuel Macron", 4899), person("Brigitte Macron", 250),
               person("Le Pen", 47), person("Marine Le Pen", 1075), person("Jean-Marie Le Pen", 200),
               person("Marion Maréchal-Le Pen", 51),
               person("Dieudonné", 35), person("Romain Dieudonné", 13),  # named alone more than in full
               person("Kouachi", 35), person("Chérif Kouachi", 28), person("Saïd Kouachi", 25),  # two brothers
               person("Philippe", 51), person("Edouard Philippe", 1638),  # a given name alone
               person("Zapping", 4), person("Non Stop Zapping", 80),  # no person's name
               person("Crochet", 3), person("Stéphane Crochet", 9),  # "Capitaine Crochet": not well known enough
               person("Saint-Laurent", 5), person("Yves Saint Laurent", 21)]  # a saint's name
    assert joined(persons) == {"Macron": "Emmanuel Macron", "Le Pen": "Marine Le Pen"}


BARE = ["21027"]
FULL = ["21121", "17935", "16699", "20480", "29431", "21100", "15388", "19044", "27624", "21085", "11164", "21118",
        "27493", "21102", "21069", "20464", "29353", "27590", "20541", "28830", "20479", "29424"]
"""OrangeSum articles: one names "Benalla" alone (and quotes him), 22 name "Alexandre Benalla" (the shortest that do,
outside the annotated ones)."""


@pytest.fixture(scope="module")
def benalla():
    shared("data/articles/orangesum/orangesum_articles.jsonl.gz")
    return dict(zip(BARE + FULL, annotate(orangesum_articles(shared(""), BARE + FULL))))


def corpus_view(con) -> tuple:
    return (con.execute("SELECT entity_id, name, n_mentions, n_docs FROM entities ORDER BY ALL").fetchall(),
            con.execute("SELECT * FROM entity_aliases ORDER BY ALL").fetchall(),
            con.execute("SELECT quote_id, speaker_entity_id FROM quotes ORDER BY ALL").fetchall(),
            con.execute("SELECT * FROM surname_joins").fetchall())


def test_the_surname_alone_counts_for_the_person_in_any_load_order_and_comes_back_when_he_goes(tmp_path, benalla):
    bare = entity_id(entity_key("Benalla", "PER"))
    full = entity_id(entity_key("Alexandre Benalla", "PER"))
    assert bare in {entity_id(m.entity_key) for m in benalla["21027"].mentions}
    views = []
    for name, order in (("forward.duckdb", BARE + FULL), ("backward.duckdb", FULL[::-1] + BARE)):
        with open_warehouse(tmp_path / name) as con:
            start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
            for i in range(0, len(order), 6):
                load_batch(con, "r1", [benalla[record] for record in order[i:i + 6]], [], 0, refresh_entities=False)
                update_summaries(con)
                if name == "forward.duckdb" and i == 0:  # named in full in 5 documents: not yet well known
                    assert con.execute("SELECT count(*) FROM surname_joins").fetchone()[0] == 0
            views.append(corpus_view(con))
    assert views[0] == views[1]
    assert "Benalla -> Alexandre Benalla (1 documents alone, 22 in full)" in entity_clutter(tmp_path / "forward.duckdb")

    with open_warehouse(tmp_path / "forward.duckdb") as con:
        assert con.execute("SELECT entity_id, joined_id FROM surname_joins").fetchall() == [(bare, full)]
        assert con.execute("SELECT count(*) FROM entities WHERE entity_id = ?", [bare]).fetchone()[0] == 0
        n_mentions, name = con.execute("SELECT n_mentions, name FROM entities WHERE entity_id = ?", [full]).fetchone()
        assert name == "Alexandre Benalla"
        assert n_mentions == con.execute("SELECT count(*) FROM entity_mentions WHERE entity_id = ?",
                                         [full]).fetchone()[0]
        assert ("Benalla", full) in con.execute("SELECT alias, entity_id FROM entity_aliases").fetchall()
        bare_doc = con.execute("SELECT DISTINCT doc_id FROM entity_mentions WHERE document_entity_id = ?",
                               [bare]).fetchall()
        assert len(bare_doc) == 1
        speakers = con.execute("SELECT DISTINCT speaker_entity_id FROM quotes WHERE doc_id = ? AND "
                               "speaker_document_entity_id = ?", [bare_doc[0][0], bare]).fetchall()
        assert speakers == [(full,)]  # he is quoted there by surname
        assert_summaries_agree_with_mentions(con)

        con.execute("CREATE TEMP TABLE gone AS SELECT DISTINCT doc_id FROM entity_mentions WHERE document_entity_id = ?",
                    [full])
        delete_documents(con, "gone")
        update_summaries(con)
        assert con.execute("SELECT count(*) FROM surname_joins").fetchone()[0] == 0
        assert con.execute("SELECT name, n_mentions FROM entities WHERE entity_id = ?", [bare]).fetchone() == (
            "Benalla", sum(entity_id(m.entity_key) == bare for m in benalla["21027"].mentions))
        assert con.execute("SELECT DISTINCT speaker_entity_id FROM quotes WHERE speaker_document_entity_id = ?",
                           [bare]).fetchall() == [(bare,)]
        assert_summaries_agree_with_mentions(con)
