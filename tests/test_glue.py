"""Where glued text is cut (`corpus.glue`), on the shapes OrangeSum's texts show, and where it must not be."""

import pytest

from corpus.glue import PREFIX_WORD, glue_cuts, word_glue


def pieces(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


@pytest.mark.parametrize("text, expected", [
    ('Emmanuel Macron"Le président', ["Emmanuel Macron", '"', "Le président"]),
    ("(François Bayrou)par BFMTV", ["(François Bayrou", ")", "par BFMTV"]),
    ("Édouard Philippe?par LeHuffPost", ["Édouard Philippe", "?", "par LeHuffPost"]),
    ("politiques ?par franceinfo", ["politiques ", "?", "par franceinfo"]),
    ("Jacques Chirac.14h45 - Un hommage", ["Jacques Chirac", ".", "14h45 - Un hommage"]),
    ("à 14h45.Le cortège", ["à 14h45", ".", "Le cortège"]),
    ("le LR.Anne Hidalgo", ["le LR", ".", "Anne Hidalgo"]),
    ("Pedro Sanchez.- Moins", ["Pedro Sanchez", ".-", " Moins"]),
    ("Maison Blanche -Donald Trump", ["Maison Blanche ", "-", "Donald Trump"]),
    ("franceinfo• Port du masque", ["franceinfo", "•", " Port du masque"]),
    ("les anti-Donald Trump", ["les anti-", "Donald Trump"]),
    ("Emmanuel Macron*Enquête", ["Emmanuel Macron", "*", "Enquête"]),
    ("Christophe Castaner.+3,9 %", ["Christophe Castaner", ".+", "3,9 %"]),
    ("a déclaré Joe Biden.bur-rma/pz", ["a déclaré Joe Biden", ".", "bur-rma/pz"]),
])
def test_glued_punctuation_is_cut(text, expected):
    assert pieces(text, glue_cuts(text)) == expected


@pytest.mark.parametrize("text", [
    "J.K. Rowling", "Change.org", "Génération.s", "le taux de 3.5 %", "les étudiant(e)s", "les étudiant·e·s",
    "Le Pré-Saint-Gervais", "« Bonjour », a-t-il dit", "Jean-Marie Le Pen", "Canal+ et M6", "un p*tain de match",
    "f*** off", "une hausse de +3,9 %", "le site service-public.fr",
])
def test_names_and_ordinary_punctuation_are_not_cut(text):
    assert glue_cuts(text) == []


def test_an_acronym_in_brackets_is_no_inclusive_writing():
    assert pieces("Nicolas Sarkozy(LR) a parlé", glue_cuts("Nicolas Sarkozy(LR) a parlé"))[:2] == ["Nicolas Sarkozy", "("]


def test_words_run_together_are_cut_and_brands_are_not():
    assert pieces("accruLa prime", word_glue("accruLa prime")) == ["accru", "La prime"]
    assert pieces("SARKOZYMarine Le Pen", word_glue("SARKOZYMarine Le Pen")) == ["SARKOZY", "Marine Le Pen"]
    assert word_glue("formé parCyril Lignac") == []  # a lost space, no paragraph break
    assert word_glue("formé parCyril Lignac", after_function_words=True) == [len("formé par")]
    for brand in ("YouTube", "HuffPost", "ArcelorMittal", "iPhone", "easyJet", "bioMérieux"):
        assert word_glue(f"sur {brand} hier", after_function_words=True) == []


def test_a_prefix_alone_is_a_word_to_take_off_a_name():
    assert PREFIX_WORD.fullmatch("anti-") and PREFIX_WORD.fullmatch("ex-") and not PREFIX_WORD.fullmatch("Anti")


def test_glue_splitter_splits_tokens_and_keeps_addresses_whole():
    import spacy

    from corpus.tokens import GLUE_SPLITTER

    nlp = spacy.blank("fr")
    nlp.add_pipe(GLUE_SPLITTER)
    text = ('a dit Emmanuel Macron"Le président, voir https://www.example.fr/page?id=3 ou contact@example.fr.Le'
            " et https://www.example.fr/dossier.bur-rma")
    doc = nlp(text)
    words = [t.text for t in doc]
    assert words[:6] == ["a", "dit", "Emmanuel", "Macron", '"', "Le"]
    assert "https://www.example.fr/page?id=3" in words and "https://www.example.fr/dossier.bur-rma" in words
    assert doc.text == text
