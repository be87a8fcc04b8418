"""Inputs to parsed batches, for the flows that annotate and load them: files and JSONL dumps read from disk, and
pages fetched over HTTP. Each batch carries what its load records besides its articles: its rejections, how many
inputs it found unchanged, and (for a source of a sources file) the state of the items it looked at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from corpus.read.parse import parse_document
from corpus.records import Article, RawDocument, Rejection
from flows.sources import InputFile, Slice, discover, plan, read_slice
from warehouse.state import SourceItem


@dataclass(frozen=True)
class ParsedBatch:
    """A batch ready for annotation, with what its load records besides."""
    articles: list[Article]
    rejections: list[Rejection]
    n_read: int
    n_skipped: int
    items: tuple[SourceItem, ...] = ()


@dataclass(frozen=True)
class Window:
    """The publication dates a backfill covers, both ends included; an article with no date is outside a window
    that has an end."""
    since: dt.date | None = None
    until: dt.date | None = None

    def covers(self, day: dt.date | None) -> bool:
        if day is None:
            return self.since is None and self.until is None
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


EVERYTHING = Window()


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
            result = Rejection(raw.source_uri, "parse-error", f"the parser failed: {type(error).__name__}: {error}",
                               raw.content_sha256)
        (rejections if isinstance(result, Rejection) else articles).append(result)
    return articles, rejections


@dataclass(frozen=True)
class FilePlan:
    files: list[InputFile]
    rejections: list[Rejection]
    """Paths that name nothing readable."""
    batches: list[list[Slice]]
    total: int


def plan_files(paths: Sequence[str], batch_size: int) -> FilePlan:
    files, rejections = find_inputs(paths, batch_size)
    batches = plan(files, batch_size)
    return FilePlan(files, rejections, batches, sum(s.n_records for batch in batches for s in batch))


def file_batches(planned: FilePlan, seen: set[str], jsonl_fields: Mapping[str, tuple[str, ...]], *,
                 source: str | None = None, window: Window = EVERYTHING) -> Iterator[ParsedBatch]:
    """Read and parse the planned files batch by batch, leaving out the content already loaded (`seen`, updated as
    it goes) and the articles outside `window`. A copy of an input rejected in this run is rejected in its turn, not
    counted unchanged. With a `source`, each loaded or rejected input is one of its items."""
    rejections = planned.rejections
    rejected_content: dict[str, Rejection] = {}
    for batch in planned.batches or [[]]:
        raws, read_rejections = read_batch(batch) if batch else ([], [])
        fresh = unseen(raws, seen)
        articles, parse_rejections = parse_batch(quote(fresh), jsonl_fields)
        content_of = {raw.source_uri: raw.content_sha256 for raw in fresh}
        rejected_content.update((content_of[r.source_uri], r) for r in parse_rejections if r.source_uri in content_of)
        fresh_uris = set(content_of)
        copies = [Rejection(raw.source_uri, first.reason, f"{first.detail} (a copy of {first.source_uri})",
                            raw.content_sha256)
                  for raw in raws if raw.source_uri not in fresh_uris
                  and (first := rejected_content.get(raw.content_sha256)) is not None]
        in_window = [a for a in articles if window.covers(a.published_date)]
        rejected = rejections + read_rejections + parse_rejections + copies
        items = ()
        if source is not None:
            items = tuple(SourceItem(source, a.source_uri, a.source_uri, "loaded", content_sha256=a.content_sha256)
                          for a in in_window) + tuple(rejected_items(source, rejected))
        yield ParsedBatch(in_window, rejected, len(raws) + len(read_rejections),
                          len(raws) - len(fresh) - len(copies) + len(articles) - len(in_window), items)
        rejections = []


def rejected_items(source: str, rejections: Sequence[Rejection]) -> Iterator[SourceItem]:
    """The items of `source` that `rejections` name, keyed by their source_uri."""
    for r in rejections:
        yield SourceItem(source, r.source_uri, r.source_uri, "rejected", reason=r.reason)


def unseen(raws: Sequence[RawDocument], seen: set[str]) -> list[RawDocument]:
    """Documents whose content is not loaded yet, each content once; marks them as seen."""
    fresh = []
    for raw in raws:
        if raw.content_sha256 not in seen:
            seen.add(raw.content_sha256)
            fresh.append(raw)
    return fresh
