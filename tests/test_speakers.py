"""Speaker attribution on real French news sentences.

The sentences are quoted from French Wikinews articles (fr.wikinews.org, 2012, CC BY 2.5, Wikinews
contributors; https://fr.wikinews.org/wiki/?curid=<id>, the id is given with each case), the texts of
../shared/data/articles/wikinews_fr_100. Each case is a construction the speaker rules handle, not a
single article's answer: the same rule is scored across the gold sets by `corpus eval quotes`.
"""

import pytest

from corpus.entities.keys import expand_acronym, spells
from corpus.nlp import load_pipeline
from corpus.quotes.conjugation import er_verb_forms
from flows.evaluate import orangesum_articles
from tests.conftest import shared


def quotes_of(text):
    return load_pipeline()(text)._.quotes


def quote(quotes, starts_with):
    found = [q for q in quotes if q["text"].startswith(starts_with)]
    assert len(found) == 1, [(q["text"][:40], q["kind"]) for q in quotes]
    return found[0]


@pytest.mark.parametrize("article, text, starts_with, speaker, cue", [
    # a name in apposition to the subject, the parse notwithstanding (44510)
    ("44510", "Un des chercheurs de HRW, Ole Solvang, précise qu'en « publiant leurs localisations, en décrivant "
              "les méthodes de torture utilisées et en identifiant les commanditaires, nous mettons ces "
              "responsables face à ce à quoi ils devront répondre pour ces crimes horribles ».",
     "publiant leurs localisations", "Ole Solvang", "préciser"),
    # an -er form the lemmatizer leaves as it is, in an incise after the quote (44520)
    ("44520", "La connaissance de cette nouvelle particule permettra probablement aux physiciens de mieux "
              "connaître les débuts de l'Univers ; « ce boson est un laboratoire pour une nouvelle physique. Il "
              "peut ouvrir des portes. C'est très excitant » indique Guido Tonelli.",
     "ce boson est un laboratoire", "Guido Tonelli", "indiquer"),
    # the clause before the colon names the speaker, with a verb that is not a reporting verb, and the
    # report speaks for its author (44672)
    ("44672", "Un rapport de la Ligue arabe apporte la même conclusion : « Il faudrait noter que les rapports de "
              "la Mission de la Ligue arabe à Homs indiquent que le journaliste français a été tué à la suite des "
              "tirs de mortier par l’opposition ».",
     "Il faudrait noter", "Ligue arabe", ":"),
    # "il faut" inside the quote does not negate the cue after it (44540)
    ("44540", "En conséquence, la population se sent lâchée par les pouvoirs publics : « Les discours, les "
              "voyages ne vont pas résoudre les problèmes du Mali, il faut des actions concrètes », déclare "
              "Fatoumata Maïga, présidente d'une ONG féminine pour la paix.",
     "Les discours, les voyages", "Fatoumata Maïga", "déclarer"),
    # a document speaks for its author (44551)
    ("44551", "D'après le communiqué du ministère de l'Intérieur, « Les identités des deux agresseurs sont "
              "connues grâce à l'action en gare de la police ferroviaire ».",
     "Les identités des deux agresseurs", "ministère de l'Intérieur", "d'après"),
    # the marker names the phrase right after it, however the tagger read it (45592)
    ("45592", "D'après The Hollywood Reporter, le scénario de deux nouveaux épisodes est en cours de "
              "préparation par John Logan (connu pour Gladiator, Lincoln).",
     "le scénario de deux nouveaux épisodes", "The Hollywood Reporter", "d'après"),
    # a cue after the quote wins over one before it; an inverted subject after a complement (44999)
    ("44999", "« Nous réagissons en n'attachant pas plus d'importance que cela aux propos d'Arnaud Montebourg "
              "que nous connaissions déjà comme étant pro-nucléaire » déclare à l'AFP Jean-Philippe Magnen, le "
              "porte-parole du parti.",
     "Nous réagissons", "Jean-Philippe Magnen", "déclarer"),
])
def test_speaker_of_the_construction(article, text, starts_with, speaker, cue):
    found = quote(quotes_of(text), starts_with)
    assert (found["speaker_name"], found["cue"]) == (speaker, cue), article


def test_acronym_resolves_to_the_organisation_it_abbreviates():
    """44510: "HRW" is Human Rights Watch, and "l'ONG" the organisation named before."""
    quotes = quotes_of(
        "L'ONG Human Rights Watch vient de publier un rapport dans lequel elle dévoile que l'usage de la torture "
        "est systématique dans les prisons syriennes. HRW a relevé l'existence de 27 centres de détention. "
        "Cependant, l'ONG précise que « le nombre de centres de détention utilisés par les services de "
        "renseignement est probablement beaucoup plus élevé ».")
    assert quote(quotes, "le nombre de centres")["speaker_name"] == "Human Rights Watch"
    assert quote(quotes, "l'usage de la torture")["speaker_name"] == "Human Rights Watch"


def test_pronoun_after_a_long_quote_skips_the_quoted_words():
    """44581: "Ma fille … elle" inside the quote are Le Pen's words; "-il" is Le Pen."""
    quotes = quotes_of(
        "Dans les colonnes du Times, l'ancien leader frontiste Jean-Marie Le Pen décrit sa fille, Marine Le Pen, "
        "comme « petite-bourgeoise ». « Je suis un homme du peuple. Je viens d'une famille de paysans et de "
        "pêcheurs. Ma fille, quoi qu'elle puisse en dire, est une petite-bourgeoise », explique-t-il.")
    assert quote(quotes, "Je suis un homme")["speaker_name"] == "Jean-Marie Le Pen"


def test_pronoun_goes_to_the_salient_subject_not_the_nearest_name():
    """44975: the subject of the paragraph, not the president named in the same sentence."""
    quotes = quotes_of(
        "Le Parti populaire espagnol a exclu, hier, à l'unanimité, Antoni Pastor, député-maire de Manacor. Il fut "
        "déjà exclu de son groupe parlementaire ces jours-là et déclara alors : « Quand on affronte une situation "
        "limite, il faut savoir quel est le scénario limite. » Surpris par la politique linguistique du président "
        "José Ramón Bauzà, il déclara : « Il est évident que je ne pensais pas que le PP pût prendre une décision "
        "comme celle-ci concernant la langue. »")
    assert quote(quotes, "Il est évident")["speaker_name"] == "Antoni Pastor"


def test_fragment_is_credited_to_the_subject_of_its_clause_unless_passive():
    quotes = quotes_of("Mitt Romney se présentait comme « l'entraîneur qui ferait triompher les Etats-Unis ».")  # 45070
    assert quote(quotes, "l'entraîneur")["speaker_name"] == "Mitt Romney"
    quotes = quotes_of("Il apparait que les prisonniers sont maintenus dans « des positions de stress douloureuses "
                       "sur de longues périodes ».")  # 44510
    assert quote(quotes, "des positions de stress")["speaker_name"] is None


def test_reflexive_attribute_is_reported_speech():
    """45628: "s'est dit satisfait …" reports what he said of himself."""
    quotes = quotes_of("Le président du club, Joey Saputo s'est dit satisfait des résultats de la saison malgré "
                       "l'élimination de l'équipe des séries de fin de saisons.")
    found = quote(quotes, "satisfait des résultats")
    assert (found["kind"], found["speaker_name"], found["cue"]) == ("indirect", "Joey Saputo", "dire")


def test_reporting_verb_inside_a_quote_is_part_of_it():
    """44672: "indiquent que" belongs to the newspaper's quoted words, not to a new indirect quote."""
    quotes = quotes_of(
        "Le quotidien français Le Figaro annonce que le journaliste Gilles Jacquier aurait été tué par un tir "
        "d'obus. « Les analyses balistiques et les renseignements recueillis sur place par nos sources indiquent "
        "que Jacquier a été tué d'un tir d'obus de mortier » indique le quotidien.")
    assert [q["text"][:20] for q in quotes if q["kind"] == "indirect" and q["text"].startswith("Jacquier")] == []
    assert quote(quotes, "Les analyses balistiques")["speaker_name"] == "Le Figaro"


def test_perception_verb_with_a_noun_object_is_not_a_cue():
    """44551: they noticed a sign; they did not say anything."""
    quotes = quotes_of("Les agresseurs auraient remarqué sur la victime un « signe religieux distinctif » avant de "
                       "le « prendre à partie et [de l'] insulter ».")
    assert all(q["cue"] != "remarquer" for q in quotes)


def test_er_verb_forms_cover_spelling_changes():
    assert {"indique", "indiquait", "indiqua", "indiquée"} <= er_verb_forms("indiquer")
    assert {"annonça", "jugea", "répète", "rappelle", "martèle", "emploie"} <= (
        er_verb_forms("annoncer") | er_verb_forms("juger") | er_verb_forms("répéter") | er_verb_forms("rappeler")
        | er_verb_forms("marteler") | er_verb_forms("employer"))
    assert er_verb_forms("dire") == set()


@pytest.mark.parametrize("acronym, name, expected", [
    ("HRW", "Human Rights Watch", True),
    ("RSF", "Reporters sans frontières", True),
    ("UMP", "Union pour un mouvement populaire", True),
    ("PP", "Premier ministre", False),
    ("PS", "Parti", False),
])
def test_acronym_spelling(acronym, name, expected):
    assert spells(acronym, name) is expected


def test_acronym_expands_to_the_start_of_a_longer_name():
    assert expand_acronym("PP", ["Parti populaire espagnol", "Antoni Pastor"]) == "Parti populaire"


def test_acronym_of_two_equally_long_spellings_expands_to_the_first_written():
    """OrangeSum writes "Haut conseil de santé publique" and "Haut Conseil de Santé Publique" in one article: the
    name must not depend on the order of a set of strings, which changes from one process to the next."""
    names = ["Haut conseil de santé publique", "Haut Conseil de Santé Publique"]
    assert expand_acronym("HCSP", names) == names[0]
    assert expand_acronym("HCSP", names[::-1]) == names[1]


def test_short_capitalised_fragment_is_a_title_even_next_to_a_speaker():
    """A programme or a name in quotes ("« C à vous »") is a term, though the sentence names a speaker;
    a short fragment in lower case stays a partial quote of that speaker."""
    quotes = quotes_of("Sa fille a assuré sur le plateau de « C à vous » que tout allait bien. "
                       "Le ministre a dénoncé une « mascarade ».")
    assert (quote(quotes, "C à vous")["kind"], quote(quotes, "C à vous")["speaker_name"]) == ("term", None)
    assert (quote(quotes, "mascarade")["kind"], quote(quotes, "mascarade")["speaker_name"]) == ("partial", "Le ministre")


@pytest.mark.parametrize("record, starts_with, kind", [
    ("22416", "mise en danger de la vie d'autrui", "term"),  # "plainte ... pour « ... »"
    ("28724", "violences volontaires ayant entraîné la mort", "term"),  # "mis en examen pour « ... »"
    ("8544", "recel de détournement de fonds publics", "term"),  # the last of a list: pour « A », « B » et « C »
    ("2933", "mise en danger de la vie d'autrui", "term"),  # "Trois informations judiciaires ... L'autre pour « ... »"
    ("20098", "Les Leçons du pouvoir", "term"),  # "son livre « ... »"
    ("476", "Too Much and Never Enough", "term"),  # a title in English capitals
    ("476", "Trop et jamais assez", "term"),  # its translation in brackets after it: '(soit « ... »)'
    ("30458", "mécréant", "partial"),  # "un pays qu'elle qualifie de « mécréant »", after "garde à vue" the sentence before
    ("16821", "donner un spectacle tristement burlesque", "partial"),  # "coupables de « donner ... »": a verb
    ("34455", "dans son jus", "partial"),  # "son premier roman « dans son jus ... »": no title
])
def test_offences_and_titles_in_quotes_are_terms_not_speech(record, starts_with, kind):
    """The name of an offence after the words of a charge, a title after "livre", "film", "intitulé" or in English
    capitals, and its translation, are terms: no one's words, so never clustered as a repeated quote. OrangeSum
    articles, read in ../shared."""
    shared("data/articles/orangesum/orangesum_articles.jsonl.gz")
    (article,) = orangesum_articles(shared(""), [record])
    assert quote(load_pipeline()(article.text)._.quotes, starts_with)["kind"] == kind


def test_outlet_credit_is_named_as_the_outlet_list_names_it_and_own_channels_are_not_outlets():
    quotes = quotes_of("« Nous ne céderons pas », a assuré le ministre au Monde.")
    assert quote(quotes, "Nous ne céderons pas")["reported_via"] == "Le Monde"
    reopening = quote(quotes_of("« Le site rouvrira le 15 juin », a annoncé la société sur son site internet."),
                      "Le site rouvrira")
    assert (reopening["speaker_name"], reopening["reported_via"]) == ("la société", None)
