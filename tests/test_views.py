"""Each view of warehouse/views/ on given rows: an in-memory warehouse, freshly migrated, a few rows inserted, and the
view's rows compared with the expected ones."""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pytest

from dashboard import data, render
from warehouse.migrate import migrate, views

DEFAULTS = {
    "documents": {"source_uri": "x.md", "format": "text", "text": "", "content_sha256": "h", "pipeline_version": "v",
                  "ingested_at": dt.datetime(2024, 1, 1), "run_id": "r", "n_chars": 0},
    "entities": {"entity_key": "k"},
    "entity_mentions": {"start_char": 0, "end_char": 1, "text": "x", "label": "PER", "part": "text",
                        "sentence_index": 0},
    "quotes": {"start_char": 0, "end_char": 10, "text": "une phrase", "kind": "direct"},
    "role_mentions": {"start_char": 0, "end_char": 1, "holder_start": 2, "holder_end": 3},
    "citations": {"kind": "url", "raw_text": "x"},
}
"""Values for the NOT NULL columns a test does not care about."""

TESTED: set[str] = set()


def checks_view(name: str):
    def register(test):
        TESTED.add(name)
        return test
    return register


@pytest.fixture
def con():
    with duckdb.connect(":memory:") as con:
        migrate(con)
        yield con


def given(con: duckdb.DuckDBPyConnection, table: str, *rows: dict) -> None:
    for row in rows:
        row = {**DEFAULTS.get(table, {}), **row}
        con.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def rows_of(con: duckdb.DuckDBPyConnection, view: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM {view} ORDER BY ALL").fetchall()


def documents(con: duckdb.DuckDBPyConnection, **dates: dt.date | None) -> None:
    given(con, "documents", *({"doc_id": doc_id, "published_date": date} for doc_id, date in dates.items()))


def entities(con: duckdb.DuckDBPyConnection, *rows: tuple) -> None:
    """(entity_id, name, label, n_docs) rows, each document a story of its own."""
    given(con, "entities", *({"entity_id": e, "name": name, "label": label, "n_docs": n_docs, "n_mentions": n_docs,
                              "n_stories": n_docs} for e, name, label, n_docs in rows))


def same_story(con: duckdb.DuckDBPyConnection, first: str, *copies: str) -> None:
    """Make `copies` near-duplicates of document `first`: one story."""
    con.execute("UPDATE documents SET story_id = ?, story_similarity = 0.75 WHERE doc_id IN (SELECT unnest(?))",
                [first, [first, *copies]])


@checks_view("entity_timeline")
def test_entity_timeline_counts_mentions_documents_and_stories_a_month(con):
    documents(con, d1=dt.date(2024, 1, 5), d2=dt.date(2024, 1, 20), d3=None, d4=dt.date(2024, 2, 1))
    same_story(con, "d1", "d2")
    entities(con, ("m", "Emmanuel Macron", "PER", 4))
    given(con, "entity_mentions", *({"doc_id": doc, "mention_id": f"{doc}:{i}", "entity_id": "m"}
                                    for i, doc in enumerate(["d1", "d1", "d2", "d3", "d4"])))
    assert rows_of(con, "entity_timeline") == [
        ("m", "Emmanuel Macron", "PER", dt.date(2024, 1, 1), 3, 2, 1),
        ("m", "Emmanuel Macron", "PER", dt.date(2024, 2, 1), 1, 1, 1),
    ]


@checks_view("cooccurrence")
def test_cooccurrence_gives_each_pair_both_ways_with_its_pmi(con):
    entities(con, ("a", "Macron", "PER", 2), ("b", "Paris", "LOC", 1))
    given(con, "entity_mentions", *({"doc_id": doc, "mention_id": f"{doc}:0", "entity_id": "a" if doc < "d3" else "b"}
                                    for doc in ["d1", "d2", "d3", "d4"]))
    given(con, "entity_pairs", {"entity_a": "a", "entity_b": "b", "n_docs": 2, "n_sentences": 1, "n_stories": 1})
    found = rows_of(con, "cooccurrence")
    assert [row[:-1] for row in found] == [("a", "Macron", "PER", "b", "Paris", "LOC", 2, 1, 1),
                                          ("b", "Paris", "LOC", "a", "Macron", "PER", 2, 1, 1)]
    assert [row[-1] for row in found] == [pytest.approx(math.log(2 * 4 / (2 * 1)))] * 2


@checks_view("entity_stats")
def test_entity_stats_lists_the_top_comentions_by_rank(con):
    entities(con, ("a", "Macron", "PER", 3), ("b", "Paris", "LOC", 2), ("c", "Berlin", "LOC", 1))
    con.execute("UPDATE entities SET first_seen = DATE '2024-01-01', last_seen = DATE '2024-03-01' WHERE entity_id = 'a'")
    given(con, "entity_top_comentions", {"entity_id": "a", "rank": 2, "other_id": "b"},
          {"entity_id": "a", "rank": 1, "other_id": "c"})
    assert rows_of(con, "entity_stats") == [
        ("a", "Macron", "PER", 3, 3, 3, dt.date(2024, 1, 1), dt.date(2024, 3, 1), ["Berlin", "Paris"]),
        ("b", "Paris", "LOC", 2, 2, 2, None, None, []),
        ("c", "Berlin", "LOC", 1, 1, 1, None, None, []),
    ]


@checks_view("entity_stats")
def test_entity_stats_counts_the_entities_a_run_left_stale_from_their_mentions(con):
    """A run killed after its batches and before its summaries leaves new entities with NULL counts."""
    documents(con, d1=dt.date(2024, 1, 5), d2=dt.date(2024, 2, 9), d3=dt.date(2024, 2, 10))
    same_story(con, "d2", "d3")
    entities(con, ("a", "Macron", "PER", 1))
    con.execute("UPDATE entities SET n_mentions = NULL, n_docs = NULL, n_stories = NULL")
    given(con, "entity_mentions", *({"mention_id": f"m{i}", "doc_id": doc, "entity_id": "a"}
                                    for i, doc in enumerate(("d1", "d1", "d2", "d3"))))
    given(con, "stale_entities", {"entity_id": "a"})
    assert rows_of(con, "entity_stats") == [
        ("a", "Macron", "PER", 4, 3, 2, dt.date(2024, 1, 5), dt.date(2024, 2, 10), [])]


@checks_view("quotes_about")
def test_quotes_about_joins_each_quote_to_the_entities_it_is_about(con):
    entities(con, ("a", "Macron", "PER", 1), ("b", "Paris", "LOC", 1))
    given(con, "quotes", {"quote_id": "d1:q0", "doc_id": "d1", "speaker_name": "Macron", "speaker_entity_id": "a"},
          {"quote_id": "d1:q1", "doc_id": "d1", "kind": "term"})
    given(con, "quote_entities", {"quote_id": "d1:q0", "doc_id": "d1", "entity_id": "b", "in_quote": True})
    assert rows_of(con, "quotes_about") == [
        ("d1:q0", "d1", "b", "Paris", "LOC", "direct", "une phrase", "Macron", "a", True),
    ]


def roles_corpus(con: duckdb.DuckDBPyConnection) -> None:
    """Édouard Philippe is Premier ministre in two documents (January and March 2020), Castaner, whom no entity
    names, ministre de l'Intérieur in one."""
    documents(con, d1=dt.date(2020, 1, 1), d2=dt.date(2020, 3, 1), d3=dt.date(2020, 2, 1), d4=dt.date(2021, 1, 1))
    entities(con, ("p", "Édouard Philippe", "PER", 2))
    given(con, "role_mentions",
          {"doc_id": "d1", "role_index": 0, "role": "Premier ministre", "role_key": "premier ministre",
           "holder": "Édouard Philippe", "holder_entity_id": "p"},
          {"doc_id": "d2", "role_index": 0, "role": "Premier ministre", "role_key": "premier ministre",
           "holder": "Philippe", "holder_entity_id": "p"},
          {"doc_id": "d2", "role_index": 1, "role": "ministre de l'Intérieur", "role_key": "ministre de l'interieur",
           "holder": "Christophe Castaner", "holder_entity_id": "c"})


@checks_view("roles")
def test_roles_gives_each_role_and_holder_with_its_documents_and_dates(con):
    roles_corpus(con)
    assert rows_of(con, "roles") == [
        ("ministre de l'interieur", "ministre de l'Intérieur", "c", "Christophe Castaner", 1, 1, dt.date(2020, 3, 1),
         dt.date(2020, 3, 1)),
        ("premier ministre", "Premier ministre", "p", "Édouard Philippe", 2, 2, dt.date(2020, 1, 1),
         dt.date(2020, 3, 1)),
    ]


def role_quotes(con: duckdb.DuckDBPyConnection) -> None:
    """In d3 (February 2020) the Premier ministre speaks, unnamed, then Philippe by name; in d4 (2021, after the
    corpus's span) the Premier ministre again, and a reported voice whose speaker is only a name."""
    roles_corpus(con)
    given(con, "quotes",
          {"quote_id": "d3:q0", "doc_id": "d3", "speaker_name": "le Premier ministre",
           "speaker_role_key": "premier ministre"},
          {"quote_id": "d3:q1", "doc_id": "d3", "speaker_name": "Philippe", "speaker_entity_id": "p",
           "speaker_role_key": "premier ministre", "reported_via": "AFP"},
          {"quote_id": "d4:q0", "doc_id": "d4", "speaker_name": "le Premier ministre",
           "speaker_role_key": "premier ministre"},
          {"quote_id": "d4:q1", "doc_id": "d4", "speaker_name": "un témoin", "kind": "indirect"},
          {"quote_id": "d4:q2", "doc_id": "d4", "speaker_name": "un témoin", "kind": "term"})


@checks_view("speaker_roles")
def test_speaker_roles_gives_an_unnamed_role_the_holder_of_its_date(con):
    role_quotes(con)
    assert rows_of(con, "speaker_roles") == [
        ("d3:q0", "d3", "le Premier ministre", "p", "Édouard Philippe", "corpus role table", 2),
    ]


@checks_view("speakers")
def test_speakers_counts_quotes_by_resolved_speaker_month_outlet_and_kind(con):
    role_quotes(con)
    february, january_2021 = dt.date(2020, 2, 1), dt.date(2021, 1, 1)
    assert rows_of(con, "speakers") == [
        ("le Premier ministre", None, None, "article", january_2021, None, "direct", 1, 1, 1),
        ("un témoin", None, None, "article", january_2021, None, "indirect", 1, 1, 1),
        ("Édouard Philippe", "p", "PER", "article", february, "AFP", "direct", 1, 1, 1),
        ("Édouard Philippe", "p", "PER", "corpus role table", february, None, "direct", 1, 1, 1),
    ]


@checks_view("sources")
def test_sources_groups_citations_by_outlet_or_domain(con):
    documents(con, d1=dt.date(2024, 1, 1), d2=dt.date(2024, 2, 1))
    same_story(con, "d1", "d2")
    given(con, "citations",
          {"citation_id": "d1:1", "doc_id": "d1", "publication": "Le Monde", "outlet_key": "monde", "url": "u1"},
          {"citation_id": "d2:1", "doc_id": "d2", "publication": "Le Monde", "outlet_key": "monde", "url": "u1"},
          {"citation_id": "d2:2", "doc_id": "d2", "publication": "le Monde", "outlet_key": "monde", "url": "u2"},
          {"citation_id": "d2:3", "doc_id": "d2", "domain": "example.org", "url": "u3"},
          {"citation_id": "d2:4", "doc_id": "d2", "kind": "note"})
    assert rows_of(con, "sources") == [
        ("example.org", "example.org", 1, 1, 1, dt.date(2024, 2, 1), dt.date(2024, 2, 1), ["u3"]),
        ("monde", "Le Monde", 2, 1, 3, dt.date(2024, 1, 1), dt.date(2024, 2, 1), ["u1", "u2"]),
    ]


def voices(con: duckdb.DuckDBPyConnection) -> None:
    """Two documents of lemonde.fr in January 2024 and one of a site with no URL in February: Anne quoted twice in
    d1 and once in d2, Paul once in d1, a person of unknown gender, an anonymous source and a ministry."""
    given(con, "documents", {"doc_id": "d1", "url": "https://www.lemonde.fr/a", "published_date": dt.date(2024, 1, 5)},
          {"doc_id": "d2", "url": "https://www.lemonde.fr/b", "published_date": dt.date(2024, 1, 9)},
          {"doc_id": "d3", "site_name": "Ouest-France", "published_date": dt.date(2024, 2, 1)})
    entities(con, ("anne", "Anne Martin", "PER", 2))
    quotes = [("d1", "Anne Martin", "anne", "person", "female"), ("d1", "Anne Martin", "anne", "person", "female"),
              ("d2", "Anne Martin", "anne", "person", "unknown"), ("d1", "Paul Durand", None, "person", "male"),
              ("d3", "le maire", None, "person", "unknown"), ("d3", "une source", None, "anonymous", "unknown"),
              ("d3", "le ministère", None, "organisation", "unknown")]
    given(con, "quotes", *({"quote_id": f"{doc}:q{i}", "doc_id": doc, "speaker_name": name, "speaker_entity_id": eid,
                            "speaker_kind": kind, "speaker_gender": gender}
                           for i, (doc, name, eid, kind, gender) in enumerate(quotes)),
          {"quote_id": "d3:q9", "doc_id": "d3", "kind": "term"}, {"quote_id": "d3:q8", "doc_id": "d3"})


@checks_view("quoted_gender")
def test_quoted_gender_counts_people_once_a_document_and_their_quotes(con):
    voices(con)
    rows = con.execute("SELECT * FROM quoted_gender WHERE grouped_by IN ('', 'publication, month', 'outlet, month') "
                       "ORDER BY ALL").fetchall()
    assert rows == [
        ("", None, None, None, None, 4, 1, 1, 2, 1 / 4, 2 / 4, 0.5, 5, 2, 1, 2),
        ("outlet, month", None, None, dt.date(2024, 1, 1), None, 3, 1, 1, 1, 1 / 3, 1 / 3, 0.5, 4, 2, 1, 1),
        ("outlet, month", None, None, dt.date(2024, 2, 1), None, 1, 0, 0, 1, 0.0, 1.0, None, 1, 0, 0, 1),
        ("publication, month", "Ouest-France", None, dt.date(2024, 2, 1), None, 1, 0, 0, 1, 0.0, 1.0, None, 1, 0, 0,
         1),
        ("publication, month", "lemonde.fr", None, dt.date(2024, 1, 1), None, 3, 1, 1, 1, 1 / 3, 1 / 3, 0.5, 4, 2, 1,
         1),
    ]


@checks_view("quoted_people")
def test_quoted_people_gives_a_gender_the_documents_agree_on(con):
    voices(con)
    given(con, "quotes", {"quote_id": "d3:q7", "doc_id": "d3", "speaker_name": "Paul Durand", "speaker_kind": "person",
                          "speaker_gender": "female"})
    assert rows_of(con, "quoted_people") == [
        ("Anne Martin", "anne", "female", 3, 2, 2, 1, 0, "female", 1.0),
        ("Paul Durand", None, "unknown", 2, 2, 2, 1, 1, "unknown", 0.5),
        ("le maire", None, "unknown", 1, 1, 1, 0, 0, "unknown", None),
    ]


@checks_view("quoted_people")
def test_quoted_people_prevailing_gender_outlasts_one_misread_document(con):
    """Ten documents make Paul a man and one a woman: no unanimous gender, a prevailing one (10/11 >= 90 %)."""
    given(con, "documents", *({"doc_id": f"d{i}"} for i in range(11)))
    given(con, "quotes", *({"quote_id": f"d{i}:q", "doc_id": f"d{i}", "speaker_name": "Paul Durand",
                            "speaker_kind": "person", "speaker_gender": "female" if i == 0 else "male"}
                           for i in range(11)))
    assert rows_of(con, "quoted_people") == [("Paul Durand", None, "unknown", 11, 11, 11, 1, 10, "male", 10 / 11)]
    given(con, "documents", {"doc_id": "d11"}, {"doc_id": "d12"})
    given(con, "quotes", *({"quote_id": f"{doc}:q", "doc_id": doc, "speaker_name": "Paul Durand", "speaker_kind": "person",
                            "speaker_gender": "female"} for doc in ("d11", "d12")))
    assert rows_of(con, "quoted_people") == [("Paul Durand", None, "unknown", 13, 13, 13, 3, 10, "unknown", 10 / 13)]


@checks_view("speaker_kinds")
def test_speaker_kinds_counts_quotes_by_kind_of_speaker(con):
    voices(con)
    assert rows_of(con, "speaker_kinds") == [
        ("Ouest-France", dt.date(2024, 2, 1), 4, 1, 1, 0, 1, 0, 1, 1 / 3),
        ("lemonde.fr", dt.date(2024, 1, 1), 4, 4, 0, 0, 0, 0, 0, 0.0),
    ]


@checks_view("mentioned_gender")
def test_mentioned_gender_counts_each_person_once_a_document(con):
    documents(con, d1=dt.date(2024, 1, 5))
    given(con, "entity_mentions", *({"doc_id": "d1", "mention_id": f"d1:{i}", "entity_id": e, "label": label,
                                     "gender": gender} for i, (e, label, gender) in
                                    enumerate([("a", "PER", "female"), ("a", "PER", "female"), ("b", "PER", "male"),
                                               ("c", "PER", "unknown"), ("x", "ORG", None)])))
    assert rows_of(con, "mentioned_gender") == [("(unknown)", dt.date(2024, 1, 1), None, 3, 1, 1, 1, 1 / 3, 1 / 3, 0.5)]


def repeated_quote(con: duckdb.DuckDBPyConnection) -> None:
    """One sentence of Édouard Philippe's carried by d1 and its re-headlined copy d2 (one story) on lemonde.fr, and by
    d3 on Ouest-France a day later, which credits it to someone else; a quote of d2 in a cluster of its own."""
    given(con, "documents", {"doc_id": "d1", "url": "https://www.lemonde.fr/a", "published_date": dt.date(2020, 3, 16),
                             "title": "Confinement"},
          {"doc_id": "d2", "url": "https://www.lemonde.fr/b", "published_date": dt.date(2020, 3, 16)},
          {"doc_id": "d3", "site_name": "Ouest-France", "published_date": dt.date(2020, 3, 17)})
    same_story(con, "d1", "d2")
    entities(con, ("p", "Édouard Philippe", "PER", 2))
    words = "nous sommes en guerre sanitaire contre un ennemi invisible"
    given(con, "quotes", *({"quote_id": f"{doc}:q0", "doc_id": doc, "text": text, "speaker_name": name,
                            "speaker_entity_id": eid, "cluster_id": "c1", "reported_via": via}
                           for doc, text, name, eid, via in (("d1", words, "Philippe", "p", "AFP"),
                                                             ("d2", words, "Philippe", "p", "AFP"),
                                                             ("d3", words.capitalize(), "Olivier Véran", None, None))),
          {"quote_id": "d2:q1", "doc_id": "d2", "text": "une autre phrase assez longue pour compter", "cluster_id": "c2"})


@checks_view("quote_clusters")
def test_quote_clusters_count_documents_stories_outlets_and_the_speakers_credited(con):
    repeated_quote(con)
    rows = con.execute("SELECT * FROM quote_clusters WHERE cluster_id = 'c1'").fetchall()
    assert rows == [("c1", "nous sommes en guerre sanitaire contre un ennemi invisible", dt.date(2020, 3, 16),
                     dt.date(2020, 3, 17), "Édouard Philippe", 2,
                     [{"speaker": "Édouard Philippe", "n_quotes": 2}, {"speaker": "Olivier Véran", "n_quotes": 1}],
                     3, 3, 2, 2, 2, 1)]


@checks_view("most_repeated_quotes")
def test_most_repeated_quotes_leaves_out_quotes_of_one_story(con):
    repeated_quote(con)
    assert [row[:2] + row[5:8] for row in con.execute("SELECT * FROM most_repeated_quotes").fetchall()] == [
        ("c1", "nous sommes en guerre sanitaire contre un ennemi invisible", 2, 3, 2)]


@checks_view("stories")
def test_stories_group_near_duplicates_under_their_first_document(con):
    repeated_quote(con)
    assert rows_of(con, "stories") == [
        ("d1", "Confinement", 2, 1, dt.date(2020, 3, 16), dt.date(2020, 3, 16), 0.75, ["d1", "d2"]),
        ("d3", None, 1, 1, dt.date(2020, 3, 17), dt.date(2020, 3, 17), None, ["d3"]),
    ]


def test_every_view_has_a_test():
    assert {name for name, _ in views()} == TESTED


def test_dashboard_lists_are_bounded_and_name_only_identified_speakers(con):
    voices(con)
    assert data.quotes_by_speaker(con).rows["speaker"].tolist() == ["Anne Martin"]  # not "le maire", "une source"
    most_quoted = data.most_quoted(con)
    assert most_quoted["female"].rows.values.tolist() == [["Anne Martin", 3, 2, "100 %"]]
    assert most_quoted["male"].rows.values.tolist() == [["Paul Durand", 1, 1, "100 %"]]
    assert most_quoted["female"].more == most_quoted["male"].more == 0
    given(con, "citations", *({"citation_id": f"d1:{i}", "doc_id": "d1", "publication": name, "outlet_key": name.lower()}
                              for i, name in enumerate(("Le Monde", "Libération", "Le Figaro"))))
    outlets = data.sources(con, limit=2)
    assert outlets.rows["outlet"].tolist() == ["Le Figaro", "Le Monde"] and outlets.more == 1


def test_dashboard_shows_a_documents_story_and_its_quotes_repeated_elsewhere(con):
    repeated_quote(con)
    assert data.story_siblings(con, "d1") == [("d2", "x.md", dt.date(2020, 3, 16), 0.75)]  # no title: its source
    assert data.story_siblings(con, "d3") == []
    assert data.repeated_quotes_of(con, "d3") == [
        ("Nous sommes en guerre sanitaire contre un ennemi invisible", 3, 2, 2, dt.date(2020, 3, 16),
         ["Édouard Philippe (2)", "Olivier Véran (1)"])]
    assert data.repeated_quotes_of(con, "d2")[0][0].startswith("nous sommes")  # not c2: one story carries it
    assert data.most_repeated_quotes(con).rows["quote"].tolist() == [
        "nous sommes en guerre sanitaire contre un ennemi invisible"]
    rendered = render.siblings(data.story_siblings(con, "d1"))
    assert 'href="document?doc_id=d2"' in rendered and "similarity 0.75" in rendered
