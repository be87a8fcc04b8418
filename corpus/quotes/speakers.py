"""Who speaks: the mention that designates a quote's speaker (the cue's subject, an inverted subject)
and the fullest name the article gives it (an entity, an apposed name, the author of a document, the
holder of a role, the antecedent of a pronoun by salience)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from corpus.entities.outlets import Outlets
from corpus.quotes.cues import auxiliary_before, cue_lemma
from corpus.quotes.roles import holder_in_document
from corpus.quotes.rules import QuoteRules
from corpus.quotes.syntax import (
    INVERTED_PRONOUNS,
    SUBJECT_DEPS,
    after_preposition,
    candidate_names,
    entities_in,
    fullest_name,
    named_entities,
    noun_phrase,
    nouns_by_lemma,
    per_document,
    phrase_end,
    quoted_tokens,
    sentence_starts,
)


def subject_of(verb: Token, rules: QuoteRules, outside: Span | None = None) -> Span | None:
    """The cue verb's subject; a participle or infinitive cue ("…, affirmant : « … »") borrows the
    subject of the verb it depends on, unless that verb stands inside the quote (`outside`)."""
    for child in verb.children:
        subject = child.dep_ in SUBJECT_DEPS or (child.dep_ == "expl:subj" and child.lower_ in ("il", "elle"))
        if not subject or (outside is not None and outside.start <= child.i < outside.end):
            continue
        if child.lower_ == "qui" and verb.dep_ == "acl:relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
            return noun_phrase(verb.head)
        if child.lower_ == "-t" and child.i + 1 < len(verb.doc):
            return verb.doc[child.i + 1:child.i + 2]
        clitic = child.lower_ in ("lui", "leur") and child.i < verb.i  # "lui avait dit X": to him, not him
        if child.lower_ not in ("ce", "c'", "cela", "ça", "qui", "que") and child.lemma_ not in rules.not_speakers \
                and not clitic:
            return noun_phrase(child)
    head = verb.head
    if verb.dep_ in ("xcomp", "conj", "advcl", "acl", "parataxis") and head.pos_ == "VERB" and head is not verb and not (
            outside is not None and outside.start <= head.i < outside.end):
        return subject_of(head, rules, outside)
    auxiliary = auxiliary_before(verb)
    if auxiliary is not None and auxiliary is not verb:
        found = subject_of(auxiliary, rules, outside)  # "Le gouvernement, impuissant, a de son côté dénoncé"
        if found is not None:
            return found
    return clause_opening_subject(verb, rules, outside)


def clause_opening_subject(verb: Token, rules: QuoteRules, outside: Span | None) -> Span | None:
    """When the parse gives a finite verb no subject ("Bruno Le Roux [vocative], président du groupe, est
    intervenu"): the first noun phrase of its clause that no preposition introduces, if no other
    verb stands between it and the verb."""
    if "Fin" not in verb.morph.get("VerbForm") and auxiliary_before(verb) is None:
        return None
    doc = verb.doc
    start = verb.i
    while start > verb.sent.start and doc[start - 1].text not in (";", ":", "»", '"', "”", "«") and \
            doc[start - 1].lower_ not in ("que", "qu'", "qu’", "qui") and doc[start - 1].pos_ != "SCONJ":
        start -= 1
    for token in doc[start:verb.i]:
        if outside is not None and outside.start <= token.i < outside.end:
            return None
        if token.pos_ in ("VERB",) and token is not verb and token.lemma_ not in ("avoir", "être"):
            return None
        if token.pos_ in ("PROPN", "NOUN") or token.lower_ in rules.pronouns:
            if after_preposition(doc, doc[token.i:token.i + 1]) or token.lemma_ in rules.not_speakers:
                continue
            return noun_phrase(token) if token.dep_ not in ("flat:name", "flat") else noun_phrase(token.head)
    return None


def inverted_subject(verb: Token, window: Span, rules: QuoteRules) -> Span | None:
    """An inverted subject: "a déclaré le ministre", "affirme-t-il", "a-t-il précisé", "a assuré
    Jacques Trévidic", "déclare à l'AFP Jean-Philippe Magnen" (a complement may stand between). The
    search stops at a clause boundary (que, a verb, a quote mark)."""
    doc = verb.doc
    for token in doc[max(verb.i - 2, 0):verb.i]:
        if token.lower_ in INVERTED_PRONOUNS:
            return doc[token.i:token.i + 1]
    tokens = list(window)[:10]
    n = 0
    while n < len(tokens):
        token = tokens[n]
        if token.lower_ == "t" and n + 1 < len(tokens) and tokens[n + 1].lower_ in INVERTED_PRONOUNS:
            n += 1  # "estime t-elle": the euphonic t written apart from its pronoun
            continue
        if token.text in (".", "«", '"', ":", ";") or token.pos_ in ("SCONJ", "VERB") or token.lower_ in ("que", "qu'"):
            break
        if token.lower_ in INVERTED_PRONOUNS or token.lower_ in ("il", "elle"):
            return doc[token.i:token.i + 1]
        if token.pos_ == "ADP":
            n = _past_complement(tokens, n + 1)
            continue
        named = token.ent_type_ in ("PER", "ORG") and token.ent_iob_ == "B"
        if token.pos_ in ("PROPN", "NOUN") and (named or token.dep_ in SUBJECT_DEPS + ("obj", "appos", "nmod", "flat:name")) \
                and token.lemma_ not in rules.not_speakers:
            return noun_phrase(token if token.dep_ != "flat:name" else token.head)
        n += 1
    return None


def _past_complement(tokens: list[Token], n: int) -> int:
    """The index after the noun phrase that starts at `tokens[n]` ("l'AFP", "la chaîne BFM TV"): its
    determiners, then one entity or one noun with its adjectives."""
    while n < len(tokens) and tokens[n].pos_ == "DET":
        n += 1
    if n < len(tokens) and tokens[n].ent_iob_ == "B":
        n += 1
        while n < len(tokens) and tokens[n].ent_iob_ == "I":
            n += 1
        return n
    if n < len(tokens) and tokens[n].pos_ in ("NOUN", "PROPN", "PRON"):
        n += 1
    while n < len(tokens) and tokens[n].pos_ == "ADJ":
        n += 1
    return n


def cue_speaker(cue: Token, content: Span, context: Span, rules: QuoteRules) -> Span | None:
    """Who the cue verb names: an inverted subject first when the verb follows the quote or stands in
    "comme le précise X", else its subject, else a subject after it."""
    doc = cue.doc
    after = doc[cue.i + 1:context.end]
    inverted = cue.i >= content.end or any(t.lower_ == "comme" for t in doc[max(cue.i - 4, 0):cue.i])
    if inverted:
        return inverted_subject(cue, after, rules) or subject_of(cue, rules, content)
    subject = subject_of(cue, rules, content)
    if subject is not None:
        return subject
    late = inverted_subject(cue, after, rules)  # a late subject, not the verb's object ("a menacé les auteurs")
    return late if late is not None and (late.root.dep_ in SUBJECT_DEPS or late.root.pos_ == "PRON") else None


def can_speak(doc: Doc, mention: Span, rules: QuoteRules) -> bool:
    """A person, an organisation, a pronoun for one, or a noun for people, institutions or outlets."""
    return (mention.root.lower_.replace("-t-", "").lstrip("-") in rules.pronouns
            or named_in_phrase(doc, mention, rules) is not None
            or mention.root.lemma_.lower() in rules.speaking_nouns or is_outlet(mention, rules)
            or document_author(mention, rules) is not None)


@per_document(key=lambda mention, rules: (mention.start, mention.end))
def speaker_name(doc: Doc, mention: Span, rules: QuoteRules) -> str | None:
    """The fullest name the article gives the speaker, without the punctuation an entity may drag
    along ("Me Marc Uyttendaele.-")."""
    name = _speaker_name(doc, mention, rules)
    return (name.rstrip(" .,;:-–—") or None) if name is not None else None


def _speaker_name(doc: Doc, mention: Span, rules: QuoteRules) -> str | None:
    if mention.root.pos_ == "PRON" and mention.root.lower_ not in ("un", "une") or \
            mention.text.lower().replace("-t-", "").lstrip("-") in rules.pronouns:
        return _resolve_pronoun(doc, mention, rules)
    author = document_author(mention, rules)
    if author is not None:
        return author
    named = named_in_phrase(doc, mention, rules)
    if named is not None:
        return fullest_name(doc, named)
    if mention[0].lower_ in rules.indefinite_determiners:
        return role_text(mention, rules)  # "un conseiller": an unnamed one, not the adviser the article names
    return (_named_role(doc, mention, rules) or holder_in_document(doc, mention, rules) or _described(doc, mention, rules)
            or role_text(mention, rules))


def named_in_phrase(doc: Doc, mention: Span, rules: QuoteRules) -> Span | None:
    """The person or organisation a noun phrase names: an entity at its head ("M. Poutine"), a name in
    apposition ("l'ONG Human Rights Watch", "Un des chercheurs de HRW, Ole Solvang,"), or the name
    the phrase itself is apposed to ("Bernard Bonnet, le successeur de Claude Erignac, qui", "Joechen
    Zaumseil le vice-président"). A name after a preposition is a complement ("de HRW"), not the
    speaker. The parse is not trusted here: quotes next to the phrase often derail it."""
    names = candidate_names(doc)
    end = phrase_end(doc, mention)
    root = mention.root.i
    head = [e for e in names if e.start <= root < e.end]
    apposed = [e for e in names if mention.start <= e.start < end and e not in head and not after_preposition(doc, e)]
    for label in ("PER", "ORG", ""):  # "le ministre de l'Intérieur [ORG], Manuel Valls [PER]"
        found = [e for e in head + apposed if e.label_ == label]
        if found:
            return found[0]
    role = mention.root.lemma_.lower() in rules.speaking_nouns
    if mention.start > 1 and (mention[0].pos_ == "DET" or role):
        comma = doc[mention.start - 1].text == ","
        enclosed = end < len(doc) and (doc[end].text in (",", ")") or doc[end].lower_ in ("qui", "dont"))
        previous = [e for e in names if e.end == mention.start - comma and (comma or role)
                    and (enclosed or not after_preposition(doc, e))]  # "… de la CPI, l'ONG a demandé": two phrases
        if previous:
            return previous[-1]
    return None


def document_author(mention: Span, rules: QuoteRules) -> str | None:
    """Who a document speaks for: "le communiqué du ministère de l'Intérieur", "un rapport de la Ligue
    arabe", "le classement établi par Reporters sans frontières"."""
    head = mention.root
    if head.lemma_.lower() not in rules.document_nouns:
        return None
    doc = mention.doc
    agents = [c for c in head.children if c.dep_ == "nmod" and any(g.lower_ in ("de", "du", "des", "d'", "d’")
                                                                    for g in c.children)]
    for token in doc[head.i + 1:min(head.i + 8, head.sent.end - 1)]:  # "établi par X", "publié par X"
        if token.pos_ == "VERB" and doc[token.i + 1].lower_ == "par":
            agents.insert(0, next((t for t in doc[token.i + 2:token.i + 5] if t.pos_ in ("PROPN", "NOUN")), token))
            break
        if token.text in (",", ";", ":", ".", "«"):
            break
    for agent in agents:
        if agent.pos_ not in ("PROPN", "NOUN"):
            continue
        phrase = noun_phrase(agent)
        if head.lemma_.lower() in rules.interview_nouns and is_outlet(phrase, rules):
            return None  # "une interview au Monde": the outlet publishes it, the one interviewed speaks
        named = named_in_phrase(doc, phrase, rules)
        if named is not None:
            return fullest_name(doc, named)
        if agent.lemma_.lower() in rules.speaking_nouns or agent.pos_ == "PROPN":
            return role_text(phrase, rules)
    return None


def _named_role(doc: Doc, mention: Span, rules: QuoteRules) -> str | None:
    """"le ministre" -> "Sergueï Choïgou" when the article names the holder of that role elsewhere, in
    apposition: "le ministre de la Défense, Sergueï Choïgou", "Jacques Trévidic, président du
    syndicat", "le quotidien français Le Figaro". The phrase must hold the mention's words ("le
    ministre du budget" is not "le ministre des finances"); of several holders, the one named last
    before the mention."""
    root = mention.root
    labels = _role_labels(root, rules)
    if root.pos_ != "NOUN" or not labels:
        return None
    words = _content_words(mention)
    holders = []
    for token in nouns_by_lemma(doc).get(root.lemma_, ()):
        if mention.start <= token.i < mention.end:
            continue
        phrase = noun_phrase(token)
        if not words <= _content_words(phrase):
            continue
        named = named_in_phrase(doc, phrase, rules)
        if named is not None and named.label_ in labels:
            holders.append((token.i, fullest_name(doc, named)))
    if len({name for _, name in holders}) == 1:
        return holders[0][1]
    earlier = [name for i, name in holders if i < mention.start]
    return earlier[-1] if earlier else None


def _role_labels(noun: Token, rules: QuoteRules) -> tuple[str, ...]:
    """The entity labels a noun can describe: people for "le ministre", organisations (or names the NER
    left unlabelled) for "l'ONG", "le quotidien", "l'armée"."""
    lemma = noun.lemma_.lower()
    if lemma in rules.person_nouns:
        return ("PER",)
    if lemma in rules.organisation_nouns | rules.institution_nouns or lemma in rules.outlet_nouns:
        return ("ORG", "")
    return ()


def _content_words(phrase: Span) -> set[str]:
    return {t.lemma_.lower() for t in phrase if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.text not in ("-",)}


def _described(doc: Doc, mention: Span, rules: QuoteRules) -> str | None:
    """A definite or demonstrative description of someone the article named before: "l'ONG" -> "Human
    Rights Watch", "le chercheur" -> "Michel Mayor", "cet homme de 26 ans" -> "Ravi", "le chanteur de 64
    ans" -> "Claude Barzotti": the latest person (for a noun for people) or organisation (for a noun for
    organisations, or outlets) named before it outside quotation marks. Not a description whose complement
    names someone else ("le porte-parole de la CGT"), and not an institution that speaks as itself
    ("l'armée", "la police")."""
    if mention[0].lower_ not in ("le", "la", "l'", "l’", "ce", "cet", "cette") or "Plur" in mention.root.morph.get("Number"):
        return None  # "les analystes" are not the one person named last; "un homme" is someone new
    if any(t.ent_type_ in ("PER", "ORG") for t in mention):
        return None
    head = mention.root.lemma_.lower()
    outlet = head in rules.outlet_nouns
    label = "ORG" if head in rules.organisation_nouns or outlet else "PER" if head in rules.person_nouns else None
    if label is None:
        return None
    quoted = quoted_tokens(doc, rules.marks)
    named = [e for e in named_entities(doc) if e.label_ == label and e.end <= mention.start and e.start not in quoted
             and is_outlet(e, rules) == outlet]  # "le quotidien" is the newspaper the article named last
    return fullest_name(doc, named[-1]) if named else None


@per_document(key=lambda pronoun, rules: (pronoun.start, pronoun.end))
def _resolve_pronoun(doc: Doc, pronoun: Span, rules: QuoteRules) -> str | None:
    """The antecedent of a subject pronoun ("il a précisé"): the most salient earlier referent that
    agrees in gender and number. If it is a thing ("La rencontre … mais elle confirme"), nobody is
    named."""
    word = pronoun.root.lower_.replace("-t-", "").lstrip("-")
    gender, number = rules.pronouns.get(word, (None, "Plur" if word.endswith("s") else "Sing"))
    referent = _salient_referent(doc, pronoun, rules, gender, number)
    if referent is None or not referent.speaks:
        return None
    return referent.name if referent.phrase is None else speaker_name(doc, referent.phrase, rules)


@dataclass(frozen=True)
class _Referent:
    """What an earlier mention refers to, as salience weighs it."""

    key: str
    name: str | None
    label: str
    """The entity label, "" for a name the NER missed, "NOUN" for a description."""
    speaks: bool
    number: str | None
    gender: str | None
    phrase: Span | None = None
    """A description that can speak, named only if it is the referent chosen (`_resolve_pronoun`)."""


SENTENCES_BACK = 3


_MODIFIER_DEPS = ("nmod", "amod", "flat", "flat:name", "compound", "nummod", "fixed")


def _salient_referent(doc: Doc, mention: Span, rules: QuoteRules, gender: str | None, number: str | None,
                      accept=lambda referent: True, depth: int = 0) -> _Referent | None:
    """The referent most salient at `mention`, after Lappin and Leass: each earlier mention that agrees
    and that `accept` takes scores for its referent by recency (halved at each sentence back), by role
    (subject, object) and when it heads a phrase of its own (not a modifier or a prepositional
    complement); the scores of a referent's mentions add up. An earlier subject pronoun passes its
    score to its own antecedent. Words inside quotation marks are the speaker's, not the writer's, and
    are left out."""
    totals: dict[str, float] = {}
    referents: dict[str, _Referent] = {}
    for referent, weight in _antecedents(doc, mention, rules, depth):
        if referent.number and number and referent.number != number or gender and referent.gender and referent.gender != gender:
            continue
        if not accept(referent):
            continue
        totals[referent.key] = totals.get(referent.key, 0.0) + weight
        known = referents.get(referent.key)
        referents[referent.key] = referent if known is None or referent.speaks and not known.speaks else known
    return referents[max(totals, key=lambda key: totals[key])] if totals else None


def _antecedents(doc: Doc, mention: Span, rules: QuoteRules, depth: int = 0):
    """(referent, weight) for the mentions before `mention` in its sentence and the three before (not
    counting the sentences of a quote)."""
    starts = [start for start in sentence_starts(doc) if start <= mention.start]
    back = 0
    for start in reversed(starts[-12:]):
        words, candidates = _sentence_candidates(doc, start, rules)
        if not any(i < mention.start for i in words):
            continue  # a sentence of the quote itself: it does not count as a sentence back
        recency = 100 * 0.5 ** back
        back += 1
        if back > SENTENCES_BACK + 1:
            break
        for candidate in candidates:
            if candidate.i >= mention.start:
                break
            weight = recency + candidate.weight
            if candidate.referent is not None:
                yield candidate.referent, weight
            elif candidate.i != mention.root.i and depth < 2:
                earlier = _pronoun_referent(doc, candidate.i, depth + 1, rules)
                if earlier is not None and earlier.name is not None:
                    yield earlier, weight


@dataclass(frozen=True)
class _Candidate:
    """A token that heads a mention pronoun resolution weighs, with its weight but for recency."""

    i: int
    weight: float
    referent: _Referent | None
    """What it refers to; None for a subject pronoun, whose referent is its own antecedent's."""


@per_document(key=lambda start, rules: (start,))
def _sentence_candidates(doc: Doc, start: int, rules: QuoteRules) -> tuple[tuple[int, ...], tuple[_Candidate, ...]]:
    """The words of the sentence at `start` outside quotes, and its candidate mentions, once per document."""
    quoted = quoted_tokens(doc, rules.marks)
    entities, inside = _entities_by_root(doc)
    sentence = doc[start:doc[start].sent.end]
    words = tuple(t.i for t in sentence if t.i not in quoted and not t.is_punct and not t.is_space)
    candidates = []
    for i in words:
        token = doc[i]
        pronoun = token.dep_ in SUBJECT_DEPS and token.lower_ in rules.pronouns
        referent = None if pronoun else _referent_at(doc, token, rules, entities, inside)
        if not pronoun and referent is None:
            continue
        heads = token.dep_ not in _MODIFIER_DEPS and not any(c.dep_ == "case" for c in token.children)
        main = token.head.dep_ == "ROOT" or token.head.dep_ in ("conj", "parataxis") and token.head.head.dep_ == "ROOT"
        speaker = cue_lemma(token.head, rules) is not None and token.head.i != token.i  # the subject of a cue
        role = (80 if main or speaker else 40) if token.dep_ in SUBJECT_DEPS else 80 if speaker and token.i > token.head.i \
            else 50 if token.dep_ == "obj" else 0
        weight = role + (50 if heads else 0) + (i - start) / 1000
        candidates.append(_Candidate(i, weight, referent))
    return words, tuple(candidates)


@per_document()
def _entities_by_root(doc: Doc) -> tuple[dict[int, Span], set[int]]:
    """The named entities by their root token, and the tokens inside one."""
    return ({e.root.i: e for e in named_entities(doc)},
            {i for e in named_entities(doc) for i in range(e.start, e.end)})


def _referent_at(doc: Doc, token: Token, rules: QuoteRules, entities: dict[int, Span], inside: set[int]
                 ) -> _Referent | None:
    """What the mention headed by `token` refers to, if it is one pronoun resolution considers."""
    if token.i in entities:
        entity = entities[token.i]
        if entity.label_ == "PER" and is_outlet(entity, rules):
            return None  # an outlet the NER took for a person ("Médiapart")
        plural = entity.start > 0 and doc[entity.start - 1].lower_ in ("les", "des", "aux")
        name = fullest_name(doc, entity)
        return _Referent(name, name, entity.label_, True, "Plur" if plural else "Sing", _entity_gender(entity, rules))
    if token.pos_ == "PROPN" and token.ent_type_ not in ("PER", "ORG", "LOC") and token.dep_ in SUBJECT_DEPS + (
            "obj",) and not (token.i > 0 and doc[token.i - 1].pos_ == "DET"):  # "la Chine" is a place
        phrase = noun_phrase(token)  # a name the NER missed or called MISC, where a speaker stands
        return _Referent(phrase.text, phrase.text, "", True, "Sing", _entity_gender(phrase, rules))
    if token.pos_ == "NOUN" and token.i not in inside and (
            token.dep_ in SUBJECT_DEPS or token.lemma_.lower() in rules.speaking_nouns):
        phrase = noun_phrase(token)
        apposed = named_in_phrase(doc, phrase, rules)
        number = (token.morph.get("Number") or [None])[0]
        gender = (token.morph.get("Gender") or [None])[0]
        if apposed is not None:
            name = fullest_name(doc, apposed)
            return _Referent(name, name, apposed.label_, True, number, gender)
        speaks = token.lemma_.lower() in rules.speaking_nouns or is_outlet(phrase, rules)
        return _Referent(phrase.text.lower(), None, "NOUN", speaks, number, gender, phrase if speaks else None)
    return None


@per_document(key=lambda i, depth, rules: (i, depth))
def _pronoun_referent(doc: Doc, i: int, depth: int, rules: QuoteRules) -> _Referent | None:
    """The speaker an earlier subject pronoun stands for, with the pronoun's agreement."""
    gender, number = rules.pronouns[doc[i].lower_]
    earlier = _salient_referent(doc, doc[i:i + 1], rules, gender, number, accept=lambda referent: referent.speaks,
                                depth=depth)
    return dataclasses.replace(earlier, number=number, gender=gender) if earlier is not None else None


def _entity_gender(entity: Span, rules: QuoteRules) -> str | None:
    """"M. Poutine", "la ministre Élisabeth Borne": the gender an honorific or a noun before the name gives."""
    doc = entity.doc
    before = doc[entity.start - 1] if entity.start else None
    if before is None:
        return None
    if before.text in rules.honorific_genders:
        return rules.honorific_genders[before.text]
    if before.pos_ == "NOUN" and before.lemma_.lower() in rules.person_nouns:
        return (before.morph.get("Gender") or [None])[0]
    return None


def role_text(mention: Span, rules: QuoteRules) -> str:
    words = [t for t in mention if t.text not in rules.honorifics]
    return mention.doc[words[0].i:words[-1].i + 1].text if words else mention.text


def is_outlet(phrase: Span, rules: QuoteRules) -> bool:
    """A media outlet by name ("l'AFP") or by its noun ("le quotidien", "au micro de")."""
    return _is_outlet(phrase.doc, phrase.start, phrase.end, rules)


@per_document(key=lambda start, end, rules: (start, end))
def _is_outlet(doc: Doc, start: int, end: int, rules: QuoteRules) -> bool:
    phrase = doc[start:end]
    text = phrase.text.lower()
    bare = re.sub(r"^(l'|l’|le |la |les )", "", text)
    return (text in rules.outlets or bare in rules.outlets or phrase.root.lower_ in rules.outlet_nouns
            or any(e.text.lower() in rules.outlets for e in entities_in(doc, start, end)))


def outlet_name(phrase: Span, rules: QuoteRules) -> str:
    """"l'AFP" -> "AFP", "au micro de RTL" -> "RTL", "au Monde" -> "Le Monde": a listed outlet by its
    name; "les agences de presse" stays as written."""
    if phrase.root.lemma_ in rules.channel_nouns:
        named = [c for c in phrase.root.children if c.dep_ == "nmod" and c.pos_ in ("PROPN", "NOUN")]
        if named:
            phrase = noun_phrase(named[0])
    bare = phrase[1:] if phrase.root.pos_ == "PROPN" and phrase[0].pos_ == "DET" and len(phrase) > 1 else phrase
    listed = Outlets.load().find(bare.text)
    if listed is not None:
        return listed.name
    return bare.text if phrase.text.lower() not in rules.outlets else phrase.text
