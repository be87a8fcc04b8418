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

from corpus.conjugation import er_verb_forms
from corpus.entities import expand_acronym, is_acronym
from corpus.records import Note, NoteRef, Quote

SUBJECT_DEPS = ("nsubj", "nsubj:pass")
INVERTED_PRONOUNS = ("-il", "-elle", "-ils", "-elles", "-t-il", "-t-elle", "-t-ils", "-t-elles")
SUBJECT_PRONOUNS = ("il", "elle", "ils", "elles", "on", "je", "nous", "j'", "j’")
MENTION_DEPS = {"det", "amod", "flat:name", "flat", "compound", "fixed", "nummod"}

Doc.set_extension("quotes", default=None, force=True)


@dataclass(frozen=True)
class QuoteRules:
    verbs: frozenset[str]
    verb_forms: dict[str, str]
    """Inflected forms of the -er reporting verbs, and irregular forms the lemmatizer misses, to their lemma."""
    markers: dict[str, str]
    credit_verbs: frozenset[str]
    relay_verbs: frozenset[str]
    intransitive_cues: frozenset[str]
    self_description_cues: frozenset[str]
    """Verbs that report with a reflexive and an attribute: "s'est dit satisfait", "s'est déclaré prêt"."""
    """Verbs that report only without a noun object ("poursuit-il", not "poursuivre les recherches")."""
    outlets: frozenset[str]
    outlet_nouns: frozenset[str]
    pronouns: dict[str, tuple[str, str]]
    """Subject pronouns with the (gender, number) their antecedent must agree with."""
    honorifics: frozenset[str]
    honorific_genders: dict[str, str]
    marks: tuple[tuple[str, str], ...]
    term_max_words: int
    not_speakers: frozenset[str]
    channel_nouns: frozenset[str]
    person_nouns: frozenset[str]
    """Nouns for people who speak ("le ministre", "le chercheur")."""
    organisation_nouns: frozenset[str]
    """Nouns for organisations named before they are described ("l'ONG", "l'agence")."""
    institution_nouns: frozenset[str]
    """Nouns for institutions that speak as themselves ("l'armée", "la police")."""
    document_nouns: frozenset[str]
    """Documents that speak for their authors ("le communiqué du ministère", "un rapport de la Ligue arabe")."""
    marker_words: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = dataclasses.field(default_factory=dict)
    """Markers as the tokenizer splits them, keyed by their first token: {"d'": (("d'après", ("d'", "après")),)}."""

    @property
    def speaking_nouns(self) -> frozenset[str]:
        """Nouns for people, organisations and institutions: the nouns a speaker can be."""
        return self.person_nouns | self.organisation_nouns | self.institution_nouns

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
        forms = {form: verb for verb in sorted(verbs) for form in er_verb_forms(verb)}
        forms.update({form: verb for verb, irregular in rules["irregular_verb_forms"].items() for form in irregular})
        return cls(
            verbs=frozenset(verbs),
            verb_forms=forms,
            markers=dict(rules["attribution_markers"]),
            credit_verbs=frozenset(rules["credit_verbs"]),
            relay_verbs=frozenset(rules["relay_verbs"]),
            intransitive_cues=frozenset(rules["intransitive_cues"]),
            self_description_cues=frozenset(rules["self_description_cues"]),
            document_nouns=frozenset(rules["document_nouns"]),
            outlets=frozenset(o.lower() for o in rules["outlets"]),
            outlet_nouns=frozenset(rules["outlet_nouns"]),
            pronouns={word: tuple(agreement) for word, agreement in rules["pronouns"].items()},
            honorifics=frozenset(rules["honorifics"]),
            honorific_genders=dict(rules["honorific_genders"]),
            marks=tuple(tuple(pair) for pair in rules["quote_marks"]),
            term_max_words=int(rules["term_max_words"]),
            not_speakers=frozenset(rules["not_speakers"]),
            channel_nouns=frozenset(rules["channel_nouns"]),
            person_nouns=frozenset(rules["person_nouns"]),
            organisation_nouns=frozenset(rules["organisation_nouns"]),
            institution_nouns=frozenset(rules["institution_nouns"]),
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
        if attribution.speaker is None and attribution.cue is None:
            attribution.speaker = _clause_subject(doc, content, rules)
    return [_make(doc, piece, kind, attribution if kind != "term" else _Attribution(), rules) for piece in pieces]


def _clause_subject(doc: Doc, content: Span, rules: QuoteRules) -> Span | None:
    """"Mitt Romney se présentait comme « l'entraîneur … »": a fragment quoted with no reporting verb is
    credited to the subject of the clause it stands in, if that subject can speak."""
    sentence = content[0].sent
    for token in reversed(doc[sentence.start:content.start]):
        if token.text in (";", "»", '"', "”", ":"):
            return None
        if token.pos_ == "VERB":
            if _passive(token):
                return None  # "les prisonniers sont maintenus dans « … »": they undergo, they do not say
            subject = _subject(token, rules, content)
            return subject if subject is not None and _can_speak(doc, subject, rules) else None
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
    outside = [t for t in context if not (content.start <= t.i < content.end)]
    found = (_following_cue(doc, content, context, rules) or _leading_marker(doc, content, rules)
             or _colon_clause(doc, content, context, rules) or _nearest_cue(content, context, outside, rules))
    if found.speaker is None and found.reported_via is not None and found.cue is None:
        found.cue = "selon"  # "« … », selon l'AFP": the outlet is all the article names as the source
    if found.speaker is not None and found.cue in rules.credit_verbs and _is_outlet(found.speaker, rules):
        found.reported_via = _outlet_name(found.speaker, rules)
        if found.cue in rules.relay_verbs:  # "« … », rapporte Ouest-France": someone else's words
            found.speaker = None
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


def _following_cue(doc: Doc, content: Span, context: Span, rules: QuoteRules) -> _Attribution | None:
    """"« … », a déclaré X", "« … » indique le quotidien": a cue right after the closing mark."""
    i = content.end
    while i < context.end and (doc[i].text in ("»", '"', "”", "›", ",") or doc[i].is_space):
        i += 1
    for token in doc[i:min(i + 4, context.end)]:
        if _is_cue(token, rules):
            speaker = _cue_speaker(token, content, context, rules)
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
        if phrase.start - clause.start <= 3 and not _is_outlet(phrase, rules):  # "Selon X, … : « … »"
            return _Attribution(cue=rules.markers[marker], speaker=phrase)
    for cue in reversed([t for t in clause if _is_cue(t, rules)]):
        speaker = _cue_speaker(cue, content, context, rules)
        if speaker is not None:
            return _Attribution.of_verb(cue, speaker, rules)
    for verb in reversed([t for t in clause if t.pos_ == "VERB"]):
        speaker = _subject(verb, rules, content)
        if speaker is not None and _can_speak(doc, speaker, rules):
            return _Attribution(cue=":", cue_token=verb, speaker=speaker, conditional=_conditional(verb))
    return None


def _nearest_cue(content: Span, context: Span, outside: list[Token], rules: QuoteRules) -> _Attribution:
    """The cue nearest the quote that names a speaker, else the nearest cue."""
    own = range(content[0].sent.start, content[-1].sent.end)  # its own sentences before the context's
    doc = content.doc

    def across_semicolon(cue: Token) -> bool:
        between = doc[cue.i:content.start] if cue.i < content.start else doc[content.end:cue.i]
        return any(t.text == ";" for t in between)

    cues = sorted((t for t in outside if _is_cue(t, rules)),
                  key=lambda t: (t.i not in own, across_semicolon(t), min(abs(t.i - content.start), abs(t.i - content.end))))
    speakers = ((cue, _cue_speaker(cue, content, context, rules)) for cue in cues)
    cue, speaker = next(((c, s) for c, s in speakers if s is not None), (cues[0] if cues else None, None))
    return _Attribution.of_verb(cue, speaker, rules) if cue is not None else _Attribution()


def _can_speak(doc: Doc, mention: Span, rules: QuoteRules) -> bool:
    """A person, an organisation, a pronoun for one, or a noun for people, institutions or outlets."""
    return (mention.root.lower_.replace("-t-", "").lstrip("-") in rules.pronouns
            or _named_in_phrase(doc, mention, rules) is not None
            or mention.root.lemma_.lower() in rules.speaking_nouns or _is_outlet(mention, rules)
            or _document_author(mention, rules) is not None)


def _cue_speaker(cue: Token, content: Span, context: Span, rules: QuoteRules) -> Span | None:
    """Who the cue verb names: an inverted subject first when the verb follows the quote or stands in
    "comme le précise X", else its subject, else a subject after it."""
    doc = cue.doc
    after = doc[cue.i + 1:context.end]
    inverted = cue.i >= content.end or any(t.lower_ == "comme" for t in doc[max(cue.i - 4, 0):cue.i])
    if inverted:
        return _after_verb_speaker(cue, after, rules) or _subject(cue, rules, content)
    subject = _subject(cue, rules, content)
    if subject is not None:
        return subject
    late = _after_verb_speaker(cue, after, rules)  # a late subject, not the verb's object ("a menacé les auteurs")
    return late if late is not None and (late.root.dep_ in SUBJECT_DEPS or late.root.pos_ == "PRON") else None


def _is_cue(token: Token, rules: QuoteRules) -> bool:
    lemma = _cue_lemma(token, rules)
    return lemma is not None and not _negated(token) and not _bare_participle(token) and not _passive(token) and not (
        lemma in rules.intransitive_cues and not _in_incise(token)
        and any(c.dep_ == "obj" and c.pos_ in ("NOUN", "PROPN") for c in token.children))


def _in_incise(verb: Token) -> bool:
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


def _passive(verb: Token) -> bool:
    """"Elle a été reconnue par l'Église": the subject is what was said, not who said it."""
    return "Part" in verb.morph.get("VerbForm") and any(c.dep_ == "aux:pass" for c in verb.children)


def _bare_participle(verb: Token) -> bool:
    """A past participle with no auxiliary ("la population se sent lâchée", "interrogé sur …") describes,
    it does not report. The auxiliary is looked for in the words before, as the parse often misses it
    ("a de son côté dénoncé")."""
    if "Part" not in verb.morph.get("VerbForm") or "Pres" in verb.morph.get("Tense"):
        return False
    return not any(c.dep_.startswith("aux") for c in verb.children) and _auxiliary_before(verb) is None \
        and not _in_incise(verb)  # "« … » averti Météo France": a misspelt incise still reports


def _leading_marker(doc: Doc, content: Span, rules: QuoteRules) -> _Attribution | None:
    """"Mais pour Obama, « … »", "Selon le ministre : « … »": a marker right before the quote names its
    speaker, whatever cue stands further away."""
    sentence = content[0].sent
    before = [t for t in doc[sentence.start:content.start]]
    for marker, phrase in _markers(before, rules, allow_pour=True):
        between = doc[_phrase_end(doc, phrase):content.start]  # past an apposition: "D'après le ministre, X, « … »"
        if all(t.is_punct or t.is_space for t in between) and (not _is_outlet(phrase, rules) or _document_author(phrase, rules)):
            return _Attribution(cue=rules.markers[marker], speaker=phrase)
    return None


def _indirect(doc: Doc, rules: QuoteRules, covered: list[tuple[int, int]]) -> list[Quote]:
    quotes = []
    quoted = _quoted_tokens(doc, rules.marks)
    for token in doc:
        if token.i in quoted or not _is_cue(token, rules):
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
            elif child.dep_ == "xcomp" and _cue_lemma(token, rules) in rules.self_description_cues and any(
                    c.lower_ in ("se", "s'", "s’") for c in token.children):
                clause = doc[child.i:child.right_edge.i + 1]  # "s'est dit satisfait des résultats"
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
            named = any(e.label_ in ("PER", "ORG") for e in phrase.ents)
            edge = max(t.i for t in head.subtree if not t.is_punct) + 1
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
        entity = next(e for e in doc.ents if e.start == i)
        if entity.label_ == "MISC" or doc[i].pos_ not in ("PROPN", "NOUN", "PRON"):
            return entity  # a name the tagger read as other words
        return _mention(doc[i].head if doc[i].dep_ in ("flat:name", "flat") and doc[i].head.i >= i else doc[i])
    if doc[i].pos_ in ("PROPN", "NOUN", "PRON"):
        token = doc[i]
        return _mention(token.head if token.dep_ in ("flat:name", "flat") and token.head.i >= i else token)
    return None


def _rest_of_sentence(sentence: Span, phrase: Span) -> Span | None:
    doc = sentence.doc
    marker_start = phrase.start
    while marker_start > sentence.start and doc[marker_start - 1].pos_ in ("ADP", "DET", "VERB", "ADV", "SCONJ") \
            and doc[marker_start - 1].lower_ in ("selon", "d'", "d’", "après", "pour", "à", "en", "croire", "aux",
                                                  "yeux", "de", "l'avis"):
        marker_start -= 1
    before = _trim_punct(doc[sentence.start:marker_start]) if marker_start > sentence.start else None
    rest = phrase.end  # past the rest of the phrase: "Pour Moscou et Pékin, le régime …"
    for token in doc[phrase.end:min(phrase.end + 12, sentence.end)]:
        if token.pos_ in ("VERB", "AUX") and any(c.dep_ in SUBJECT_DEPS for c in token.children) or \
                token.text in ("«", '"', "“"):
            break  # "Selon lui la réforme est prête": no comma, the clause starts right after
        if token.text in (",", ":"):
            rest = token.i + 1
            break
    after = _trim_punct(doc[rest:sentence.end]) if rest < sentence.end else None
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
        clitic = child.lower_ in ("lui", "leur") and child.i < verb.i  # "lui avait dit X": to him, not him
        if child.lower_ not in ("ce", "c'", "cela", "ça", "qui", "que") and child.lemma_ not in rules.not_speakers \
                and not clitic:
            return _mention(child)
    head = verb.head
    if verb.dep_ in ("xcomp", "conj", "advcl", "acl", "parataxis") and head.pos_ == "VERB" and head is not verb and not (
            outside is not None and outside.start <= head.i < outside.end):
        return _subject(head, rules, outside)
    auxiliary = _auxiliary_before(verb)
    if auxiliary is not None and auxiliary is not verb:
        found = _subject(auxiliary, rules, outside)  # "Le gouvernement, impuissant, a de son côté dénoncé"
        if found is not None:
            return found
    return _clause_opening_subject(verb, rules, outside)


def _clause_opening_subject(verb: Token, rules: QuoteRules, outside: Span | None) -> Span | None:
    """When the parse gives a finite verb no subject ("Bruno Le Roux [vocative], président du groupe, est
    intervenu"): the first noun phrase of its clause that no preposition introduces, if no other
    verb stands between it and the verb."""
    if "Fin" not in verb.morph.get("VerbForm") and _auxiliary_before(verb) is None:
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
            if _after_preposition(doc, doc[token.i:token.i + 1]) or token.lemma_ in rules.not_speakers:
                continue
            return _mention(token) if token.dep_ not in ("flat:name", "flat") else _mention(token.head)
    return None


def _auxiliary_before(verb: Token) -> Token | None:
    """The auxiliary a few words before a participle, which the parse may not attach to it."""
    if "Part" not in verb.morph.get("VerbForm"):
        return None
    for token in reversed(verb.doc[max(verb.i - 4, 0):verb.i]):
        if token.lemma_ in ("avoir", "être") and token.pos_ in ("AUX", "VERB"):
            return token
        if token.is_punct:
            break
    return None


def _after_verb_speaker(verb: Token, window: Span, rules: QuoteRules) -> Span | None:
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
            return _mention(token if token.dep_ != "flat:name" else token.head)
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
    return verb.head.lemma_ == "falloir" and "Inf" in verb.morph.get("VerbForm") or any(
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
    if mention.root.pos_ == "PRON" and mention.root.lower_ not in ("un", "une") or \
            mention.text.lower().replace("-t-", "").lstrip("-") in rules.pronouns:
        return _resolve_pronoun(doc, mention, rules)
    author = _document_author(mention, rules)
    if author is not None:
        return author
    named = _named_in_phrase(doc, mention, rules)
    if named is not None:
        return _fullest(doc, named)
    return _named_role(doc, mention, rules) or _described(doc, mention, rules) or _role_text(mention, rules)


def _named_in_phrase(doc: Doc, mention: Span, rules: QuoteRules) -> Span | None:
    """The person or organisation a noun phrase names: an entity at its head ("M. Poutine"), a name in
    apposition ("l'ONG Human Rights Watch", "Un des chercheurs de HRW, Ole Solvang,"), or the name
    the phrase itself is apposed to ("Bernard Bonnet, le successeur de Claude Erignac, qui", "Joechen
    Zaumseil le vice-président"). A name after a preposition is a complement ("de HRW"), not the
    speaker. The parse is not trusted here: quotes next to the phrase often derail it."""
    names = _names(doc)
    end = _phrase_end(doc, mention)
    head = [e for e in names if e.start <= mention.root.i < e.end]
    apposed = [e for e in names if mention.start <= e.start < end and e not in head and not _after_preposition(doc, e)]
    for label in ("PER", "ORG", ""):  # "le ministre de l'Intérieur [ORG], Manuel Valls [PER]"
        found = [e for e in head + apposed if e.label_ == label]
        if found:
            return found[0]
    role = mention.root.lemma_.lower() in rules.speaking_nouns
    if mention.start > 1 and (mention[0].pos_ == "DET" or role):
        comma = doc[mention.start - 1].text == ","
        enclosed = end < len(doc) and (doc[end].text in (",", ")") or doc[end].lower_ in ("qui", "dont"))
        previous = [e for e in names if e.end == mention.start - comma and (comma or role)
                    and (enclosed or not _after_preposition(doc, e))]  # "… de la CPI, l'ONG a demandé": two phrases
        if previous:
            return previous[-1]
    return None


@lru_cache(maxsize=1)
def _names(doc: Doc) -> tuple[Span, ...]:
    """PER and ORG entities, and the other runs of proper nouns that can name a speaker (a MISC entity
    or a name the NER missed: "Joechen Zaumseil"), the latter without a label; once per document."""
    names = list(_named(doc))
    taken = {i for e in doc.ents for i in range(e.start, e.end) if e.label_ != "MISC"}
    run: list[int] = []
    for token in [*doc, None]:
        if token is not None and token.pos_ == "PROPN" and token.i not in taken and token.text[:1].isupper():
            run.append(token.i)
            continue
        if run:
            names.append(Span(doc, run[0], run[-1] + 1, label=""))
            run = []
    return tuple(sorted(names, key=lambda e: e.start))


def _document_author(mention: Span, rules: QuoteRules) -> str | None:
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
        phrase = _mention(agent)
        named = _named_in_phrase(doc, phrase, rules)
        if named is not None:
            return _fullest(doc, named)
        if agent.lemma_.lower() in rules.speaking_nouns or agent.pos_ == "PROPN":
            return _role_text(phrase, rules)
    return None


def _phrase_end(doc: Doc, mention: Span) -> int:
    """Where the noun phrase around `mention` ends: at a finite verb, a quote mark, a colon, a relative
    pronoun or the second comma (which closes an apposition). A participle ("ayant participé à …")
    and a parenthesis ("(Ufip)") stay inside."""
    end, commas, depth = mention.end, 0, 0
    limit = min(mention.sent.end, mention.end + 25)
    while end < limit:
        token = doc[end]
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
            if depth < 0:
                break
        elif depth == 0:
            finite = token.pos_ in ("VERB", "AUX") and not set(token.morph.get("VerbForm")) & {"Part", "Ger"}
            if finite or token.text in ("«", '"', "“", ":", ";") or token.lower_ in ("qui", "que", "qu'", "qu’", "dont"):
                break
            if token.text == ",":
                commas += 1
                if commas == 2:
                    break
        end += 1
    return end


def _after_preposition(doc: Doc, entity: Span) -> bool:
    """"de HRW", "du ministère", "avec Bernard Bonnet": the entity is a complement of the phrase."""
    before = entity.start - 1
    while before >= 0 and doc[before].pos_ == "DET":
        before -= 1
    return before >= 0 and (doc[before].pos_ == "ADP" or doc[before].lower_ in ("du", "des", "au", "aux", "d'", "d’"))


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
    that holds all of its words; "HRW" -> "Human Rights Watch": the organisation it abbreviates."""
    if entity.label_ == "ORG" and is_acronym(entity.text):
        expansion = expand_acronym(entity.text, [e.text for e in _named(doc) if e.label_ == "ORG"])
        if expansion:
            return expansion
    words = set(entity.text.lower().split())
    candidates = [e.text for e in _named(doc) if e.label_ == entity.label_ and words <= set(e.text.lower().split())]
    return max(candidates, key=len, default=entity.text)


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
    for token in doc:
        if token.lemma_ != root.lemma_ or token.pos_ != "NOUN" or mention.start <= token.i < mention.end:
            continue
        phrase = _mention(token)
        if not words <= _content_words(phrase):
            continue
        named = _named_in_phrase(doc, phrase, rules)
        if named is not None and named.label_ in labels:
            holders.append((token.i, _fullest(doc, named)))
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
    """A definite description of someone the article named just before: "l'ONG" -> "Human Rights
    Watch", "le chercheur" -> "Michel Mayor": the latest organisation or person named in the five
    sentences up to the mention. Only a bare description ("le chercheur", not "le chef de l'aviation
    civile") and not an institution that speaks as itself ("l'armée", "la police")."""
    if mention[0].lower_ not in ("le", "la", "l'", "l’") or "Plur" in mention.root.morph.get("Number"):
        return None  # "les analystes" are not the one person named last
    if any(t.dep_ == "nmod" for t in mention):
        return None
    head = mention.root.lemma_.lower()
    outlet = head in rules.outlet_nouns
    label = "ORG" if head in rules.organisation_nouns or outlet else "PER" if head in rules.person_nouns else None
    if label is None:
        return None
    earlier = [start for start in _sentence_starts(doc) if start <= mention.start][-5:]
    window_start = 0 if outlet else earlier[0] if earlier else mention.sent.start
    named = [e for e in _named(doc) if e.label_ == label and window_start <= e.start and e.end <= mention.start
             and (not outlet or _is_outlet(e, rules))]  # "le quotidien" is the newspaper the article named last
    return _fullest(doc, named[-1]) if named else None


def _resolve_pronoun(doc: Doc, pronoun: Span, rules: QuoteRules) -> str | None:
    """The antecedent of a subject pronoun ("il a précisé"): the most salient earlier referent that
    agrees in gender and number. If it is a thing ("La rencontre … mais elle confirme"), nobody is
    named."""
    word = pronoun.root.lower_.replace("-t-", "").lstrip("-")
    gender, number = rules.pronouns.get(word, (None, "Plur" if word.endswith("s") else "Sing"))
    referent = _salient_referent(doc, pronoun, rules, gender, number)
    return referent.name if referent is not None and referent.speaks else None


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
    quoted = _quoted_tokens(doc, rules.marks)
    starts = [start for start in _sentence_starts(doc) if start <= mention.start]
    entities = {e.root.i: e for e in _named(doc)}
    inside = {i for e in _named(doc) for i in range(e.start, e.end)}
    back = 0
    for start in reversed(starts[-12:]):
        end = min(mention.start, doc[start].sent.end)
        words = [t for t in doc[start:end] if t.i not in quoted and not t.is_punct and not t.is_space]
        if not words:
            continue  # a sentence of the quote itself: it does not count as a sentence back
        recency = 100 * 0.5 ** back
        back += 1
        if back > SENTENCES_BACK + 1:
            break
        for token in words:
            heads = token.dep_ not in _MODIFIER_DEPS and not any(c.dep_ == "case" for c in token.children)
            main = token.head.dep_ == "ROOT" or token.head.dep_ in ("conj", "parataxis") and token.head.head.dep_ == "ROOT"
            speaker = _cue_lemma(token.head, rules) is not None and token.head.i != token.i  # the subject of a cue
            role = (80 if main or speaker else 40) if token.dep_ in SUBJECT_DEPS else 80 if speaker and token.i > token.head.i \
                else 50 if token.dep_ == "obj" else 0
            weight = recency + role + (
                50 if heads else 0) + (token.i - start) / 1000
            for referent in _referents_at(doc, token, mention, rules, entities, inside, depth):
                yield referent, weight


def _referents_at(doc: Doc, token: Token, mention: Span, rules: QuoteRules, entities: dict[int, Span],
                  inside: set[int], depth: int):
    """What the mention headed by `token` refers to, if it is one pronoun resolution considers."""
    if token.i in entities:
        entity = entities[token.i]
        plural = entity.start > 0 and doc[entity.start - 1].lower_ in ("les", "des", "aux")
        name = _fullest(doc, entity)
        yield _Referent(name, name, entity.label_, True, "Plur" if plural else "Sing", _entity_gender(entity, rules))
    elif token.pos_ == "PROPN" and token.ent_type_ not in ("PER", "ORG", "LOC") and token.dep_ in SUBJECT_DEPS + (
            "obj",) and not (token.i > 0 and doc[token.i - 1].pos_ == "DET"):  # "la Chine" is a place
        name = _mention(token).text  # a name the NER missed or called MISC, where a speaker stands
        yield _Referent(name, name, "", True, "Sing", _entity_gender(_mention(token), rules))
    elif token.pos_ == "NOUN" and token.i not in inside and (
            token.dep_ in SUBJECT_DEPS or token.lemma_.lower() in rules.speaking_nouns):
        phrase = _mention(token)
        named = _named_in_phrase(doc, phrase, rules)
        number = (token.morph.get("Number") or [None])[0]
        gender = (token.morph.get("Gender") or [None])[0]
        if named is not None:
            name = _fullest(doc, named)
            yield _Referent(name, name, named.label_, True, number, gender)
        else:
            speaks = token.lemma_.lower() in rules.speaking_nouns or _is_outlet(phrase, rules)
            name = _speaker_name(doc, phrase, rules) if speaks and depth == 0 else None
            yield _Referent(name or phrase.text.lower(), name, "NOUN", speaks, number, gender)
    elif token.dep_ in SUBJECT_DEPS and token.lower_ in rules.pronouns and token.i != mention.root.i and depth < 2:
        gender, number = rules.pronouns[token.lower_]
        earlier = _salient_referent(doc, doc[token.i:token.i + 1], rules, gender, number,
                                    accept=lambda referent: referent.speaks, depth=depth + 1)
        if earlier is not None and earlier.name is not None:
            yield dataclasses.replace(earlier, number=number, gender=gender)


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


@lru_cache(maxsize=1)
def _quoted_tokens(doc: Doc, marks: tuple[tuple[str, str], ...]) -> frozenset[int]:
    """Indices of the tokens inside quotation marks, once per document."""
    inside = set()
    for start, end in quoted_spans(doc.text, marks):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            inside.update(range(span.start, span.end))
    return frozenset(inside)


def _role_text(mention: Span, rules: QuoteRules) -> str:
    words = [t for t in mention if t.text not in rules.honorifics]
    return mention.doc[words[0].i:words[-1].i + 1].text if words else mention.text


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
