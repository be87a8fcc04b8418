"""The typed records passed between stages: raw document -> article -> annotated article.

Every record is a frozen dataclass. Offsets are 0-based Python string indices into `Article.text`,
end exclusive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from corpus.read.textmap import OffsetMap


@dataclass(frozen=True)
class RawDocument:
    """One input as read: a file, or one record of a JSONL file."""

    source_uri: str
    content: bytes
    format: str
    """One of `markdown`, `html`, `jsonl`, `text` (see `corpus.read.detect`)."""
    content_sha256: str

    @classmethod
    def from_bytes(cls, source_uri: str, content: bytes, format: str) -> RawDocument:
        return cls(source_uri, content, format, hashlib.sha256(content).hexdigest())


@dataclass(frozen=True)
class Rejection:
    """An input that could not be used, and why. `reason` is a short code, `detail` one sentence; `content_sha256`
    the input's content, where it could be read."""

    source_uri: str
    reason: str
    detail: str
    content_sha256: str | None = None

    @property
    def input_key(self) -> str:
        """What makes two rejections the same input: its content where it was read, else its address."""
        return self.content_sha256 or self.source_uri


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    role: str
    """`lede` or `body`."""


@dataclass(frozen=True)
class NoteRef:
    """A footnote call such as `[3]` removed from the text; `offset` is where it stood."""

    marker: str
    offset: int


@dataclass(frozen=True)
class Note:
    """One entry of the notes section, kept apart from the body."""

    marker: str
    text: str
    italics: tuple[tuple[int, int], ...] = ()
    """(start, end) of the stretches of `text` set in italics: in French, titles of works and publications."""


@dataclass(frozen=True)
class Link:
    """A hyperlink whose anchor text is `text[start:end]` (an autolink's anchor is the URL itself)."""

    start: int
    end: int
    url: str


@dataclass(frozen=True)
class Article:
    """A parsed article. `text` is the clean text: the lede then the body paragraphs, `\\n\\n` apart."""

    source_uri: str
    format: str
    content_sha256: str
    raw_text: str
    """What `offset_map` maps into: the decoded input, or for JSONL the record's text fields."""
    text: str
    offset_map: OffsetMap
    paragraphs: tuple[Paragraph, ...]
    title: str | None = None
    section: str | None = None
    authors: tuple[str, ...] = ()
    published_date: dt.date | None = None
    written_date: dt.date | None = None
    language: str | None = None
    lede: str | None = None
    signature: str | None = None
    url: str | None = None
    site_name: str | None = None
    note_refs: tuple[NoteRef, ...] = ()
    notes: tuple[Note, ...] = ()
    links: tuple[Link, ...] = ()
    raw_content: str | None = None
    """The decoded input (a file, or one JSONL line), kept so that it can be parsed again."""
    encoding: str | None = None

    @property
    def body_paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(p for p in self.paragraphs if p.role == "body")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph_index: int


@dataclass(frozen=True)
class EntityMention:
    """A named entity in the article's text, title or one of its notes (`part`): `start` and `end` index
    `Article.text`, `Article.title` or `Article.notes[note_index].text`."""

    start: int
    end: int
    text: str
    label: str
    sentence_index: int | None
    """In `Article.text` only, as `paragraph_index`."""
    paragraph_index: int | None
    entity_key: str
    """Accent- and case-insensitive key of the entity the mention names, from its canonical name and that name's
    label (see `corpus.entities.keys`, `corpus.entities.canonical`)."""
    canonical: str = ""
    """The fullest name the article gives the entity ("Vladimir Poutine" for "Poutine")."""
    title: str | None = None
    """The title trimmed off the name ("M." for "M. Poutine")."""
    part: str = "text"
    """`text`, `title` or `note`."""
    note_index: int | None = None
    gender: str | None = None
    """A person's gender in this document, `female`, `male` or `unknown` (`corpus.quotes.voices`); None for other
    labels."""
    gender_source: str | None = None
    """What the gender rests on: `text`, `first-name` or `none`."""


@dataclass(frozen=True)
class Quote:
    """Reported speech in `Article.text`: its span, kind, speaker, cue and credited outlet."""

    start: int
    end: int
    text: str
    kind: str
    """`direct`, `partial`, `indirect` or `term`."""
    speaker_name: str | None = None
    """The fullest name the article gives the speaker ("Vladimir Poutine" for "M. Poutine")."""
    speaker_mention: str | None = None
    """The words that designate the speaker next to the quote ("M. Poutine", "il")."""
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    """The lemma of the reporting verb, or the marker ("selon")."""
    reported_via: str | None = None
    """The outlet or channel the words are credited to ("les agences de presse", "BBC")."""
    conditional: bool = False
    """Reported in the conditional ("aurait répondu"): an unconfirmed report."""
    speaker_from: str | None = None
    """`note` when the speaker is the author of the footnote the quote calls."""
    speaker_role: str | None = None
    """The role's key (`corpus.quotes.roles.role_key`) when the speaker is a description the article names no one
    for ("le chef de l'Etat"): the warehouse's `speaker_roles` view finds its holder in the corpus."""
    speaker_kind: str | None = None
    """`person`, `organisation`, `group`, `anonymous` or `document` (`corpus.quotes.voices`)."""
    speaker_gender: str | None = None
    """`female`, `male` or `unknown`: the speaker's gender in this document (`unknown` for all but persons and
    anonymous sources)."""
    speaker_gender_source: str | None = None
    """What the gender rests on: `text` (the article's words), `first-name` (the text says nothing), `none`."""


@dataclass(frozen=True)
class RoleMention:
    """A person named with a role in `Article.text`: "le Premier ministre Édouard Philippe" gives the role
    "Premier ministre" (its span, without the determiner's meaning) and the holder "Édouard Philippe"."""

    start: int
    end: int
    role: str
    holder: str
    """The fullest name the article gives the person."""
    holder_start: int
    holder_end: int


@dataclass(frozen=True)
class Citation:
    """A source of the article: a note (`reference` or `note`), a credit in the text (`inline`: "selon l'AFP") or a
    URL in the body (`url`). `start`, `end` and `sentence_index` place an inline credit or a URL in the text."""

    kind: str
    key: str
    """Unique in the article and stable from run to run: `kind:marker` for a note, `kind:n` otherwise."""
    raw_text: str
    marker: str | None = None
    author: str | None = None
    publication: str | None = None
    """The outlet's name when `data/outlets.json` knows it ("Le Monde" for "*le Monde*"), else as written."""
    outlet_key: str | None = None
    """The outlet's key (see `corpus.entities.outlets`), which is the same for every way of writing it."""
    published_date: dt.date | None = None
    title: str | None = None
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    domain: str | None = None
    same_as: str | None = None
    """The key of the earlier note this one repeats ("op. cit.", "ibid.")."""
    start: int | None = None
    end: int | None = None
    sentence_index: int | None = None


@dataclass(frozen=True)
class Fingerprint:
    """A text's MinHash signature and the keys of its LSH bands (`corpus.fingerprints`): what finds the texts that
    repeat it, possibly edited."""

    minhash: tuple[int, ...]
    band_keys: tuple[int, ...]
    n_shingles: int
    """How many distinct shingles the text has: with the signatures, what estimates how much of one text the other
    holds."""
    fine_minhash: tuple[int, ...] = ()
    n_fine_shingles: int = 0
    """The same over shorter shingles, for documents (`Shingling.fine_shingle_words`): a text rewritten sentence by
    sentence keeps short phrases of its source where it loses the longer ones."""


@dataclass(frozen=True)
class AnnotatedArticle:
    """An article with its NLP annotations: what the warehouse loads for one document."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[EntityMention, ...]
    pipeline_version: str
    quotes: tuple[Quote, ...] = ()
    quote_notes: tuple[tuple[str, ...], ...] = ()
    """For each quote, the footnote markers called in its sentence."""
    citations: tuple[Citation, ...] = ()
    quote_citations: tuple[tuple[str, ...], ...] = ()
    """For each quote, the keys of the citations it comes from."""
    roles: tuple[RoleMention, ...] = ()
    fingerprint: Fingerprint | None = None
    """Of the text, to find its near-duplicates (`corpus.fingerprints`); None for a text too short."""
    quote_fingerprints: tuple[Fingerprint | None, ...] = ()
    """For each quote, its fingerprint if it is a direct or partial quote long enough to be matched across documents."""
