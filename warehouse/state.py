"""What each source of a sources file has seen (`source_items`) and how its feed last answered (`source_state`):
the incremental state a scheduled run reads to fetch and load only what is new or changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from warehouse.contract import ItemStatus, SourceStatus


@dataclass(frozen=True)
class SourceItem:
    """One item of a source as a run left it. `source_uri` is the document it is (or would be) loaded as."""
    source: str
    item_key: str
    source_uri: str
    status: ItemStatus
    url: str | None = None
    content_sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    item_updated: dt.datetime | None = None
    reason: str | None = None
    http_status: int | None = None
    attempts: int | None = None


@dataclass(frozen=True)
class SeenItem:
    """What the warehouse remembers of an item, to decide whether to fetch it again."""
    status: ItemStatus
    url: str | None
    content_sha256: str | None
    etag: str | None
    last_modified: str | None
    item_updated: dt.datetime | None


@dataclass(frozen=True)
class FeedState:
    etag: str | None
    last_modified: str | None
    content_sha256: str | None


_ITEMS = pa.schema([
    ("source", pa.string()), ("item_key", pa.string()), ("source_uri", pa.string()), ("status", pa.string()),
    ("url", pa.string()), ("content_sha256", pa.string()), ("etag", pa.string()), ("last_modified", pa.string()),
    ("item_updated", pa.timestamp("us", tz="UTC")), ("reason", pa.string()), ("http_status", pa.int32()),
    ("attempts", pa.int32()),
])

UPSERT_ITEMS = """
INSERT INTO source_items
SELECT source, item_key, url,
    CASE WHEN doc_id IN (SELECT doc_id FROM documents) THEN doc_id END,
    content_sha256, etag, last_modified, item_updated, status, reason, http_status, attempts,
    now()::TIMESTAMP, now()::TIMESTAMP, ?
FROM (SELECT *, substr(sha256(source_uri), 1, 16) AS doc_id FROM staged_source_items)
ON CONFLICT (source, item_key) DO UPDATE SET
    url = coalesce(excluded.url, url), doc_id = coalesce(excluded.doc_id, doc_id),
    content_sha256 = coalesce(excluded.content_sha256, content_sha256), etag = coalesce(excluded.etag, etag),
    last_modified = coalesce(excluded.last_modified, last_modified),
    item_updated = coalesce(excluded.item_updated, item_updated), status = excluded.status, reason = excluded.reason,
    http_status = coalesce(excluded.http_status, http_status), attempts = coalesce(excluded.attempts, attempts),
    last_seen = excluded.last_seen, last_run_id = excluded.last_run_id
"""
"""A 304 or an unchanged hash carries no new validators or hash: the ones already stored are kept. `doc_id` is
`warehouse.stage.doc_id_for(source_uri)`, kept only when that document is loaded."""


def save_items(con: duckdb.DuckDBPyConnection, run_id: str, items: Sequence[SourceItem]) -> None:
    """Record `items`, inside the caller's transaction (a batch's items land with its documents)."""
    if not items:
        return
    columns = {name: [getattr(item, name) for item in items] for name in _ITEMS.names}
    con.register("staged_source_items", pa.Table.from_pydict(columns, schema=_ITEMS))
    try:
        con.execute(UPSERT_ITEMS, [run_id])
    finally:
        con.unregister("staged_source_items")


def seen_items(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, SeenItem]:
    rows = con.execute("SELECT item_key, status, url, content_sha256, etag, last_modified, item_updated FROM source_items "
                       "WHERE source = ?", [source]).fetchall()
    return {key: SeenItem(*rest) for key, *rest in rows}


def feed_state(con: duckdb.DuckDBPyConnection, source: str) -> FeedState | None:
    row = con.execute("SELECT etag, last_modified, content_sha256 FROM source_state WHERE source = ?",
                      [source]).fetchone()
    return FeedState(*row) if row else None


def save_source_state(con: duckdb.DuckDBPyConnection, source: str, *, kind: str, location: str, run_id: str,
                      status: SourceStatus, feed: FeedState | None = None) -> None:
    """Record that run `run_id` checked `source`; `feed` is what its feed answered, when it answered anew."""
    con.execute(
        """
        INSERT INTO source_state VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, CASE WHEN ? THEN now()::TIMESTAMP END, ?, ?)
        ON CONFLICT (source) DO UPDATE SET kind = excluded.kind, location = excluded.location,
            etag = CASE WHEN ? THEN excluded.etag ELSE etag END,
            last_modified = CASE WHEN ? THEN excluded.last_modified ELSE last_modified END,
            changed_at = CASE WHEN ? AND excluded.content_sha256 IS DISTINCT FROM content_sha256
                              THEN excluded.checked_at ELSE changed_at END,
            content_sha256 = CASE WHEN ? THEN excluded.content_sha256 ELSE content_sha256 END,
            checked_at = excluded.checked_at, last_run_id = excluded.last_run_id, last_status = excluded.last_status
        """,
        [source, kind, location, feed and feed.etag, feed and feed.last_modified, feed and feed.content_sha256,
         feed is not None, run_id, status, feed is not None, feed is not None, feed is not None, feed is not None])
