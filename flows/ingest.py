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
import traceback
import uuid
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
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
from corpus.parse import parse_document
from corpus.records import AnnotatedArticle, Article, RawDocument, Rejection
from flows.progress import Progress
from flows.sources import InputFile, Slice, discover, plan, read_slice
from warehouse.load import (BatchResult, finish_run, known_content, load_batch, open_warehouse, rebuild_summaries,
                            start_run)

DEFAULT_BATCH = 64
NLP_LANGUAGES = ("fr", "und")
"""French NER runs on these; other languages are loaded with their structure but no entities."""


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def find_inputs(paths: Sequence[str], batch_size: int) -> tuple[list[InputFile], list[Rejection]]:
    return discover(paths, batch_size)


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def read_batch(slices: Sequence[Slice]) -> tuple[list[RawDocument], list[Rejection]]:
    raws, rejections = [], []
    for slice_ in slices:
        try:
            for item in read_slice(slice_):
                (rejections if isinstance(item, Rejection) else raws).append(item)
        except OSError as error:
            rejections.append(Rejection(slice_.file.path, "unreadable", f"reading failed: {error}"))
    return raws, rejections


@task(cache_policy=NO_CACHE)
def parse_batch(raws: Sequence[RawDocument], jsonl_fields: Mapping[str, tuple[str, ...]]) -> tuple[list[Article], list[Rejection]]:
    articles, rejections = [], []
    for raw in raws:
        try:
            result = parse_document(raw, jsonl_fields)
        except Exception as error:  # a parser bug must cost one document, not the run
            get_run_logger().exception("parsing %s failed", raw.source_uri)
            result = Rejection(raw.source_uri, "parse-error", f"the parser failed: {type(error).__name__}: {error}")
        (rejections if isinstance(result, Rejection) else articles).append(result)
    return articles, rejections


def default_workers() -> int:
    """One NLP worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def nlp_workers(n: int) -> ProcessPoolTaskRunner:
    """A pool of `n` processes that each load the spaCy pipeline as they start, not on their first batch."""
    return ProcessPoolTaskRunner(max_workers=n, initializer=start_worker)


def start_worker() -> None:
    """Keep a worker's task logs off the console, which shows the progress line only (the flow's process logs
    each batch and every failure comes back to it), and load the pipeline."""
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
         n_skipped: int) -> BatchResult:
    with open_warehouse(db) as con:
        return load_batch(con, run_id, annotated, rejections, n_skipped)


@task(cache_policy=NO_CACHE)
def summarise(db: str) -> None:
    """Rebuild the entity pairs, the top co-mentions and the full-text index once per run: they summarise the whole
    corpus, and rebuilding them per batch would cost more than the batch."""
    with open_warehouse(db) as con:
        rebuild_summaries(con)


@dataclass(frozen=True)
class ParsedBatch:
    """A batch ready for annotation, with what its load records besides."""
    articles: list[Article]
    rejections: list[Rejection]
    n_read: int
    n_skipped: int


@flow(name="ingest", log_prints=False, task_runner=nlp_workers(default_workers()))
def ingest(paths: list[str], db: str, field_map: dict[str, str] | None = None, batch_size: int = DEFAULT_BATCH,
           show_progress: bool = True, in_flight: int | None = None) -> dict:
    """Ingest articles from `paths` (files, directories, globs) into the DuckDB warehouse at `db`.

    `in_flight` batches are annotated at once (default: one more than the task runner's workers, so that no
    worker waits while a batch loads). Run it on other workers with `ingest.with_options(task_runner=...)`."""
    logger = get_run_logger()
    jsonl_fields = field_names(field_map)
    run_id = uuid.uuid4().hex[:12]
    files, rejections = find_inputs(paths, batch_size)
    with open_warehouse(db) as con:
        seen = known_content(con)
        start_run(con, run_id, pipeline_version=pipeline_version(), flow_run_id=str(flow_run.id or ""),
                  arguments=" ".join(paths))
    batches = plan(files, batch_size)
    total = sum(s.n_records for batch in batches for s in batch)
    logger.info("run %s: %d files, %d documents in %d batches, %d paths rejected", run_id, len(files), total,
                len(batches), len(rejections))

    def parsed() -> Iterator[ParsedBatch]:
        nonlocal rejections
        for batch in batches or [[]]:
            raws, read_rejections = read_batch(batch) if batch else ([], [])
            fresh = _unseen(raws, seen)
            articles, parse_rejections = parse_batch(fresh, jsonl_fields)
            yield ParsedBatch(articles, rejections + read_rejections + parse_rejections,
                              len(raws) + len(read_rejections), len(raws) - len(fresh))
            rejections = []

    summary = annotate_and_load(db, run_id, parsed(), total, show_progress=show_progress, in_flight=in_flight,
                                inline=len(batches) <= 1)
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
    totals = {"loaded": 0, "skipped": 0, "rejected": 0, "mentions": 0, "quotes": 0}
    status = "failed"
    depth = max(in_flight or _parallelism() + 1, 1)
    pending: deque[tuple[PrefectFuture | tuple | None, ParsedBatch]] = deque()

    def load_oldest() -> None:
        submitted, batch = pending.popleft()
        done = submitted.result() if isinstance(submitted, PrefectFuture) else submitted
        annotated, failed = done or ([], [])
        for rejection in failed:
            logger.error("annotating %s failed: %s", rejection.source_uri, rejection.detail)
        result = load(db, run_id, annotated, batch.rejections + failed, batch.n_skipped)
        for key, value in zip(totals, (result.n_loaded, result.n_skipped, result.n_rejected, result.n_mentions,
                                       result.n_quotes)):
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


def _unseen(raws: Sequence[RawDocument], seen: set[str]) -> list[RawDocument]:
    """Documents whose content is not loaded yet, each content once; marks them as seen."""
    fresh = []
    for raw in raws:
        if raw.content_sha256 not in seen:
            seen.add(raw.content_sha256)
            fresh.append(raw)
    return fresh


def summary_markdown(kind: str, summary: dict) -> str:
    """The run's Prefect artifact: its counts, and how to list what it rejected."""
    rows = "\n".join(f"| {key} | {value} |" for key, value in summary.items())
    return (f"# {kind} run {summary['run_id']}\n\n| | |\n|---|---|\n{rows}\n\n"
            f"Rejected inputs: `SELECT * FROM rejected_inputs WHERE run_id = '{summary['run_id']}'`\n")

