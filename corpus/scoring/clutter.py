"""How cluttered a warehouse's entities are, as a user browsing them sees it: names of a junk shape, and the variant
entities around the most mentioned people.

Junk shapes (`junk_shape`):
- glued words: a word run into the next with no space, where `corpus.glue.word_glue` would cut ("Edouard
  PhilippeDes", "eurosLes", "SARKOZYMarine"); camel-case brands ("YouTube", "HuffPost", "ArcelorMittal") are no glue;
- quote marks or one of `? : ; !`;
- a glued full stop: a full stop after a word of two letters or more, run into a capital or a digit ("Jacques
  Chirac.14h45", "LR.Anne Hidalgo"), not initials ("J.K. Rowling") or web domains ("Change.org");
- a trailing weekday or "ndlr" ("Édouard Philippe ndlr", "Gérard Larcher Mardi"; a capitalised weekday only ends a
  person's name by mistake: "Journal du Dimanche" is a name);
- a leading role: a role or title before a capitalised name ("Premier ministre Edouard Philippe", "Président
  Obama"), not "Premier League".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from corpus.entities.keys import fold
from corpus.entities.rules import EntityRules
from corpus.glue import word_glue

_MARKS = re.compile(r"[\"«»“”?:;!]")
_GLUED_STOP = re.compile(r"[^\W\d_]{2}\.(?=[A-ZÀ-ÖØ-Þ\d])")
_TRAILING = re.compile(r"\s(\S+)$")
JUNK_SHAPES = ("glued words", "quote marks or ? : ; !", "glued full stop", "trailing weekday or ndlr", "leading role")


def junk_shape(name: str, label: str, rules: EntityRules) -> str | None:
    """The first junk shape (`JUNK_SHAPES`) `name` has, or None for a clean name."""
    if word_glue(name, after_function_words=True):
        return JUNK_SHAPES[0]
    if _MARKS.search(name):
        return JUNK_SHAPES[1]
    if _GLUED_STOP.search(name):
        return JUNK_SHAPES[2]
    last = _TRAILING.search(name)
    if last and (last.group(1).lower() in rules.editorial_marks or last.group(1) in rules.weekdays
                 or (label == "PER" and last.group(1).lower() in rules.weekdays)):
        return JUNK_SHAPES[3]
    words = name.split()
    roles = rules.role_nouns | rules.titles_any_case
    if len(words) > 1 and words[0].lower() in roles:
        rest = words[1:]
        while rest and rest[0].lower() in roles:
            rest = rest[1:]
        if rest and rest[0][:1].isupper() and (len(rest) < len(words) - 1
                                                or words[0].lower() not in ("premier", "première")):
            return JUNK_SHAPES[4]
    return None


@dataclass(frozen=True)
class Person:
    """One of the most mentioned people and the other entities whose names contain theirs."""

    name: str
    n_mentions: int
    n_counted: int
    """Its mentions counted in `entity_mentions`, aliases included: equals `n_mentions` in a consistent warehouse."""
    variants: tuple[tuple[str, str, int], ...]
    """(name, label, mentions) of each variant entity."""


def variants(names: Sequence[str], entities: Iterable[tuple[str, str, int]]) -> dict[str, tuple[tuple[str, str, int], ...]]:
    """For each of `names` (people), the other entities (name, label, mentions) whose folded names contain its folded words
    ("Premier ministre Edouard Philippe", "Édouard Philippe ndlr", "Edouard Philippe" as an organisation)."""
    keys = {name: f" {fold(name)} " for name in names}
    found: dict[str, list] = {name: [] for name in names}
    for entity in entities:
        folded = f" {fold(entity[0])} "
        for name, key in keys.items():
            if key in folded and (entity[0], entity[1]) != (name, "PER"):
                found[name].append(entity)
    return {name: tuple(found[name]) for name in names}


def report(entities: Sequence[tuple[str, str, int]], people: Sequence[Person], rules: EntityRules) -> str:
    """The junk-shape figures over `entities` (name, label, mentions) and the variants of `people`."""
    shapes = [junk_shape(name, label, rules) for name, label, _ in entities]
    total = len(entities)
    junk = sum(1 for shape in shapes if shape)
    lines = [f"entities: {total:,}; of a junk shape: {junk:,} ({junk / max(total, 1):.2%})"]
    for kind in JUNK_SHAPES:
        chosen = [(entity, shape) for entity, shape in zip(entities, shapes) if shape == kind]
        examples = ", ".join(repr(e[0]) for e, _ in sorted(chosen, key=lambda c: -c[0][2])[:4])
        lines.append(f"  {kind:26} {len(chosen):6,}  {examples}")
    n_variants = sum(len(p.variants) for p in people)
    inconsistent = [p.name for p in people if p.n_mentions != p.n_counted]
    lines.append(f"{len(people)} most mentioned people: {n_variants} variant entities holding "
                 f"{sum(v[2] for p in people for v in p.variants):,} mentions; mention counts that differ from "
                 f"entity_mentions: {len(inconsistent)}{' (' + ', '.join(inconsistent) + ')' if inconsistent else ''}")
    for p in sorted(people, key=lambda p: -len(p.variants))[:10]:
        if p.variants:
            shown = ", ".join(f"{v[0]!r} {v[1]} {v[2]}" for v in p.variants[:4])
            lines.append(f"  {p.name} ({p.n_mentions:,}): {len(p.variants)}: {shown}")
    return "\n".join(lines)
