"""Footnotes of an HTML page: the notes, and where the body calls them.

trafilatura drops a page's notes and keeps its calls as plain text ("… revues [2]. Car …"). The page's markup
says what they are. A call is an in-page link whose text is a number and whose target comes later in the page:
SPIP's `<span class="spip_note_ref">[<a href="#nb1" class="spip_note">1</a>]</span>`, `<a href="#fn1"><sup>1</sup></a>`
or `<sup><a href="#fn:1">1</a></sup>`. Its target is the note: the block that holds the target (SPIP's
`<div id="nb1">`, an `<li>` of `<ol class="footnotes">`). The note's own links back to the call are dropped from its
text. `locate_calls` then finds each call in trafilatura's lines by the words before it, so that the marker can be
cut from the clean text and a `NoteRef` left where it stood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from corpus.records import Note

_MARKER = re.compile(r"^[\s\[(]*(\d{1,3})[\s\])]*$")
_BLOCKS = {"p", "li", "div", "dd", "td", "blockquote", "aside", "section", "h1", "h2", "h3", "h4", "h5", "h6"}
_ITALICS = {"i", "em", "cite"}
_NOTES_CLASS = re.compile(r"note|foot|(?:^|[\s_-])fn", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
MAX_NOTE_CHARS = 5000
"""A note target larger than this is a page section, not a note."""
CONTEXT_CHARS = 30
"""How much of the text before a call must match to place it in trafilatura's lines."""


@dataclass(frozen=True)
class FootnoteCall:
    """A note call in the page: its marker, the text shown for it ("\\u00a0[1]", "(1)", "1") and the words of its
    block before it (or after it, for a call that opens its block)."""

    marker: str
    shown: str
    before: str
    after: str


@dataclass(frozen=True)
class Footnotes:
    calls: tuple[FootnoteCall, ...]
    notes: tuple[Note, ...]


def find_footnotes(tree: etree._Element) -> Footnotes:
    """The page's note calls, in page order, and its notes, numbered by the calls that point to them."""
    by_id = {e.get("id"): e for e in tree.iter() if isinstance(e.tag, str) and e.get("id")}
    order = {e: n for n, e in enumerate(tree.iter())}
    calls: list[FootnoteCall] = []
    notes: dict[etree._Element, str] = {}
    for link in tree.iter("a"):
        href = link.get("href", "")
        match = _MARKER.match(link.text_content())
        target = by_id.get(href[1:]) if href.startswith("#") else None
        if match is None or target is None or order[target] <= order[link]:
            continue
        note = _note_block(target)
        if note is None or _contains(note, link) or not _looks_like_note(note, order, by_id):
            continue
        shown = _wrapper(link)
        before, after = _context(shown)
        calls.append(FootnoteCall(match[1], _squash(shown.text_content()), before, after))
        notes.setdefault(note, match[1])
    ordered = sorted(notes.items(), key=lambda item: order[item[0]])
    return Footnotes(tuple(calls), tuple(_note(element, marker, by_id) for element, marker in ordered))


def locate_calls(lines: list[str], calls: tuple[FootnoteCall, ...]) -> list[list[tuple[int, int, str]]]:
    """For each line, the (start, end, marker) of the calls found in it, in order. The span covers the marker as shown
    and the spaces before it; it is empty where trafilatura dropped the marker but the words around it are there."""
    found: list[list[tuple[int, int, str]]] = [[] for _ in lines]
    line_at, offset = 0, 0
    for call in calls:
        for n in range(line_at, len(lines)):
            span = _find_call(lines[n], call, offset if n == line_at else 0)
            if span is not None:
                found[n].append((*span, call.marker))
                line_at, offset = n, span[1]
                break
    return found


def _find_call(line: str, call: FootnoteCall, start: int) -> tuple[int, int] | None:
    """The span of the call in `line`: the words before it, then the marker as shown; or, where the marker is not
    in the line, the empty span right after those words."""
    shown = re.escape(call.shown.strip())
    if call.before.strip():
        context = _loose(call.before[-CONTEXT_CHARS:])
        patterns = (context + r"(\s*)" + shown, context + "()")
    else:
        patterns = (r"^()\s*" + shown + r"(?=\s*" + _loose(call.after[:CONTEXT_CHARS]) + ")",)
    for pattern in patterns:
        match = re.compile(pattern).search(line, start)
        if match:
            return match.start(1), match.end()
    return None


def _loose(text: str) -> str:
    """A pattern for `text` that lets any run of spaces stand for a space."""
    return "".join(r"\s+" if c == " " else re.escape(c) for c in _squash(text).strip())


def _note_block(target: etree._Element) -> etree._Element | None:
    """The note a call points to: the target if it is a block, else the nearest block around it."""
    element = target
    while element is not None and element.tag not in _BLOCKS:
        element = element.getparent()
    if element is None or not _squash(element.text_content()) or len(element.text_content()) > MAX_NOTE_CHARS:
        return None
    return element


def _looks_like_note(block: etree._Element, order: dict, by_id: dict[str, etree._Element]) -> bool:
    """A note links back to its call, or stands in a notes section (`class="notes"`, `<ol class="footnotes">`);
    other in-page links with a number ("27 commentaires") are not calls."""
    for link in block.iter("a"):
        target = by_id.get(link.get("href", "#")[1:]) if link.get("href", "").startswith("#") else None
        if target is not None and order[target] < order[block]:
            return True
    return any(_NOTES_CLASS.search(f"{e.get('class', '')} {e.get('id', '')}") for e in (block, *block.iterancestors()))


def _contains(ancestor: etree._Element, element: etree._Element) -> bool:
    return any(a is ancestor for a in element.iterancestors()) or element is ancestor


def _wrapper(link: etree._Element) -> etree._Element:
    """The element shown for a call: the link, or the parents that only add brackets or a superscript to it."""
    marker = _squash(link.text_content())
    element = link
    while element.getparent() is not None and element.getparent().tag not in _BLOCKS:
        parent = element.getparent()
        if _MARKER.match(parent.text_content()) is None or _squash(parent.text_content()).strip("[]() ") != marker.strip("[]() "):
            break
        element = parent
    return element


def _context(shown: etree._Element) -> tuple[str, str]:
    """The squashed text of the call's block before and after the call."""
    block = shown
    while block.getparent() is not None and block.tag not in _BLOCKS:
        block = block.getparent()
    before, after, seen = [], [], False
    for piece in _pieces(block, skip=shown, marker="\x00"):
        if piece == "\x00":
            seen = True
        else:
            (after if seen else before).append(piece)
    return _squash("".join(before)), _squash("".join(after))


def _pieces(element: etree._Element, skip: etree._Element | None = None, marker: str = ""):
    """The element's text in order; `skip`'s subtree gives `marker` instead (its tail is kept)."""
    if element is skip:
        yield marker
        return
    if not isinstance(element.tag, str) or element.tag in ("script", "style"):
        return
    yield element.text or ""
    for child in element:
        yield from _pieces(child, skip, marker)
        yield child.tail or ""


def _note(element: etree._Element, marker: str, by_id: dict[str, etree._Element]) -> Note:
    """The note's text without its links back to the call (and the brackets around them), and its italics."""
    back_links = [a for a in element.iter("a") if a.get("href", "").startswith("#")
                  and not _contains(element, by_id.get(a.get("href")[1:], element))]
    dropped = {_wrapper(a) for a in back_links}
    text, italics = _note_text(element, dropped)
    return Note(marker, text, italics)


def _note_text(element: etree._Element, dropped: set) -> tuple[str, tuple[tuple[int, int], ...]]:
    parts: list[tuple[str, bool]] = []

    def walk(node: etree._Element, italic: bool) -> None:
        if node in dropped or not isinstance(node.tag, str) or node.tag in ("script", "style"):
            return
        italic = italic or node.tag in _ITALICS
        if node.tag == "a" and (node.text or "").startswith(("http://", "https://")):
            parts.append((" ", italic))  # "… prestigieuses.<a>http://…</a>": a URL is a word of its own
        parts.append((node.text or "", italic))
        for child in node:
            walk(child, italic)
            parts.append((child.tail or "", italic))

    walk(element, False)
    text, italics = "", []
    for piece, italic in parts:
        piece = _SPACES.sub(" ", piece)
        if text.endswith(" ") or not text:
            piece = piece.lstrip()
        if italic and piece.strip():
            start = len(text) + len(piece) - len(piece.lstrip())
            end = len(text) + len(piece.rstrip())
            if italics and italics[-1][1] >= start - 1 and text[italics[-1][1]:start].strip() == "":
                start = italics[-1][0]
                italics.pop()
            italics.append((start, end))
        text += piece
    stripped = text.rstrip()
    return stripped, tuple((s, min(e, len(stripped))) for s, e in italics if s < len(stripped))


def _squash(text: str) -> str:
    return _SPACES.sub(" ", text)
