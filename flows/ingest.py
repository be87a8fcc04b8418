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

import contextvars
import logging
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.context import FlowRunContext
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner
from prefect.utilities.annotations import quote

from corpus.fingerprints import fingerprint
from corpus.nlp import annotate, load_pipeline, pipeline_version
from corpus.read.jsonl import field_names
from corpus.records import AnnotatedArticle, Article, Rejection
from flows.collect import ParsedBatch, file_batches, plan_files
from flows.prefect_workarounds import (
    ForkedProcessPool,
    Sealed,
    forkserver,
    runner_parallelism,
    wait_for,
    workers_on_this_api,
)
from flows.progress import Progress
from flows.run import Run, publish
from warehouse.load import (
    BatchResult,
    BatchWriter,
    finish_run,
    known_content,
    load_batch,
    open_warehouse,
    update_summaries,
)
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


WORKER_PRELOAD = ("prefect.task_runners", "flows.ingest", "flows.worker_preload")
"""What the NLP workers' server imports before the first worker forks from it: Prefect's worker side, this flow's
tasks and the pipeline, loaded once per command."""


def nlp_workers(n: int) -> ProcessPoolTaskRunner:
    """A pool of `n` processes forked, where the platform can, from a server that loaded the spaCy pipeline once
    (`warm_nlp_workers`); elsewhere spawned, each loading it as it starts, not on its first batch."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return ProcessPoolTaskRunner(max_workers=n, initializer=start_worker)
    pool = ForkedProcessPool(max_workers=n, initializer=start_worker)
    pool.preload = WORKER_PRELOAD
    return pool


def warm_nlp_workers() -> None:
    """Start the server the NLP workers fork from, loading the pipeline while the command goes on starting (its
    Prefect API, its warehouse); the runs of this process fork their workers from it."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver(WORKER_PRELOAD, start=True)


def dask_workers(address: str) -> TaskRunner:
    """The Dask cluster whose scheduler is at `address` (`tcp://host:8786`): each of its workers loads the spaCy
    pipeline on its first batch and keeps it; the records come back to the flow, the one writer."""
    from prefect_dask import DaskTaskRunner  # the optional `dask` extra

    return DaskTaskRunner(address=address)


def start_worker() -> None:
    """Keep a worker's task logs off the console, which shows the progress line only (the flow's process logs
    each batch and every failure comes back to it), leave Ctrl-C to the flow's process (it reaches the whole process
    group; a worker interrupted mid-task crashed its task and hung the pool's shutdown), and load the pipeline (a worker
    forked from `warm_nlp_workers`'s server has it already)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for handler in logging.getLogger().handlers + logging.getLogger("prefect").handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.CRITICAL)
    load_pipeline()


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
                                            f"({Path(where.filename).name}:{where.lineno} in {where.name})",
                                            article.content_sha256))
        return annotated, rejections


def _annotate(articles: Sequence[Article]) -> list[AnnotatedArticle]:
    french = [a for a in articles if a.language in NLP_LANGUAGES]
    annotated = {id(r.article): r for r in annotate(french)}
    version = pipeline_version()
    return [annotated.get(id(a)) or AnnotatedArticle(a, (), (), version, fingerprint=fingerprint(a.text, "documents"))
            for a in articles]


@task(retries=3, retry_delay_seconds=[1, 3, 10], cache_policy=NO_CACHE)
def load(db: str, run_id: str, annotated: Sequence[AnnotatedArticle], rejections: Sequence[Rejection],
         n_skipped: int, items: Sequence[SourceItem] = ()) -> BatchResult:
    """Load one batch through the run's writer of `db`, which holds the warehouse across batches (a retry opens it
    afresh)."""
    return _WRITERS[db].load(run_id, annotated, rejections, n_skipped, items)


_WRITERS: dict[str, BatchWriter] = {}
"""The writer of each warehouse a run of this process is loading (`held_writer`): the one connection holder, which the
`load` task finds by the warehouse's path."""


@contextmanager
def held_writer(db: str) -> Iterator[BatchWriter]:
    """The run's one writer of `db`, released at the end."""
    writer = _WRITERS[db] = BatchWriter(db)
    try:
        yield writer
    finally:
        writer.release()
        del _WRITERS[db]


@task(cache_policy=NO_CACHE)
def summarise(db: str) -> None:
    """Recompute the entities the run's batches mentioned, their pairs and top co-mentions, and index the run's
    documents for search, once per run: keeping them up to date per batch cost more than the batch."""
    with open_warehouse(db, migrate=False) as con:
        update_summaries(con)


@flow(name="ingest", log_prints=False, task_runner=nlp_workers(default_workers()))
def ingest(paths: list[str], db: str, field_map: dict[str, str] | None = None, batch_size: int = DEFAULT_BATCH,
           show_progress: bool = True, in_flight: int | None = None) -> dict:
    """Ingest articles from `paths` (files, directories, globs) into the DuckDB warehouse at `db`.

    `in_flight` batches are annotated at once (default: one more than the task runner's workers, so that no
    worker waits while a batch loads). Run it on other workers with `ingest.with_options(task_runner=...)`."""
    logger = get_run_logger()
    jsonl_fields = field_names(field_map)
    run = Run(db)
    planned = plan_files(paths, batch_size)
    with open_warehouse(db) as con:
        seen = known_content(con)
        run.begin(con, arguments=" ".join(paths))
    logger.info("run %s: %d files, %d documents in %d batches, %d paths rejected", run.id, len(planned.files),
                planned.total, len(planned.batches), len(planned.rejections))
    summary = annotate_and_load(run, read_ahead(file_batches(planned, seen, jsonl_fields), READ_AHEAD), planned.total,
                                show_progress=show_progress, in_flight=in_flight, inline=len(planned.batches) <= 1)
    publish("Ingest", "ingest-summary", summary)
    return summary


def annotate_and_load(run: Run, batches: Iterator[ParsedBatch], total: int, *, show_progress: bool,
                      in_flight: int | None, inline: bool) -> dict:
    """Annotate `batches` on the flow's task runner (here, if `inline`, unless the workers fork from a server that loads
    the pipeline once: forking them costs less than loading it here), keeping `in_flight` of them at once (default:
    one more than the workers, so that no worker waits while a batch loads), and load them in order; then record the
    end of the run, bring the corpus summaries up to date if anything was loaded, and return the run's summary."""
    inline = inline and not isinstance(FlowRunContext.get().task_runner, ForkedProcessPool)
    workers = runner_parallelism() or default_workers()
    with held_writer(run.db) as writer:
        loader = InOrderLoader(run, writer, Progress(total) if show_progress else None)
        try:
            for batch in _read(run, batches):
                loader.submit(batch, tail_pieces(batch.articles, total - loader.n_read, 1 if inline else workers),
                              inline)
                loader.load_ready(keep=max(in_flight or workers + 1, 1) - 1)
            loader.load_ready(keep=0)
            run.status = "completed"
        except KeyboardInterrupt:
            run.status = "interrupted"
            raise
        finally:
            loader.close()
            counts = _finish(run, writer, loader.carried)
            if run.totals["loaded"]:
                _summarise(run)
    summary = run.summary(counts)
    get_run_logger().info("run %s %s: %s", run.id, run.status, summary)
    return summary


READ_AHEAD = 4
"""Batches of files an ingest run reads and parses ahead of the ones it submits, in a thread: while its first submit
waits for the workers' server to load the pipeline (seconds in which a core is free), and while it waits for
annotations, the next batches get parsed. Bounded, so memory stays that of a few batches."""


def read_ahead(batches: Iterator[ParsedBatch], ahead: int) -> Iterator[ParsedBatch]:
    """`batches`, produced up to `ahead` in advance by a thread of their own (in this flow's Prefect context, so
    that they log as it does); an error in producing them is raised here, where the next batch is asked for."""
    produced: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()
    end = object()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        produced.put(batch, timeout=0.25)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            produced.put(end)
        except BaseException as error:  # handed to the consumer, which raises it
            produced.put(error)

    threading.Thread(target=contextvars.copy_context().run, args=(produce,), name="read-ahead", daemon=True).start()
    try:
        while (item := produced.get()) is not end:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def _read(run: Run, batches: Iterator[ParsedBatch]) -> Iterator[ParsedBatch]:
    """The batches, their reading and parsing timed."""
    while True:
        with run.timed("read_parse"):
            batch = next(batches, None)
        if batch is None:
            return
        yield batch


class InOrderLoader:
    """Batches submitted to the workers, loaded in the order they were read as their annotations come back.

    A batch with nothing to load (all skipped or rejected) opens no connection: its counters, rejections and items
    are carried to the next batch that loads documents, or to the end of the run, even a failed one."""

    def __init__(self, run: Run, writer: BatchWriter, progress: Progress | None):
        self.run, self.writer, self.progress = run, writer, progress
        self.pending: deque[tuple[list[PrefectFuture | tuple | None], ParsedBatch]] = deque()
        self.n_read = 0
        self.carried = NOTHING_TO_LOAD

    def submit(self, batch: ParsedBatch, pieces: list[Sequence[Article]], inline: bool) -> None:
        self.n_read += batch.n_read
        self.pending.append(([_submit(piece, inline) for piece in pieces], batch))

    def load_ready(self, keep: int) -> None:
        """Load the oldest batches until `keep` are left in flight."""
        while len(self.pending) > keep:
            self._load_oldest()

    def _load_oldest(self) -> None:
        submitted, batch = self.pending.popleft()
        with self.run.timed("annotate_wait"):
            annotated, failed = _annotations(submitted, self.writer)
        for rejection in failed:
            get_run_logger().error("annotating %s failed: %s", rejection.source_uri, rejection.detail)
        rejections = batch.rejections + failed
        batch = replace(batch, rejections=rejections, items=_settled(batch.items, rejections))
        self.run.totals["skipped"] += batch.n_skipped
        self.run.totals["rejected"] += len(batch.rejections)
        if annotated:
            self._load(annotated, batch)
        else:
            self.carried = _carry(self.carried, batch)
        if self.progress:
            self.progress.advance(batch.n_read, **self.run.totals)

    def _load(self, annotated: list[AnnotatedArticle], batch: ParsedBatch) -> None:
        """One transaction for the batch and what earlier batches carried. The records are quoted: Prefect would walk
        every object of the batch looking for futures, 0.3 s a batch of 64."""
        carried = self.carried
        with self.run.timed("load"):
            result = load(self.run.db, self.run.id, quote(annotated), quote(carried.rejections + batch.rejections),
                          carried.n_skipped + batch.n_skipped, quote(carried.items + batch.items))
        self.carried = NOTHING_TO_LOAD
        self.run.count_loaded(result)

    def close(self) -> None:
        if self.progress:
            self.progress.close()


NOTHING_TO_LOAD = ParsedBatch([], [], 0, 0)


def _finish(run: Run, writer: BatchWriter, carried: ParsedBatch) -> dict:
    """Load what the last batches carried and record the end of the run; its counts as `ingest_runs` has them, or
    none if the warehouse could not be written."""
    with run.timed("finish"):
        try:
            con = writer.connection()
            if carried != NOTHING_TO_LOAD:
                load_batch(con, run.id, [], carried.rejections, carried.n_skipped, carried.items,
                           refresh_entities=False)
            return finish_run(con, run.id, run.status)
        except duckdb.Error:
            get_run_logger().exception("could not record the end of run %s", run.id)
            return {}
        finally:
            writer.release()


def _summarise(run: Run) -> None:
    with run.timed("summarise"):
        try:
            summarise(run.db)
        except duckdb.Error:
            get_run_logger().exception("could not rebuild the corpus summaries after run %s", run.id)


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
            piece = wait_for(piece, meanwhile=lambda: _let_in(writer))
        if piece is not None:
            annotated += piece[0]
            rejections += piece[1]
    return annotated, rejections


def _let_in(writer: BatchWriter) -> bool:
    """Let a waiting reader have the warehouse; whether the writer still holds it."""
    writer.let_in()
    return writer.holding


def _submit(articles: Sequence[Article], inline: bool) -> PrefectFuture | tuple | None:
    """Submit the batch to the workers; a run of one batch annotates it here, where starting workers would
    cost more than they save."""
    if not articles:
        return None
    if inline:
        return annotate_batch(Sealed(articles))
    with workers_on_this_api():
        return annotate_batch.submit(Sealed(articles))
