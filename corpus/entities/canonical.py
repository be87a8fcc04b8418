"""Canonical names within one document: a short form names the fullest name the document gives it ("Poutine" ->
"Vladimir Poutine", "Kim" -> "Kim Jong Un"), an acronym names its expansion ("ONU" -> "Organisation des Nations
unies"). Everything else is named as written.

Resolution looks at one document only, so that an entity's key, and so its id, never depends on what else is loaded
or in which order. Names are compared folded (`corpus.entities.keys.fold`): "POUTINE" is a short form of "Vladimir Poutine".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from corpus.entities.keys import expand_acronym, fold, is_acronym

ACRONYM_LABELS = frozenset({"ORG", "LOC", "MISC"})
"""Labels an acronym and its expansion may carry (the model tags "ONU" MISC as often as ORG)."""


def canonical_names(mentions: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """For each (text, label) of one document, in reading order, the (name, label) of the entity it names."""
    shown = _surface_forms(mentions)
    persons = {fold(text) for text, label in mentions if label == "PER"}
    expandable = [text for text, label in mentions if label in ACRONYM_LABELS and not is_acronym(text)]
    resolved = []
    for i, (text, label) in enumerate(mentions):
        key = fold(text)
        if label == "PER":
            while (fuller := _fullest(key, persons, mentions, i)) != key:
                key = fuller
            resolved.append((shown[key], label))
        elif label in ACRONYM_LABELS and is_acronym(text) and (expansion := expand_acronym(text, expandable)):
            resolved.append((expansion, _label_of(expansion, mentions)))
        else:
            resolved.append((text, label))
    return resolved


def _fullest(key: str, persons: set[str], mentions: Sequence[tuple[str, str]], i: int) -> str:
    """The folded fullest person name `key` is a short form of: the one fuller name, or when several compete ("Le
    Pen": "Marine Le Pen", "Jean-Marie Le Pen") the one named last before mention `i`; else `key` itself."""
    candidates = _fuller(key, persons)
    if len(candidates) <= 1:
        return next(iter(candidates), key)
    for text, label in reversed(mentions[:i]):
        folded = fold(text)
        if label == "PER" and _is_short_form(key, folded):
            reached = {folded} & candidates or _fuller(folded, persons) & candidates
            if len(reached) == 1:
                return reached.pop()
    return key


def _fuller(key: str, persons: set[str]) -> set[str]:
    """The names of `persons` that `key` is a short form of and that are themselves no short form of another:
    "kim" -> {"kim jong un"} even when "kim jong" is named too."""
    longer = {name for name in persons if _is_short_form(key, name)}
    return {name for name in longer if not any(_is_short_form(name, other) for other in longer)}


def _is_short_form(short: str, name: str) -> bool:
    """Whether the words of `short` start or end the words of `name` and are fewer ("kim" of "kim jong un"), or are
    the same words, some only by their initials ("b obama" of "barack obama", "j m ayrault" of "jean marc ayrault")."""
    s, n = short.split(), name.split()
    if len(s) == len(n):
        return s != n and all(a == b or (len(a) == 1 and b.startswith(a)) for a, b in zip(s, n))
    return 0 < len(s) < len(n) and (n[:len(s)] == s or n[-len(s):] == s)


def _surface_forms(mentions: Sequence[tuple[str, str]]) -> dict[str, str]:
    """For each folded name, how the document writes it most often (the first such way on a tie)."""
    counts = Counter((fold(text), text) for text, _ in mentions)
    shown: dict[str, str] = {}
    for (key, text), n in counts.items():
        if key not in shown or n > counts[key, shown[key]]:
            shown[key] = text
    return shown


def _label_of(expansion: str, mentions: Sequence[tuple[str, str]]) -> str:
    """The label of the longest name `expansion` starts ("Parti populaire" of "Parti populaire espagnol")."""
    starting = [(text, label) for text, label in mentions if label in ACRONYM_LABELS
                and (text == expansion or text.startswith(expansion + " "))]
    return max(starting, key=lambda m: len(m[0]))[1]
