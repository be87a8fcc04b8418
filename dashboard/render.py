"""The dashboard's only raw HTML: a document's text with its mentions and quotes marked, its metadata, and quote
search results. Titles and texts come from the articles and may hold markup ("<script>", "<b>"), so every piece of
them is escaped here: it is shown as text, never run.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import quote_plus

STYLE = """
<style>
.doc-text { white-space: pre-wrap; line-height: 1.7; font-size: 1rem; }
.doc-text .quote { background: #fff3bf; border-bottom: 2px solid #f08c00; }
.doc-text .ent { border-radius: 3px; padding: 0 1px; }
.doc-text .ent-PER { background: #d0ebff; } .doc-text .ent-ORG { background: #d3f9d8; }
.doc-text .ent-LOC { background: #ffe3e3; } .doc-text .ent-MISC { background: #e5dbff; }
.doc-meta th { text-align: left; padding-right: 1em; vertical-align: top; font-weight: 600; }
.quote-results li { margin-bottom: .6em; }
</style>
"""


def highlight(text: str, mentions: Sequence[tuple], quotes: Sequence[tuple]) -> str:
    """`text` as a `<div class="doc-text">`: each mention (start, end, label, name) in a span by label, each quote
    (start, end, kind, speaker) in a span of class quote. Spans may overlap: the text is cut at every boundary and
    each piece is wrapped in the spans that cover it, so the HTML nests whatever the offsets."""
    spans = [(s, e, "ent ent-" + str(label), str(name)) for s, e, label, name in mentions]
    spans += [(s, e, "quote", f"{kind} quote" + (f" ({speaker})" if speaker else "")) for s, e, kind, speaker in quotes]
    cuts = sorted({0, len(text), *(p for s, e, _, _ in spans for p in (s, e) if 0 <= p <= len(text))})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        piece = html.escape(text[start:end])
        for _, _, css, title in sorted((sp for sp in spans if sp[0] <= start and end <= sp[1]),
                                       key=lambda sp: sp[2] == "quote"):
            piece = f'<span class="{html.escape(css)}" title="{html.escape(title)}">{piece}</span>'
        pieces.append(piece)
    return f'<div class="doc-text">{"".join(pieces)}</div>'


def title(text: str | None) -> str:
    return f"<h2>{html.escape(text or '(untitled)')}</h2>"


def metadata(fields: dict) -> str:
    """A two-column table of the fields that have a value; lists are joined with commas."""
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(', '.join(map(str, value)) if isinstance(value, list) else str(value))}</td></tr>"
        for name, value in fields.items() if value not in (None, "", [])
    )
    return f'<table class="doc-meta">{rows}</table>'


def quote_results(rows: Sequence[tuple]) -> str:
    """Quote search results (doc_id, title, kind, speaker, quote), each with a link to its document's page."""
    items = "".join(
        f'<li>« {html.escape(quote)} » <em>{html.escape(speaker or "no speaker")}, {html.escape(kind)}</em>, in '
        f'<a href="document?doc_id={html.escape(quote_plus(doc_id))}" target="_self">{html.escape(doc_title or doc_id)}</a></li>'
        for doc_id, doc_title, kind, speaker, quote in rows
    )
    return f'<ol class="quote-results">{items}</ol>'


def siblings(rows: Sequence[tuple]) -> str:
    """The other documents of a story (doc_id, title, date, similarity to its first document), each a link."""
    items = "".join(
        f'<li><a href="document?doc_id={html.escape(quote_plus(doc_id))}" target="_self">{html.escape(doc_title)}</a> '
        f'({html.escape(str(date or "no date"))}, similarity {similarity:.2f})</li>'
        for doc_id, doc_title, date, similarity in rows
    )
    return f'<ul class="story-siblings">{items}</ul>'


def repeated_quotes(rows: Sequence[tuple]) -> str:
    """A document's quotes that other stories carry: (quote, documents, stories, publications, first seen,
    speakers credited)."""
    items = "".join(
        f'<li>« {html.escape(quote)} »: {n_docs} documents, {n_stories} stories, {n_publications} publications since '
        f'{html.escape(str(first_seen or "an unknown date"))}; credited to {html.escape(", ".join(speakers) or "no one")}</li>'
        for quote, n_docs, n_stories, n_publications, first_seen, speakers in rows
    )
    return f'<ul class="repeated-quotes">{items}</ul>'
