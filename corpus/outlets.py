"""Media outlets named as the source or channel of a quote ("l'AFP", "au micro de RTL")."""

from __future__ import annotations

import re

from spacy.tokens import Span

from corpus.quote_rules import QuoteRules
from corpus.syntax import noun_phrase


def is_outlet(phrase: Span, rules: QuoteRules) -> bool:
    text = phrase.text.lower()
    bare = re.sub(r"^(l'|l’|le |la |les )", "", text)
    return (text in rules.outlets or bare in rules.outlets or phrase.root.lower_ in rules.outlet_nouns
            or any(e.text.lower() in rules.outlets for e in phrase.ents))


def outlet_name(phrase: Span, rules: QuoteRules) -> str:
    """"l'AFP" -> "AFP", "au micro de RTL" -> "RTL"; "Le Monde" and "les agences de presse" stay as written."""
    if phrase.root.lemma_ in rules.channel_nouns:
        named = [c for c in phrase.root.children if c.dep_ == "nmod" and c.pos_ in ("PROPN", "NOUN")]
        if named:
            phrase = noun_phrase(named[0])
    if phrase.root.pos_ == "PROPN" and phrase[0].pos_ == "DET" and phrase.text.lower() not in rules.outlets:
        return phrase[1:].text
    return phrase.text
