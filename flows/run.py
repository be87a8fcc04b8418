"""One run of a flow that loads documents (`ingest`, `reprocess`, a scheduled source): its row in `ingest_runs`, what
it counted, where the flow's time went, and the summary it returns and publishes."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from corpus.nlp import pipeline_version
from flows import lifeline
from warehouse.contract import RunStatus
from warehouse.load import BatchResult, abandon_runs, running_runs, start_run

STAGES = ("read_parse", "annotate_wait", "load", "finish", "summarise")
"""Where the flow's own time goes: reading and parsing batches, waiting for annotations, loading batches, recording
the end of the run (with the counters carried to it), rebuilding the corpus summaries. The workers annotate meanwhile,
so these add up to the run's time less Prefect's overhead."""

MATCHING = "load: stories and quote clusters"
"""The part of `load` spent matching the batch's documents and quotes against the warehouse's (warehouse/stories.py),
reported beside the stages."""

COUNTERS = ("loaded", "changed", "skipped", "rejected", "mentions", "quotes")
"""What a run counts as its batches load (the progress line shows them)."""

SUMMARY_ROWS = (("new", "n_new"), ("changed", "n_changed"), ("unchanged, skipped", "n_skipped"),
                ("rejected", "n_rejected"), ("inputs", "n_inputs"), ("entity mentions", "n_mentions"),
                ("quotes", "n_quotes"))


@dataclass
class Run:
    """A run in progress: `begin` records it, the flow adds to its counters and stage timings, `summary` ends it."""
    db: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    status: RunStatus = "failed"
    """Until the run says otherwise: `completed`, or `interrupted` by Ctrl-C."""
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys((*STAGES, MATCHING), 0.0))

    def begin(self, con: duckdb.DuckDBPyConnection, arguments: str, source: str | None = None) -> None:
        """Record the run as `running` in `ingest_runs`, with the pipeline version, the Prefect flow run and the
        process it runs in; mark the runs left `running` by a process that is gone `abandoned` (this connection
        holds the write lock, so no run can start or end meanwhile)."""
        abandon_runs(con, lifeline.dead(running_runs(con)))
        start_run(con, self.id, pipeline_version=pipeline_version(), flow_run_id=str(flow_run.id or ""),
                  arguments=arguments, process=lifeline.this_process(), source=source)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started

    def count_loaded(self, result: BatchResult) -> None:
        for key, value in zip(("loaded", "changed", "mentions", "quotes"),
                              (result.n_loaded, result.n_changed, result.n_mentions, result.n_quotes)):
            self.totals[key] += value
        self.seconds[MATCHING] += result.matching_seconds

    def summary(self, counts: dict) -> dict:
        """What the run did: its status, the counts `finish_run` read back from `ingest_runs` (none if the end could
        not be recorded), the mentions and quotes loaded, and the seconds per stage."""
        summary = {"run_id": self.id, "db": self.db, "status": self.status, **counts,
                   "n_mentions": self.totals["mentions"], "n_quotes": self.totals["quotes"],
                   "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}
        if counts:
            summary["n_new"] = counts["n_loaded"] - counts["n_changed"]
        return summary


def publish(kind: str, key: str, summary: dict) -> None:
    """The run's Prefect artifact: new, changed, skipped and rejected counts, and how to list what it rejected."""
    description = f"{kind.lower()} run {summary['run_id']}" + (f" of source {summary['source']}"
                                                               if summary.get("source") else "")
    create_markdown_artifact(key=key, markdown=summary_markdown(kind, summary), description=description)


def summary_markdown(kind: str, summary: dict) -> str:
    rows = "\n".join(f"| {label} | {summary.get(key, 0):,} |" for label, key in SUMMARY_ROWS)
    source = f" of source `{summary['source']}`" if summary.get("source") else ""
    return (f"# {kind} run {summary['run_id']}{source}: {summary['status']}\n\n| documents | |\n|---|---|\n{rows}\n\n"
            f"Database: `{summary['db']}`. Rejected inputs and why: "
            f"`SELECT * FROM rejected_inputs WHERE run_id = '{summary['run_id']}'`\n")
