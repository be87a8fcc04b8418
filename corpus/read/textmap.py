"""Clean text built from pieces of a raw text, with a map from clean offsets back to raw offsets.

Parsers drop markup (Markdown emphasis, link targets, footnote calls, soft hyphens) and insert
separators. Every character copied from the raw text is recorded in a run `(clean_start, raw_start,
length)`, so a span of the clean text can be traced back to the exact raw characters it came from.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

SOFT_HYPHEN = "\u00ad"


@dataclass(frozen=True)
class OffsetMap:
    """Runs of clean text copied verbatim from the raw text, sorted by `clean_start`."""

    runs: tuple[tuple[int, int, int], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_clean_starts", [run[0] for run in self.runs])

    def to_raw(self, clean_offset: int) -> int | None:
        """Raw offset of the clean character at `clean_offset`, or None if it was inserted."""
        i = bisect.bisect_right(self._clean_starts, clean_offset) - 1
        if i < 0:
            return None
        clean_start, raw_start, length = self.runs[i]
        if clean_offset < clean_start + length:
            return raw_start + clean_offset - clean_start
        return None

    def span_to_raw(self, start: int, end: int) -> tuple[int, int] | None:
        """Raw (start, end) covering the clean span, or None if either end was inserted text."""
        if end <= start:
            return None
        raw_start, raw_last = self.to_raw(start), self.to_raw(end - 1)
        if raw_start is None or raw_last is None:
            return None
        return raw_start, raw_last + 1


class TextBuilder:
    """Accumulates clean text: `copy` takes raw characters (mapped), `insert` adds new ones (unmapped)."""

    def __init__(self, raw: str):
        self.raw = raw
        self._parts: list[str] = []
        self._runs: list[list[int]] = []
        self.length = 0

    def copy(self, raw_start: int, raw_end: int) -> None:
        """Append `raw[raw_start:raw_end]`, dropping soft hyphens."""
        chunk_start = raw_start
        while chunk_start < raw_end:
            hyphen = self.raw.find(SOFT_HYPHEN, chunk_start, raw_end)
            chunk_end = raw_end if hyphen < 0 else hyphen
            self._append_run(chunk_start, chunk_end)
            chunk_start = chunk_end + 1 if hyphen >= 0 else raw_end

    def insert(self, text: str) -> None:
        self._parts.append(text)
        self.length += len(text)

    def build(self) -> tuple[str, OffsetMap]:
        return "".join(self._parts), OffsetMap(tuple(tuple(run) for run in self._runs))

    def _append_run(self, raw_start: int, raw_end: int) -> None:
        n = raw_end - raw_start
        if n <= 0:
            return
        self._parts.append(self.raw[raw_start:raw_end])
        last = self._runs[-1] if self._runs else None
        if last and last[0] + last[2] == self.length and last[1] + last[2] == raw_start:
            last[2] += n
        else:
            self._runs.append([self.length, raw_start, n])
        self.length += n
