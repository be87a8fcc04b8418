"""Author names as bylines write them ("ROUSSET Pierre", "Par Jean DUPONT et Marie Curie") to "Pierre Rousset"."""

from __future__ import annotations

import re

PARTICLES = {"de", "du", "des", "d'", "d’", "von", "van", "der", "den", "y", "da", "di"}
"""Nobiliary particles, written in lower case inside a name ("Charles de Gaulle")."""

_SEPARATORS = re.compile(r"\s*(?:,|;|\bet\b|\bavec\b|&|\band\b|\bwith\b)\s*", re.IGNORECASE)
_BY = re.compile(r"^\s*(?:par|by|auteurs?|authors?|propos recueillis par)\s*:?\s+", re.IGNORECASE)
_ELISION = re.compile(r"^[dDlL]['’]")
_NOT_A_NAME = re.compile(r"\d|@|https?:|www\.", re.IGNORECASE)


def split_authors(byline: str) -> tuple[str, ...]:
    """Normalised author names from a byline fragment, in order, without duplicates."""
    names: list[str] = []
    for part in _SEPARATORS.split(_BY.sub("", byline)):
        name = normalize_author(part)
        if name and name not in names:
            names.append(name)
    return tuple(names)


def normalize_author(name: str) -> str | None:
    """One author name in "Given Family" order and title case, or None if it is not a name.

    A byline that writes the family name in capitals first ("ROUSSET Pierre", "LE PEN Marine") is
    reordered; capitals elsewhere are only re-cased ("Pierre ROUSSET" -> "Pierre Rousset").
    """
    words = name.strip(" .*_\t\n").split()
    if not words or len(words) > 6 or _NOT_A_NAME.search(name):
        return None
    capitals = [_is_all_caps(w) for w in words]
    if capitals[0] and not all(capitals):
        family_len = capitals.index(False)
        words = words[family_len:] + words[:family_len]
    if len(words) == 1 and capitals[0]:
        return words[0]
    recase_lower = all(w.islower() for w in words)
    return " ".join(_recase(w, first=i == 0, recase_lower=recase_lower) for i, w in enumerate(words))


def _is_all_caps(word: str) -> bool:
    letters = [c for c in _ELISION.sub("", word) if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _recase(word: str, first: bool, recase_lower: bool = True) -> str:
    """Title-case a word written in capitals (or, when the whole name is, in lower case)."""
    if not _is_all_caps(word) and not (recase_lower and word.islower()):
        return word
    if not first and word.lower() in PARTICLES:
        return word.lower()
    elision = _ELISION.match(word)
    if elision:
        head = elision.group().lower() if not first else elision.group().capitalize()
        return head + _recase(word[elision.end():], first=True, recase_lower=recase_lower)
    return "-".join(_capitalize_part(part) for part in word.split("-"))


def _capitalize_part(part: str) -> str:
    """"O'NEIL" -> "O'Neil": a capital after an apostrophe that follows one letter."""
    head, sep, tail = part.partition("'") if "'" in part else part.partition("’")
    if sep and len(head) == 1:
        return head.upper() + sep + tail.capitalize()
    return part.capitalize()
