"""RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds to items: what a feed lists, never the articles themselves.

A feed is untrusted XML from the network, so it is parsed without entities, DTDs or network access (no XXE, no
billion laughs), and in recovery mode, so that a truncated feed still yields the items it got to. Item links are
made absolute, and only http(s) links are kept as `url`: a `file:` or `javascript:` link is left for the caller to
reject, by name.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import hashlib
import html
import html.entities
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from lxml import etree

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"

_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "td", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr")
_FRENCH_MONTHS = {
    "janvier": "Jan", "janv": "Jan", "fevrier": "Feb", "fevr": "Feb", "fev": "Feb", "mars": "Mar", "avril": "Apr",
    "avr": "Apr", "mai": "May", "juin": "Jun", "juillet": "Jul", "juil": "Jul", "aout": "Aug", "septembre": "Sep",
    "sept": "Sep", "octobre": "Oct", "novembre": "Nov", "decembre": "Dec", "dec": "Dec",
}
_ZONES = {"CEST": "+0200", "CET": "+0100"}
"""Zone names French feeds use that `email.utils` does not know."""
_LEADING_WEEKDAY = re.compile(r"^(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b)[^\W\d_]+\.?,?\s+(?=\d)")
"""A weekday name in any language ("Lun", "Mardi,"): `email.utils` drops English ones only."""
_WORD = re.compile(r"[^\W\d_]+\.?")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Not allowed in XML text, but a recovering parser, or a character reference in escaped HTML, lets some through."""
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = (b"lt", b"gt", b"amp", b"quot", b"apos")
_XML_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.DOTALL | re.IGNORECASE)
_ROOT_TAG = re.compile(rb"\s*<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


class FeedError(ValueError):
    """The bytes are not an RSS or Atom feed; message is one line for the user."""


@dataclass(frozen=True)
class FeedItem:
    item_id: str
    """The `<guid>`/`<id>` (RDF: `rdf:about`), else the link, else a hash of title, date and summary: stable across
    fetches, so that an item seen again is known."""
    url: str | None
    """The article's link made absolute (against `xml:base`, then the feed's URL); None unless http(s)."""
    title: str | None
    published: dt.datetime | None
    """Timezone-aware (UTC when the feed gives no zone); None when missing or unreadable."""
    updated: dt.datetime | None
    """Atom `<updated>`; RSS has none."""
    summary: str | None
    """Plain text, tags stripped."""
    link: str | None = None
    """The link as written, so that a rejected one (`file:///etc/passwd`, a relative link with no base) can be named."""


@dataclass(frozen=True)
class Feed:
    kind: str
    """`rss`, `atom` or `rdf`."""
    title: str | None
    link: str | None
    """The site the feed belongs to, absolute and http(s), else None."""
    items: tuple[FeedItem, ...]


def parse_feed(content: bytes, base_url: str | None = None) -> Feed:
    """The feed in `content`, its relative links resolved against `base_url` (the URL it was fetched from), or
    `FeedError`. The encoding comes from the BOM or the XML declaration."""
    if not content.strip():
        raise FeedError("the feed is empty")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True,
                             load_dtd=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(_numeric_html_entities(content), parser, base_url=base_url)
    except etree.XMLSyntaxError as error:
        raise FeedError(f"not an RSS or Atom feed: the XML cannot be read ({error.msg})") from None
    if root is None:
        raise FeedError("not an RSS or Atom feed: the XML cannot be read")
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FeedError("not an RSS feed: the <rss> element has no <channel>")
        return Feed("rss", _plain_text(_text(channel.find("title"))), _absolute(channel.find("link"), base_url),
                    tuple(_rss_item(item, base_url) for item in channel.iter("item")))
    if root.tag == f"{{{ATOM}}}feed":
        return Feed("atom", _atom_text(root.find(f"{{{ATOM}}}title")), _atom_link(root, base_url)[1],
                    tuple(_atom_entry(entry, base_url) for entry in root.iter(f"{{{ATOM}}}entry")))
    if root.tag == f"{{{RDF}}}RDF":
        channel = root.find(f"{{{RSS1}}}channel")
        return Feed("rdf", _plain_text(_text(_child(channel, RSS1, "title"))),
                    _absolute(_child(channel, RSS1, "link"), base_url),
                    tuple(_rdf_item(item, base_url) for item in root.iter(f"{{{RSS1}}}item")))
    raise FeedError(f"not an RSS or Atom feed: the document's root is <{root.tag.rpartition('}')[2][:40]}>")


def is_feed(head: bytes) -> bool:
    """Whether `head`, the first bytes of a document, starts an XML document whose root is `rss`, an Atom `feed` or
    `rdf:RDF`: a cheap sniff before parsing."""
    encoding = _sniffed_encoding(head)
    if encoding:
        head = head.decode(encoding, errors="ignore").encode("utf-8")
    head = head.removeprefix(codecs.BOM_UTF8)
    position = 0
    while prolog := _XML_PROLOG.match(head, position):
        position = prolog.end()
    root = _ROOT_TAG.match(head, position)
    if root is None:
        return False
    name = root.group(2)
    return name == b"rss" or (name == b"feed" and ATOM.encode() in head) or (name == b"RDF" and bool(root.group(1)))


def allowed_url(url: str) -> bool:
    """Whether `url` is an absolute http or https URL with a host: nothing else is fetched or followed (no `file:`,
    `ftp:`, `data:`, `javascript:`, no relative link)."""
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _numeric_html_entities(content: bytes) -> bytes:
    """`content` with HTML named entities (`&eacute;`, `&nbsp;`), which XML does not define but French feeds use, as
    character references. Left undefined, the first one is an error, after which libxml2's recovery drops every
    `&lt;` and `&amp;` of the document, and escaped HTML summaries with them."""
    def numeric(match: re.Match) -> bytes:
        characters = html.entities.html5.get(match.group(1).decode("ascii") + ";")
        if characters is None or match.group(1) in _XML_ENTITIES:
            return match.group()
        return b"".join(b"&#%d;" % ord(character) for character in characters)
    return _NAMED_ENTITY.sub(numeric, content)


def _rss_item(item: etree._Element, base_url: str | None) -> FeedItem:
    link_element = item.find("link")
    guid_element = item.find("guid")
    guid = _text(guid_element)
    if link_element is None and guid and guid_element.get("isPermaLink", "true").lower() != "false":
        link_element = guid_element
    date = _text(item.find("pubDate")) or _text(item.find(f"{{{DC}}}date"))
    return _item(guid, link_element, base_url, _plain_text(_text(item.find("title"))), date, None,
                 _plain_text(_text(item.find("description"))))


def _rdf_item(item: etree._Element, base_url: str | None) -> FeedItem:
    return _item(item.get(f"{{{RDF}}}about"), item.find(f"{{{RSS1}}}link"), base_url,
                 _plain_text(_text(item.find(f"{{{RSS1}}}title"))), _text(item.find(f"{{{DC}}}date")), None,
                 _plain_text(_text(item.find(f"{{{RSS1}}}description"))))


def _atom_entry(entry: etree._Element, base_url: str | None) -> FeedItem:
    link_element, _ = _atom_link(entry, base_url)
    summary = entry.find(f"{{{ATOM}}}summary")
    if summary is None:
        summary = entry.find(f"{{{ATOM}}}content")
    return _item(_text(entry.find(f"{{{ATOM}}}id")), link_element, base_url, _atom_text(entry.find(f"{{{ATOM}}}title")),
                 _text(entry.find(f"{{{ATOM}}}published")), _text(entry.find(f"{{{ATOM}}}updated")),
                 _atom_text(summary))


def _item(item_id: str | None, link_element: etree._Element | None, base_url: str | None, title: str | None,
          published: str | None, updated: str | None, summary: str | None) -> FeedItem:
    link = _link_text(link_element)
    url = _absolute(link_element, base_url)
    if not item_id:
        item_id = url or link or _digest(title, published, summary)
    return FeedItem(item_id, url, title, _parse_date(published), _parse_date(updated), summary, link)


def _atom_link(element: etree._Element, base_url: str | None) -> tuple[etree._Element | None, str | None]:
    """The element's `alternate` link (a link without `rel` is one), and its URL."""
    for link in element.findall(f"{{{ATOM}}}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link, _absolute(link, base_url)
    return None, None


def _link_text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    return (element.get("href") or _text(element) or "").strip() or None


def _absolute(element: etree._Element | None, base_url: str | None) -> str | None:
    """The link of `element` (an `href`, or its text) resolved against its `xml:base` and the feed's URL, if http(s)."""
    link = _link_text(element)
    if link is None:
        return None
    try:
        url = urljoin(element.base or base_url or "", link)
    except ValueError:  # a malformed base or link ("http://[::1")
        return None
    return url if allowed_url(url) else None


def _child(element: etree._Element | None, namespace: str, name: str) -> etree._Element | None:
    return None if element is None else element.find(f"{{{namespace}}}{name}")


def _text(element: etree._Element | None) -> str | None:
    """The text under `element`, stripped; None if there is none. Entities, which the safe parser leaves unexpanded,
    are dropped."""
    if element is None:
        return None
    return "".join(_texts(element)).strip() or None


def _texts(element: etree._Element) -> Iterator[str]:
    if isinstance(element.tag, str):
        yield element.text or ""
        for child in element:
            yield from _texts(child)
    if element.tail:
        yield element.tail


def _atom_text(element: etree._Element | None) -> str | None:
    """An Atom text construct as plain text: `type="xhtml"` holds markup as elements, the others as text."""
    if element is None:
        return None
    if element.get("type") == "xhtml":
        markup = "".join(etree.tostring(child, encoding="unicode", with_tail=True) for child in element)
        return _plain_text((element.text or "") + markup)
    return _plain_text(_text(element))


def _plain_text(markup: str | None) -> str | None:
    """HTML (or plain text) to one line of text: tags, scripts and styles stripped, entities decoded."""
    if not markup or not markup.strip():
        return None
    reader = _TextReader()
    reader.feed(markup)
    reader.close()
    return " ".join(_CONTROL_CHARACTERS.sub(" ", "".join(reader.parts)).split()) or None


class _TextReader(HTMLParser):
    """The text of an HTML fragment, a space for each block boundary; never raises on broken markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """Skip a `<![...]>` section: the standard library's raises `AssertionError` on a broken one (`<![CDATX[`)."""
        end = self.rawdata.find(">", i + 3)
        return -1 if end < 0 else end + 1


def _digest(*parts: str | None) -> str:
    return "sha256:" + hashlib.sha256("\x1f".join(part or "" for part in parts).encode("utf-8")).hexdigest()[:32]


def _parse_date(text: str | None) -> dt.datetime | None:
    """An ISO 8601 / RFC 3339 or RFC 822 date, timezone-aware; None if unreadable. RFC 822 is read leniently: any
    weekday name, French month names, CET and CEST."""
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        parsed = _rfc822(text)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _rfc822(text: str) -> dt.datetime | None:
    text = _WORD.sub(lambda word: _english_word(word.group()), " ".join(text.split()))
    text = _LEADING_WEEKDAY.sub("", text)
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _english_word(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.rstrip(".")).encode("ascii", "ignore").decode().lower()
    return _FRENCH_MONTHS.get(folded) or _ZONES.get(word) or word


def _sniffed_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32 told from the BOM or the first `<` (XML 1.0, appendix F); None for ASCII-compatible bytes."""
    for prefix, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                             (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
                             (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
                             (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if head.startswith(prefix):
            return encoding
    return None
