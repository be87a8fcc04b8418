"""One JSONL record (OrangeSum's `title`, `heading`, `date`, `article`, or mapped fields) to `Article`.

The raw text that offsets map back to is the record's text fields, decoded from JSON and joined by
blank lines in the order title, lede, body (`source_text`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from corpus.glue import word_glue
from corpus.read.authors import split_authors
from corpus.read.dates import parse_french_date, split_dateline
from corpus.read.selectors import JSONL_FIELDS
from corpus.read.textmap import TextBuilder
from corpus.records import Article, Paragraph

_GLUED = re.compile(r"(?<=[^\W_][.!?…])(?=[\"«]?[A-ZÀ-ÖØ-Þ])|(?<=[\"»”][.!?…])(?=[\"«]?[A-ZÀ-ÖØ-Þ])|(?<=[.!?…][\"»”])(?=[A-ZÀ-ÖØ-Þ\"«])")
"""Where a paragraph break was lost: ".Le", "…domestique.Consternant", "\\".\\"Le ministre", ".\\"Le"."""
_LOWER_BEFORE = re.compile(r"[a-zà-öø-ÿ0-9%)\]»\"”]")
_ACRONYM_END = re.compile(r"(?<![\w.])[A-ZÀ-ÖØ-Þ]{3,}[.!?]$")
"""A sentence that ends on an acronym ("… le DPS.Les …"), unlike an abbreviation ("M.Dupont", "O.N.U.")."""
_WORD_START = re.compile(r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadRecord(ValueError):
    """A JSONL line that is not an article record."""


def field_names(field_map: Mapping[str, str] | None) -> dict[str, tuple[str, ...]]:
    """The JSONL keys tried for each field, with `field_map` ({field: key}) taking precedence."""
    names = dict(JSONL_FIELDS)
    for field, key in (field_map or {}).items():
        if field not in names:
            raise ValueError(f"unknown field {field!r} in the JSONL mapping; fields are {', '.join(names)}")
        names[field] = (key,)
    return names


def record_key(line: str, names: Mapping[str, tuple[str, ...]]) -> str | None:
    """The record's own id, if it has one."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    value = _first(record, names["id"]) if isinstance(record, dict) else None
    return str(value) if value not in (None, "") else None


def parse_jsonl_record(line: str, *, source_uri: str, content_sha256: str,
                       names: Mapping[str, tuple[str, ...]]) -> Article:
    try:
        record = json.loads(line)
    except ValueError as error:
        raise BadRecord(f"the line is not valid JSON ({error})") from None
    except RecursionError:
        raise BadRecord("the line nests JSON arrays or objects too deep to decode") from None
    if not isinstance(record, dict):
        raise BadRecord(f"the line is a JSON {type(record).__name__}, not an object")
    title = _text(_first(record, names["title"]))
    lede = _text(_first(record, names["lede"]))
    lede_span = _trim(lede, 0, len(lede)) if lede else None
    body = _text(_first(record, names["text"]))
    if not body:
        keys = ", ".join(names["text"])
        raise BadRecord(f"the record has no article text (looked for: {keys})")

    raw = "\n\n".join([title, lede, body])
    body_at = len(title) + len(lede) + 4
    builder = TextBuilder(raw)
    paragraphs: list[Paragraph] = []
    if lede_span:
        builder.copy(len(title) + 2 + lede_span[0], len(title) + 2 + lede_span[1])
        paragraphs.append(Paragraph(0, builder.length, "lede"))
    published = _date(_first(record, names["date"]))
    spans = split_paragraphs(body)
    lede = lede[lede_span[0]:lede_span[1]] if lede_span else ""
    spans = _drop_repeated_lede(body, spans, lede)
    for n, (start, end) in enumerate(spans):
        if n == 0 and published is None:
            dateline = split_dateline(body[start:end])
            if dateline:
                published, skip = dateline
                start += skip
        if paragraphs:
            builder.insert("\n\n")
        paragraph_start = builder.length
        builder.copy(body_at + start, body_at + end)
        paragraphs.append(Paragraph(paragraph_start, builder.length, "body"))
    text, offset_map = builder.build()
    authors = _first(record, names["authors"])
    if isinstance(authors, list):
        authors = _text(", ".join(str(a.get("name", "")) if isinstance(a, dict) else str(a) for a in authors))
    return Article(
        source_uri=source_uri,
        format="jsonl",
        content_sha256=content_sha256,
        raw_text=raw,
        text=text,
        offset_map=offset_map,
        paragraphs=tuple(paragraphs),
        title=title or None,
        section=_text(_first(record, names["section"])) or None,
        authors=split_authors(_text(authors)) if isinstance(authors, str) else (),
        published_date=published,
        lede=lede or None,
        url=_text(_first(record, names["url"])) or None,
    )


def split_paragraphs(body: str) -> list[tuple[int, int]]:
    """Paragraph spans of a plain-text body: its line breaks, and breaks lost when paragraphs were
    glued together ("…l'accident domestique.Consternant… mais vrai."), read with the straight-quote
    parity so that a closing quote stays with its paragraph."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", body):
        start = line.start()
        for cut in _glued_breaks(body, line.start(), line.end()):
            spans.append((start, cut))
            start = cut
        spans.append((start, line.end()))
    return [trimmed for s, e in spans if (trimmed := _trim(body, s, e))]


def glue_splits(body: str) -> list[int]:
    """Where `split_paragraphs` cuts a body between a word and the next with no separator ("accru|La",
    "Borne|par Europe 1"), as opposed to after a sentence's end mark ("tranché.|Les")."""
    spans = split_paragraphs(body)
    return [start for (_, end), (start, _) in zip(spans, spans[1:]) if end == start and not body[start - 1] in ".!?…\"»”"]


def _glued_breaks(body: str, start: int, end: int) -> list[int]:
    cuts = []
    segment_start = start
    for cut in sorted({m.start() for m in _GLUED.finditer(body, start, end)} | set(word_glue(body, start, end))):
        if (not _LOWER_BEFORE.match(body[cut - 2]) and body[cut - 1] not in "\"»”" and not body[cut - 1].isalpha()
                and not (_ACRONYM_END.search(body, max(start, cut - 12), cut) and _WORD_START.match(body, cut))):
            continue
        if body[cut] == '"' and body[segment_start:cut].count('"') % 2 == 1:
            cut += 1
        elif body[cut - 1] == '"' and body[segment_start:cut - 1].count('"') % 2 == 0:
            cut -= 1
        if cut - segment_start >= 20:
            cuts.append(cut)
            segment_start = cut
    return cuts


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and (text[start].isspace() or (text[start] in "-–—" and start + 1 < end and text[start + 1] != "-")):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _drop_repeated_lede(body: str, spans: list[tuple[int, int]], lede: str) -> list[tuple[int, int]]:
    """Some records open their body by repeating the lede; keep it once."""
    if lede and spans and body[spans[0][0]:].startswith(lede):
        start = spans[0][0] + len(lede)
        rest = _trim(body, start, spans[0][1])
        return ([rest] if rest else []) + spans[1:]
    return spans


def _first(record: Mapping, keys: tuple[str, ...]):
    for key in keys:
        if record.get(key) not in (None, ""):
            return record[key]
    return None


def _text(value) -> str:
    """A string field, stripped; a lone surrogate (JSON's "\\ud800" escape, which no UTF-8 store takes) becomes
    U+FFFD."""
    return _SURROGATE.sub("\ufffd", value).strip() if isinstance(value, str) else ""


def _date(value):
    return parse_french_date(str(value)) if value not in (None, "") else None
