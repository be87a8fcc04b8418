"""Who gets a voice: the kind of a quote's speaker (`person`, `organisation`, `group`, `anonymous`, `document`) and
a speaker's gender (`female`, `male`, `unknown`), with where the gender comes from (`text`, `first-name`, `none`).

The article's own words come first: a form of address or a gendered noun before the name ("Mme Borne", "la
ministre Élisabeth Borne"), the role it is given, the pronoun that designates the speaker ("a-t-elle déclaré"),
the participles and adjectives that agree with the speaker ("s'est dite satisfaite"), a gendered description ("une
habitante"). A noun shows a gender by its form ("avocate") or by its determiner ("la ministre"), not by the tag
the model gives it ("ministre" is tagged masculine after "la"). The evidence of every quote of a speaker in the
document is pooled, and the majority decides (a tie is `unknown`). A first name decides only when the text says
nothing (`corpus.entities.first_names`), and a surname never does. Organisations, groups and documents have no
gender, nor has a source the article names by a noun whose gender is only grammatical ("une source", "-t-elle")."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from corpus.entities.first_names import ALL_NAMES, first_name_gender, given_name_gender
from corpus.quotes.ranking import gender_evidence, name_label
from corpus.quotes.rules import QuoteRules
from corpus.quotes.speakers import is_outlet
from corpus.quotes.syntax import fullest_name, named_entities
from corpus.read.authors import PARTICLES
from corpus.records import Quote

GENDERS = {"Fem": "female", "Masc": "male"}
"""spaCy's morphological genders as the warehouse writes them."""
GENDERED_KINDS = frozenset({"person", "anonymous"})
"""The kinds of speaker that have a gender: one individual, named or not."""
DETERMINER_GENDERS = {"la": "Fem", "une": "Fem", "cette": "Fem", "le": "Masc", "un": "Masc", "ce": "Masc", "cet": "Masc"}
"""Determiners that show the gender of the noun they go with, whatever the noun's form."""
DETERMINERS = frozenset({"le", "la", "les", "un", "une", "des", "ce", "cet", "cette", "ces", "son", "sa", "ses", "leur",
                         "leurs", "plusieurs", "certains", "certaines", "quelques"})
"""First words of a description written at a sentence's start ("Des habitants", "Le ministère"): not a name."""
PLURAL_DETERMINERS = frozenset({"les", "des", "ces", "ses", "leurs", "plusieurs", "certains", "certaines", "quelques"})
"""First words of a description of several ("les chercheurs", "des sources"): never one person, never a gender."""
NAME_PARTICLES = PARTICLES | {"la", "le", "del", "dos", "das", "ben", "bin", "ibn", "al", "el", "zu", "ter"}
"""Lower-case words inside a person's name ("Ursula von der Leyen", "Mohammed ben Salmane")."""
_PREPOSITIONS = frozenset({"de", "du", "des", "d'", "à", "au", "aux", "pour", "sur", "en", "dont", "qui", "et"})
_FRONTED_DEPS = frozenset({"acl", "amod", "advcl"})
"""How the parser hangs a participle phrase on the verb ("Interrogée par LCI, elle défend")."""
_CLAUSE_BREAKS = frozenset({":", ";", "«", "»", '"', "“", "”", "(", ")"})
"""Between a verb and a word that agrees with its subject, the marks that say the word belongs elsewhere (a quote)."""
_SEVERAL = re.compile(r",| et | ou ")
"""Between the names of a speaker that is several people or bodies ("Muriel Pénicaud et Agnès Buzyn")."""


@dataclass(frozen=True)
class Voice:
    kind: str
    gender: str = "unknown"
    gender_source: str = "none"


def with_voices(doc: Doc, quotes: list[Quote], rules: QuoteRules) -> tuple[list[Quote], dict[str, Voice]]:
    """The quotes with their speaker's kind and gender, and the voice of every person the article names (by
    fullest name), decided once per document: a person quoted and named has one gender in both."""
    people: dict[str, list[Span]] = {}
    for entity in named_entities(doc):
        if entity.label_ == "PER":
            people.setdefault(fullest_name(doc, entity), []).append(entity)
    decided: dict[str, Voice] = {}
    for name in dict.fromkeys(q.speaker_name for q in quotes if q.speaker_name):
        mentions = [m for q in quotes if q.speaker_name == name and (m := _span(doc, q)) is not None]
        decided[name] = speaker_voice(doc, name, mentions + people.get(name, []), rules)
    persons = {name: decided.get(name) or speaker_voice(doc, name, mentions, rules) for name, mentions in people.items()}
    persons.update((name, voice) for name, voice in decided.items() if voice.kind == "person")
    quotes = [dataclasses.replace(q, speaker_kind=v.kind, speaker_gender=v.gender, speaker_gender_source=v.gender_source)
              if (v := decided.get(q.speaker_name)) else q for q in quotes]
    return quotes, persons


def with_author_voice(quote: Quote) -> Quote:
    """A quote whose speaker is the author of the footnote it calls (`speaker_from` "note"): a person, whose gender
    only the first name can give (the body says nothing of the author)."""
    if quote.speaker_from != "note" or not quote.speaker_name:
        return quote
    voice = by_first_name("person", quote.speaker_name)
    return dataclasses.replace(quote, speaker_kind=voice.kind, speaker_gender=voice.gender,
                               speaker_gender_source=voice.gender_source)


def speaker_voice(doc: Doc, name: str, mentions: list[Span], rules: QuoteRules) -> Voice:
    """The kind and gender of the speaker (or person) `name`, designated by `mentions`: next to its quotes, and
    wherever the article names it."""
    kind = speaker_kind(doc, name, mentions, rules)
    if kind not in GENDERED_KINDS or _first_word(name) in PLURAL_DETERMINERS:
        return Voice(kind)
    if any(m.root.lemma_.lower() in rules.epicene_nouns for m in mentions):
        mentions = [m for m in mentions if m.root.pos_ != "PRON"]  # "une source ... ajoute-t-elle"
    described = _is_description(name)
    named = Counter() if described else Counter(
        g for piece in gender_evidence(doc, name, rules)
        for g in ([piece] if isinstance(piece, str) else noun_gender(piece, rules) if _bound_to(piece, name) else []))
    given = first_name_gender(name, ALL_NAMES) if kind == "person" and not described else None
    agreeing = Counter(g for mention in mentions for g in agreement_genders(mention, rules)
                       if not (given and mention.root.pos_ == "PRON" and g != given))
    for votes in (named, named + agreeing):
        ranked = votes.most_common(2)
        if ranked and not (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return Voice(kind, GENDERS[ranked[0][0]], "text")
    if named or agreeing:
        return Voice(kind)
    return by_first_name(kind, name) if kind == "person" else Voice(kind)


def by_first_name(kind: str, name: str) -> Voice:
    """The gender the first name marks, for when the text says nothing (or was not read: a person named only in a
    title or a note)."""
    gender = first_name_gender(name, ALL_NAMES)
    return Voice(kind, GENDERS[gender], "first-name") if gender else Voice(kind)


def speaker_kind(doc: Doc, name: str, mentions: list[Span], rules: QuoteRules) -> str:
    """A name by what the article makes of it: an outlet, several names, a person (tagged so, or whose first name
    is known), an organisation; a description by its head noun: a document ("le rapport"), an organisation ("le
    ministère"), an unnamed source ("une source proche du dossier", "un habitant"), several people ("des
    habitants", "ils"), else one person ("le porte-parole du ministère")."""
    first = _first_word(name)
    described = _is_description(name)
    mention = next((m for m in mentions if m.root.pos_ != "PRON"), mentions[0] if mentions else None)
    if name.lower() in rules.outlets or (mention is not None and is_outlet(mention, rules)):
        return "organisation"
    if _SEVERAL.search(name) and sum(w[:1].isupper() for w in name.split()) >= 2:
        return "group"
    if not described and (not _person_shaped(name) or _names_an_organisation(name, rules)):
        return _kind_by_head_noun(name, rules) or "organisation"
    if not described:
        label = name_label(doc, name)
        if label == "PER" or _given_name_alone(name) or _described_as_a_person(mentions, rules):
            return "person"
        if first_name_gender(name, ALL_NAMES) and all(w[:1].isupper() for w in name.split()):
            return "person"
        if label == "ORG" or _names_a_body(doc, name):
            return "organisation"
        if mention is None or mention.root.pos_ == "PROPN" or _referred_to_as_one(mentions, rules):
            return "person"
    kind = _kind_by_head_noun(name, rules) or ("person" if mention is None else _kind_of_description(mention, rules))
    return "group" if kind == "person" and first in PLURAL_DETERMINERS else kind


def agreement_genders(mention: Span, rules: QuoteRules) -> list[str]:
    """What the words around one mention say of the speaker's gender: a singular pronoun ("elle", "a-t-il"), a
    person noun heading the mention ("la porte-parole", "une habitante"), and the participles and adjectives that
    agree with it as the subject of "être" or of a reflexive verb ("s'est dite satisfaite", "elle est revenue")."""
    root = mention.root
    word = _pronoun_word(root)
    if word in rules.pronouns:
        gender, number = rules.pronouns[word]
        return [gender] if number == "Sing" and gender else []
    found = []
    if root.pos_ == "NOUN" and root.lemma_.lower() in rules.person_nouns and "Plur" not in root.morph.get("Number"):
        found += noun_gender(root, rules)
    if root.dep_.startswith("nsubj"):
        verb = root.head
        if any(c.dep_.startswith("aux") and c.lemma_ == "être" or c.dep_ == "expl:comp" for c in verb.children):
            found += _agreeing(verb)
        found += [g for c in verb.children if _describes_subject(c, root) for g in _agreeing(c)]
    return found


def noun_gender(noun: Token, rules: QuoteRules) -> list[str]:
    """The gender a singular person noun shows: by its determiner ("la ministre", "un porte-parole"); else by a
    feminine form that is not its lemma ("avocate", "candidate"); else by the tagger for a noun whose form tells
    ("directeur", and "mère", "père" of `gendered_nouns`); nothing for "l'analyste", "son secrétaire" or an epicene
    noun ("une source")."""
    lemma = noun.lemma_.lower()
    if lemma in rules.epicene_nouns or "Plur" in noun.morph.get("Number"):
        return []
    for child in noun.children:
        if child.dep_ == "det" and child.lower_ in DETERMINER_GENDERS:
            return [DETERMINER_GENDERS[child.lower_]]
    if noun.lower_ != lemma:
        return ["Fem"]
    if lemma in rules.gendered_nouns:
        return [rules.gendered_nouns[lemma]]
    return [] if lemma.endswith("e") else list(noun.morph.get("Gender"))[:1]


def _agreeing(token: Token) -> list[str]:
    """The gender a participle or adjective shows, when it is a singular form that shows one."""
    if token.pos_ not in ("VERB", "ADJ") or "Plur" in token.morph.get("Number"):
        return []
    if token.pos_ == "VERB" and "Part" not in token.morph.get("VerbForm"):
        return []
    return list(token.morph.get("Gender"))[:1]


def _describes_subject(word: Token, subject: Token) -> bool:
    """A participle or adjective hung on the subject's verb that describes the subject: its attribute ("s'est dite
    satisfaite"), or a phrase before the subject ("Interrogée par LCI, elle défend"), in the same clause. One after
    the object describes the object ("défend cette plainte, déposée pour le symbole"), and one past a quote mark,
    colon or bracket belongs to the quote ("fait part de son amour : « Amber est très cultivée »")."""
    verb = word.head
    if word.dep_ != "xcomp" and (word.dep_ not in _FRONTED_DEPS or word.i > subject.i):
        return False
    low, high = sorted((verb.i, word.i))
    return not any(t.text in _CLAUSE_BREAKS for t in verb.doc[low + 1:high])


def _is_description(name: str) -> bool:
    """A speaker the article describes rather than names ("le parquet", "l'avocat de Laeticia Hallyday", "Des
    habitants", "58 % des Français"): what the article says of the names inside it is not about it."""
    first = _first_word(name)
    return name[:1].islower() or name[:1].isdigit() or first in DETERMINERS or first.startswith(("l'", "d'"))


def _bound_to(noun: Token, name: str) -> bool:
    """A role noun the parse ties to the name ("la procureure Rozenn Huon", "Xavier Bertrand, président de"), or
    that stands right beside it outside a prepositional phrase ("constate sa mère, Sandra Noël"); not one inside a
    complement that only stands beside it ("les emplois de son épouse, François Fillon est ...")."""
    words = set(name.split())
    if any(t.text in words for t in (noun.head, *noun.children)):
        return True
    beside = noun.doc[max(noun.i - 3, 0):noun.i + 3]
    return not any(c.dep_ == "case" for c in noun.children) and any(t.text in words for t in beside)


def _first_word(name: str) -> str:
    """The first word of a name, lower-cased, with its elided determiner ("l'hôpital")."""
    words = name.replace("’", "'").lower().split()
    return words[0] if words else ""


def _person_shaped(name: str) -> bool:
    """Every word of the name capitalised, but for particles ("Charles de Gaulle", "Valéry Giscard d'Estaing"), and
    no digit: an organisation's name has common words ("Santé publique France"), a machine's a number ("MD-83")."""
    return not any(c.isdigit() for c in name) and all(
        w[:1].isupper() or not w[:1].isalpha() or w.lower() in NAME_PARTICLES or re.match(r"(d'|l'|al-|el-)", w.lower())
        for w in name.replace("’", "'").split())


def _names_an_organisation(name: str, rules: QuoteRules) -> bool:
    """A name with a word that only organisations' names have ("Harris Interactive"), whatever its first word."""
    return any(w.lower() in rules.organisation_name_words for w in name.split()[1:])


def _kind_by_head_noun(name: str, rules: QuoteRules) -> str | None:
    """The kind its own words give a description or an organisation's name, read up to its first complement ("le
    parquet national antiterroriste", "Haut conseil de la famille", "une coalition pro-serbe et deux autres
    groupements"), so that a pronoun or a noun in apposition ("Son principal rival, une coalition") does not decide."""
    words = re.split(r"[\s']+", name.replace("’", "'").lower())
    while words and (words[0] in DETERMINERS or words[0] in ("l", "d")):
        words = words[1:]
    for word in words[:3]:
        if word in _PREPOSITIONS or word in rules.person_nouns:  # "une porte-parole des pompiers" is a person
            return None
        for kind, nouns in rules.speaker_kind_nouns.items():
            if word in nouns or (word.endswith(("s", "x")) and word[:-1] in nouns):
                return kind
    return None


def _kind_of_description(mention: Span, rules: QuoteRules) -> str:
    root = mention.root
    lemma, word = root.lemma_.lower(), _pronoun_word(root)
    kinds = rules.speaker_kind_nouns
    if root.pos_ == "PRON":
        if word in ("on", "un", "une", "l'un", "l'une"):
            return "anonymous"
        return "group" if rules.pronouns.get(word, (None, "Sing"))[1] == "Plur" else "person"
    if root.pos_ == "NUM" or root.text == "%":
        return "group"  # "58 % des personnes interrogées"
    if lemma in kinds["document"]:
        return "document"
    if word in kinds["anonymous"]:
        return "anonymous"
    if lemma in kinds["organisation"]:
        return "organisation"
    if "Plur" in root.morph.get("Number") or lemma in kinds["group"]:
        return "group"
    if mention[0].lower_ in rules.indefinite_determiners:
        return "anonymous"
    return "person"


def _described_as_a_person(mentions: list[Span], rules: QuoteRules) -> bool:
    """A name that a mention heads with a person noun ("le vice-ministre de la Santé Iraj Harirchi"), whatever the
    entity tagger made of the name."""
    return any(m.root.pos_ == "NOUN" and m.root.lemma_.lower() in rules.person_nouns for m in mentions)


def _referred_to_as_one(mentions: list[Span], rules: QuoteRules) -> bool:
    """A name that the article goes on calling "il" or "elle"."""
    return any(rules.pronouns.get(_pronoun_word(m.root), (None, None))[1] == "Sing"
               and m.root.pos_ == "PRON" for m in mentions)


def _given_name_alone(name: str) -> bool:
    """A single given name ("Audrey"), as articles name ordinary people: the French news list knows it as one."""
    return " " not in name and given_name_gender(name) is not None


def _names_a_body(doc: Doc, name: str) -> bool:
    """An organisation or a place (a country or city speaking as its government) by the entities that bear it."""
    return any(e.label_ in ("ORG", "LOC") and name in e.text for e in doc.ents)


def _pronoun_word(token: Token) -> str:
    """A subject pronoun as `rules.pronouns` lists it: "-t-elle" and "-il" of inversions are "elle" and "il"."""
    return token.lower_.replace("-t-", "").lstrip("-")


def _span(doc: Doc, quote: Quote) -> Span | None:
    if quote.speaker_start is None or quote.speaker_end is None:
        return None
    return doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
