"""Text to records: pure functions from raw French articles to structured, annotated records (no I/O)."""

__version__ = "0.1.0"
