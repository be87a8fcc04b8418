"""The ingest flow: find inputs, then per batch read -> parse -> annotate -> load.

Tasks take batches, never single documents. The flow passes records, paths and ids to tasks; the
spaCy pipeline stays inside the workers, and the DuckDB connection inside the run's one writer (`BatchWriter`), which
keeps the warehouse open across batch loads for at most `HOLD_SECONDS` at a time, so that readers get in between.

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
import time
import traceback
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner
from prefect.utilities.annotations import quote

from corpus.jsonl import field_names
from corpus.nlp import annotate, load_pipeline, pipeline_version
from corpus.records import AnnotatedArticle, Article, Rejection
from flows.collect import ParsedBatch, file_batches, plan_files
from flows.progress import Progress
from warehouse.load import (BatchResult, BatchWriter, finish_run, known_content, load_batch, open_warehouse,
                            rebuild_summaries, start_run)
from warehouse.state import SourceItem

DEFAULT_BATCH = 128
"""Documents per batch: per task and per transaction. Each batch costs two Prefect task runs (their API calls and
the server's writes) and a transaction's fixed statements, beside two workers on two cores: 128 documents spread
those fixed costs thinly enough that loading stays under 5 % of a run's wall time (docs/performance.md), while a
batch still holds little memory."""
NLP_LANGUAGES = ("fr", "und")
"""French NER runs on these; other languages are loaded with their structure but no entities."""


def default_workers() -> int:
    """One NLP worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def nlp_workers(n: int) -> ProcessPoolTaskRunner:
    """A pool of `n` processes that each load the spaCy pipeline as they start, not on their first batch."""
    return ProcessPoolTaskRunner(max_workers=n, initializer=start_worker)


def dask_workers(address: str) -> TaskRunner:
    """The Dask cluster whose scheduler is at `address` (`tcp://host:8786`): each of its workers loads the spaCy
    pipeline on its first batch and keeps it; the records come back to the flow, the one writer."""
    from prefect_dask import DaskTaskRunner  # the optional `dask` extra

    return DaskTaskRunner(address=address)


def start_worker() -> None:
    """Keep a worker's task logs off the console, which shows the progress line only (the flow's process logs
    each batch and every failure comes back to it), leave Ctrl-C to the flow's process (it reaches the whole process
    group; a worker interrupted mid-task crashed its task and hung the pool's shutdown), and load the pipeline."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for handler in logging.getLogger().handlers + logging.getLogger("prefect").handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.CRITICAL)
    load_pipeline()


class Sealed:
    """Articles handed to a worker in one piece. Prefect walks a task's parameters, every object of every article,
    looking for futures (0.3 s a batch of 64 in the flow, and again in the worker, which rebuilds them), but not into
    an object of a class it does not know. Prefect's own `quote` does the same for tasks run in the flow's process,
    but it is a tuple, and Dask's task graph unpacks tuples."""

    __slots__ = ("articles",)

    def __init__(self, articles: Sequence[Article]):
        self.articles = articles


@task(cache_policy=NO_CACHE)
def annotate_batch(batch: Sealed) -> tuple[list[AnnotatedArticle], list[Rejection]]:
    """The batch's annotations; if the pipeline fails on it, the articles are annotated one by one, and those it
    fails on are rejected (a pipeline bug costs its documents, not the batch or the run)."""
    articles = batch.articles
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
def load(writer: BatchWriter, run_id: str, annotated: Sequence[AnnotatedArticle], rejections: Sequence[Rejection],
         n_skipped: int, items: Sequence[SourceItem] = ()) -> BatchResult:
    """Load one batch through the run's writer, which holds the warehouse across batches."""
    return writer.load(run_id, annotated, rejections, n_skipped, items)


@task(cache_policy=NO_CACHE)
def summarise(db: str) -> None:
    """Recompute the entities the run's batches mentioned, and rebuild the entity pairs, the top co-mentions and the
    full-text index, once per run: they summarise the whole corpus, and keeping them up to date per batch cost more
    than the batch."""
    with open_warehouse(db, migrate=False) as con:
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
    return the run's summary, with the seconds the flow spent in each stage (`STAGES`).

    A batch with nothing to load (all skipped or rejected) opens no connection: its counters, rejections and items
    are carried to the next batch that loads documents, or to the end of the run, even a failed one."""
    logger = get_run_logger()
    progress = Progress(total) if show_progress else None
    totals = {"loaded": 0, "changed": 0, "skipped": 0, "rejected": 0, "mentions": 0, "quotes": 0}
    seconds = dict.fromkeys(STAGES, 0.0)
    status = "failed"
    workers = _parallelism()
    depth = max(in_flight or workers + 1, 1)
    pending: deque[tuple[list[PrefectFuture | tuple], ParsedBatch]] = deque()
    n_read = 0
    carried = NOTHING_TO_LOAD
    writer = BatchWriter(db)

    def load_oldest() -> None:
        nonlocal carried
        submitted, batch = pending.popleft()
        with _timed(seconds, "annotate_wait"):
            annotated, failed = _annotations(submitted, writer)
        for rejection in failed:
            logger.error("annotating %s failed: %s", rejection.source_uri, rejection.detail)
        batch = replace(batch, rejections=batch.rejections + failed)
        batch = replace(batch, items=_settled(batch.items, batch.rejections))
        totals["skipped"] += batch.n_skipped
        totals["rejected"] += len(batch.rejections)
        if annotated:
            with _timed(seconds, "load"):
                # quoted: Prefect would walk every object of the batch looking for futures, 0.3 s a batch of 64
                result = load(writer, run_id, quote(annotated), quote(carried.rejections + batch.rejections),
                              carried.n_skipped + batch.n_skipped, quote(carried.items + batch.items))
            carried = NOTHING_TO_LOAD
            for key, value in zip(("loaded", "changed", "mentions", "quotes"),
                                  (result.n_loaded, result.n_changed, result.n_mentions, result.n_quotes)):
                totals[key] += value
        else:
            carried = _carry(carried, batch)
        if progress:
            progress.advance(batch.n_read, **totals)

    try:
        while True:
            with _timed(seconds, "read_parse"):
                batch = next(batches, None)
            if batch is None:
                break
            n_read += batch.n_read
            pieces = tail_pieces(batch.articles, total - n_read, 1 if inline else workers)  # inline: no one to share
            pending.append(([_submit(piece, inline) for piece in pieces], batch))
            while len(pending) >= depth:
                load_oldest()
        while pending:
            load_oldest()
        status = "completed"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if progress:
            progress.close()
        with _timed(seconds, "finish"):
            try:
                con = writer.connection()
                if carried != NOTHING_TO_LOAD:
                    load_batch(con, run_id, [], carried.rejections, carried.n_skipped, carried.items,
                               refresh_entities=False)
                counts = finish_run(con, run_id, status)
            except duckdb.Error:
                logger.exception("could not record the end of run %s", run_id)
                counts = {}
            finally:
                writer.release()
        if totals["loaded"]:
            with _timed(seconds, "summarise"):
                try:
                    summarise(db)
                except duckdb.Error:
                    logger.exception("could not rebuild the corpus summaries after run %s", run_id)
    summary = {"run_id": run_id, "db": db, "status": status, **counts, "n_mentions": totals["mentions"],
               "n_quotes": totals["quotes"], "seconds": {k: round(v, 3) for k, v in seconds.items()}}
    if counts:
        summary["n_new"] = counts["n_loaded"] - counts["n_changed"]
    logger.info("run %s %s: %s", run_id, status, summary)
    return summary


STAGES = ("read_parse", "annotate_wait", "load", "finish", "summarise")
"""Where the flow's own time goes: reading and parsing batches, waiting for annotations, loading batches, recording
the end of the run (with the counters carried to it), rebuilding the corpus summaries. The workers annotate meanwhile,
so these add up to the run's time less Prefect's overhead."""

NOTHING_TO_LOAD = ParsedBatch([], [], 0, 0)


def _settled(items: Sequence[SourceItem], failed: Sequence[Rejection]) -> tuple[SourceItem, ...]:
    """The items, those their batch rejected (the parser, after a fetch, or the annotation) recorded as rejected, not
    loaded."""
    reasons = {r.source_uri: r.reason for r in failed}
    return tuple(replace(i, status="rejected", reason=reasons[i.source_uri])
                 if i.status == "loaded" and i.source_uri in reasons else i for i in items)


def _carry(carried: ParsedBatch, batch: ParsedBatch) -> ParsedBatch:
    """What `carried` and a batch with no documents to load leave for a later transaction."""
    return ParsedBatch([], carried.rejections + batch.rejections, carried.n_read + batch.n_read,
                       carried.n_skipped + batch.n_skipped, carried.items + batch.items)


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] += time.perf_counter() - started


TAIL_PIECE_MIN = 8
"""The fewest documents a piece of a tail batch holds (`tail_pieces`)."""


def tail_pieces(articles: Sequence[Article], n_unread: int, workers: int) -> list[Sequence[Article]]:
    """A batch cut in pieces of a quarter of it (with two workers), if it is among the run's last ones, those
    read while fewer than one batch per worker is left to read; else the batch whole.

    Workers finish their batches out of step: at the end of a run of whole batches, one worker annotates the last
    one while the others have nothing to do (8 s of a 146 s two-worker run of 2,000 documents; at 600 documents,
    10 s of 56 s with whole batches against 2.5 s with pieces). Pieces let every worker take a share of the end.
    Each is one more task run, and the batch still loads in one transaction, once all its pieces are back."""
    if workers <= 1 or n_unread >= workers * len(articles):
        return [articles]
    size = max(-(-len(articles) // (2 * workers)), TAIL_PIECE_MIN)
    return [articles[i:i + size] for i in range(0, len(articles), size)]


def _annotations(submitted: Sequence[PrefectFuture | tuple | None], writer: BatchWriter) -> tuple[list, list]:
    """A batch's annotations and rejections, once the workers are done with all its pieces; while the writer holds the
    warehouse, it lets a waiting connection in within a quarter of a second instead of after the next load."""
    annotated, rejections = [], []
    for piece in submitted:
        if isinstance(piece, PrefectFuture):
            while writer.holding and not _done(piece):
                # not `piece.wait(timeout)`, which asks the API at each timeout, and a Ctrl-C then hung
                time.sleep(0.25)
                writer.let_in()
            piece = piece.result()
        if piece is not None:
            annotated += piece[0]
            rejections += piece[1]
    return annotated, rejections


def _done(future: PrefectFuture) -> bool:
    """Without asking the API: the process pool's and Dask's futures wrap one that knows."""
    wrapped = getattr(future, "wrapped_future", None)
    return wrapped.done() if wrapped is not None else future.state.is_final()


def _submit(articles: Sequence[Article], inline: bool) -> PrefectFuture | tuple | None:
    """Submit the batch to the workers; a run of one batch annotates it here, where starting workers would
    cost more than they save."""
    if not articles:
        return None
    if inline:
        return annotate_batch(Sealed(articles))
    with _workers_on_this_api():
        return annotate_batch.submit(Sealed(articles))


@contextmanager
def _workers_on_this_api() -> Iterator[None]:
    """Point a local process pool's workers at this process's Prefect API. With no API configured (Prefect's
    ephemeral mode, a flow called from Python), this process runs a temporary server, and each worker started one of
    its own: seconds of start-up in the run, then a share of a core each beside the model for the whole run (seen in
    `corpus bench`). `corpus ingest` configures the API itself. Dask workers, perhaps on other machines, keep their own
    settings. The pool reads the settings once, at its first task."""
    if get_current_settings().api.url or not isinstance(FlowRunContext.get().task_runner, ProcessPoolTaskRunner):
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer  # Prefect's clients import it as late

    server = SubprocessASGIServer()  # one per process: the one this process's Prefect client started
    if not server.running:
        yield
        return
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield


def _parallelism() -> int:
    """The current task runner's workers, if it says (a process pool its size, a Dask runner its cluster's
    threads), else this machine's cores."""
    runner = FlowRunContext.get().task_runner
    if getattr(runner, "address", None):
        return sum(runner.client.nthreads().values()) or default_workers()
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

