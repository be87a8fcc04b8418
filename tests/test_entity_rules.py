"""The entity quality layer (`entity_cleaner`) on real sentences: the seed article, and sentences written the way
local news and parliamentary debates write (the forms of Sequoia's news and Europarl sentences)."""

import json
from pathlib import Path

import pytest

from corpus.entities.rules import EntityCleaner, EntityRules
from corpus.nlp import load_pipeline
from corpus.read.parse import parse_document
from corpus.records import RawDocument
from tests.conftest import SEED


def entities(text: str) -> list[tuple[str, str, str | None]]:
    return [(e.text, e.label_, e._.title) for e in load_pipeline()(text).ents]


@pytest.fixture(scope="module")
def seed_article():
    content = SEED.read_bytes()
    return parse_document(RawDocument.from_bytes(str(SEED), content, "markdown"))


def test_seed_title_and_body_give_people_places_and_no_spurious_names(seed_article):
    found = entities(f"{seed_article.title}\n\n{seed_article.text}")
    texts = {(text, label) for text, label, _ in found}
    assert found[:2] == [("Poutine", "PER", None), ("Kim", "PER", None)]  # the title "Poutine-Kim de Vostotchny"
    assert ("Poutine", "PER", "M.") in found  # "M. Poutine": the title kept out of the span, recorded
    assert ("Washington", "LOC") in texts and ("Washington", "PER") not in texts
    assert ("Covid", "PER") not in texts
    assert not {text for text, _ in texts} & {"Russes", "Chinois", "Poutine-Kim de Vostotchny"}
    assert ("Chine", "LOC") in texts and ("la Chine", "LOC") not in texts


def test_seed_notes_are_tagged_in_their_own_context(seed_article):
    found = [entity for note in seed_article.notes for entity in entities(note.text)]
    assert ("Le Monde", "ORG", None) in found and ("The Conversation", "ORG", None) in found
    assert ("Robert M. Dover", "PER", None) in found and ("Hugo Pratt", "PER", None) in found
    assert not {text for text, _, _ in found} & {"op", "cit", "Cité", "Italien"}


LOCAL_NEWS = "Lors de la cérémonie, M. Girardot a rappelé l'histoire du collège, ouvert à Bouclans depuis 1985."
DEBATE = ("Monsieur le Président, chers collègues, Madame Lindqvist, je ne partage pas l'avis de M. Castagnède, mais il "
          "faut regarder la réalité en face.")


def test_titles_leave_the_span_and_are_recorded():
    assert ("Girardot", "PER", "M.") in entities(LOCAL_NEWS)
    found = entities(DEBATE)
    assert ("Lindqvist", "PER", "Madame") in found and ("Castagnède", "PER", "M.") in found
    assert not [e for e in found if "Président" in e[0] or "collègues" in e[0]]


def test_forms_of_address_are_no_entities_but_institutions_are():
    assert entities("Madame la Présidente, Monsieur le Commissaire, chers collègues, je tiens d'abord à remercier la "
                    "rapporteure pour son travail.") == []
    assert ("Commission", "ORG", None) in entities("Madame la Présidente, je souhaite remercier la Commission pour sa "
                                                   "réponse rapide.")


def test_words_that_open_sentences_are_no_names_but_short_communes_are():
    assert entities("Ça n'a aucun sens. Si le gouvernement recule, Voici ce qui arrivera à Hem et à Eu.") == [
        ("Hem", "LOC", None), ("Eu", "LOC", None)]
    assert entities("« Ça suffit ! », a lancé Marine Le Pen à Paris.") == [
        ("Marine Le Pen", "PER", None), ("Paris", "LOC", None)]


def test_a_commune_after_a_is_a_place():
    assert ("Bouclans", "LOC", None) in entities(LOCAL_NEWS)


def test_demonyms_are_no_places():
    found = entities("Les Irakiens ont tout détruit au Koweït. Un Belfortain de 20 ans se rend à Montbéliard.")
    assert [text for text, _, _ in found] == ["Koweït", "Montbéliard"]


def test_rules_are_data(tmp_path, seed_article):
    """Without "M." among the titles, "M. Soyer" is recorded without one."""
    rules = json.loads((Path(__file__).parent.parent / "corpus/data/entity_rules.json").read_text(encoding="utf-8"))
    rules["titles"].remove("M.")
    custom = tmp_path / "rules.json"
    custom.write_text(json.dumps(rules), encoding="utf-8")
    nlp = load_pipeline()
    text = "Dans son intervention, M. Soyer a fait l'historique de l'école maternelle."
    with nlp.select_pipes(disable=["entity_cleaner", "quote_ruler"]):
        shipped, changed = nlp(text), nlp(text)
    shipped = EntityCleaner(nlp.make_doc, EntityRules.load())(shipped)
    changed = EntityCleaner(nlp.make_doc, EntityRules.load(custom))(changed)
    assert [(e.text, e.label_, e._.title) for e in shipped.ents] == [("Soyer", "PER", "M.")]
    assert [(e.text, e.label_, e._.title) for e in changed.ents] == [("Soyer", "PER", None)]


def test_job_titles_are_no_entities_but_the_person_after_one_is():
    assert entities("Le Premier ministre britannique a parlé.") == []
    found = entities("« Nous avons fait mieux », s'est réjoui le président Obama à Hilliard, dans l'Ohio.")
    assert ("Obama", "PER", "président") in found


def test_a_name_after_a_headline_colon_stays():
    assert [e[0] for e in entities("Élection présidentielle américaine de 2012 : Obama et Romney s'affrontent "
                                   "dans l'Ohio.")] == ["Obama", "Romney", "Ohio"]
