"""Canonical names within a document, on sentences of the seed and of Wikinews articles with the mentions NER finds
in them (wikinews_fr_100 44881, 45070, 44510, 44543, 44555)."""

from corpus.entities.canonical import canonical_names


def resolve(*sentences: tuple[str, list[tuple[str, str]]]) -> list[tuple[str, str, str]]:
    """(text, label, canonical name) for the mentions of `sentences`, read as one document in that order."""
    mentions = []
    for sentence, found in sentences:
        assert all(text in sentence for text, _ in found), sentence
        mentions += found
    return [(text, label, name) for (text, label), (name, _) in zip(mentions, canonical_names(mentions))]


SEED = [
    ("Le 13 septembre dernier, Vladimir Poutine et Kim Jong Un se sont rencontrés sur la base russe",
     [("Vladimir Poutine", "PER"), ("Kim Jong Un", "PER")]),
    ("Pour Moscou et Pékin, le régime dynastique des Kim, de plus en plus incontrôlable",
     [("Moscou", "LOC"), ("Pékin", "LOC"), ("Kim", "PER")]),
    ("On peut douter que Poutine permette effectivement à Kim d'importants progrès en ces domaines.",
     [("Poutine", "PER"), ("Kim", "PER")]),
]


def test_a_family_name_or_a_first_name_is_the_fullest_name_of_the_document():
    assert [name for _, _, name in resolve(*SEED)] == [
        "Vladimir Poutine", "Kim Jong Un", "Moscou", "Pékin", "Kim Jong Un", "Vladimir Poutine", "Kim Jong Un"]


def test_a_short_form_resolves_before_its_full_name_is_given():
    title = ("Espagne : purge à la RTVE après l'arrivée de Rajoy au pouvoir", [("RTVE", "ORG"), ("Rajoy", "PER")])
    first = ("À la suite de l'élection législative qui a porté à la présidence du gouvernement Mariano Rajoy",
             [("Mariano Rajoy", "PER")])
    assert resolve(title, first)[1] == ("Rajoy", "PER", "Mariano Rajoy")


def test_short_forms_chain_to_the_fullest_name():
    """"Pastor" starts no "Ana Pastor García", but ends "Ana Pastor", which starts it."""
    resolved = resolve(
        ("Alors, fut mise sur la sellette Ana Pastor García, une journaliste", [("Ana Pastor García", "PER")]),
        ("À la fin, Ana Pastor, vouée aux gémonies par le PP", [("Ana Pastor", "PER"), ("PP", "ORG")]),
        ("Pastor l'avait annoncé sur le réseau social", [("Pastor", "PER")]),
    )
    assert [name for text, label, name in resolved if label == "PER"] == ["Ana Pastor García"] * 3


def test_initials_are_a_short_form():
    resolved = resolve(
        ("Cependant, l’ex-maire de Nantes dût faire face à une opposition très mécontente, qui, à la fin du discours "
         "de J-M Ayrault, a quitté la salle", [("Nantes", "LOC"), ("J-M Ayrault", "PER")]),
        ("L’assemblée nationale a donc voté la confiance au gouvernement Ayrault", [("Ayrault", "PER")]),
        ("Discours de politique générale de Jean-Marc Ayrault", [("Jean-Marc Ayrault", "PER")]),
    )
    assert [name for _, label, name in resolved if label == "PER"] == ["Jean-Marc Ayrault"] * 3


def test_competing_full_names_give_the_one_named_last_before_else_nothing():
    resolved = resolve(
        ("Élection présidentielle américaine de 2012 : Obama raille « Coach » Romney",
         [("Obama", "PER"), ("Romney", "PER")]),
        ("que Barack Obama s'adresse à la foule pour démonter la stratégie Romney.",
         [("Barack Obama", "PER"), ("Romney", "PER")]),
        ("Mitt Romney se présentait comme « l'entraîneur qui ferait triompher les Etats-Unis ».",
         [("Mitt Romney", "PER"), ("Etats-Unis", "LOC")]),
        ("C'est Michelle Obama qui ouvrira la convention démocrate", [("Michelle Obama", "PER")]),
        ("Pour B. Obama, avec un tel coach, les Américains « ne gagneront pas la saison ».",
         [("B. Obama", "PER"), ("Américains", "LOC")]),
        ("tout comme en Virginie, où Obama se rendra aujourd'hui.", [("Virginie", "LOC"), ("Obama", "PER")]),
    )
    obamas = [name for text, label, name in resolved if "Obama" in text]
    assert obamas == ["Obama", "Barack Obama", "Michelle Obama", "Barack Obama", "Barack Obama"]
    assert [name for text, _, name in resolved if text == "Romney"] == ["Mitt Romney"] * 2


def test_an_acronym_is_its_expansion_in_the_document_and_takes_its_label():
    resolved = resolve(
        ("La Confédération générale du travail (CGT) estime à 75 000 le nombre d'emplois menacés",
         [("Confédération générale du travail", "LOC"), ("CGT", "ORG")]),
        ("idem chez PSA où les syndicats craignent la suppression de 8 000 à 10 000 postes", [("PSA", "ORG")]),
        ("La CGT tiendra les 9 et 10 juillet une conférence sociale.", [("CGT", "ORG")]),
    )
    assert resolved[1:] == [("CGT", "ORG", "Confédération générale du travail"), ("PSA", "ORG", "PSA"),
                            ("CGT", "ORG", "Confédération générale du travail")]
    assert canonical_names([("Confédération générale du travail", "LOC"), ("CGT", "ORG")])[1][1] == "LOC"


def test_an_acronym_is_expanded_wherever_its_expansion_stands_and_whatever_it_is_tagged():
    resolved = resolve(
        ("HRW a relevée, grâce aux indications précises d'anciens détenus", [("HRW", "ORG")]),
        ("La Syrie n'ayant pas ratifiée la convention de la CPI, l'ONG a demandée au Conseil de sécurité de l'ONU "
         "d'adopter une résolution qui permettrait de faire passer la question syrienne devant la Cour pénale "
         "internationale", [("Syrie", "LOC"), ("CPI", "MISC"), ("Conseil de sécurité de l'ONU", "ORG"),
                            ("Cour pénale internationale", "ORG")]),
        ("Syrie : Human Rights Watch dénonce les actes de torture", [("Syrie", "LOC"), ("Human Rights Watch", "ORG")]),
    )
    assert [(text, name) for text, _, name in resolved if text in ("HRW", "CPI")] == [
        ("HRW", "Human Rights Watch"), ("CPI", "Cour pénale internationale")]
    assert canonical_names([("CPI", "MISC"), ("Cour pénale internationale", "ORG")])[0] == (
        "Cour pénale internationale", "ORG")


def test_places_organisations_and_names_without_a_fuller_form_stay_as_written():
    resolved = resolve(
        ("Autre tabou violé, la Russie (ainsi que la Chine) on cessé de condamner les menaces",
         [("Russie", "LOC"), ("la Chine", "LOC")]),
        ("En juillet dernier, le ministre de la Défense, Sergueï Choïgou, avait été le premier représentant russe",
         [("Sergueï Choïgou", "PER")]),
        ("Chez Bouygues Telecom, la direction a confirmé mardi un plan de départs volontaires, tandis que SFR pourrait "
         "supprimer 1 000 postes", [("Bouygues Telecom", "ORG"), ("SFR", "ORG")]),
    )
    assert all(text == name for text, _, name in resolved)


def test_case_and_accents_do_not_hide_a_full_name_and_the_first_spelling_is_shown_on_a_tie():
    resolved = resolve(
        ("Corse : Assassinat de Antoine Sollacaro, avocat de Yvan Colonna",
         [("Antoine Sollacaro", "PER"), ("Yvan Colonna", "PER")]),
        ("l'avocat de l'assassin du préfet de Corse Claude Érignac, tué le 6 février 1998 à Ajaccio.",
         [("Corse", "LOC"), ("Claude Érignac", "PER"), ("Ajaccio", "LOC")]),
        ("il était à l'origine d'un violent clash avec Bernard Bonnet, le successeur de Claude Erignac",
         [("Bernard Bonnet", "PER"), ("Claude Erignac", "PER")]),
        ("alors qu'il devait déjeuner avec SOLLACARO.", [("SOLLACARO", "PER")]),  # upper-cased here
    )
    assert [(text, name) for text, _, name in resolved if text not in ("Corse", "Ajaccio", "Bernard Bonnet")] == [
        ("Antoine Sollacaro", "Antoine Sollacaro"), ("Yvan Colonna", "Yvan Colonna"),
        ("Claude Érignac", "Claude Érignac"), ("Claude Erignac", "Claude Érignac"), ("SOLLACARO", "Antoine Sollacaro")]
