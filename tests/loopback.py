"""A web site on 127.0.0.1 for the tests that fetch: pages set per path, each a body or a function of the request
count, and a log of what was asked."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


Route = Page | Callable[[int], Page]
"""A page, or a function of how many times the path was asked (1 for the first) that returns one."""


@dataclass
class Site:
    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def serving(routes: dict[str, Route] | None = None) -> Iterator[Site]:
    site = Site(routes=dict(routes or {}))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with lock:
                site.hits[self.path] += 1
                count = site.hits[self.path]
            route = site.routes.get(self.path)
            page = route(count) if callable(route) else route
            if page is None:
                page = Page(b"not found", status=404, content_type="text/plain")
            if page.delay:
                threading.Event().wait(page.delay)
            etag = dict(page.headers).get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            for name, value in page.headers:
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(page.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def atom_feed(site: Site, entries: Sequence[tuple[str, str, dt.datetime]]) -> bytes:
    """An Atom feed of (id, path, updated) entries on `site`, the way news sites publish them."""
    items = "".join(
        f"<entry><id>{escape(entry_id)}</id><title>Article {escape(entry_id)}</title>"
        f'<link rel="alternate" href="{escape(site.url(path))}"/><updated>{updated.isoformat()}</updated>'
        f"<published>{updated.isoformat()}</published><summary>Résumé de l'article</summary></entry>"
        for entry_id, path, updated in entries)
    latest = max((u for *_, u in entries), default=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Actualités</title><id>{site.url('/feed.xml')}</id><updated>{latest.isoformat()}</updated>"
            f"{items}</feed>").encode("utf-8")


def feed_page(body: bytes) -> Page:
    """A feed served with an ETag (of its body) and Last-Modified, as servers do for conditional requests."""
    etag = f'"{abs(hash(body)):x}"'
    return Page(body, content_type="application/atom+xml; charset=utf-8",
                headers=(("ETag", etag), ("Last-Modified", format_datetime(dt.datetime.now(dt.timezone.utc), usegmt=True))))
