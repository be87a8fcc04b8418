"""The flow a sources file's schedules run (`corpus serve`, `pull`, `backfill`): ingest one source, fetching and
loading only what is new or changed since its last run.

- files and jsonl sources: inputs whose content is already loaded are skipped, as with `corpus ingest`;
- a feed: the feed is fetched conditionally (ETag, Last-Modified); an entry already seen is fetched again only when
  its updated date moves on, or when its last fetch failed for a reason that may pass (a timeout, a 5xx);
- a URL list: each URL is fetched once, then again only if that fetch failed for a reason that may pass.
A backfill (`recheck`) fetches every item again, conditionally, and may narrow the run to a publication window.
Fetched pages are stored as the raw content of their documents, so `corpus reprocess` never needs the network.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.utilities.annotations import quote

from corpus.read.feeds import FeedError, parse_feed
from corpus.read.jsonl import field_names
from corpus.records import Rejection
from flows.collect import EVERYTHING, ParsedBatch, Window, file_batches, parse_batch, plan_files, unseen
from flows.config import Source, load_sources, read_url_list
from flows.fetch import (
    Fetched,
    FetchPolicy,
    FetchRejected,
    NotModified,
    Validators,
    fetch_all,
    fetch_page_task,
    to_raw_document,
)
from flows.ingest import DEFAULT_BATCH, annotate_and_load, default_workers, nlp_workers
from flows.run import Run, publish
from warehouse.contract import RETRY, SourceStatus
from warehouse.load import known_content, open_warehouse
from warehouse.state import FeedState, SeenItem, SourceItem, feed_state, save_source_state, seen_items


@dataclass(frozen=True)
class ItemRequest:
    """An item to fetch: its key in `source_items`, its URL and what the last fetch of it answered."""
    key: str
    url: str
    validators: Validators
    updated: dt.datetime | None = None


@dataclass(frozen=True)
class SourcePlan:
    """What a run of a fetched source will do: the pages to fetch, what it rejected or skipped up front, and what its
    feed answered (None when the feed was not read anew)."""
    requests: list[ItemRequest]
    rejections: list[Rejection]
    items: list[SourceItem]
    n_skipped: int
    feed: FeedState | None
    status: SourceStatus


@flow(name="ingest-source", log_prints=False, task_runner=nlp_workers(default_workers()))
def ingest_source(sources_file: str, source: str, db: str | None = None, since: dt.date | None = None,
                  until: dt.date | None = None, recheck: bool = False, paths: list[str] | None = None,
                  batch_size: int = DEFAULT_BATCH, show_progress: bool = False, in_flight: int | None = None) -> dict:
    """Ingest the source named `source` of the sources file `sources_file` into its database (or `db`).

    `since`/`until` keep the articles published in that window; `recheck` fetches items already seen again;
    `paths` replaces a files or jsonl source's paths for this run (backfilling one folder)."""
    logger = get_run_logger()
    config = load_sources(sources_file)
    src = config.source(source)
    db = db or str(config.db)
    window = Window(since, until)
    run = Run(db)
    with open_warehouse(db) as con:
        seen_content = known_content(con)
        seen = seen_items(con, src.name)
        last_feed = feed_state(con, src.name)
        run.begin(con, arguments=_arguments(src, window, recheck, paths), source=src.name)
    jsonl_fields = field_names(dict(src.field_map) or None)
    feed, status = None, "completed"
    if src.kind in ("files", "jsonl"):
        planned = plan_files(paths or list(src.locations), batch_size)
        batches = file_batches(planned, seen_content, jsonl_fields, source=src.name, window=window)
        total, inline = planned.total, len(planned.batches) <= 1
    else:
        policy = fetch_policy(src.fetch)
        planned = (plan_feed(src, last_feed, seen, policy, window, recheck) if src.kind == "feed"
                   else plan_urls(src, seen, recheck))
        feed, status = planned.feed, planned.status
        logger.info("run %s of %s: %d pages to fetch, %d items unchanged, %d rejected", run.id, src.name,
                    len(planned.requests), planned.n_skipped, len(planned.rejections))
        batches = fetched_batches(src.name, planned, policy, seen_content, jsonl_fields, batch_size, window)
        total = len(planned.requests) + planned.n_skipped + len(planned.rejections)
        inline = len(planned.requests) <= batch_size
    summary = annotate_and_load(run, batches, total, show_progress=show_progress, in_flight=in_flight, inline=inline)
    with open_warehouse(db, migrate=False) as con:
        save_source_state(con, src.name, kind=src.kind, location=" ".join(src.locations), run_id=run.id,
                          status=status if summary["status"] == "completed" else summary["status"], feed=feed)
    summary["source"] = src.name
    publish("Ingest", f"ingest-{_slug(src.name)}", summary)
    return summary


def fetch_policy(settings: Iterable[tuple[str, object]]) -> FetchPolicy:
    """The source's fetch settings as a policy; `timeout` is the read timeout."""
    values = dict(settings)
    if "timeout" in values:
        values["read_timeout"] = values.pop("timeout")
    return FetchPolicy(**values)


def plan_feed(src: Source, last: FeedState | None, seen: Mapping[str, SeenItem], policy: FetchPolicy, window: Window,
              recheck: bool) -> SourcePlan:
    """Read the feed (conditionally), and list the entries to fetch: new ones, updated ones, ones to retry."""
    location = src.locations[0]
    retries = [ItemRequest(key, item.url, Validators(item.etag, item.last_modified))
               for key, item in seen.items() if item.status == RETRY and item.url]
    if re.match(r"^https?://", location):
        validators = Validators() if recheck or last is None else Validators(last.etag, last.last_modified)
        answer = fetch_page_task(policy)(location, validators, policy)
        if isinstance(answer, NotModified):
            return SourcePlan(retries, [], [], 0, None, "not-modified")
        if isinstance(answer, FetchRejected):
            return SourcePlan(retries, [Rejection(location, answer.reason, f"the feed: {answer.detail}")], [], 0, None,
                              "unreachable")
        content, base, etag, last_modified = answer.content, answer.final_url, answer.etag, answer.last_modified
    else:
        try:
            content = Path(location).read_bytes()
        except OSError as error:
            return SourcePlan(retries, [Rejection(location, "unreadable", f"cannot read the feed: {error.strerror}")],
                              [], 0, None, "unreachable")
        base, etag, last_modified = None, None, None
    digest = hashlib.sha256(content).hexdigest()
    if last is not None and digest == last.content_sha256 and not recheck:
        return SourcePlan(retries, [], [], 0, FeedState(etag, last_modified, digest), "not-modified")
    try:
        parsed = parse_feed(content, base)
    except FeedError as error:
        return SourcePlan(retries, [Rejection(location, "not-a-feed", str(error))], [], 0, None, "failed")
    requests, rejections, items, n_skipped = [], [], [], 0
    for entry in parsed.items:
        if not window.covers(entry.published.date() if entry.published else None):
            continue
        before = seen.get(entry.item_id)
        changed = entry.updated is not None and before is not None and (
            before.item_updated is None or entry.updated > before.item_updated)
        if before is not None and before.status != RETRY and not changed and not recheck:
            n_skipped += 1
        elif entry.url is None:
            link = entry.link or entry.item_id
            rejections.append(Rejection(link, "bad-scheme", "the feed entry links to something other than an http(s) URL"))
            items.append(SourceItem(src.name, entry.item_id, link, "rejected", url=entry.link, reason="bad-scheme"))
        else:
            validators = Validators(before.etag, before.last_modified) if before else Validators()
            requests.append(ItemRequest(entry.item_id, entry.url, validators, entry.updated or entry.published))
    listed = {r.key for r in requests}
    requests += [r for r in retries if r.key not in listed]
    return SourcePlan(requests, rejections, items, n_skipped, FeedState(etag, last_modified, digest), "completed")


def plan_urls(src: Source, seen: Mapping[str, SeenItem], recheck: bool) -> SourcePlan:
    """The listed URLs not fetched yet (or to retry, or all of them when rechecking), each once."""
    if src.locations[0].startswith(("http://", "https://")):
        urls = list(src.locations)
    else:
        try:
            urls = read_url_list(src.locations[0])
        except (OSError, UnicodeDecodeError) as error:
            return SourcePlan([], [Rejection(src.locations[0], "unreadable", f"cannot read the URL list: {error}")],
                              [], 0, None, "unreachable")
    requests, n_skipped = [], 0
    for url in dict.fromkeys(urls):
        before = seen.get(url)
        if before is not None and before.status != RETRY and not recheck:
            n_skipped += 1
        else:
            requests.append(ItemRequest(url, url, Validators(before.etag, before.last_modified) if before
                                        else Validators()))
    return SourcePlan(requests, [], [], n_skipped, None, "completed")


def fetched_batches(source: str, planned: SourcePlan, policy: FetchPolicy, seen_content: set[str],
                    jsonl_fields: Mapping[str, tuple[str, ...]], batch_size: int, window: Window = EVERYTHING
                    ) -> Iterator[ParsedBatch]:
    """Fetch the planned pages `batch_size` at a time and parse them; each page is one item of `source`."""
    chunks = [planned.requests[i:i + batch_size] for i in range(0, len(planned.requests), batch_size)]
    rejections, items, n_skipped = list(planned.rejections), list(planned.items), planned.n_skipped
    counted_up_front = len(rejections) + n_skipped
    for chunk in chunks or [[]]:
        results = fetch_all([(r.url, r.validators) for r in chunk], policy) if chunk else []
        raws = []
        for request, result in zip(chunk, results):
            item = _item(source, request, result)
            if isinstance(result, Fetched):
                raw = to_raw_document(result)
                item = replace(item, content_sha256=raw.content_sha256)
                if unseen([raw], seen_content):
                    raws.append(raw)
                else:
                    item, n_skipped = replace(item, status="unchanged"), n_skipped + 1
            elif isinstance(result, NotModified):
                n_skipped += 1
            else:
                tries = f"{result.attempts} attempt{'s' if result.attempts != 1 else ''}"
                rejections.append(Rejection(request.url, result.reason, f"{result.detail} (after {tries})"))
            items.append(item)
        articles, parse_rejections = parse_batch(quote(raws), jsonl_fields)
        outside = {a.source_uri for a in articles if not window.covers(a.published_date)}
        yield ParsedBatch([a for a in articles if a.source_uri not in outside], rejections + parse_rejections,
                          len(chunk) + counted_up_front, n_skipped + len(outside),
                          tuple(i for i in items if i.source_uri not in outside))
        rejections, items, n_skipped, counted_up_front = [], [], 0, 0


def _item(source: str, request: ItemRequest, result: Fetched | NotModified | FetchRejected) -> SourceItem:
    common = {"url": request.url, "item_updated": request.updated, "attempts": result.attempts}
    if isinstance(result, Fetched):
        return SourceItem(source, request.key, request.url, "loaded", etag=result.etag,
                          last_modified=result.last_modified, http_status=result.status, **common)
    if isinstance(result, NotModified):
        return SourceItem(source, request.key, request.url, "not-modified", etag=result.etag,
                          last_modified=result.last_modified, http_status=304, **common)
    status = RETRY if result.transient else "rejected"
    http_status = int(result.reason[5:]) if result.reason.startswith("http-") else None
    return SourceItem(source, request.key, request.url, status, reason=result.reason, http_status=http_status, **common)


def _arguments(src: Source, window: Window, recheck: bool, paths: Sequence[str] | None) -> str:
    words = ["backfill" if recheck or paths or window != EVERYTHING else "pull", src.name, src.kind,
             *(paths or src.locations)]
    words += [f"since={window.since}"] if window.since else []
    words += [f"until={window.until}"] if window.until else []
    return " ".join(words)


def _slug(name: str) -> str:
    """An artifact key: lowercase letters, digits and dashes."""
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "source"
