"""Which reader an input needs, told from its content (the file name only breaks ties)."""

from __future__ import annotations

import json
import re

FORMATS = ("markdown", "html", "jsonl", "text", "feed", "json")

_HTML = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]|<article[\s>]|<p[\s>]|<div[\s>]", re.IGNORECASE)
_FEED = re.compile(r"<rss[\s>]|<feed[\s>][^>]*?xmlns=|<rdf:RDF", re.IGNORECASE)
_MARKDOWN = re.compile(
    r"^ {0,3}#{1,6} \S|^\s*\*\*[^*\n]+\*\*\s*$|\[[^\[\]\n]+\]\([^()\s\[]*\)|<https?://[^<>\s]+>|^ {0,3}---+\s*$|^ {0,3}> ",
    re.MULTILINE,
)


def sniff_format(head: str, name: str = "") -> str:
    """The format of a decoded input from its first few kilobytes: one of `FORMATS`."""
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{") and _first_line_is_object(stripped):
        return "jsonl"
    if stripped.startswith(("{", "[")):
        return "json"
    if stripped.startswith("<"):
        if _FEED.search(stripped[:2048]):
            return "feed"
        if _HTML.search(stripped):
            return "html"
    elif _HTML.search(stripped[:512]) and name.lower().endswith((".html", ".htm")):
        return "html"
    if _MARKDOWN.search(stripped) or name.lower().endswith((".md", ".markdown")):
        return "markdown"
    return "text"


def _first_line_is_object(text: str) -> bool:
    line = text.split("\n", 1)[0].strip()
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):  # nesting too deep for the decoder is still a line of JSON
        return line.endswith("}") or len(line) > 4096
