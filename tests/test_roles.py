"""Roles and their holders: the keys roles are compared by, the appositions an article states, a description
resolved to the holder the article names, and the warehouse views that gather them across the corpus."""

import dataclasses
import datetime

import pytest

from corpus.nlp import annotate
from corpus.quotes.roles import role_key
from corpus.read.parse import parse_document
from corpus.records import AnnotatedArticle, Article, Quote, RawDocument, RoleMention
from tests.conftest import SAMPLES
from warehouse.load import load_batch, open_warehouse, start_run


def test_role_keys_drop_determiners_accents_and_passing_adjectives_and_map_synonyms():
    assert role_key("Le chef de l’État") == role_key("le président de la République") == "president de la republique"
    assert role_key("la garde des Sceaux") == "ministre de la justice"
    assert role_key("du ministre de l'Intérieur") == "ministre de l'interieur"
    assert role_key("le nouveau Premier ministre") == role_key("Premier ministre") == "premier ministre"
    assert role_key("l'ancien Premier ministre") == "ancien premier ministre"  # a former holder is another role


def test_an_article_states_who_holds_which_role():
    path = SAMPLES / "wikinews-44269.html"
    article = parse_document(RawDocument.from_bytes(str(path), path.read_bytes(), "html"))
    annotated = next(annotate([article]))
    roles = {(role_key(r.role), r.holder) for r in annotated.roles}
    assert ("premier ministre conservateur", "Antonis Samaras") in roles
    assert ("banquier", "Vassilis Rapanos") in roles
    for r in annotated.roles:
        assert article.text[r.holder_start:r.holder_end] == r.holder or r.holder.endswith(
            article.text[r.holder_start:r.holder_end])


def test_a_description_that_speaks_is_the_holder_the_article_names():
    text = ("Le ministre de l'Intérieur, Christophe Castaner, s'est rendu à Nice mardi. La garde des Sceaux, Nicole "
            "Belloubet, l'accompagnait.\n\n« Nous ne céderons rien », a déclaré le ministre de l'Intérieur devant "
            "la presse. Selon la garde des Sceaux, la loi sera votée avant l'été.")
    quotes = {q.text: q for q in next(annotate([_article(text)])).quotes}
    assert quotes["Nous ne céderons rien"].speaker_name == "Christophe Castaner"
    assert quotes["la loi sera votée avant l'été"].speaker_name == "Nicole Belloubet"


def _article(text: str, uri: str = "roles.txt", published: datetime.date | None = None) -> Article:
    article = parse_document(RawDocument.from_bytes(uri, text.encode(), "text"))
    assert isinstance(article, Article), article
    return dataclasses.replace(article, published_date=published)


@pytest.fixture()
def warehouse(tmp_path):
    with open_warehouse(tmp_path / "roles.duckdb") as con:
        start_run(con, "test", pipeline_version="test", flow_run_id=None, arguments="")
        yield con


WORDS = ("Le Premier ministre a présenté ses mesures devant les députés réunis en séance, mardi soir, à Paris. "
         "« Nous tiendrons bon », a déclaré le chef du gouvernement.")


def _record(uri: str, day: datetime.date, roles=(), quotes=()) -> AnnotatedArticle:
    return AnnotatedArticle(_article(f"Au gouvernement\n\n{WORDS}\n\nDocument {uri}.", uri, day), (), (), "test", tuple(quotes),
                            tuple(() for _ in quotes), (), tuple(() for _ in quotes), tuple(roles))


def test_speaker_roles_give_a_described_speaker_the_one_holder_of_its_date(warehouse):
    philippe = RoleMention(3, 19, "Premier ministre", "Édouard Philippe", 3, 19)
    castex = RoleMention(3, 19, "Premier ministre", "Jean Castex", 3, 19)
    said = Quote(107, 122, "Nous tiendrons bon", "direct", speaker_name="le chef du gouvernement",
                 speaker_role=role_key("le chef du gouvernement"))
    load_batch(warehouse, "test", [
        _record("a", datetime.date(2019, 3, 1), [philippe]), _record("b", datetime.date(2020, 5, 2), [philippe]),
        _record("c", datetime.date(2020, 8, 1), [castex]), _record("d", datetime.date(2020, 11, 3), [castex]),
        _record("e", datetime.date(2019, 10, 7), quotes=[said]),  # Édouard Philippe's time
        _record("f", datetime.date(2020, 6, 20), quotes=[said]),  # between the two: no holder stated then
        _record("g", datetime.date(2020, 9, 9), quotes=[said]),  # Jean Castex's time
    ], [], 0)
    roles = warehouse.execute("SELECT role_key, holder, n_docs, first_seen, last_seen FROM roles ORDER BY first_seen").fetchall()
    assert roles == [("premier ministre", "Édouard Philippe", 2, datetime.date(2019, 3, 1), datetime.date(2020, 5, 2)),
                     ("premier ministre", "Jean Castex", 2, datetime.date(2020, 8, 1), datetime.date(2020, 11, 3))]
    holders = dict(warehouse.execute("SELECT d.source_uri, s.holder FROM speaker_roles s JOIN documents d USING (doc_id)"
                                     ).fetchall())
    assert holders == {"e": "Édouard Philippe", "g": "Jean Castex"}
    speakers = warehouse.execute("SELECT speaker, resolved_by, sum(n_quotes) FROM speakers GROUP BY ALL ORDER BY 1").fetchall()
    assert speakers == [("Jean Castex", "corpus role table", 1), ("le chef du gouvernement", "article", 1),
                        ("Édouard Philippe", "corpus role table", 1)]
