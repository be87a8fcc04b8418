"""Reporting verbs in a parsed sentence: which tokens are quote cues, in which lemma, and in which mood."""

from __future__ import annotations

from collections.abc import Collection

from spacy.attrs import LEMMA, LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc, Token

from corpus.quotes.rules import QuoteRules
from corpus.quotes.syntax import (
    INVERTED_PRONOUNS,
    SUBJECT_DEPS,
    SUBJECT_PRONOUNS,
    is_memoized,
    per_document,
)


def is_cue(token: Token, rules: QuoteRules) -> bool:
    """A reporting verb that reports here: not negated, not a bare participle, not passive, and not a
    verb like "poursuivre" with a noun object."""
    if is_memoized(token.doc):
        return token.i in _document_cues(token.doc, rules)[1]
    return _reports(token, rules)


def cue_tokens(doc: Doc, rules: QuoteRules) -> list[Token]:
    """The document's reporting verbs that report (see `is_cue`), in order."""
    if is_memoized(doc):
        return [doc[i] for i in sorted(_document_cues(doc, rules)[1])]
    return [token for token in doc if _reports(token, rules)]


def cue_lemma(token: Token, rules: QuoteRules) -> str | None:
    """The reporting verb's lemma where the token stands as one (see `_cue_lemma`)."""
    if is_memoized(token.doc):
        return _document_cues(token.doc, rules)[0].get(token.i)
    return _cue_lemma(token, rules)


@per_document()
def _document_cues(doc: Doc, rules: QuoteRules) -> tuple[dict[int, str], frozenset[int]]:
    """Every token's cue lemma, and the tokens that report, once per document pass."""
    verbs, forms = _ids(rules.verbs), _ids(rules.verb_forms)
    maybe = [i for i, (lemma, lower) in enumerate(doc.to_array([LEMMA, LOWER]).tolist())
             if lemma in verbs or lower in forms]  # the others cannot be cues: no token is made for them
    lemmas = {i: lemma for i in maybe if (lemma := _cue_lemma(doc[i], rules)) is not None}
    return lemmas, frozenset(i for i in lemmas if _reports(doc[i], rules, lemmas[i]))


def _ids(words: Collection[str]) -> frozenset[int]:
    """The string hashes of the words, as token attributes hold them, computed once per word list."""
    cached = _IDS.get(id(words))
    if cached is None or cached[0] is not words:
        cached = _IDS[id(words)] = (words, frozenset(hash_string(w) for w in words))
    return cached[1]


_IDS: dict[int, tuple[Collection[str], frozenset[int]]] = {}


def _reports(token: Token, rules: QuoteRules, lemma: str | None = None) -> bool:
    lemma = lemma or _cue_lemma(token, rules)
    return lemma is not None and not negated(token) and not bare_participle(token) and not passive(token) and not (
        lemma in rules.intransitive_cues and not in_incise(token)
        and any(c.dep_ == "obj" and c.pos_ in ("NOUN", "PROPN") for c in token.children))


def in_incise(verb: Token) -> bool:
    """"« … », a poursuivi l'expert": the verb (with its auxiliary) right after a quote or a comma,
    where the noun after it is the inverted subject, whatever the parse calls it."""
    i = verb.i - 1
    while i >= 0 and (verb.doc[i].pos_ == "AUX" or verb.doc[i].lower_ in INVERTED_PRONOUNS or verb.doc[i].lower_ == "-t"):
        i -= 1
    return i >= 0 and verb.doc[i].text in (",", "»", '"', "”")


def _cue_lemma(token: Token, rules: QuoteRules) -> str | None:
    """The reporting verb's lemma, from the lemmatizer or from the form ("indique", "martèle", which
    the lemmatizer leaves as they are), where the token stands as a verb: not after a determiner ("le
    juge", "une note"), and, if the tagger did not read it as a verb, governing a subject or standing
    where verbs stand: after a subject pronoun or an auxiliary, before "que", a colon or "-t-il", in
    an incise ("» , juge le ministère", "comme le rappelle HRW")."""
    lemma = token.lemma_ if token.lemma_ in rules.verbs else rules.verb_forms.get(token.lower_)
    if lemma is None or token.is_punct:
        return None
    doc = token.doc
    previous = doc[token.i - 1] if token.i else None
    before = doc[token.i - 2] if token.i > 1 else None
    comme = before is not None and before.lower_ == "comme"
    if previous is not None and previous.pos_ == "DET" and not comme and not (
            previous.lower_ in ("le", "la", "l'", "l’", "les") and before is not None and before.lower_ in SUBJECT_PRONOUNS):
        return None
    if token.pos_ in ("VERB", "AUX") or any(c.dep_ in SUBJECT_DEPS for c in token.children):
        return lemma
    following = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
    incise = previous is not None and previous.text == "," and before is not None and before.text in ("»", '"', "”")
    placed = previous is not None and (previous.lower_ in SUBJECT_PRONOUNS or previous.pos_ == "AUX") or \
        following in ("que", "qu'", "qu’", ":") or following in INVERTED_PRONOUNS
    return lemma if incise or comme or placed else None


def passive(verb: Token) -> bool:
    """"Elle a été reconnue par l'Église": the subject is what was said, not who said it."""
    return "Part" in verb.morph.get("VerbForm") and any(c.dep_ == "aux:pass" for c in verb.children)


def bare_participle(verb: Token) -> bool:
    """A past participle with no auxiliary ("la population se sent lâchée", "interrogé sur …") describes,
    it does not report. The auxiliary is looked for in the words before, as the parse often misses it
    ("a de son côté dénoncé")."""
    if "Part" not in verb.morph.get("VerbForm") or "Pres" in verb.morph.get("Tense"):
        return False
    return not any(c.dep_.startswith("aux") for c in verb.children) and auxiliary_before(verb) is None \
        and not in_incise(verb)  # "« … » averti Météo France": a misspelt incise still reports


def auxiliary_before(verb: Token) -> Token | None:
    """The auxiliary a few words before a participle, which the parse may not attach to it."""
    if "Part" not in verb.morph.get("VerbForm"):
        return None
    for token in reversed(verb.doc[max(verb.i - 4, 0):verb.i]):
        if token.lemma_ in ("avoir", "être") and token.pos_ in ("AUX", "VERB"):
            return token
        if token.is_punct:
            break
    return None


def negated(verb: Token) -> bool:
    """A negated cue ("n'a pas dit que") or one that only frames the writer's words ("il faut dire que")."""
    return verb.head.lemma_ == "falloir" and "Inf" in verb.morph.get("VerbForm") or any(
        c.lower_ in ("ne", "n'", "n’", "pas", "jamais") and c.dep_ == "advmod" for c in verb.children)


def conditional(verb: Token) -> bool:
    return any("Cnd" in t.morph.get("Mood") for t in [verb, *verb.children] if t.pos_ in ("AUX", "VERB"))
