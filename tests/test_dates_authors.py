import datetime as dt

import pytest

from corpus.read.authors import split_authors
from corpus.read.dates import parse_french_date, split_dateline


@pytest.mark.parametrize("text, expected", [
    ("lundi 18 septembre 2023, par", dt.date(2023, 9, 18)),
    ("Date de rédaction antérieure : 17 septembre 2023", dt.date(2023, 9, 17)),
    ("1er août 2020", dt.date(2020, 8, 1)),
    ("1ER AOUT 2020", dt.date(2020, 8, 1)),
    ("le 3 févr. 2019 à 10h", dt.date(2019, 2, 3)),
    ("2018-06-01T23:03:11+02:00", dt.date(2018, 6, 1)),
    ("publié le 22/05/2012", dt.date(2012, 5, 22)),
    ("31 février 2020", None),
    ("pas de date ici", None),
])
def test_parse_french_date(text, expected):
    assert parse_french_date(text) == expected


@pytest.mark.parametrize("paragraph, date, rest", [
    ("22 mai 2012. - Prévu initialement", dt.date(2012, 5, 22), "Prévu initialement"),
    ("22 août 2012, Espagne. - Le Parti populaire", dt.date(2012, 8, 22), "Le Parti populaire"),
    ("mardi 3 juillet 2012 – Les députés", dt.date(2012, 7, 3), "Les députés"),
])
def test_split_dateline(paragraph, date, rest):
    found, length = split_dateline(paragraph)
    assert found == date and paragraph[length:] == rest


def test_a_date_inside_a_sentence_is_not_a_dateline():
    assert split_dateline("12 mai 2012 les élections ont eu lieu - et après") is None


@pytest.mark.parametrize("byline, expected", [
    ("ROUSSET Pierre", ("Pierre Rousset",)),
    ("Par Jean DUPONT et Marie Curie", ("Jean Dupont", "Marie Curie")),
    ("LE PEN Marine", ("Marine Le Pen",)),
    ("DE GAULLE Charles", ("Charles de Gaulle",)),
    ("D'ORMESSON Jean", ("Jean d'Ormesson",)),
    ("Raphaël Balenieri; Frédéric Autran", ("Raphaël Balenieri", "Frédéric Autran")),
    ("Le Monde.fr avec AFP", ("Le Monde.fr", "AFP")),
    ("Auteur : Anna Kubišta", ("Anna Kubišta",)),
    ("pierre rousset, Pierre Rousset", ("Pierre Rousset",)),
    ("https://example.org/auteur", ()),
])
def test_split_authors(byline, expected):
    assert split_authors(byline) == expected
