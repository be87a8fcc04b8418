"""Bytes to text: refuse what is not text, decode what is, whatever its charset."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x7fELF", b"\x1f\x8b", b"BZh",
                 b"\xfd7zXZ", b"SQLite format", b"DUCK")
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}
_MAX_CONTROL_RATIO = 0.01
_MAX_CHAOS = 0.2
WESTERN = ("cp1252", "iso8859_15", "latin_1")
"""Preferred among charsets that read the bytes equally well: a French corpus is Western European,
and detectors otherwise pick Nordic or Baltic code pages for accented French."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


class NotText(ValueError):
    """The bytes are not a text we can read. `reason` is `empty`, `binary` or `encoding`."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode a byte that is not valid UTF-8 as Windows-1252 (text mixing both encodings)."""
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("corpus-cp1252", _cp1252_fallback)


def decode_text(data: bytes) -> Decoded:
    """Decode `data`, or raise `NotText`.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read as such. UTF-8 with a few stray
    Windows-1252 bytes keeps its UTF-8 and repairs the strays. Anything else is decoded with the
    charset that charset-normalizer detects, if it is confident.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), encoding)
    if not data.strip():
        raise NotText("empty", "the input is empty or holds only white space")
    head = data[:8192]
    if any(head.startswith(magic) for magic in _BINARY_MAGIC) or b"\x00" in head:
        raise NotText("binary", "the input is binary (NUL bytes or a binary file signature)")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    if any(ord(c) > 127 and c != "\ufffd" for c in lenient):
        return _checked(data.decode("utf-8", errors="corpus-cp1252"), "utf-8+cp1252")
    matches = list(from_bytes(data))
    if not matches or matches[0].chaos > _MAX_CHAOS:
        raise NotText("encoding", "the input is neither UTF-8 nor a charset that can be detected with confidence")
    as_good = {m.encoding: m for m in matches if m.chaos <= matches[0].chaos + 0.01}
    chosen = next((as_good[e] for e in WESTERN if e in as_good), matches[0])
    return _checked(str(chosen), chosen.encoding)


def decode_head(head: bytes) -> str:
    """The first bytes of an input as text good enough to tell its format: by its BOM, else as UTF-8 (a
    UTF-16 page read as UTF-8 is NUL bytes between its letters, and no tag would be seen)."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return head.decode(encoding, errors="replace")
    return head.decode("utf-8", errors="replace")


def _checked(text: str, encoding: str) -> Decoded:
    if not text.strip():
        raise NotText("empty", "the input is empty or holds only white space")
    sample = text[:20000]
    controls = sum(1 for c in sample if ord(c) in _CONTROL)
    if controls / len(sample) > _MAX_CONTROL_RATIO:
        raise NotText("binary", f"the input holds {controls} control characters in its first {len(sample)}")
    return Decoded(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""), encoding)
