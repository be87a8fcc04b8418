"""Saved HTML article pages to `Article`: main text and metadata through trafilatura, then the lede.

trafilatura finds the main text and the metadata (title, authors, date, categories, site). On top of
that we recover the lede (chapô), which trafilatura either drops (Wikinews' `<h2>`) or returns as an
ordinary first line, and we drop a first line that only repeats the title. Footnotes come from the markup
(`corpus.read.html_notes`): their calls are cut from the clean text, a `NoteRef` left where each stood.
"""

from __future__ import annotations

import re

import lxml.html
import trafilatura

from corpus.read.authors import split_authors
from corpus.read.dates import fold, parse_french_date, split_dateline
from corpus.read.html_notes import Footnotes, find_footnotes, locate_calls
from corpus.read.selectors import LEDE_CLASS, LEDE_MAX_CHARS, LEDE_MIN_CHARS
from corpus.read.textmap import TextBuilder
from corpus.records import Article, Note, NoteRef, Paragraph

_LEDE_CLASS = re.compile(LEDE_CLASS, re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_NOTE_MARKER = re.compile(r"^\s*[\[(]?\d{1,3}[\])]?[\s.]*")
"""A note's number as a notes section writes it before the note: "(3) ", "[3] ", "3. "."""
_PROSE_END = re.compile(r"[.!?…»\"”]$|\. ")
MAX_DEPTH = 250
"""libxml2 reads 255 levels of nested elements and drops what lies deeper; a page that reaches this depth is read
again with its layout elements removed."""
_LAYOUT_TAG = re.compile(
    r"</?(?:div|span|section|article|main|aside|header|footer|nav|center|font|blockquote|table|tbody|thead|tr|td|th|"
    r"ul|ol|li|dl|dt|dd|form|fieldset|figure|b|i|u|s|em|strong|small|big|a|abbr|cite|label)\b[^<>]*>", re.IGNORECASE)
_TEMPLATE_OPEN = re.compile(r"<template\b", re.IGNORECASE)
_TEMPLATE_CLOSE = re.compile(r"</template\s*>", re.IGNORECASE)


class NoArticle(ValueError):
    """The page holds no article text that trafilatura can find."""


def parse_html_article(html: str, *, source_uri: str, content_sha256: str) -> Article:
    readable, tree = _readable(html)
    extracted = trafilatura.bare_extraction(
        readable, with_metadata=True, include_comments=False, include_tables=False, deduplicate=False
    )
    lines = [line.strip() for line in (extracted.text or "").split("\n")] if extracted else []
    lines = [line for line in lines if line]
    if not lines:
        raise NoArticle("no article text found in the page")
    footnotes = find_footnotes(tree) if tree is not None else Footnotes((), ())
    lines = [line for line in lines if not _is_note(line, footnotes.notes)]
    if not lines:
        raise NoArticle("no article text found in the page")
    title = _squash(extracted.title) or None
    if title and _same(lines[0], title):
        lines = lines[1:]
    lede = _find_lede(html, tree, lines, extracted.description)
    if lede and lines and (_same(lines[0], lede) or _same(lede, lines[0][: len(lede)])):
        lines = lines[1:]
    if not lines:
        raise NoArticle("the page holds a title and a lede but no article text")

    published = parse_french_date(extracted.date) if extracted.date else None
    dateline = split_dateline(lines[0])
    if dateline:
        published, skip = dateline
        lines[0] = lines[0][skip:]

    pieces = ([("lede", lede)] if lede else []) + [("body", line) for line in lines]
    calls = locate_calls([piece for _, piece in pieces], footnotes.calls)
    builder = TextBuilder(html)
    paragraphs: list[Paragraph] = []
    note_refs: list[NoteRef] = []
    cursor = 0
    for (role, piece), piece_calls in zip(pieces, calls):
        if paragraphs:
            builder.insert("\n\n")
        start = builder.length
        found = html.find(piece, cursor) if "\u00ad" not in piece else -1
        kept = 0
        for call_start, call_end, marker in piece_calls + [(len(piece), len(piece), None)]:
            if found >= 0:
                builder.copy(found + kept, found + call_start)
            else:
                builder.insert(piece[kept:call_start])
            if marker is not None:
                note_refs.append(NoteRef(marker, builder.length))
            kept = call_end
        if found >= 0:
            cursor = found + len(piece)
        paragraphs.append(Paragraph(start, builder.length, role))
    text, offset_map = builder.build()
    categories = [c for c in (extracted.categories or []) if c]
    return Article(
        source_uri=source_uri,
        format="html",
        content_sha256=content_sha256,
        raw_text=html,
        text=text,
        offset_map=offset_map,
        paragraphs=tuple(paragraphs),
        title=title,
        section=categories[0] if categories else None,
        authors=split_authors(extracted.author.replace(";", ",")) if extracted.author else (),
        published_date=published,
        lede=text[paragraphs[0].start:paragraphs[0].end] if lede else None,
        url=extracted.url,
        site_name=extracted.sitename,
        note_refs=tuple(note_refs),
        notes=footnotes.notes,
    )


def _readable(html: str) -> tuple[str, lxml.html.HtmlElement | None]:
    """The page as trafilatura should read it, and its tree. `<template>` holds inert markup that no reader sees,
    and trafilatura keeps its text: it is cut. A page nested deeper than the parser reads loses its layout
    elements (their text stays), or is refused if that is not enough."""
    tree = _parse_tree(html)
    if tree is not None and tree.find(".//template") is not None:
        html = _without_templates(html)
        tree = _parse_tree(html)
    if tree is not None and _too_deep(tree):
        html = _LAYOUT_TAG.sub("", html)
        tree = _parse_tree(html)
        if tree is not None and _too_deep(tree):
            raise NoArticle(f"the page nests its elements deeper than the {MAX_DEPTH} levels the HTML parser reads")
    return html, tree


def _without_templates(html: str) -> str:
    """`html` without its `<template>` elements, found by searching forward only (a lazy regex would scan to the end
    of the page once per unclosed `<template>`)."""
    kept, cursor = [], 0
    while (start := _TEMPLATE_OPEN.search(html, cursor)) and (end := _TEMPLATE_CLOSE.search(html, start.end())):
        kept.append(html[cursor:start.start()])
        cursor = end.end()
    return "".join(kept) + html[cursor:]


def _too_deep(tree: lxml.html.HtmlElement) -> bool:
    return bool(tree.xpath("boolean(/" + "/*" * MAX_DEPTH + ")"))


def _parse_tree(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return None


def _find_lede(html: str, tree: lxml.html.HtmlElement | None, lines: list[str], description: str | None) -> str | None:
    """The lede: an element styled as one, a subtitle right under the `<h1>`, or the meta description
    when the text opens with it."""
    body_starts_at = _position(html, lines[0]) if lines else -1
    if tree is not None:
        candidates = [e for e in tree.iter("p", "div", "h2", "h3", "section", "span")
                      if _LEDE_CLASS.search(e.get("class", ""))]
        candidates += [h1.getnext() for h1 in tree.iter("h1") if h1.getnext() is not None and h1.getnext().tag == "h2"]
        for element in candidates:
            text = _squash(element.text_content())
            before_body = body_starts_at < 0 or 0 <= _position(html, text) <= body_starts_at
            if LEDE_MIN_CHARS <= len(text) <= LEDE_MAX_CHARS and _PROSE_END.search(text) and before_body:
                return text
    description = _squash(description)
    if description and lines and _same(lines[0][: len(description)], description):
        return lines[0]
    return None


def _is_note(line: str, notes: tuple[Note, ...]) -> bool:
    """Whether an extracted line is one of the page's notes ("(3) Villeurbanne, ..."), which trafilatura keeps as
    body text when the notes sit inside the article's element."""
    rest = _NOTE_MARKER.sub("", line, count=1)
    return any(_same(rest, note.text) for note in notes)


def _position(html: str, text: str) -> int:
    """Where the first words of `text` stand in the page source, or -1."""
    return html.find(" ".join(text.split()[:4]))


def _squash(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def _same(a: str, b: str) -> bool:
    return fold(_squash(a)).rstrip(" .") == fold(_squash(b)).rstrip(" .")
