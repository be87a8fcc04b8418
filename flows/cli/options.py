"""The `--db` and `--sources` options several command groups share, and how they resolve."""

from __future__ import annotations

import argparse
import os

from flows.cli.errors import UsageError

DB_HELP = "the DuckDB database (default: $CORPUS_DB, else corpus.duckdb here)"
SOURCES_HELP = "the sources file (default: $CORPUS_SOURCES, else sources.toml here); see docs/sources.md"
SOURCES_DB_HELP = "the DuckDB database (default: the sources file's db)"


def db_path(args: argparse.Namespace) -> str:
    return args.db or os.environ.get("CORPUS_DB") or "corpus.duckdb"


def sources_file(args: argparse.Namespace):
    """The sources file the command names, loaded and checked."""
    from flows.config import ConfigError, load_sources

    path = args.sources or os.environ.get("CORPUS_SOURCES") or "sources.toml"
    try:
        return load_sources(path)
    except ConfigError as error:
        raise UsageError(error) from None
