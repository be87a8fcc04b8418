"""Keys that group entity mentions into entities: the same name, whatever its accents and case."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")


def unaccented(text: str) -> str:
    """The text without case or accents, its punctuation kept: "elysee" for "ÉLYSÉE", "saint-denis" for
    "Saint-Denis"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The name without case, accents or punctuation: "vladimir poutine" for "Vladimir POUTINE"."""
    return _NON_WORD.sub(" ", unaccented(text)).strip()


def entity_key(text: str, label: str) -> str:
    """`label:folded name`, e.g. "PER:vladimir poutine" for "Vladimir POUTINE"."""
    return f"{label}:{fold(text)}"


def key_label(key: str) -> str:
    """The label of an entity key: "PER" for "PER:vladimir poutine"."""
    return key.partition(":")[0]


def entity_id(key: str) -> str:
    """A stable short id for an entity key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


_ACRONYM = re.compile(r"^[A-ZÀ-Ý]{2,6}$")
_MINOR_WORDS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "et", "pour", "en", "à", "au", "aux", "un",
                          "une", "sur", "sans", "of", "the", "and", "for"})


def is_acronym(name: str) -> bool:
    """"HRW", "PP", "ONU", "AP-HP": two to six capitals (dots and hyphens ignored)."""
    return bool(_ACRONYM.match(name.replace(".", "").replace("-", "")))


def spells(acronym: str, name: str) -> bool:
    """Whether the initials of `name` spell `acronym`: every significant word gives its letter and a
    minor word ("de", "pour", "sans") may ("Parti populaire" -> PP, "Reporters sans frontières" -> RSF,
    "Union pour un mouvement populaire" -> UMP)."""
    letters = acronym.replace(".", "").replace("-", "").upper()
    words = [w for w in re.split(r"[\s'’-]+", name) if w]
    if len(words) < 2:
        return False

    def match(i: int, j: int) -> bool:
        if i == len(words):
            return j == len(letters)
        initial = unicodedata.normalize("NFKD", words[i][0]).upper()[0]
        if j < len(letters) and initial == letters[j] and match(i + 1, j + 1):
            return True
        return words[i].lower() in _MINOR_WORDS and match(i + 1, j)

    return match(0, 0)


def expand_acronym(acronym: str, names: list[str]) -> str | None:
    """The name among `names` (or the longest start of one: "Parti populaire espagnol") whose
    initials spell `acronym`: the longest, and of equally long ones the first written, so that the same text
    always gets the same name."""
    for name in sorted(dict.fromkeys(names), key=len, reverse=True):
        words = name.split()
        for n in range(len(words), 1, -1):
            if spells(acronym, " ".join(words[:n])):
                return " ".join(words[:n])
    return None
