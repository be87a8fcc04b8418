"""French dates as written in articles: "lundi 18 septembre 2023", "1er mai 2012", "22/05/2012", ISO."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3,
    "avril": 4, "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7, "juil": 7,
    "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_ALT = "|".join(WEEKDAYS)

WRITTEN_DATE = re.compile(
    rf"(?:(?:{_WEEKDAY_ALT})\s+)?(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH_ALT})\.?\s+(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)
NUMERIC_DATE = re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4})\b")
ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")

_DATELINE = re.compile(
    rf"^\s*(?:(?:{_WEEKDAY_ALT})\s+)?\d{{1,2}}(?:er)?\s+(?:{_MONTH_ALT})\.?\s+\d{{4}}"
    r"(?:\s*,\s*[^\W\d][^.\n]{0,40}?)?\s*\.?\s*[-–—]\s+",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """Lower-case and strip accents, one character for one, so that offsets stay valid."""
    return "".join(unicodedata.normalize("NFD", c.lower())[0] if c.isalpha() else c for c in text)


def parse_french_date(text: str) -> dt.date | None:
    """The first valid date found in `text`, or None."""
    folded = fold(text)
    match = WRITTEN_DATE.search(folded)
    if match:
        return _make_date(match["year"], MONTHS[match["month"]], match["day"])
    for pattern in (ISO_DATE, NUMERIC_DATE):
        match = pattern.search(folded)
        if match:
            return _make_date(match["year"], match["month"], match["day"])
    return None


def find_french_date(text: str) -> tuple[dt.date, int, int] | None:
    """The first written French date in `text` with its (start, end) offsets, or None."""
    for match in WRITTEN_DATE.finditer(fold(text)):
        date = _make_date(match["year"], MONTHS[match["month"]], match["day"])
        if date:
            return date, match.start(), match.end()
    return None


def _make_date(year: str | int, month: str | int, day: str | int) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def split_dateline(paragraph: str) -> tuple[dt.date, int] | None:
    """A news dateline opening a paragraph ("22 mai 2012. - À la suite…", "22 août 2012, Espagne. - Le…"):
    its date and its length."""
    match = _DATELINE.match(fold(paragraph))
    if not match:
        return None
    date = parse_french_date(match.group())
    return (date, match.end()) if date else None
