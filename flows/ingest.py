"""The ingest flow: find inputs, then per batch read -> parse -> annotate -> load.

Tasks take batches, never single documents. The flow passes records, paths and ids to tasks; the
spaCy pipeline and the DuckDB connection stay inside the tasks that use them. The warehouse is
opened only while a batch loads, so that readers can get in between batches.

Annotation is the expensive stage, so it is the one task submitted to the flow's task runner: a process
pool by default (one spaCy pipeline per worker process, loaded once per run), or any other Prefect task
runner given with `ingest.with_options(task_runner=...)`. The flow
keeps a few batches in flight and loads their results in order, as the one writer, while the workers
annotate the next ones: memory stays bounded by the batches in flight, whatever the size of the corpus.
"""

from __future__ import annotations

import logging
import os
import signal
import traceback
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import ProcessPoolTaskRunner

from corpus.jsonl import field_names
from corpus.nlp import annotate, load_pipeline, pipeline_version
from corpus.records import AnnotatedArticle, Article, Rejection
from flows.collect import ParsedBatch, file_batches, plan_files
from flows.progress import Progress
from warehouse.load import (BatchResult, finish_run, known_content, load_batch, open_warehouse, rebuild_summaries,
                            start_run)
from warehouse.state import SourceItem

DEFAULT_BATCH = 64
NLP_LANGUAGES = ("fr", "und")
"""French NER runs on these; other languages are loaded with their structure but no entities."""


def default_workers() -> int:
    """One NLP worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def nlp_workers(n: int) -> ProcessPoolTaskRunner:
    """A pool of `n` processes that each load the spaCy pipeline as they start, not on their first batch."""
    return ProcessPoolTaskRunner(max_workers=n, initializer=start_worker)


def start_worker() -> None:
    """Keep a worker's task logs off the console, which shows the progress line only (the flow's process logs
    each batch and every failure comes back to it), leave Ctrl-C to the flow's process (it reaches the whole process
    group; a worker interrupted mid-task crashed its task and hung the pool's shutdown), and load the pipeline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for handler in logging.getLogger().handlers + logging.getLogger("prefect").handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.CRITICAL)
    load_pipeline()


@task(cache_policy=NO_CACHE)
def annotate_batch(articles: Sequence[Article]) -> tuple[list[AnnotatedArticle], list[Rejection]]:
    """The batch's annotations; if the pipeline fails on it, the articles are annotated one by one, and those it
    fails on are rejected (a pipeline bug costs its documents, not the batch or the run)."""
    try:
        return _annotate(articles), []
    except Exception:
        annotated, rejections = [], []
        for article in articles:
            try:
                annotated += _annotate([article])
            except Exception as error:
                where = traceback.extract_tb(error.__traceback__)[-1]
                rejections.append(Rejection(article.source_uri, "annotate-error",
                                            f"the annotation failed: {type(error).__name__}: {error} "
                                            f"({Path(where.filename).name}:{where.lineno} in {where.name})"))
        return annotated, rejections


def _annotate(articles: Sequence[Article]) -> list[AnnotatedArticle]:
    french = [a for a in articles if a.language in NLP_LANGUAGES]
    annotated = {id(r.article): r for r in annotate(french)}
    version = pipeline_version()
    return [annotated.get(id(a)) or AnnotatedArticle(a, (), (), version) for a in articles]


@task(retries=3, retry_delay_seconds=[1, 3, 10], cache_policy=NO_CACHE)
def load(db: str, run_id: str, annotated: Sequence[AnnotatedArticle], rejections: Sequence[Rejection],
         n_skipped: int, items: Sequence[SourceItem] = ()) -> BatchResult:
    """Load the batch; an item the annotation rejected is recorded as rejected, not loaded."""
    failed = {r.source_uri: r.reason for r in rejections}
    items = [replace(i, status="rejected", reason=failed[i.source_uri]) if i.status == "loaded" and i.source_uri in failed
             else i for i in items]
    with open_warehouse(db) as con:
        return load_batch(con, run_id, annotated, rejections, n_skipped, items)


@task(cache_policy=NO_CACHE)
def summarise(db: str) -> None:
    """Rebuild the entity pairs, the top co-mentions and the full-text index once per run: they summarise the whole
    corpus, and rebuilding them per batch would cost more than the batch."""
    with open_warehouse(db) as con:
        rebuild_summaries(con)


@flow(name="ingest", log_prints=False, task_runner=nlp_workers(default_workers()))
def ingest(paths: list[str], db: str, field_map: dict[str, str] | None = None, batch_size: int = DEFAULT_BATCH,
           show_progress: bool = True, in_flight: int | None = None) -> dict:
    """Ingest articles from `paths` (files, directories, globs) into the DuckDB warehouse at `db`.

    `in_flight` batches are annotated at once (default: one more than the task runner's workers, so that no
    worker waits while a batch loads). Run it on other workers with `ingest.with_options(task_runner=...)`."""
    logger = get_run_logger()
    jsonl_fields = field_names(field_map)
    run_id = uuid.uuid4().hex[:12]
    planned = plan_files(paths, batch_size)
    with open_warehouse(db) as con:
        seen = known_content(con)
        start_run(con, run_id, pipeline_version=pipeline_version(), flow_run_id=str(flow_run.id or ""),
                  arguments=" ".join(paths))
    logger.info("run %s: %d files, %d documents in %d batches, %d paths rejected", run_id, len(planned.files),
                planned.total, len(planned.batches), len(planned.rejections))
    summary = annotate_and_load(db, run_id, file_batches(planned, seen, jsonl_fields), planned.total,
                                show_progress=show_progress, in_flight=in_flight, inline=len(planned.batches) <= 1)
    create_markdown_artifact(key="ingest-summary", markdown=summary_markdown("Ingest", summary),
                             description=f"ingest run {run_id}")
    return summary


def annotate_and_load(db: str, run_id: str, batches: Iterator[ParsedBatch], total: int, *, show_progress: bool,
                      in_flight: int | None, inline: bool) -> dict:
    """Annotate `batches` on the flow's task runner (here, if `inline`), keeping `in_flight` of them at once, and
    load them in order; then record the end of run `run_id`, rebuild the corpus summaries if anything was loaded, and
    return the run's summary."""
    logger = get_run_logger()
    progress = Progress(total) if show_progress else None
    totals = {"loaded": 0, "changed": 0, "skipped": 0, "rejected": 0, "mentions": 0, "quotes": 0}
    status = "failed"
    depth = max(in_flight or _parallelism() + 1, 1)
    pending: deque[tuple[PrefectFuture | tuple | None, ParsedBatch]] = deque()

    def load_oldest() -> None:
        submitted, batch = pending.popleft()
        done = submitted.result() if isinstance(submitted, PrefectFuture) else submitted
        annotated, failed = done or ([], [])
        for rejection in failed:
            logger.error("annotating %s failed: %s", rejection.source_uri, rejection.detail)
        result = load(db, run_id, annotated, batch.rejections + failed, batch.n_skipped, batch.items)
        for key, value in zip(totals, (result.n_loaded, result.n_changed, result.n_skipped, result.n_rejected,
                                       result.n_mentions, result.n_quotes)):
            totals[key] += value
        if progress:
            progress.advance(batch.n_read, **totals)

    try:
        for batch in batches:
            pending.append((_submit(batch.articles, inline), batch))
            while len(pending) >= depth:
                load_oldest()
        while pending:
            load_oldest()
        status = "completed"
    finally:
        if progress:
            progress.close()
        try:
            with open_warehouse(db) as con:
                counts = finish_run(con, run_id, status)
        except duckdb.Error:
            logger.exception("could not record the end of run %s", run_id)
            counts = {}
        if totals["loaded"]:
            try:
                summarise(db)
            except duckdb.Error:
                logger.exception("could not rebuild the corpus summaries after run %s", run_id)
    summary = {"run_id": run_id, "db": db, "status": status, **counts, "n_mentions": totals["mentions"],
               "n_quotes": totals["quotes"]}
    if counts:
        summary["n_new"] = counts["n_loaded"] - counts["n_changed"]
    logger.info("run %s %s: %s", run_id, status, summary)
    return summary


def _submit(articles: Sequence[Article], inline: bool) -> PrefectFuture | tuple | None:
    """Submit the batch to the workers; a run of one batch annotates it here, where starting workers would
    cost more than they save."""
    if not articles:
        return None
    return annotate_batch(articles) if inline else annotate_batch.submit(articles)


def _parallelism() -> int:
    """The current task runner's workers, if it says, else this machine's cores."""
    runner = FlowRunContext.get().task_runner
    return getattr(runner, "_max_workers", None) or default_workers()


SUMMARY_ROWS = (("new", "n_new"), ("changed", "n_changed"), ("unchanged, skipped", "n_skipped"),
                ("rejected", "n_rejected"), ("inputs", "n_inputs"), ("entity mentions", "n_mentions"),
                ("quotes", "n_quotes"))


def summary_markdown(kind: str, summary: dict) -> str:
    """The run's Prefect artifact: new, changed, skipped and rejected counts, and how to list what it rejected."""
    rows = "\n".join(f"| {label} | {summary.get(key, 0):,} |" for label, key in SUMMARY_ROWS)
    source = f" of source `{summary['source']}`" if summary.get("source") else ""
    return (f"# {kind} run {summary['run_id']}{source}: {summary['status']}\n\n| documents | |\n|---|---|\n{rows}\n\n"
            f"Database: `{summary['db']}`. Rejected inputs and why: "
            f"`SELECT * FROM rejected_inputs WHERE run_id = '{summary['run_id']}'`\n")

