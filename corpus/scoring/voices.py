"""Scores the kind and the gender of quoted speakers against gold ones, one case per speaker of an article (a
speaker quoted ten times counts once, as the people counted by Radar de Parité or GenderedNews do).

Gender accuracy is over the speakers the pipeline gives a gender (`female` or `male`); coverage is the share of
gold persons it gives one. A speaker the pipeline misses end to end has no kind and no gender."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from corpus.quotes.rules import QuoteRules
from corpus.quotes.syntax import document_memo
from corpus.quotes.voices import speaker_voice
from corpus.records import Quote
from corpus.scoring.quotes import lenient_match, same_speaker

KNOWN_GENDERS = ("female", "male")


@dataclass(frozen=True)
class VoiceCase:
    """One gold speaker of one article, and what the pipeline says of it (None: no speaker found)."""

    gold_kind: str
    gold_gender: str
    kind: str | None
    gender: str | None


@dataclass(frozen=True)
class VoiceScores:
    cases: tuple[VoiceCase, ...]

    @property
    def gender_accuracy(self) -> tuple[int, int]:
        """(right, given): speakers the pipeline gives a gender, and those it gives the gold one."""
        given = [c for c in self.cases if c.gender in KNOWN_GENDERS]
        return sum(c.gender == c.gold_gender for c in given), len(given)

    @property
    def person_coverage(self) -> tuple[int, int]:
        """(given, persons): gold persons, and those the pipeline gives a gender."""
        persons = [c for c in self.cases if c.gold_kind == "person"]
        return sum(c.gender in KNOWN_GENDERS for c in persons), len(persons)

    @property
    def kind_accuracy(self) -> tuple[int, int]:
        return sum(c.kind == c.gold_kind for c in self.cases), len(self.cases)

    def women_share(self, gold: bool) -> tuple[int, int]:
        """(women, gendered persons) among gold persons, by the gold or the pipeline's genders."""
        genders = [c.gold_gender if gold else c.gender for c in self.cases if c.gold_kind == "person"]
        known = [g for g in genders if g in KNOWN_GENDERS]
        return sum(g == "female" for g in known), len(known)

    def report(self) -> str:
        lines = [f"{'speakers':<34}{len(self.cases):>6}"]
        for label, (n, total) in (("gender accuracy where given", self.gender_accuracy),
                                  ("gender coverage of persons", self.person_coverage),
                                  ("kind accuracy", self.kind_accuracy),
                                  ("women among persons, gold", self.women_share(gold=True)),
                                  ("women among persons, pipeline", self.women_share(gold=False))):
            lines.append(f"{label:<34}{_ratio(n, total):>6}  ({n}/{total})")
        return "\n".join(lines)


def _ratio(n: int, total: int) -> str:
    return f"{n / total:.3f}" if total else "-"


def gold_speakers(record: dict) -> dict[str, list[dict]]:
    """An article's gold quotes by speaker, for the speakers annotated with a kind."""
    speakers: dict[str, list[dict]] = {}
    for quote in record["quotes"]:
        if quote.get("speaker") and quote.get("speaker_kind"):
            speakers.setdefault(quote["speaker"], []).append(quote)
    return speakers


def cases_on_gold_speakers(doc: Doc, record: dict, rules: QuoteRules) -> list[VoiceCase]:
    """What the pipeline says of each gold speaker of the article's `doc`, told who speaks and where it is
    designated (its gold mentions, found in the text nearest their quotes)."""
    cases = []
    with document_memo(doc):
        for speaker, quotes in gold_speakers(record).items():
            mentions = [span for q in quotes if (span := _mention_span(doc, q)) is not None]
            voice = speaker_voice(doc, speaker, mentions, rules)
            cases.append(VoiceCase(quotes[0]["speaker_kind"], quotes[0]["speaker_gender"], voice.kind, voice.gender))
    return cases


def cases_end_to_end(predicted: list[Quote], record: dict) -> list[VoiceCase]:
    """What the pipeline says of each gold speaker when it finds it itself: the voice of a predicted quote that
    matches one of the speaker's gold quotes and names the same speaker; none if there is no such quote."""
    cases = []
    for speaker, quotes in gold_speakers(record).items():
        found = next((p for p in predicted if p.speaker_name and same_speaker(p.speaker_name, speaker)
                      and any(lenient_match(p.text, q["text"]) for q in quotes)), None)
        cases.append(VoiceCase(quotes[0]["speaker_kind"], quotes[0]["speaker_gender"],
                               found.speaker_kind if found else None, found.speaker_gender if found else None))
    return cases


def _mention_span(doc: Doc, quote: dict) -> Span | None:
    """The gold mention's occurrence nearest its quote."""
    mention = quote.get("speaker_mention")
    if not mention:
        return None
    anchor = max(doc.text.find(quote["text"]), 0)
    starts, at = [], doc.text.find(mention)
    while at >= 0:
        starts.append(at)
        at = doc.text.find(mention, at + 1)
    if not starts:
        return None
    start = min(starts, key=lambda s: abs(s - anchor))
    return doc.char_span(start, start + len(mention), alignment_mode="expand")
