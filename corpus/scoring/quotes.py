"""Scores predicted quotes against gold ones by word overlap, following the scoring convention of
../shared/data/quotes/wikinews_fr_dev/README.md, so that figures compare with other systems'."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

KINDS = ("direct", "partial", "indirect")
TERM = "term"
LENIENT, STRICT = "lenient", "strict"
_WORD = re.compile(r"\w+")
# Quotation marks need no entry: \w+ drops them with the rest of the punctuation. The modifier letter
# apostrophe is a letter for \w, and a soft hyphen would split a word in two.
_UNIFY = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "\u00ad": None})
# Titles and determiners, which say nothing about who is speaking ("M. Poutine" is "Vladimir Poutine").
_NOT_NAME = frozenset({"m", "mme", "mlle", "mm", "dr", "le", "la", "les", "l", "un", "une"})


@dataclass(frozen=True)
class ScoredQuote:
    """One quote as scored: the words said, their kind, and who said them (None if unknown)."""

    text: str
    kind: str
    speaker: str | None

    def __post_init__(self) -> None:
        if self.kind not in (*KINDS, TERM):
            raise ValueError(f"unknown quote kind {self.kind!r}")


def normalize_words(text: str) -> list[str]:
    """The words of `text` as compared: NFKC, lower case, apostrophes unified, elisions split off."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower().translate(_UNIFY))


def shared_words(a: str, b: str) -> int:
    """How many words the two texts share, a repeated word counting as often as both have it."""
    return _shared(Counter(normalize_words(a)), Counter(normalize_words(b)))


def lenient_match(pred: str, gold: str) -> bool:
    """The shared words cover >= 30 % of the gold quote's words (the Gender Gap Tracker's French rule)."""
    return _matches(LENIENT, Counter(normalize_words(pred)), Counter(normalize_words(gold)))


def strict_match(pred: str, gold: str) -> bool:
    """The shared words are >= 80 % of the longer quote's words, so extra or missing text counts."""
    return _matches(STRICT, Counter(normalize_words(pred)), Counter(normalize_words(gold)))


def _shared(a: Counter[str], b: Counter[str]) -> int:
    return (a & b).total()


def _matches(threshold: str, pred: Counter[str], gold: Counter[str]) -> bool:
    """Integer arithmetic, so that a quote right at the threshold is not lost to rounding."""
    shared = _shared(pred, gold)
    if threshold == LENIENT:
        return shared > 0 and 10 * shared >= 3 * gold.total()
    return shared > 0 and 10 * shared >= 8 * max(pred.total(), gold.total())


def _name_words(name: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [w for w in normalize_words(folded) if w not in _NOT_NAME]


def same_speaker(pred: str | None, gold: str | None) -> bool:
    """Same words, one name within the other, or the same last word; case, accents and titles ignored."""
    if pred is None or gold is None:
        return False
    a, b = _name_words(pred), _name_words(gold)
    if not a or not b:
        return False
    return set(a) <= set(b) or set(b) <= set(a) or a[-1] == b[-1]


@dataclass(frozen=True)
class Counts:
    """Gold quotes found or missed, predicted quotes right or wrong. The two true-positive counts
    differ: one prediction can match both a reported clause and the quoted fragment inside it."""

    tp_gold: int = 0
    fn: int = 0
    tp_pred: int = 0
    fp: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp_gold + other.tp_gold, self.fn + other.fn, self.tp_pred + other.tp_pred,
                      self.fp + other.fp)

    @property
    def precision(self) -> float:
        return self.tp_pred / (self.tp_pred + self.fp) if self.tp_pred + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / (self.tp_gold + self.fn) if self.tp_gold + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class QuoteScores:
    """Counts by kind ("all", "direct", "partial", "indirect") at each threshold, speaker counts, and pair
    counts: a quote found *with its right speaker*. Scores of articles add up to the scores of a set."""

    lenient: dict[str, Counts]
    strict: dict[str, Counts]
    speaker_correct: int
    speaker_total: int
    pairs: Counts = Counts()
    """Gold quotes with a speaker, found by a prediction (30 % coverage) that names the same speaker
    (`tp_gold`) or not (`fn`); predictions with a speaker, matching a gold quote with the same speaker
    (`tp_pred`) or not (`fp`). Blanking a speaker or dropping a quote cannot raise its F1."""

    def __add__(self, other: QuoteScores) -> QuoteScores:
        return QuoteScores({k: c + other.lenient[k] for k, c in self.lenient.items()},
                           {k: c + other.strict[k] for k, c in self.strict.items()},
                           self.speaker_correct + other.speaker_correct, self.speaker_total + other.speaker_total,
                           self.pairs + other.pairs)

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.speaker_total if self.speaker_total else 0.0

    def report(self) -> str:
        """A plain-text table for a terminal or a log."""
        figures = " ".join(f"{h:>6}" for h in ("P", "R", "F1") * 2)
        lines = [f"{'':9}{'30 % coverage':^20} {'80 % overlap':^20}".rstrip(),
                 f"{'kind':9}{figures}   {'gold':>5} {'pred@30':>7} {'pred@80':>7}"]
        for kind in ("all", *KINDS):
            low, high = self.lenient[kind], self.strict[kind]
            figures = " ".join(f"{x:6.3f}" for c in (low, high) for x in (c.precision, c.recall, c.f1))
            lines.append(f"{kind:9}{figures}   {low.tp_gold + low.fn:5} {low.tp_pred + low.fp:7}"
                         f" {high.tp_pred + high.fp:7}")
        lines.append(f"speaker accuracy (matched, with a gold speaker): {self.speaker_accuracy:.3f}"
                     f" ({self.speaker_correct}/{self.speaker_total})")
        p = self.pairs
        lines.append(f"pair (quote and speaker) P {p.precision:.3f} R {p.recall:.3f} F1 {p.f1:.3f}"
                     f" ({p.tp_gold}/{p.tp_gold + p.fn} gold, {p.tp_pred}/{p.tp_pred + p.fp} predicted)")
        return "\n".join(lines)


def score(pairs: Iterable[tuple[Sequence[ScoredQuote], Sequence[ScoredQuote]]]) -> QuoteScores:
    """Scores (predicted quotes, gold quotes) per article and adds them up."""
    return sum((score_article(predicted, gold) for predicted, gold in pairs), _NOTHING)


def score_article(predicted: Sequence[ScoredQuote], gold: Sequence[ScoredQuote]) -> QuoteScores:
    """Scores one article. `term` quotes are left out on both sides, and a prediction that only matches
    a gold `term` is neither right nor wrong: nobody said those words."""
    tally: Counter[tuple[str, str, str]] = Counter()
    speaker_correct = speaker_total = 0
    preds = [(q, Counter(normalize_words(q.text))) for q in predicted if q.kind != TERM]
    golds = [(q, Counter(normalize_words(q.text))) for q in gold if q.kind != TERM]
    terms = [Counter(normalize_words(q.text)) for q in gold if q.kind == TERM]
    for threshold in (LENIENT, STRICT):
        for g, g_words in golds:
            found = any(_matches(threshold, p_words, g_words) for _, p_words in preds)
            tally[threshold, g.kind, "tp_gold" if found else "fn"] += 1
        for p, p_words in preds:
            if any(_matches(threshold, p_words, g_words) for _, g_words in golds):
                tally[threshold, p.kind, "tp_pred"] += 1
            elif not any(_matches(threshold, p_words, t_words) for t_words in terms):
                tally[threshold, p.kind, "fp"] += 1
    for g, _ in golds:
        best = best_match(g, predicted)
        if g.speaker is None or best is None:
            continue
        speaker_total += 1
        speaker_correct += same_speaker(best.speaker, g.speaker)
    return QuoteScores(_by_kind(tally, LENIENT), _by_kind(tally, STRICT), speaker_correct, speaker_total,
                       _pair_counts(preds, golds, terms))


def _by_kind(tally: Counter[tuple[str, str, str]], threshold: str) -> dict[str, Counts]:
    counts = {k: Counts(*(tally[threshold, k, f] for f in ("tp_gold", "fn", "tp_pred", "fp"))) for k in KINDS}
    return {"all": sum(counts.values(), Counts()), **counts}


def _pair_counts(preds: list[tuple[ScoredQuote, Counter[str]]], golds: list[tuple[ScoredQuote, Counter[str]]],
                 terms: list[Counter[str]]) -> Counts:
    """A gold quote with a speaker is found when any prediction covers it at 30 % and names the same
    speaker; a prediction with a speaker is right when it covers such a gold quote, wrong otherwise
    (also when the gold says nobody is named), and left out when it only covers a `term`."""
    spoken = [(g, g_words) for g, g_words in golds if g.speaker is not None]
    found = sum(any(_matches(LENIENT, p_words, g_words) and same_speaker(p.speaker, g.speaker) for p, p_words in preds)
                for g, g_words in spoken)
    right = wrong = 0
    for p, p_words in preds:
        if p.speaker is None:
            continue
        if any(_matches(LENIENT, p_words, g_words) and same_speaker(p.speaker, g.speaker) for g, g_words in spoken):
            right += 1
        elif any(_matches(LENIENT, p_words, g_words) for _, g_words in golds) or \
                not any(_matches(LENIENT, p_words, t_words) for t_words in terms):
            wrong += 1
    return Counts(found, len(spoken) - found, right, wrong)


_NOTHING = QuoteScores(_by_kind(Counter(), LENIENT), _by_kind(Counter(), STRICT), 0, 0)


def bootstrap_interval(articles: Sequence[QuoteScores], metric: Callable[[QuoteScores], float],
                       draws: int = 2000, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """A percentile bootstrap confidence interval of `metric` over articles drawn with replacement."""
    if not articles:
        return (0.0, 0.0)
    rng = random.Random(seed)
    values = sorted(metric(sum(rng.choices(articles, k=len(articles)), _NOTHING)) for _ in range(draws))
    tail = (1 - level) / 2
    return values[int(tail * (draws - 1))], values[int((1 - tail) * (draws - 1))]


def best_match(gold: ScoredQuote, predicted: Sequence[ScoredQuote]) -> ScoredQuote | None:
    """The prediction whose speaker is compared with the gold quote's: of those that match it at 30 %,
    the one with most shared words, then the fewest extra words (a fragment's own prediction wins
    over the longer clause around it)."""
    g_words = Counter(normalize_words(gold.text))
    matching = [(p, p_words) for p in predicted if p.kind != TERM
                for p_words in [Counter(normalize_words(p.text))] if _matches(LENIENT, p_words, g_words)]
    if not matching:
        return None
    return max(matching, key=lambda m: (_shared(m[1], g_words), -m[1].total()))[0]


def gold_quotes(record: dict) -> list[ScoredQuote]:
    """The quotes of one gold.jsonl record."""
    return [ScoredQuote(q["text"], q["type"], q["speaker"]) for q in record["quotes"]]
