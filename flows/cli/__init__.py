"""The `corpus` command: `ingest`, `reprocess`, `pull`, `backfill`, `serve`, `stats`, `query`, `export`, `dashboard`,
`bench`, `train` and `eval`, one module per command group (`entry` puts them together)."""

from flows.cli.entry import main
from flows.cli.ingest import sample_corpus

__all__ = ["main", "sample_corpus"]
