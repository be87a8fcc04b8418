"""Roles and their holders as an article states them: "le Premier ministre Édouard Philippe", "Christophe
Castaner, ministre de l'Intérieur,", "la garde des Sceaux, Nicole Belloubet". Within the article they turn a
description that speaks ("le chef de l'Etat a déclaré") into the person; across the corpus, the warehouse
view `roles` gathers them into who held which role when.

Role words are compared by `role_key` (no determiner, accents or case), with the synonyms of
`data/role_synonyms.json` ("chef de l'Etat" is "président de la République").
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from corpus.quotes.rules import QuoteRules
from corpus.quotes.syntax import fullest_name, named_entities, per_document, quoted_tokens
from corpus.records import RoleMention

MAX_ROLE_TOKENS = 8
_LEADING = re.compile(r"^(?:le|la|les|l'|du|de la|de l'|des|au|aux|à la|à l'|un|une|son|sa|leur|ce|cette|ex-|l’)\s*",
                      re.IGNORECASE)
_PASSING = re.compile(r"^(?:nouveau|nouvelle|nouvel|actuel|actuelle)\s+")
"""Adjectives that say when, not which role: "le nouveau Premier ministre" holds the role "Premier ministre"."""
_STOP_TOKENS = frozenset({",", ".", ";", ":", "(", ")", "«", "»", '"', "“", "”", "!", "?", "-", "–", "—"})


def role_key(role: str) -> str:
    """"le chef de l'État" -> "president de la republique": lower case, no accents, no leading determiner,
    apostrophes unified, synonyms mapped to one form."""
    text = role.replace("’", "'").strip().lower()
    while True:
        stripped = _LEADING.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    text = _PASSING.sub("", text)
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    folded = re.sub(r"\s+", " ", folded).strip(" ,.")
    return _synonyms().get(folded, folded)


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    data = json.loads(resources.files("corpus.data").joinpath("role_synonyms.json").read_text("utf-8"))
    return {variant: canonical for canonical, variants in data["synonyms"].items() for variant in variants}


@per_document(key=lambda rules: ())
def role_mentions(doc: Doc, rules: QuoteRules) -> tuple[RoleMention, ...]:
    """Each person the article names with a role right before or after the name, outside quotation marks."""
    quoted = quoted_tokens(doc, rules.marks)
    found = []
    for entity in named_entities(doc):
        if entity.label_ != "PER" or entity.start in quoted:
            continue
        role = _role_before(doc, entity, rules) or _role_after(doc, entity, rules)
        if role is not None:
            found.append(RoleMention(role.start_char, role.end_char, _bare(role), fullest_name(doc, entity),
                                     entity.start_char, entity.end_char))
    return tuple(found)


def holder_in_document(doc: Doc, description: Span, rules: QuoteRules) -> str | None:
    """The person the article names as holder of the role `description` gives ("le chef de l'Etat",
    "la porte-parole"): a role mention whose key is the description's, or holds all its words; None if
    the article names no holder, or two."""
    key = role_key(description.text)
    if not key:
        return None
    words = set(key.split())
    holders = {m.holder for m in role_mentions(doc, rules) if role_key(m.role) == key}
    if not holders:
        holders = {m.holder for m in role_mentions(doc, rules) if words <= set(role_key(m.role).split())}
    return holders.pop() if len(holders) == 1 else None


def _role_before(doc: Doc, entity: Span, rules: QuoteRules) -> Span | None:
    """"le Premier ministre Édouard Philippe", "la garde des Sceaux, Nicole Belloubet"."""
    end = entity.start
    if end > 0 and doc[end - 1].pos_ == "ADP":
        return None  # "l'ancien conseiller de Nicolas Sarkozy": the name is the role's complement, not its holder
    if end > 0 and doc[end - 1].text == ",":
        end -= 1
    start = end
    while start > 0 and end - start < MAX_ROLE_TOKENS:
        token = doc[start - 1]
        if token.text in _STOP_TOKENS or token.pos_ in ("VERB", "AUX", "PRON", "SCONJ") or token.is_space:
            break
        start -= 1
        if token.pos_ == "DET":
            break
    return _role_span(doc, start, end, rules)


def _role_after(doc: Doc, entity: Span, rules: QuoteRules) -> Span | None:
    """"Christophe Castaner, ministre de l'Intérieur, a …": the apposition between two commas (or a comma
    and the end of the sentence)."""
    if entity.end >= len(doc) or doc[entity.end].text != ",":
        return None
    start = entity.end + 1
    end = start
    while end < len(doc) and end - start < MAX_ROLE_TOKENS:
        token = doc[end]
        if token.text in _STOP_TOKENS or token.pos_ in ("VERB", "AUX", "PRON", "SCONJ") or token.is_space:
            break
        end += 1
    closed = end < len(doc) and doc[end].text in (",", ".", ")")
    return _role_span(doc, start, end, rules) if closed else None


def _role_span(doc: Doc, start: int, end: int, rules: QuoteRules) -> Span | None:
    """The tokens as a role if they read as one: a definite or bare noun phrase whose first noun is a role
    noun ("ministre", "porte-parole", "chef"), with no name of a person in it."""
    if end <= start:
        return None
    span = doc[start:end]
    first = span[0]
    if first.pos_ == "DET" and first.lower_ not in ("le", "la", "l'", "l’", "l", "du", "de", "au", "son", "sa"):
        return None  # "un ami", "des voisins": not a role
    noun = _first_noun(span)
    if noun is None or noun.lemma_.lower() not in rules.person_nouns:
        return None
    if any(t.ent_type_ == "PER" for t in span):
        return None
    return span


_ROLE_ADJECTIVES = frozenset({"premier", "première", "ancien", "ancienne", "nouveau", "nouvelle", "actuel", "actuelle"})


def _first_noun(span: Span) -> Token | None:
    """The first noun, past the adjectives a role may open with ("Premier ministre", "ancien président")."""
    return next((t for t in span if t.pos_ in ("NOUN", "PROPN") and t.lower_ not in _ROLE_ADJECTIVES), None)


def _bare(role: Span) -> str:
    """The role's words without a leading determiner or preposition ("du ministre" -> "ministre")."""
    return _LEADING.sub("", role.text.strip(), count=1)
