"""Who gets a voice: the kind of a quote's speaker (`person`, `organisation`, `group`, `anonymous`, `document`) and
a speaker's gender (`female`, `male`, `unknown`), with where the gender comes from (`text`, `first-name`, `none`).

The article's own words come first: a form of address or a gendered noun before the name ("Mme Borne", "la
ministre Élisabeth Borne"), the role it is given, the pronoun that designates the speaker ("a-t-elle déclaré"),
the participles and adjectives that agree with the speaker ("s'est dite satisfaite"), a gendered description ("une
habitante"). The evidence of every quote of a speaker in the document is pooled, and the majority decides (a tie
is `unknown`). A first name decides only when the text says nothing (`corpus.entities.first_names`), and a surname
never does. Organisations, groups and documents have no gender."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from corpus.entities.first_names import first_name_gender
from corpus.quotes.ranking import name_label, text_genders
from corpus.quotes.rules import QuoteRules
from corpus.quotes.speakers import is_outlet
from corpus.quotes.syntax import fullest_name, named_entities
from corpus.records import Quote

GENDERS = {"Fem": "female", "Masc": "male"}
"""spaCy's morphological genders as the warehouse writes them."""
GENDERED_KINDS = frozenset({"person", "anonymous"})
"""The kinds of speaker that have a gender: one individual, named or not."""
_AGREEING_DEPS = frozenset({"xcomp", "acl", "amod", "advcl"})


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


def speaker_voice(doc: Doc, name: str, mentions: list[Span], rules: QuoteRules) -> Voice:
    """The kind and gender of the speaker (or person) `name`, designated by `mentions`: next to its quotes, and
    wherever the article names it."""
    kind = speaker_kind(doc, name, mentions, rules)
    if kind not in GENDERED_KINDS:
        return Voice(kind)
    votes = Counter(text_genders(doc, name, rules))
    for mention in mentions:
        votes.update(agreement_genders(mention, rules))
    ranked = votes.most_common(2)
    if ranked and not (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return Voice(kind, GENDERS[ranked[0][0]], "text")
    if votes:
        return Voice(kind)
    by_first_name = first_name_gender(name) if kind == "person" else None
    return Voice(kind, GENDERS[by_first_name], "first-name") if by_first_name else Voice(kind)


def speaker_kind(doc: Doc, name: str, mentions: list[Span], rules: QuoteRules) -> str:
    """A named person or organisation by its entity label; a description by its head noun: a document ("le
    rapport"), an organisation ("le ministère"), an unnamed source ("une source proche du dossier", "un
    habitant"), several people ("des habitants", "ils"), else one person ("le porte-parole du ministère")."""
    label = name_label(doc, name)
    if label == "PER":
        return "person"
    if label == "ORG" or _outlet_named(name, rules):
        return "organisation"
    mention = next((m for m in mentions if m.root.pos_ != "PRON"), mentions[0] if mentions else None)
    if mention is None:
        return "person" if first_name_gender(name) else _kind_of_name(doc, name)
    return _kind_of_description(mention, rules)


def agreement_genders(mention: Span, rules: QuoteRules) -> list[str]:
    """What the words around one mention say of the speaker's gender: a singular pronoun ("elle", "a-t-il"), the
    gender of a person noun that heads the mention ("la porte-parole", "une habitante"), and the participles and
    adjectives that agree with it as the subject of "être" or of a reflexive verb ("s'est dite satisfaite",
    "elle est revenue")."""
    root = mention.root
    word = root.lower_.replace("-t-", "").lstrip("-")
    if word in rules.pronouns:
        gender, number = rules.pronouns[word]
        return [gender] if number == "Sing" and gender else []
    found = []
    if root.pos_ == "NOUN" and root.lemma_.lower() in rules.person_nouns and "Sing" in root.morph.get("Number"):
        found += root.morph.get("Gender")
    if root.dep_.startswith("nsubj"):
        verb = root.head
        if any(c.dep_.startswith("aux") and c.lemma_ == "être" or c.dep_ == "expl:comp" for c in verb.children):
            found += _agreeing(verb)
        found += [g for c in verb.children if c.dep_ in _AGREEING_DEPS for g in _agreeing(c)]
    return found


def _agreeing(token) -> list[str]:
    """The gender a participle or adjective shows, when it is a singular form that shows one."""
    if token.pos_ not in ("VERB", "ADJ") or "Plur" in token.morph.get("Number"):
        return []
    if token.pos_ == "VERB" and "Part" not in token.morph.get("VerbForm"):
        return []
    return list(token.morph.get("Gender"))[:1]


def _kind_of_description(mention: Span, rules: QuoteRules) -> str:
    root = mention.root
    lemma = root.lemma_.lower()
    if root.pos_ == "PRON":
        word = root.lower_.replace("-t-", "").lstrip("-")
        if word == "on":
            return "anonymous"
        return "group" if rules.pronouns.get(word, (None, "Sing"))[1] == "Plur" else "person"
    if is_outlet(mention, rules):
        return "organisation"
    if lemma in rules.document_nouns:
        return "document"
    if lemma in rules.anonymous_nouns:
        return "anonymous"
    if lemma in rules.organisation_nouns or lemma in rules.institution_nouns or root.ent_type_ in ("ORG", "LOC"):
        return "organisation"
    if "Plur" in root.morph.get("Number"):
        return "group"
    if mention[0].lower_ in rules.indefinite_determiners:
        return "anonymous"
    return "person"


def _kind_of_name(doc: Doc, name: str) -> str:
    """A name no mention stands beside: an organisation if an entity of that name is a place (a country or a city
    speaking as its government), else a person."""
    return "organisation" if any(e.label_ == "LOC" and e.text == name for e in doc.ents) else "person"


def _outlet_named(name: str, rules: QuoteRules) -> bool:
    return name.lower() in rules.outlets


def _span(doc: Doc, quote: Quote) -> Span | None:
    if quote.speaker_start is None or quote.speaker_end is None:
        return None
    return doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
