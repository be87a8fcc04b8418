"""ESSF-style Markdown exports and plain-text articles to `Article`.

An ESSF export reads, block by block: a section line ("EURASIE"), a `##` title, a byline with the
publication date, the authors and sometimes the date of writing, a bold lede, the body, a bold
signature, then a `Notes` section of `[n]` entries. Plain text follows the same layout without
markup. Blocks are runs of non-blank lines; each block keeps its raw offsets so that the clean text
maps back to the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.read.authors import normalize_author, split_authors
from corpus.read.dates import find_french_date, fold, split_dateline
from corpus.read.textmap import TextBuilder
from corpus.records import Article, Link, Note, NoteRef, Paragraph

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE_PREFIX = re.compile(r"^ {0,3}> ?")
_NOTE_START = re.compile(r"^\s*(?:\[(\d{1,3})\]|\((\d{1,3})\)|(\d{1,3})[.)])\s+")
_NOTES_TITLES = {"notes", "note", "notes et references", "references", "sources", "footnotes",
                 "notes de bas de page", "renvois", "bibliographie"}
_WRITTEN = re.compile(r"(?:date de r[ée]daction(?: ant[ée]rieure)?|r[ée]dig[ée] le)\s*:?\s*", re.IGNORECASE)
_BY = re.compile(r"(?:^|[\s,])par\s+", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?…:;»\"”)\]]\s*$")
_MARKUP_INLINE = re.compile(
    r"(?P<image>!\[[^\[\]]*\]\([^()\[]*\))"
    r"|(?P<link>\[(?P<anchor>[^\[\]]+)\]\((?P<url>[^()\s\[]*)(?:\s+\"[^\"\[]*\")?\))"
    r"|(?P<auto><(?P<autourl>https?://[^<>\s]+)>)"
    r"|(?P<note>[ \t\u00a0]*\[(?P<marker>\d{1,3})\](?!\())"
    r"|(?P<escape>\\(?P<escaped>[\\`*_{}\[\]()#+\-.!]))"
    r"|(?P<strong>\*\*|__)"
    r"|(?P<em>(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<![\w_])_(?=[^\s_])|(?<=[^\s_])_(?![\w_]))"
    r"|(?P<code>`)"
)
"""Inline Markdown. No stretch an alternative scans may hold the `[` or `<` that opens the next attempt: else
10,000 unclosed `[` cost 10,000 scans to the end of the line (40 KB took 24 s)."""
_PLAIN_INLINE = re.compile(r"(?P<note>[ \t\u00a0]*\[(?P<marker>\d{1,3})\](?!\())")
_ITALIC = re.compile(r"(?<![\w*_])([*_])(?![*_\s])(.+?)(?<![*_\s])\1(?![\w*_])")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>(?:.*\n)*?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
"""A YAML header (Jekyll, Hugo, Pandoc): metadata, not text."""
_FRONT_TITLE = re.compile(r"^title:[ \t]*(?P<q>[\"']?)(?P<title>.+?)(?P=q)[ \t]*$", re.MULTILINE)
_WHOLLY_EMPHASISED = re.compile(r"^\s*(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1\s*$", re.DOTALL)


@dataclass(frozen=True)
class _Block:
    """A run of non-blank lines: `lines` holds each line's raw (start, end), trimmed."""

    lines: tuple[tuple[int, int], ...]
    kind: str
    """`heading`, `rule` or `text`."""

    @property
    def start(self) -> int:
        return self.lines[0][0]

    @property
    def end(self) -> int:
        return self.lines[-1][1]


def parse_text_article(raw: str, *, markdown: bool, source_uri: str, content_sha256: str) -> Article:
    """Parse an ESSF-style Markdown export (`markdown=True`) or a plain-text article."""
    parser = _Parser(raw, markdown)
    return parser.parse(source_uri, content_sha256)


class _Parser:
    def __init__(self, raw: str, markdown: bool):
        self.raw = raw
        self.markdown = markdown
        self.inline = _MARKUP_INLINE if markdown else _PLAIN_INLINE

    # -- layout ---------------------------------------------------------------------------------

    def parse(self, source_uri: str, content_sha256: str) -> Article:
        front = _FRONT_MATTER.match(self.raw) if self.markdown else None
        blocks = _split_blocks(self.raw, self.markdown, front.end() if front else 0)
        blocks, notes = self._split_notes(blocks)
        section, title, rest = self._head(blocks)
        if front and title is None:
            found = _FRONT_TITLE.search(front["yaml"])
            title = found["title"].strip() if found else None
        published, written, authors, rest = self._byline(rest)
        lede, rest = self._lede(rest)
        signature, rest = self._signature(rest)
        if not authors and signature:
            authors = split_authors(signature)

        builder = TextBuilder(self.raw)
        note_refs: list[NoteRef] = []
        links: list[Link] = []
        paragraphs: list[Paragraph] = []

        def add_paragraph(lines: tuple[tuple[int, int], ...], role: str, skip: int = 0) -> None:
            if paragraphs:
                builder.insert("\n\n")
            start = builder.length
            self._copy_lines(builder, lines, note_refs, links, skip=skip)
            if builder.length > start:
                paragraphs.append(Paragraph(start, builder.length, role))

        if lede is not None:
            add_paragraph(lede.lines, "lede")
        for i, group in enumerate(_rejoin(rest, self.raw)):
            skip = 0
            if i == 0 and published is None:
                dateline = split_dateline(self.raw[group[0][0]:group[0][1]])
                if dateline:
                    published, skip = dateline
            role = "heading" if len(group) == 1 and _HEADING.match(self._line(group[0])) else "body"
            add_paragraph(group, role, skip=skip)
        text, offset_map = builder.build()
        return Article(
            source_uri=source_uri,
            format="markdown" if self.markdown else "text",
            content_sha256=content_sha256,
            raw_text=self.raw,
            text=text,
            offset_map=offset_map,
            paragraphs=tuple(paragraphs),
            title=title,
            section=section,
            authors=authors,
            published_date=published,
            written_date=written,
            lede=text[paragraphs[0].start:paragraphs[0].end] if lede is not None and paragraphs else None,
            signature=signature,
            note_refs=tuple(note_refs),
            notes=notes,
            links=tuple(links),
        )

    def _head(self, blocks: list[_Block]) -> tuple[str | None, str | None, list[_Block]]:
        """Section and title: the first heading, and the short line just before it."""
        heading_at = next((i for i, b in enumerate(blocks[:4]) if b.kind == "heading"), None)
        if heading_at is not None:
            title = self._clean(blocks[heading_at])
            before = [b for b in blocks[:heading_at] if b.kind == "text"]
            section = self._clean(before[-1]) if before and _is_label(self._clean(before[-1])) else None
            return section, title or None, blocks[heading_at + 1:]
        if blocks and blocks[0].kind == "text" and len(blocks[0].lines) == 1 and _is_title_like(self._clean(blocks[0])):
            return None, self._clean(blocks[0]), blocks[1:]
        return None, None, blocks

    def _byline(self, blocks: list[_Block]):
        """Dates and authors from a byline among the first two blocks after the title."""
        for i, block in enumerate(blocks[:2]):
            if block.kind != "text" or len(block.lines) > 3:
                continue
            text = self._clean(block)
            if len(text) > 400 or text.count(".") > 3:
                continue
            date = find_french_date(text)
            by = _BY.search(text)
            starts_with_date = date is not None and date[1] <= len("dimanche ")
            if not (starts_with_date or (by and by.start() < 60)):
                continue
            written = None
            marker = _WRITTEN.search(text)
            if marker:
                found = find_french_date(text[marker.end():])
                written = found[0] if found else None
            authors = self._byline_authors(block, text, by)
            return (date[0] if starts_with_date else None), written, authors, blocks[:i] + blocks[i + 1:]
        return None, None, (), blocks

    def _byline_authors(self, block: _Block, text: str, by: re.Match | None) -> tuple[str, ...]:
        anchors = [m["anchor"] for m in _MARKUP_INLINE.finditer(self.raw, block.start, block.end) if m["link"]]
        if self.markdown and anchors:
            return tuple(a for a in dict.fromkeys(normalize_author(x) for x in anchors) if a)
        if not by:
            return ()
        names = re.split(r"\(|\s-\s|\.\s", text[by.end():], maxsplit=1)[0]
        date = find_french_date(names)
        return split_authors(names[:date[1]] if date else names)

    def _lede(self, blocks: list[_Block]) -> tuple[_Block | None, list[_Block]]:
        """A wholly bold first paragraph is the lede (ESSF's chapô)."""
        if self.markdown and blocks and blocks[0].kind == "text":
            body = self.raw[blocks[0].start:blocks[0].end]
            match = _WHOLLY_EMPHASISED.match(body)
            if match and match.group(1) in ("**", "__"):
                return blocks[0], blocks[1:]
        return None, blocks

    def _signature(self, blocks: list[_Block]) -> tuple[str | None, list[_Block]]:
        """A short closing line that is a name, emphasised in Markdown ("**Pierre Rousset**")."""
        while blocks and blocks[-1].kind == "rule":
            blocks = blocks[:-1]
        if not blocks or blocks[-1].kind != "text" or len(blocks[-1].lines) != 1:
            return None, blocks
        raw_line = self.raw[blocks[-1].start:blocks[-1].end]
        emphasised = _WHOLLY_EMPHASISED.match(raw_line) is not None
        text = self._clean(blocks[-1])
        name = normalize_author(text)
        if name and (emphasised or not self.markdown) and _looks_like_name(text):
            return name, blocks[:-1]
        return None, blocks

    def _split_notes(self, blocks: list[_Block]) -> tuple[list[_Block], tuple[Note, ...]]:
        """Everything after a `Notes` heading, or a closing run of `[n] …` blocks, is the notes section."""
        cut = None
        for i, block in enumerate(blocks):
            if block.kind == "heading" and fold(self._clean(block)).strip(" :") in _NOTES_TITLES:
                cut, first_note = i, i + 1
                break
        if cut is None:
            i = len(blocks)
            while i > 0 and blocks[i - 1].kind == "text" and _NOTE_START.match(self._line(blocks[i - 1].lines[0])):
                i -= 1
            if i == len(blocks) or i == 0 or not any(_PLAIN_INLINE.search(self.raw, b.start, b.end) for b in blocks[:i]):
                return blocks, ()
            cut, first_note = i, i
        notes: list[Note] = []
        for block in blocks[first_note:]:
            if block.kind != "text":
                continue
            for line in block.lines:
                match = _NOTE_START.match(self._line(line))
                start = line[0] + (match.end() if match else 0)
                text = self._clean_range(start, line[1])
                italics = self._italics(start, line[1], text)
                if match:
                    notes.append(Note(next(g for g in match.groups() if g), text, italics))
                elif notes:
                    shift = len(notes[-1].text) + 1 if notes[-1].text else 0
                    notes[-1] = Note(notes[-1].marker, f"{notes[-1].text} {text}".strip(),
                                     notes[-1].italics + tuple((s + shift, e + shift) for s, e in italics))
        while cut > 0 and blocks[cut - 1].kind == "rule":
            cut -= 1
        return blocks[:cut], tuple(notes)

    def _italics(self, start: int, end: int, clean: str) -> tuple[tuple[int, int], ...]:
        """Where the `*italic*` stretches of raw[start:end] stand in its clean text `clean` (titles, in a note)."""
        if not self.markdown:
            return ()
        found, cursor = [], 0
        for match in _ITALIC.finditer(self.raw, start, end):
            words = self._clean_range(match.start(2), match.end(2))
            at = clean.find(words, cursor)
            if words and at >= 0:
                found.append((at, at + len(words)))
                cursor = at + len(words)
        return tuple(found)

    # -- inline ---------------------------------------------------------------------------------

    def _line(self, line: tuple[int, int]) -> str:
        return self.raw[line[0]:line[1]]

    def _clean(self, block: _Block) -> str:
        builder = TextBuilder(self.raw)
        self._copy_lines(builder, block.lines, [], [])
        return builder.build()[0].strip()

    def _clean_range(self, start: int, end: int) -> str:
        builder = TextBuilder(self.raw)
        self._copy_inline(builder, start, end, [], [])
        return builder.build()[0].strip()

    def _copy_lines(self, builder, lines, note_refs, links, skip: int = 0) -> None:
        for n, (start, end) in enumerate(lines):
            line = self.raw[start:end]
            heading = _HEADING.match(line)
            if heading:
                start += heading.start(2)
                end = start + len(heading.group(2))
            elif self.markdown:
                start += _QUOTE_PREFIX.match(line).end() if _QUOTE_PREFIX.match(line) else 0
            if n == 0:
                start += skip
            if n > 0:
                builder.insert(" ")
            self._copy_inline(builder, start, end, note_refs, links)

    def _copy_inline(self, builder: TextBuilder, start: int, end: int, note_refs, links) -> None:
        cursor = start
        for match in self.inline.finditer(self.raw, start, end):
            builder.copy(cursor, match.start())
            cursor = match.end()
            if match["note"] is not None:
                note_refs.append(NoteRef(match["marker"], builder.length))
            elif self.markdown and match["link"] is not None:
                anchor_start = builder.length
                self._copy_inline(builder, match.start("anchor"), match.end("anchor"), note_refs, links)
                if match["url"] not in ("", "#"):
                    links.append(Link(anchor_start, builder.length, match["url"]))
            elif self.markdown and match["auto"] is not None:
                anchor_start = builder.length
                builder.copy(match.start("autourl"), match.end("autourl"))
                links.append(Link(anchor_start, builder.length, match["autourl"]))
            elif self.markdown and match["escape"] is not None:
                builder.copy(match.start("escaped"), match.end("escaped"))
        builder.copy(cursor, end)


def _split_blocks(raw: str, markdown: bool, start: int = 0) -> list[_Block]:
    """The blocks of `raw` from `start`."""
    blocks: list[_Block] = []
    current: list[tuple[int, int]] = []

    def flush() -> None:
        if current:
            blocks.append(_Block(tuple(current), "text"))
            current.clear()

    for match in re.compile(r"[^\n]*").finditer(raw, start):
        if match.start() > start and raw[match.start() - 1] != "\n" and match.group() == "":
            continue
        line = match.group()
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        lead = len(line) - len(line.lstrip())
        span = (match.start() + lead, match.start() + lead + len(stripped))
        if markdown and _HEADING.match(stripped):
            flush()
            blocks.append(_Block((span,), "heading"))
        elif markdown and _RULE.match(stripped):
            flush()
            blocks.append(_Block((span,), "rule"))
        else:
            current.append(span)
    flush()
    return blocks


def _rejoin(blocks: list[_Block], raw: str) -> list[tuple[tuple[int, int], ...]]:
    """Text blocks as paragraphs, rejoining a paragraph broken mid-sentence by a stray blank line."""
    groups: list[list[tuple[int, int]]] = []
    previous_open = False
    for block in blocks:
        if block.kind == "rule":
            previous_open = False
            continue
        first_char = raw[block.start]
        if previous_open and block.kind == "text" and first_char.islower():
            groups[-1].extend(block.lines)
        else:
            groups.append(list(block.lines))
        last_line = raw[block.lines[-1][0]:block.lines[-1][1]]
        previous_open = block.kind == "text" and not _TERMINAL.search(last_line)
    return [tuple(g) for g in groups]


def _is_label(text: str) -> bool:
    """A section label: a few words, no sentence punctuation ("EURASIE", "Asie > Corée")."""
    return 0 < len(text) <= 60 and len(text.split()) <= 6 and not re.search(r"[.!?:;]$", text)


def _is_title_like(text: str) -> bool:
    return 0 < len(text) <= 200 and not text.endswith((".", ",", ";")) and len(text.split()) <= 30


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 5 and all(w[0].isupper() or w.lower() in ("de", "du", "d'", "le", "la") for w in words)
