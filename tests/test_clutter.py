"""The clutter figures of `corpus eval ner --warehouse`, on entity names an OrangeSum warehouse held before the
repairs, and on names that are clean."""

import pytest

from corpus.entities.rules import EntityRules
from corpus.scoring.clutter import JUNK_SHAPES, Person, junk_shape, report, variants

RULES = EntityRules.load()


@pytest.mark.parametrize("name, label, shape", [
    ("Edouard PhilippeDes", "PER", "glued words"),
    ("eurosLes", "MISC", "glued words"),
    ("SARKOZYMarine Le Pen", "PER", "glued words"),
    ('Emmanuel Macron"Le', "PER", "quote marks or ? : ; !"),
    ("Édouard Philippe?par LeHuffPostMercredi", "PER", "quote marks or ? : ; !"),
    ("Jacques Chirac.14h45", "PER", "glued full stop"),
    ("AFP.L'", "ORG", "glued full stop"),
    ("Édouard Philippe ndlr", "PER", "trailing weekday or ndlr"),
    ("Gérard Larcher Mardi", "PER", "trailing weekday or ndlr"),
    ("Le Point jeudi", "ORG", "trailing weekday or ndlr"),
    ("Premier ministre Edouard Philippe", "MISC", "leading role"),
    ("Président Obama", "PER", "leading role"),
])
def test_junk_shapes(name, label, shape):
    assert junk_shape(name, label, RULES) == shape


@pytest.mark.parametrize("name, label", [
    ("YouTube", "ORG"), ("HuffPost", "ORG"), ("ArcelorMittal", "ORG"), ("iPhone", "MISC"), ("J.K. Rowling", "PER"),
    ("Change.org", "ORG"), ("Journal du Dimanche", "ORG"), ("Premier League", "MISC"), ("Charles de Gaulle", "PER"),
    ("Président de la Commission", "ORG"),
])
def test_clean_names(name, label):
    assert junk_shape(name, label, RULES) is None


def test_variants_are_other_entities_holding_the_name_whatever_their_label_and_accents():
    entities = [("Edouard Philippe", "PER", 3126), ("Premier ministre Edouard Philippe", "MISC", 116),
                ("Édouard Philippe à Matignon", "PER", 34), ("Edouard Philippe", "ORG", 2), ("Philippe", "PER", 50),
                ("Philippe Martin", "PER", 9)]
    found = variants(["Edouard Philippe"], entities)["Edouard Philippe"]
    assert [v[0:2] for v in found] == [("Premier ministre Edouard Philippe", "MISC"),
                                       ("Édouard Philippe à Matignon", "PER"), ("Edouard Philippe", "ORG")]
    text = report(entities, [Person("Edouard Philippe", 3126, 3125, found)], RULES)
    assert "of a junk shape: 1 (16.67%)" in text and JUNK_SHAPES[4] in text
    assert "3 variant entities holding 152 mentions" in text
    assert "differ from entity_mentions: 1 (Edouard Philippe)" in text
