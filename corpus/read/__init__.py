"""Readers: raw documents to `Article` (decode, detect the format, Markdown/text, HTML, JSONL, feeds, dates, authors)."""
