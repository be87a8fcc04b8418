"""Who gets a voice: the kind and gender of speakers and persons, on the seed and on sentences written the way news
reports speech. The text decides before a first name, a first name only when the text says nothing, a surname
never."""

import pytest

from corpus.nlp import annotate, load_pipeline
from corpus.read.parse import parse_document
from corpus.records import RawDocument
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed():
    return next(annotate([parse_document(RawDocument.from_bytes(str(SEED), SEED.read_bytes(), "markdown"))]))


def voices(text: str) -> list[tuple]:
    return [(q["speaker_name"], q["speaker_kind"], q["speaker_gender"], q["speaker_gender_source"])
            for q in load_pipeline()(text)._.quotes if q["speaker_name"]]


def test_seed_people_are_men_by_the_text_or_their_first_name(seed):
    genders = {(m.canonical, m.gender, m.gender_source) for m in seed.mentions if m.label == "PER"}
    assert ("Vladimir Poutine", "male", "text") in genders  # "M. Poutine"
    assert ("Kim Jong Un", "male", "first-name") in genders  # the given name after the family name
    assert ("Robert M. Dover", "male", "first-name") in genders
    assert {g for _, g, _ in genders} <= {"male", "female", "unknown"}


def test_seed_outlet_credited_gets_no_gender(seed):
    credited = [q for q in seed.quotes if q.reported_via == "les agences de presse"]
    assert [(q.speaker_name, q.speaker_kind, q.speaker_gender) for q in credited] == [
        ("Vladimir Poutine", "person", "male")]
    assert not any(q.speaker_name == "les agences de presse" for q in seed.quotes)


def test_the_text_wins_over_the_first_name():
    assert voices("« Cette mesure est injuste », a jugé Maxime Lebrun, la porte-parole de l'association.") == [
        ("Maxime Lebrun", "person", "female", "text")]


def test_the_first_name_decides_when_the_text_says_nothing():
    assert voices("« Nous irons jusqu'au bout », a déclaré Valérie Dupont, jeudi.") == [
        ("Valérie Dupont", "person", "female", "first-name")]


def test_a_surname_alone_gives_no_gender():
    assert voices("« C'est inacceptable », a déclaré Martin devant la presse.") == [
        ("Martin", "person", "unknown", "none")]


def test_forms_of_address_and_agreement_are_evidence():
    assert voices("« Rien n'est décidé », a assuré Mme Leroy. « Nous verrons », a-t-elle ajouté.")[0][2:] == (
        "female", "text")
    assert voices("« Je ne lâcherai rien », a affirmé M. Leroy.")[0][2:] == ("male", "text")


def test_kinds_of_speakers():
    text = ("« L'enquête avance », a indiqué une source proche du dossier. « Nous avons peur », ont déclaré des "
            "habitants. « La situation est sous contrôle », a affirmé le ministère de l'Intérieur.")
    found = voices(text)
    assert [name.split()[-1] for name, *_ in found] == ["proche", "habitants", "l'Intérieur"]
    assert [(kind, gender) for _, kind, gender, _ in found] == [
        ("anonymous", "unknown"), ("group", "unknown"), ("organisation", "unknown")]


def test_a_description_opening_a_sentence_is_no_name():
    found = voices("Des habitants ont déclaré : « Nous avons peur. » Le ministère a affirmé que « tout va bien ».")
    assert [(name, kind) for name, kind, *_ in found] == [("Des habitants", "group"), ("Le ministère", "organisation"),
                                                          ("Le ministère", "organisation")]


def test_a_grammatical_feminine_is_no_gender():
    found = voices("« Rien n'est joué », selon une source proche du dossier. « Tout reste possible », ajoute-t-elle.")
    assert {(kind, gender) for _, kind, gender, _ in found} == {("anonymous", "unknown")}


def test_an_organisation_is_no_person_for_its_first_word():
    assert voices("« Le vote reste ouvert », a estimé Harris Interactive.") == [
        ("Harris Interactive", "organisation", "unknown", "none")]  # "Harris" is a given name; "Interactive" says firm
    assert voices("« Les cas augmentent », a indiqué Santé publique France.") == [
        ("Santé publique France", "organisation", "unknown", "none")]


def test_words_inside_the_quote_say_nothing_of_the_speaker():
    assert voices("Dominique Lefort a déclaré : « Elle est très cultivée. »") == [
        ("Dominique Lefort", "person", "unknown", "none")]


def test_a_relative_named_beside_the_speaker_is_no_evidence():
    assert voices("En pleine tourmente des emplois de son épouse, Dominique Fillon a déclaré : « Je suis serein. »") == [
        ("Dominique Fillon", "person", "unknown", "none")]


def test_descriptions_take_their_kind_from_their_own_head():
    assert voices("Selon un sondage, 58 % des Français estiment que « la réforme est injuste ».") == [
        ("58 % des Français", "group", "unknown", "none")]  # a share of people, though its name holds a digit
    assert voices("« Le feu est maîtrisé », a indiqué une porte-parole des pompiers.") == [
        ("une porte-parole des pompiers", "anonymous", "female", "text")]  # one woman, not the fire brigade
