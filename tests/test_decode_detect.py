"""Bytes that are not usable text are refused with a reason; other charsets are decoded."""

import codecs

import pytest

from corpus.read.decode import NotText, decode_text
from corpus.read.detect import sniff_format

FRENCH = "Le président a déclaré : « Nous irons à Noël. » L'été fut chaud à Besançon."


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"  \n\t \r\n", "empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"texte\x00avec\x00des\x00octets\x00nuls", "binary"),
    (bytes(range(1, 32)) * 20, "binary"),
])
def test_not_text_is_refused_with_a_reason(data, reason):
    with pytest.raises(NotText) as error:
        decode_text(data)
    assert error.value.reason == reason
    assert str(error.value)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "iso-8859-1"])
def test_french_text_is_decoded_whatever_its_charset(encoding):
    decoded = decode_text((FRENCH * 5).encode(encoding))
    assert decoded.text == FRENCH * 5


def test_utf16_with_bom_is_recognised():
    data = codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le")
    assert decode_text(data).text == FRENCH


def test_stray_windows_1252_bytes_in_utf8_are_repaired():
    data = FRENCH.encode("utf-8") + " Coût : 5 €".encode("cp1252")
    decoded = decode_text(data)
    assert decoded.encoding == "utf-8+cp1252"
    assert decoded.text == FRENCH + " Coût : 5 €"


def test_crlf_becomes_lf():
    assert decode_text(b"ligne un\r\nligne deux\rtrois").text == "ligne un\nligne deux\ntrois"


@pytest.mark.parametrize("head, name, expected", [
    ('{"title": "T", "article": "x"}\n{"title": "U"}', "dump.txt", "jsonl"),
    ('{\n  "article": "pretty printed"\n}', "x.json", "json"),
    ("<!DOCTYPE html><html><body><p>x</p></body></html>", "page.txt", "html"),
    ("<?xml version='1.0'?><rss version='2.0'><channel>", "feed.xml", "feed"),
    ("EURASIE\n\n## Titre\n\nTexte.", "export.txt", "markdown"),
    ("Un titre\n\nUn paragraphe de texte brut.", "article.md", "markdown"),
    ("Un titre\n\nUn paragraphe de texte brut.", "article.txt", "text"),
])
def test_format_is_told_by_content(head, name, expected):
    assert sniff_format(head, name) == expected
