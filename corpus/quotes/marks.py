"""Pairing quotation marks in plain text: the stretches a quote extractor starts from."""

from __future__ import annotations

import re
from functools import lru_cache


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
