"""Who speaks, decided by a model learnt from annotated articles: the rules of `corpus.quotes.speakers` and
`corpus.quotes.ruler` propose candidates for each quote (the rules' own speaker, the names, pronouns and
descriptions around it, the previous quote's speaker), each described by features (where it stands, its
syntactic role, what kind of thing it is, how salient it is, whether its gender fits a pronoun or role), and
gradient-boosted trees trained by `corpus train speakers` pick the most likely one, or nobody when none is likely
enough.

The trees are a small JSON file (`data/speaker_ranker.json`) with the hash of the gold data they came from; as a
file of `corpus/data` it is part of `pipeline_version`. Scoring walks a few array lookups: deterministic and cheap.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

import numpy
from spacy.attrs import LOWER, POS
from spacy.symbols import NOUN
from spacy.tokens import Doc, Span, Token

from corpus.entities.first_names import first_name_gender
from corpus.entities.outlets import Outlets
from corpus.quotes.cues import cue_lemma
from corpus.quotes.roles import role_mentions
from corpus.quotes.rules import QuoteRules
from corpus.quotes.speakers import is_outlet, speaker_name
from corpus.quotes.syntax import (
    SUBJECT_DEPS,
    after_preposition,
    candidate_names,
    document_text,
    noun_phrase,
    per_document,
    quoted_tokens,
    sentence_starts,
    sentences,
)
from corpus.records import Quote

RANKER_FILE = "speaker_ranker.json"
SENTENCES_BEFORE = 1
"""How many sentences before the quote's own are searched for candidates (a run of quotes reaches
further through the previous quote's speaker)."""
DOCUMENT_CANDIDATES = 4
"""How many of the article's other names are candidates: the most named ones, and the one named last."""
_TITLES = frozenset({"m", "mme", "mlle", "mm", "dr", "me", "le", "la", "les", "l", "un", "une", "pr"})
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    """A possible speaker of one quote: the name it resolves to, the mention that proposes it (None for
    the previous quote's speaker when nothing near the quote names it again), and its features."""

    name: str
    mention: tuple[int, int, str] | None
    """Character start, end and text of the mention."""
    features: dict[str, float]


@dataclass(frozen=True)
class Tree:
    """One regression tree of a boosted ensemble, as parallel arrays: node n splits on `features[n]` at
    `thresholds[n]` (go `left[n]` when the value is <= it), or is a leaf (`left[n] == -1`) worth `values[n]`."""

    features: tuple[str, ...]
    thresholds: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    values: tuple[float, ...]



class _Ensemble:
    """The trees as flat arrays (tree t's node n at t * width + n), so that every candidate of a quote goes down
    every tree in a few array steps: all splits are compared at once, then each level is one lookup. A leaf
    points to itself (child 0 and 1) and never splits (threshold +inf)."""

    def __init__(self, trees: Sequence[Tree]):
        names = sorted({f for tree in trees for f in tree.features if f})
        self.columns = {name: n for n, name in enumerate(names)}
        width = max(len(tree.left) for tree in trees)
        size = len(trees) * width
        self.feature = numpy.zeros(size, dtype=numpy.intp)
        self.threshold = numpy.full(size, numpy.inf)
        self.child = numpy.repeat(numpy.arange(size)[:, None], 2, axis=1)
        """Where a node sends a candidate: [value > threshold, value <= threshold]."""
        self.value = numpy.zeros(size)
        for t, tree in enumerate(trees):
            at = t * width
            for n, left in enumerate(tree.left):
                self.value[at + n] = tree.values[n]
                if left != -1:
                    self.feature[at + n] = self.columns[tree.features[n]]
                    self.threshold[at + n] = tree.thresholds[n]
                    self.child[at + n] = (at + tree.right[n], at + left)
        self.depth = max(_depth(tree) for tree in trees)
        self.roots = numpy.arange(len(trees))[:, None] * width
        splits = numpy.flatnonzero(numpy.isfinite(self.threshold))
        self.split_feature, self.split_threshold = self.feature[splits], self.threshold[splits][:, None]
        self.split_of = numpy.zeros(size, dtype=numpy.intp)
        """Each node's row among the splits (a leaf's is any: both its children are itself)."""
        self.split_of[splits] = numpy.arange(len(splits))

    def values(self, rows: Sequence[dict[str, float]]) -> numpy.ndarray:
        """The sum of the trees' leaf values for each row of features."""
        x = numpy.zeros((len(rows), len(self.columns) or 1))
        for r, features in enumerate(rows):
            for name, value in features.items():
                column = self.columns.get(name)
                if column is not None:
                    x[r, column] = value
        goes_left = (numpy.take(x.T, self.split_feature, axis=0) <= self.split_threshold).view(numpy.int8)
        node = numpy.repeat(self.roots, len(rows), axis=1)
        candidates = numpy.arange(len(rows))[None, :]
        for _ in range(self.depth):
            node = self.child[node, goes_left[self.split_of[node], candidates]]
        return self.value[node].sum(axis=0)


def _depth(tree: Tree, node: int = 0) -> int:
    if tree.left[node] == -1:
        return 0
    return 1 + max(_depth(tree, tree.left[node]), _depth(tree, tree.right[node]))


@dataclass(frozen=True)
class SpeakerRanker:
    """A scorer of candidate features: gradient-boosted trees (`trees`, each scaled by `learning_rate`) on top
    of `bias`, or a logistic model (`weights`). `threshold` is the probability below which the best candidate
    is not taken and the quote keeps no speaker."""

    weights: dict[str, float]
    bias: float
    threshold: float
    data_sha256: str
    trees: tuple[Tree, ...] = ()
    learning_rate: float = 1.0
    threshold_unattributed: float = 0.0
    """The probability needed to give a speaker to a quote the rules attribute to nobody (no cue, no
    mention): there a wrong name costs more than no name."""

    def probability(self, features: dict[str, float]) -> float:
        return self.probabilities([features])[0]

    def probabilities(self, rows: Sequence[dict[str, float]]) -> list[float]:
        """The probability of each candidate's features; the trees walk all candidates at once."""
        if self.trees:
            z = self.bias + self.learning_rate * self._ensemble.values(rows)
        else:
            z = numpy.array([self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
                             for features in rows])
        return (1.0 / (1.0 + numpy.exp(-numpy.clip(z, -30.0, 30.0)))).tolist()

    @cached_property
    def _ensemble(self) -> _Ensemble:
        return _Ensemble(self.trees)

    def choose(self, quote: Quote, candidates: Sequence[Candidate]) -> Candidate | None:
        """The most probable candidate (the first of equals), if it passes the threshold for the quote."""
        if not candidates:
            return None
        probabilities = self.probabilities([c.features for c in candidates])
        scored = [(p, -n) for n, p in enumerate(probabilities)]
        best = max(range(len(candidates)), key=lambda n: scored[n])
        unattributed = quote.cue is None and quote.speaker_name is None
        threshold = max(self.threshold, self.threshold_unattributed) if unattributed else self.threshold
        return candidates[best] if scored[best][0] >= threshold else None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=None, ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> SpeakerRanker:
        data = json.loads(text)
        trees = tuple(Tree(tuple(t["features"]), tuple(t["thresholds"]), tuple(t["left"]), tuple(t["right"]),
                           tuple(t["values"])) for t in data.get("trees", ()))
        return cls(dict(data["weights"]), float(data["bias"]), float(data["threshold"]), str(data["data_sha256"]),
                   trees, float(data.get("learning_rate", 1.0)), float(data.get("threshold_unattributed", 0.0)))


@lru_cache(maxsize=4)
def load_ranker(path: str | None = None) -> SpeakerRanker | None:
    """The trained ranker (the packaged one by default); None when no model has been trained."""
    if path is not None:
        with open(path, encoding="utf-8") as file:
            return SpeakerRanker.from_json(file.read())
    entry = resources.files("corpus.data").joinpath(RANKER_FILE)
    return SpeakerRanker.from_json(entry.read_text("utf-8")) if entry.is_file() else None


@lru_cache(maxsize=65536)
def name_key(name: str) -> tuple[str, ...]:
    """The words of a name as compared: accents, case and titles dropped."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return tuple(w for w in _WORD.findall(folded.lower()) if w not in _TITLES)


def same_person(a: str | None, b: str | None) -> bool:
    """"Macron" and "Emmanuel Macron": one name's words within the other's."""
    return bool(a) and bool(b) and _same_words(a, b)


@lru_cache(maxsize=65536)
def _same_words(a: str, b: str) -> bool:
    x, y = set(name_key(a)), set(name_key(b))
    return bool(x) and bool(y) and (x <= y or y <= x)


Chooser = Callable[[Quote, list[Candidate]], Candidate | None]


def rank_speakers(doc: Doc, quotes: Sequence[Quote], rules: QuoteRules, chooser: Chooser) -> list[Quote]:
    """Each quote (not a term) with the speaker `chooser` picks among its candidates, in reading order, so
    that the previous quote's speaker is the one chosen for it."""
    result: list[Quote] = []
    previous: Quote | None = None
    cue_speakers = _CueSpeakers(quotes)
    for quote in quotes:
        if quote.kind == "term" or _subject_is_a_thing(quote, rules) or _named_by_cue(quote):
            result.append(quote)  # a term, a quote whose subject the rules found to be a thing, or one a cue names
            if quote.speaker_name is not None and quote.kind != "term":
                previous = quote
            continue
        candidates = speaker_candidates(doc, quote, previous, rules, cue_speakers)
        chosen = chooser(quote, candidates)
        quote = _with_speaker(quote, chosen)
        result.append(quote)
        if quote.speaker_name is not None:
            previous = quote
    return result


class _CueSpeakers:
    """The speakers the rules give the document's quotes that have a cue, counted once per document: a candidate
    who speaks elsewhere with a cue of their own is likelier to speak here."""

    def __init__(self, quotes: Sequence[Quote]):
        self._counts = Counter(q.speaker_name for q in quotes if _has_cue_speaker(q))
        self._totals: dict[str, int] = {}

    def elsewhere(self, name: str, quote: Quote) -> int:
        """How many of the other quotes with a cue `name` speaks."""
        total = self._totals.get(name)
        if total is None:
            total = self._totals[name] = sum(n for other, n in self._counts.items() if same_person(name, other))
        return total - (_has_cue_speaker(quote) and same_person(name, quote.speaker_name))


def _has_cue_speaker(quote: Quote) -> bool:
    return quote.kind != "term" and bool(quote.cue) and bool(quote.speaker_name)


def _subject_is_a_thing(quote: Quote, rules: QuoteRules) -> bool:
    """The rules found the cue's subject and it is not someone ("la mesure prévoit …"); a pronoun they could
    not resolve is still someone, for the ranker to find."""
    mention = quote.speaker_mention
    return (quote.speaker_start is not None and quote.speaker_name is None and mention is not None
            and mention.lower().replace("-t-", "").lstrip("-") not in rules.pronouns)


_DETERMINERS = frozenset({"le", "la", "les", "l", "un", "une", "des", "son", "sa", "ses", "ce", "cet", "cette", "ces",
                          "leur", "leurs", "notre", "nos", "votre", "vos", "mon", "ma", "mes", "on"})
_NAME_JOINERS = frozenset({"de", "du", "des", "d", "la", "le", "l", "et", "von", "van", "der", "den", "al", "ben", "bin"})


def _named_by_cue(quote: Quote) -> bool:
    """The rules are sure: a cue names the speaker by a proper name ("« … », a déclaré Nicole Belloubet"),
    not by a pronoun, a description ("La ministre des Transports" at a sentence's start) or an outlet. The
    ranker decides the other quotes."""
    mention, name = quote.speaker_mention, quote.speaker_name
    if quote.cue is None or mention is None or name is None or not same_person(mention, name):
        return False
    words = _WORD.findall(mention)
    return (bool(words) and words[0].lower() not in _DETERMINERS and not _names_outlet(name)
            and all(w[:1].isupper() or w[:1].isdigit() or w in _NAME_JOINERS for w in words)
            and not mention.isupper())


def _with_speaker(quote: Quote, chosen: Candidate | None) -> Quote:
    if chosen is None:
        return dataclasses.replace(quote, speaker_name=None, speaker_mention=None, speaker_start=None,
                                   speaker_end=None)
    start, end, text = chosen.mention if chosen.mention is not None else (None, None, None)
    return dataclasses.replace(quote, speaker_name=chosen.name, speaker_mention=text, speaker_start=start,
                               speaker_end=end)


def speaker_candidates(doc: Doc, quote: Quote, previous: Quote | None, rules: QuoteRules,
                       cue_speakers: _CueSpeakers) -> list[Candidate]:
    """The candidates for `quote`: the rules' speaker, then every name, subject pronoun and description
    that can speak in its sentences and the two before and one after, outside quotation marks, and the
    previous quote's speaker; one candidate per mention, with its features."""
    span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
    if span is None:
        return []
    starts = sentence_starts(doc)
    all_sentences = sentences(doc)
    first = bisect.bisect_right(starts, span.start) - 1
    last = bisect.bisect_left(starts, span.end) - 1
    window = range(max(first - SENTENCES_BEFORE, 0), min(last + 2, len(all_sentences)))
    quoted = quoted_tokens(doc, rules.marks)
    context = _QuoteContext(doc, span, first, last, starts, quote, previous)
    found: list[tuple[Span, str]] = []
    seen: set[tuple[int, int]] = set()
    unresolved: list[Span] = []  # the rules' pronoun that they could not resolve: its antecedents are candidates
    if quote.speaker_start is not None:
        mention = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
        if mention is not None:
            if quote.speaker_name is not None:
                found.append((mention, quote.speaker_name))
            else:
                unresolved.append(mention)
            seen.add((mention.start, mention.end))
    for mention in _mentions(doc, window, span, quoted, rules):
        if (mention.start, mention.end) in seen or any(m.start <= mention.root.i < m.end for m, _ in found):
            continue
        seen.add((mention.start, mention.end))
        name = speaker_name(doc, mention, rules)
        if name:
            found.append((mention, name))
    candidates = []
    for m, name in found:
        features = _features(context, m, name, rules)
        candidates.append(Candidate(name, (m.start_char, m.end_char, m.text), features))
        if features["rule_mention"] and (features["pronoun"] or features["description"]):
            candidates.extend(_antecedents(context, m, name, features, quoted, rules))
    for m in unresolved:
        features = _features(context, m, m.text, rules)
        features["rule_mention"] = 1.0
        candidates.extend(_antecedents(context, m, m.text, features, quoted, rules))
    candidates.extend(_document_candidates(context, candidates, quoted, rules))
    rule_name = quote.speaker_name
    if rule_name is not None and not any(c.name == rule_name for c in candidates):  # a speaker the rules carried over
        candidates.append(Candidate(rule_name, None, _carried_features(context, rule_name)))
    if previous is not None and not any(same_person(c.name, previous.speaker_name) for c in candidates):
        candidates.append(Candidate(previous.speaker_name, None, _carried_features(context, previous.speaker_name)))
    for candidate in candidates:
        candidate.features["salience"] = _salience(doc, candidate.name)
        candidate.features.update(_name_evidence(doc, candidate.name, rules))
        candidate.features["cue_speaker_elsewhere"] = math.log1p(
            cue_speakers.elsewhere(candidate.name, quote))
    _agreement_features(doc, quote, candidates, rules)
    if quote.reported_via is not None and quote.cue in rules.relay_verbs:  # "…, rapporte Ouest-France": not its words
        candidates = [c for c in candidates if not same_person(c.name, quote.reported_via)]
    _relative_features(candidates)
    return candidates


def _agreement_features(doc: Doc, quote: Quote, candidates: list[Candidate], rules: QuoteRules) -> None:
    """How each candidate fits the pronoun or description the rules found as the cue's subject ("elle", "la
    maire"): whether the article gives it that description's role elsewhere, whether its gender agrees, and
    whether it is the only person among the candidates who agrees (the one woman the article names is who
    "la maire" is)."""
    if quote.speaker_start is None or quote.speaker_end is None:
        return
    mention = doc.char_span(quote.speaker_start, quote.speaker_end, alignment_mode="expand")
    if mention is None or mention.root.pos_ == "PROPN" or mention.root.ent_type_:
        return
    if mention.root.pos_ == "NOUN":
        lemma = mention.root.lemma_.lower()
        holders = [holder for holder, noun in _role_nouns(doc, rules) if noun.lemma_.lower() == lemma]
        for c in candidates:
            c.features["holds_role_of_description"] = float(any(same_person(c.name, h) for h in holders))
    gender = _anaphor_gender(mention, rules)
    if gender is None:
        return
    genders = [_entity_gender_in(doc, c.name, rules) for c in candidates]
    agreeing = {name_key(c.name) for c, g in zip(candidates, genders) if g == gender}
    for c, g in zip(candidates, genders):
        c.features["anaphor_gender_agrees"] = float(g == gender)
        c.features["anaphor_gender_conflicts"] = float(g is not None and g != gender)
        c.features["anaphor_only_agreeing"] = float(g == gender and len(agreeing) == 1)


@per_document(key=lambda rules: ())
def _role_nouns(doc: Doc, rules: QuoteRules) -> tuple[tuple[str, Token], ...]:
    """(holder, the role's noun) for each role the article gives a person: "la ministre des Transports Élisabeth
    Borne" makes her a "ministre" (whom "la ministre" may be), and a woman."""
    found = []
    for role in role_mentions(doc, rules):
        span = doc.char_span(role.start, role.end, alignment_mode="expand")
        noun = next((t for t in span if t.pos_ == "NOUN"), None) if span is not None else None
        if noun is not None:
            found.append((role.holder, noun))
    return tuple(found)


@dataclass(frozen=True)
class _QuoteContext:
    doc: Doc
    span: Span
    first: int
    """Index of the quote's first sentence."""
    last: int
    starts: tuple[int, ...]
    quote: Quote
    previous: Quote | None

    def sentence_of(self, i: int) -> int:
        return bisect.bisect_right(self.starts, i) - 1

    def paragraph_breaks(self, a: int, b: int) -> int:
        """How many paragraph breaks lie between tokens a and b."""
        low, high = sorted((a, b))
        if high <= low:
            return 0
        return document_text(self.doc).count("\n\n", self.doc[low].idx, self.doc[high - 1].idx)


def _mentions(doc: Doc, sentence_range: range, quote: Span, quoted: frozenset[int], rules: QuoteRules):
    """Names, subject pronouns and speaking nouns of the window's sentences, outside the quote and quotation
    marks."""
    for n in sentence_range:
        for mention in _sentence_mentions(doc, n, rules):
            if _outside(mention.start, quote, quoted) and _outside(mention.root.i, quote, quoted):
                yield mention


@per_document(key=lambda n, rules: (n,))
def _sentence_mentions(doc: Doc, n: int, rules: QuoteRules) -> tuple[Span, ...]:
    """The names, subject pronouns and speaking nouns of sentence `n`, once per document."""
    sentence = sentences(doc)[n]
    names = [e for e in candidate_names(doc) if e.start >= sentence.start and e.end <= sentence.end]
    inside_names = {i for e in names for i in range(e.start, e.end)}
    found = list(names)
    for i in _pronouns_and_nouns(doc, rules):
        if i < sentence.start or i >= sentence.end or i in inside_names:
            continue
        token = doc[i]
        lemma = token.lemma_.lower()
        if token.lower_.replace("-t-", "").lstrip("-") in rules.pronouns and (
                token.dep_ in SUBJECT_DEPS or token.text.startswith("-")):
            found.append(doc[token.i:token.i + 1])
        elif token.pos_ == "NOUN" and (lemma in rules.speaking_nouns or lemma in rules.outlet_nouns
                                       or lemma in rules.document_nouns):
            found.append(noun_phrase(token))
    return tuple(found)


@per_document(key=lambda rules: ())
def _pronouns_and_nouns(doc: Doc, rules: QuoteRules) -> tuple[int, ...]:
    """The tokens that may be a subject pronoun or a speaking noun (the others are not read: a token is made on
    each access)."""
    strings = doc.vocab.strings
    return tuple(i for i, (pos, lower) in enumerate(doc.to_array([POS, LOWER]).tolist())
                 if pos == NOUN or strings[lower].replace("-t-", "").lstrip("-") in rules.pronouns)


def _outside(i: int, quote: Span, quoted: frozenset[int]) -> bool:
    return not (quote.start <= i < quote.end) and i not in quoted


def _features(context: _QuoteContext, mention: Span, name: str, rules: QuoteRules) -> dict[str, float]:
    """The mention's own features (`_mention_features`, once per document) and those of where it stands
    relative to the quote."""
    doc, span, quote = context.doc, context.span, context.quote
    sentence = context.sentence_of(mention.start)
    before = mention.end <= span.start
    distance = span.start - mention.end if before else mention.start - span.end
    in_own = context.first <= sentence <= context.last
    f = dict(_mention_features(doc, mention, name, rules))
    f.update({
        "rule_mention": float(quote.speaker_start is not None and mention.start_char == quote.speaker_start),
        "rule_name": float(same_person(name, quote.speaker_name)),
        "previous_name": float(context.previous is not None and same_person(name, context.previous.speaker_name)),
        "same_sentence": float(in_own),
        "sentences_before": float(max(context.first - sentence, 0)),
        "sentence_after": float(sentence > context.last),
        "before_quote": float(before and in_own),
        "after_quote": float(not before and in_own),
        "log_distance": math.log1p(max(distance, 0)),
        "paragraph_breaks": float(min(context.paragraph_breaks(mention.start, span.start), 3)),
        "name_is_credited_outlet": float(quote.reported_via is not None and same_person(name, quote.reported_via)),
        f"kind_{quote.kind}": 1.0,
        "no_cue": float(quote.cue is None),
        "colon_before": float(before and in_own and ":" in document_text(doc)[mention.end_char:span.start_char]),
    })
    f["rule_outlet"] = f["rule_mention"] * f["outlet"]
    f["rule_unresolved_description"] = f["rule_mention"] * f["unresolved_description"]
    f["rule_non_speaking"] = f["rule_mention"] * (f["non_speaking_noun"] + f["single_unlabelled_word"])
    f["no_cue_previous"] = f["no_cue"] * f["previous_name"]
    f["cue_rule"] = (1.0 - f["no_cue"]) * f["rule_name"]
    return f


@per_document(key=lambda mention, name, rules: (mention.start, mention.end, name))
def _mention_features(doc: Doc, mention: Span, name: str, rules: QuoteRules) -> dict[str, float]:
    """What a mention is, whatever quote it is a candidate for: its kind, syntactic role, and the name it
    resolves to."""
    root = mention.root
    label = mention.label_ if mention.label_ in ("PER", "ORG") else ""
    pronoun = root.pos_ == "PRON" or root.lower_.replace("-t-", "").lstrip("-") in rules.pronouns
    lemma = root.lemma_.lower()
    head = root.head
    head_cue = cue_lemma(head, rules) is not None and head is not root
    f = {
        "per": float(label == "PER"),
        "org": float(label == "ORG"),
        "propn": float(not label and not pronoun and root.pos_ == "PROPN"),
        "pronoun": float(pronoun),
        "description": float(not label and not pronoun and root.pos_ != "PROPN"),
        "person_noun": float(lemma in rules.person_nouns),
        "institution_noun": float(lemma in rules.organisation_nouns or lemma in rules.institution_nouns),
        "document_noun": float(lemma in rules.document_nouns),
        "outlet": float(is_outlet(mention, rules)),
        "resolved_to_other_words": float(not same_person(name, mention.text)),
        "subject": float(root.dep_ in SUBJECT_DEPS),
        "subject_of_cue": float(root.dep_ in SUBJECT_DEPS and head_cue),
        "inverted_subject_of_cue": float(head_cue and root.i > head.i and root.dep_ not in ("obl", "obl:arg", "obl:mod")),
        "object": float(root.dep_ in ("obj", "iobj")),
        "oblique": float(root.dep_.startswith("obl") or root.dep_ == "nmod"),
        "after_preposition": float(after_preposition(doc, mention)),
        "appos": float(root.dep_ == "appos"),
        "plural": float("Plur" in root.morph.get("Number")),
        "multiword_name": float(len(name_key(name)) >= 2),
        "junk_name": float(_junk(name)),
        "name_is_outlet": float(_names_outlet(name)),
    }
    if pronoun or not label and root.pos_ != "PROPN":  # what the rules resolved a pronoun or description to
        gender, name_gender = _anaphor_gender(mention, rules), _entity_gender_in(doc, name, rules)
        f["resolved_gender_conflicts"] = float(gender is not None and name_gender is not None and gender != name_gender)
        f["resolved_gender_agrees"] = float(gender is not None and gender == name_gender)
        f["resolved_is_organisation"] = float(name_label(doc, name) == "ORG")
        f["resolved_to_person_from_pronoun"] = float(pronoun and name_label(doc, name) == "PER")
    if f["description"]:
        f["head_personhood"] = _personhood(root, rules)
    speaking = lemma in rules.speaking_nouns or f["outlet"] or f["document_noun"]
    f["non_speaking_noun"] = float(f["description"] and not speaking)
    f["unresolved_description"] = float(f["description"] and not f["resolved_to_other_words"])
    f["demonstrative"] = float(mention[0].lower_ in ("ce", "cet", "cette", "ces"))
    f["single_unlabelled_word"] = float(f["propn"] and len(mention) == 1)
    return f


def _personhood(noun: Token, rules: QuoteRules) -> float:
    """How close the noun's word vector is to those of the nouns for people who speak: "porte-parole" or
    "syndicat" near 0.6-0.8, "amélioration" or "résultats" near 0.2, so that a noun no list has is still told
    apart from someone; 0 without a vector."""
    lemma = noun.lemma_.lower()
    return _word_personhood(noun.vocab, lemma if noun.vocab.has_vector(lemma) else noun.text, rules.person_nouns)


@lru_cache(maxsize=65536)
def _word_personhood(vocab, word: str, person_nouns: frozenset[str]) -> float:
    vector = vocab[word].vector
    centroid = _person_centroid(vocab, person_nouns)
    norm = float(numpy.linalg.norm(vector))
    return float(vector @ centroid) / norm if norm and centroid is not None else 0.0


@lru_cache(maxsize=4)
def _person_centroid(vocab, nouns: frozenset[str]) -> numpy.ndarray | None:
    """The unit mean vector of the person nouns the vectors know."""
    vectors = [vocab[noun].vector for noun in sorted(nouns) if vocab.has_vector(noun)]
    if not vectors:
        return None
    mean = numpy.mean(vectors, axis=0)
    return mean / numpy.linalg.norm(mean)


ANTECEDENTS = 3
"""How many of the names before a pronoun or a description are proposed as what it stands for."""
SENTENCES_BACK = 8


def _antecedents(context: _QuoteContext, anaphor: Span, resolved: str, features: dict[str, float],
                 quoted: frozenset[int], rules: QuoteRules) -> list[Candidate]:
    """What a pronoun or a description ("elle", "le démocrate de 77 ans", "l'organisme") may stand for
    besides the rules' own answer: the last few people and organisations named before it, each a candidate
    with the anaphor's features and its own (how recent, whether its label and gender agree)."""
    doc = context.doc
    first = context.starts[max(context.sentence_of(anaphor.start) - SENTENCES_BACK, 0)]
    names: list[tuple[str, Span]] = []
    for entity in reversed(candidate_names(doc)):
        if entity.end > anaphor.start or entity.start < first:
            continue
        if entity.label_ not in ("PER", "ORG") or entity.start in quoted:
            continue
        name = speaker_name(doc, entity, rules)
        if name and not any(same_person(name, known) for known, _ in names):
            names.append((name, entity))
        if len(names) == ANTECEDENTS:
            break
    gender = _anaphor_gender(anaphor, rules)
    person = features["pronoun"] or features["person_noun"]
    out = []
    for rank, (name, entity) in enumerate(names):
        if same_person(name, resolved):
            continue
        f = dict(features)
        f["rule_mention"] = 0.0  # the rules' answer for this mention is the candidate `resolved`, not this one
        f["rule_name"] = float(same_person(name, context.quote.speaker_name))
        f["previous_name"] = float(context.previous is not None and same_person(name, context.previous.speaker_name))
        entity_gender = _entity_gender_in(doc, name, rules)
        f.update({
            "antecedent": 1.0,
            f"antecedent_rank_{rank}": 1.0,
            "antecedent_per": float(entity.label_ == "PER"),
            "antecedent_label_agrees": float((entity.label_ == "PER") == bool(person)),
            "antecedent_gender_agrees": float(gender is not None and entity_gender == gender),
            "antecedent_gender_conflicts": float(gender is not None and entity_gender is not None and entity_gender != gender),
            "antecedent_subject": float(entity.root.dep_ in SUBJECT_DEPS),
            "antecedent_log_sentences": math.log1p(context.sentence_of(anaphor.start) - context.sentence_of(entity.start)),
            "name_is_outlet": float(_names_outlet(name)),
            "resolved_to_other_words": 1.0,
            "multiword_name": float(len(name_key(name)) >= 2),
            "junk_name": float(_junk(name)),
        })
        f["rule_antecedent"] = features["rule_mention"]
        f["cue_rule"] = (1.0 - f["no_cue"]) * f["rule_name"]
        f["no_cue_previous"] = f["no_cue"] * f["previous_name"]
        out.append(Candidate(name, (anaphor.start_char, anaphor.end_char, anaphor.text), f))
    return out


def _anaphor_gender(anaphor: Span, rules: QuoteRules) -> str | None:
    word = anaphor.root.lower_.replace("-t-", "").lstrip("-")
    if word in rules.pronouns:
        return rules.pronouns[word][0]
    gender = anaphor.root.morph.get("Gender")
    return gender[0] if len(gender) == 1 else None


@per_document()
def _name_texts(doc: Doc) -> tuple[str, ...]:
    """The text of each of `candidate_names` (a span's text is joined again on every access)."""
    return tuple(e.text for e in candidate_names(doc))


@per_document(key=lambda name: (name,))
def _mentions_of(doc: Doc, name: str) -> tuple[Span, ...]:
    """The names of the document that are the same person as `name`."""
    return tuple(e for e, text in zip(candidate_names(doc), _name_texts(doc)) if same_person(text, name))


@per_document(key=lambda name: (name,))
def name_label(doc: Doc, name: str) -> str | None:
    """The label of the entities that bear a name (PER or ORG), if they agree."""
    labels = {e.label_ for e in _mentions_of(doc, name) if e.label_ in ("PER", "ORG")}
    return labels.pop() if len(labels) == 1 else None


@per_document(key=lambda name, rules: (name,))
def gender_evidence(doc: Doc, name: str, rules: QuoteRules) -> tuple[str | Token, ...]:
    """What the article says of a name's gender, piece by piece: the gender ("Fem", "Masc") of a form of address
    right before one of its mentions ("Mme Borne"), and the gendered nouns it is given, right before a mention ("la
    ministre Élisabeth Borne") or as its role ("Laura Andrade, directrice de …"), as tokens: how to read a noun's
    gender is the caller's choice."""
    found: list[str | Token] = []
    for holder, noun in _role_nouns(doc, rules):
        if same_person(holder, name):
            found.append(noun)
    for entity in _mentions_of(doc, name):
        if entity.label_ != "PER" or entity.start == 0:
            continue
        before = doc[entity.start - 1]
        if before.text in rules.honorific_genders:
            found.append(rules.honorific_genders[before.text])
        elif before.pos_ == "NOUN" and before.lemma_.lower() in rules.person_nouns:
            found.append(before)
    return tuple(found)


@per_document(key=lambda name, rules: (name,))
def _entity_gender_in(doc: Doc, name: str, rules: QuoteRules) -> str | None:
    """The gender the article gives a name (`gender_evidence`, nouns by their tagged gender); failing that, the
    gender its given name marks; None when nothing says, or the article says both."""
    found = {gender for piece in gender_evidence(doc, name, rules)
             for gender in (piece.morph.get("Gender") if isinstance(piece, Token) else [piece])}
    if found:
        return found.pop() if len(found) == 1 else None
    return first_name_gender(name) if name_label(doc, name) == "PER" else None


def _document_candidates(context: _QuoteContext, near: list[Candidate], quoted: frozenset[int], rules: QuoteRules
                         ) -> list[Candidate]:
    """The people and organisations named anywhere else in the article, one candidate per name: the holder
    of a role the quote's sentence only describes ("le chef de l'Etat" for "Emmanuel Macron"), the speaker
    of a run of quotes named paragraphs earlier."""
    doc, span = context.doc, context.span
    rule = next((c.features for c in near if c.features.get("rule_mention")), {})
    rule_description = bool(rule.get("unresolved_description"))
    rule_person_noun = bool(rule.get("person_noun"))
    rule_pronoun = bool(rule.get("pronoun"))
    rule_weak = bool(rule_description or rule.get("outlet") or rule.get("non_speaking_noun")
                     or rule.get("single_unlabelled_word") or not rule)
    found: dict[str, list[Span]] = {}
    near_names = {c.name for c in near}
    key_of: dict[str, str | None] = {}  # each name's group, or None when it is a candidate already
    for entity, name in _document_names(doc, rules):
        if not _outside(entity.start, span, quoted):
            continue
        if name not in key_of:
            key_of[name] = None if any(same_person(name, n) for n in near_names) else next(
                (k for k in found if same_person(k, name)), name)
        if key_of[name] is not None:
            found.setdefault(key_of[name], []).append(entity)
    people = sorted(found, key=lambda k: -len(found[k]))
    before = [e for k in found for e in found[k] if e.end <= span.start]
    latest = max(before, key=lambda e: e.start) if before else None
    latest_name = next((k for k in found if latest is not None and any(e.start == latest.start for e in found[k])), None)
    kept = people[:DOCUMENT_CANDIDATES] + ([latest_name] if latest_name and latest_name not in people[:DOCUMENT_CANDIDATES] else [])
    candidates = []
    for rank, name in ((people.index(name), name) for name in kept):
        mentions = found[name]
        nearest = min(mentions, key=lambda e: abs(e.start - span.start))
        distance = abs(context.sentence_of(nearest.start) - context.first)
        per = mentions[0].label_ == "PER"
        is_latest = name == latest_name
        f = {
            "document": 1.0,
            "document_per": float(per),
            "document_log_sentences": math.log1p(distance),
            "document_first_named": float(mentions[0].start == min(e.start for k in found for e in found[k])),
            "document_most_named": float(rank == 0),
            "document_only_before": float(all(e.end <= span.start for e in mentions)),
            "document_holder_of_description": float(rule_description and per),
            "document_latest_before": float(is_latest),
            "document_rule_weak": float(rule_weak),
            "document_rule_weak_latest": float(rule_weak and is_latest),
            "document_rule_weak_most_named": float(rule_weak and rank == 0),
            "document_description_most_named_per": float(rule_description and rank == 0 and per),
            "document_label_matches_rule": float(rule_description and (per == rule_person_noun)),
            "document_label_matches_rule_latest": float(rule_description and (per == rule_person_noun)
                                                        and is_latest and latest.label_ == mentions[0].label_),
            "document_rule_pronoun_latest_per": float(rule_pronoun and per and is_latest),
            "document_rule_pronoun_most_named_per": float(rule_pronoun and per and rank == 0),
            "document_outlet": float(is_outlet(mentions[0], rules)),
            "multiword_name": float(len(name_key(name)) >= 2),
            "junk_name": float(_junk(name)),
            "previous_name": float(context.previous is not None and same_person(name, context.previous.speaker_name)),
            f"kind_{context.quote.kind}": 1.0,
            "no_cue": float(context.quote.cue is None),
        }
        f["no_cue_previous"] = f["no_cue"] * f["previous_name"]
        candidates.append(Candidate(name, (nearest.start_char, nearest.end_char, nearest.text), f))
    return candidates


@per_document(key=lambda rules: ())
def _document_names(doc: Doc, rules: QuoteRules) -> tuple[tuple[Span, str], ...]:
    """The people and organisations the document names, each mention with the name it resolves to."""
    return tuple((entity, name) for entity in candidate_names(doc) if entity.label_ in ("PER", "ORG")
                 and (name := speaker_name(doc, entity, rules)))


def _carried_features(context: _QuoteContext, name: str) -> dict[str, float]:
    """A candidate no mention near the quote proposes: the previous quote's speaker, or a speaker the rules
    carried from an enclosing or earlier quote."""
    quote, previous = context.quote, context.previous
    is_previous = previous is not None and same_person(name, previous.speaker_name)
    gap = 0.0
    if is_previous:
        prev_span = context.doc.char_span(previous.start, previous.end, alignment_mode="expand")
        if prev_span is not None:
            gap = float(min(context.paragraph_breaks(prev_span.end, context.span.start), 3))
    f = {
        "carried": 1.0,
        "rule_name": float(same_person(name, quote.speaker_name)),
        "previous_name": float(is_previous),
        "previous_paragraph_breaks": gap,
        "multiword_name": float(len(name_key(name)) >= 2),
        "junk_name": float(_junk(name)),
        f"kind_{quote.kind}": 1.0,
        "no_cue": float(quote.cue is None),
    }
    f["no_cue_previous"] = f["no_cue"] * f["previous_name"]
    f["cue_rule"] = (1.0 - f["no_cue"]) * f["rule_name"]
    return f


@lru_cache(maxsize=65536)
def _names_outlet(name: str) -> bool:
    return Outlets.load().find(name) is not None


@lru_cache(maxsize=65536)
def _junk(name: str) -> bool:
    """Not a name at all: digits or a percentage, a lone letter, or no letter."""
    words = name_key(name)
    return not words or any(c.isdigit() for c in name) or all(len(w) <= 1 for w in words)


@per_document(key=lambda name, rules: (name,))
def _name_evidence(doc: Doc, name: str, rules: QuoteRules) -> dict[str, float]:
    """What the whole article says a name is: how often the NER calls it a person or an organisation, whether
    a form of address precedes it ("Mme Borne"), whether a common noun that is not a role does ("l'hôpital
    Lokmanya Tilak", "le film Risky Business": a thing named, not a speaker)."""
    mentions = _mentions_of(doc, name)
    if not mentions:
        return {"name_mentions_unknown": 1.0}
    before = [doc[e.start - 1] if e.start else None for e in mentions]
    nouns = [_noun_before(doc, e.start) for e in mentions]
    thing = sum(t is not None and t.lemma_.lower() not in rules.speaking_nouns
                and t.lemma_.lower() not in rules.outlet_nouns for t in nouns)
    return {"name_per_share": sum(e.label_ == "PER" for e in mentions) / len(mentions),
            "name_org_share": sum(e.label_ == "ORG" for e in mentions) / len(mentions),
            "name_addressed": float(any(t is not None and t.text in rules.honorific_genders for t in before)),
            "name_in_capitals": float(name.isupper() and len(name) >= 4),
            "name_after_thing_noun": thing / len(mentions)}


def _noun_before(doc: Doc, start: int) -> Token | None:
    """The common noun a name follows, past adjectives: "l'hôpital public [Lokmanya Tilak]"."""
    i = start - 1
    while i >= 0 and doc[i].pos_ == "ADJ" and start - i <= 3:
        i -= 1
    return doc[i] if i >= 0 and doc[i].pos_ == "NOUN" else None


def _relative_features(candidates: list[Candidate]) -> None:
    """How each candidate compares with the quote's others (a pointwise model sees one at a time): the
    nearest person in the window, its rank by distance and by salience, how many people compete."""
    near = [c for c in candidates if "log_distance" in c.features]
    people = [c for c in near if c.features.get("per") or c.features.get("antecedent_per")]
    nearest_person = min(people, key=lambda c: c.features["log_distance"], default=None)
    by_distance = sorted({c.features["log_distance"] for c in near})
    by_salience = sorted({c.features.get("salience", 0.0) for c in candidates}, reverse=True)
    subjects = sum(bool(c.features.get("subject_of_cue")) for c in near)
    names = len({name_key(c.name) for c in people})
    for c in candidates:
        f = c.features
        f["nearest_person"] = float(c is nearest_person)
        f["distance_rank"] = float(by_distance.index(f["log_distance"])) if "log_distance" in f else 9.0
        f["salience_rank"] = float(by_salience.index(f.get("salience", 0.0)))
        f["other_subjects_of_cue"] = float(subjects - bool(f.get("subject_of_cue")))
        f["people_in_window"] = float(names)


@per_document(key=lambda name: (name,))
def _salience(doc: Doc, name: str) -> float:
    """log(1 + how often the document names the person or organisation)."""
    return math.log1p(sum(n for text, n in _name_counts(doc).items() if same_person(text, name)))


@per_document()
def _name_counts(doc: Doc) -> dict[str, int]:
    """How often each name is written in the document."""
    counts: dict[str, int] = {}
    for text in _name_texts(doc):
        counts[text] = counts.get(text, 0) + 1
    return counts


def rule_chooser(quote: Quote, candidates: list[Candidate]) -> Candidate | None:
    """The rules' own choice, as a chooser: the candidate that carries the rules' speaker."""
    return next((c for c in candidates if c.features.get("rule_mention") or c.name == quote.speaker_name
                 and quote.speaker_start is None), None)


def model_chooser(ranker: SpeakerRanker) -> Chooser:
    return ranker.choose

