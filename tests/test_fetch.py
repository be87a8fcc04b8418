"""HTTP fetching against a loopback server: validators and 304, Prefect retries of transient failures only, size
and redirect limits, refused schemes and addresses, the per-host limit, and the User-Agent."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from prefect import flow

import flows.fetch
from flows.fetch import (FetchPolicy, Fetched, FetchRejected, NotModified, PermanentFetchError, TransientFetchError,
                         Validators, fetch, fetch_all, fetch_page, fetch_page_task, new_client, to_raw_document)

FEED = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Flux</title>'
        '<item><title>Été</title><link>https://exemple.fr/a</link></item></channel></rss>').encode()
PAGE = "<!DOCTYPE html><html><head><title>Été</title></head><body><p>Un article.</p></body></html>".encode()
ETAG = '"v1"'
LAST_MODIFIED = "Mon, 02 Dec 2024 10:00:00 GMT"
LOCAL = FetchPolicy(allow_private=True, read_timeout=2.0, connect_timeout=1.0, max_bytes=10_000, retries=2,
                    retry_delays=(0.1, 0.1))
"""Tests reach the loopback server only with allow_private; small timeouts, body limit and retry delays."""


class Server(ThreadingHTTPServer):
    """Records every request, counts hits per path and query, and the most `/sleep` requests it held at once."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.hits: Counter[str] = Counter()
        self.active = self.max_active = 0
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def handle_error(self, request, client_address):
        """A client that hangs up early (a timeout, a body over the limit) is expected here."""


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        server = self.server
        with server.lock:
            server.requests.append((self.path, dict(self.headers)))
            server.hits[self.path] += 1
            hits = server.hits[self.path]
        self.route(urlsplit(self.path).path, parse_qs(urlsplit(self.path).query), hits)

    def route(self, path: str, query: dict[str, list[str]], hits: int) -> None:
        if path == "/feed":
            if self.headers.get("If-None-Match") == ETAG:
                self.answer(304, b"", ETag=ETAG)
            else:
                self.answer(200, FEED, **{"Content-Type": "application/rss+xml", "ETag": ETAG,
                                          "Last-Modified": LAST_MODIFIED})
        elif path == "/page":
            self.answer(200, PAGE, **{"Content-Type": "text/html; charset=utf-8"})
        elif path == "/sleep":
            self.sleep(float(query["t"][0]))
            self.answer(200, PAGE)
        elif path == "/flaky":
            self.answer(500 if hits <= 2 else 200, PAGE)
        elif path == "/busy":
            self.answer(429, b"")
        elif path == "/big":
            self.send_response(200)
            if "length" in query:
                self.send_header("Content-Length", query["n"][0])
            self.end_headers()
            for _ in range(int(query["n"][0]) // 1000):
                self.wfile.write(b"x" * 1000)
        elif path == "/loop":
            self.answer(302, b"", Location="/loop")
        elif path == "/redirect":
            self.answer(302, b"", Location=query["to"][0])
        else:
            self.answer(404, b"not found")

    def sleep(self, seconds: float) -> None:
        """Sleep, counted as active: the count is down again before the client gets its answer and its slot back."""
        server = self.server
        with server.lock:
            server.active += 1
            server.max_active = max(server.max_active, server.active)
        time.sleep(seconds)
        with server.lock:
            server.active -= 1

    def answer(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    server = Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def fetch_once(url: str, validators: Validators = Validators(), policy: FetchPolicy = LOCAL):
    with new_client(policy) as client:
        return fetch(client, url, validators, policy)


def in_flow(run):
    """`run()` inside a flow run, which `fetch_page` and `fetch_all` need."""
    return flow(name="fetch-test")(run)()


def test_etag_then_304_with_the_validators_sent(server):
    first = fetch_once(server.url("/feed"))
    assert isinstance(first, Fetched)
    assert (first.status, first.content, first.etag, first.last_modified) == (200, FEED, ETAG, LAST_MODIFIED)
    assert first.content_type == "application/rss+xml"
    second = fetch_once(server.url("/feed"), Validators(first.etag, first.last_modified))
    assert second == NotModified(server.url("/feed"), ETAG, LAST_MODIFIED, 1)
    headers = server.requests[1][1]
    assert (headers["If-None-Match"], headers["If-Modified-Since"]) == (ETAG, LAST_MODIFIED)
    assert "If-None-Match" not in server.requests[0][1]


def test_user_agent_is_sent(server):
    fetch_once(server.url("/page"))
    user_agent = server.requests[0][1]["User-Agent"]
    assert user_agent == LOCAL.user_agent
    assert user_agent.startswith("corpus-fr/0.") and "French news-corpus pipeline" in user_agent


def test_relative_redirect_is_followed_and_the_requested_url_kept(server):
    url = server.url("/redirect?to=/page")
    fetched = fetch_once(url)
    assert (fetched.url, fetched.final_url, fetched.content) == (url, server.url("/page"), PAGE)
    document = to_raw_document(fetched)
    assert (document.source_uri, document.format, document.content) == (url, "html", PAGE)


def test_a_fetched_feed_is_a_feed_document(server):
    assert to_raw_document(fetch_once(server.url("/feed"))).format == "feed"


def test_redirect_to_a_file_url_is_refused(server):
    with pytest.raises(PermanentFetchError) as refused:
        fetch_once(server.url("/redirect?to=file:///etc/passwd"))
    assert refused.value.reason == "bad-scheme"
    assert len(server.requests) == 1


def test_redirect_loop_stops_after_max_redirects(server):
    with pytest.raises(PermanentFetchError) as refused:
        fetch_once(server.url("/loop"), policy=FetchPolicy(allow_private=True, max_redirects=2))
    assert refused.value.reason == "too-many-redirects"
    assert len(server.requests) == 3


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/", "javascript:alert(1)", "/page"])
def test_only_http_urls_are_fetched(url):
    with pytest.raises(PermanentFetchError, match="bad-scheme"):
        fetch_once(url)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_private_addresses_are_refused_before_any_request(server, host):
    url = server.url("/page").replace("127.0.0.1", host)
    with pytest.raises(PermanentFetchError) as refused:
        fetch_once(url, policy=FetchPolicy())
    assert refused.value.reason == "private-address"
    assert server.requests == []


@pytest.mark.parametrize("query", ["n=50000&length=1", "n=50000"])
def test_a_body_over_max_bytes_is_too_large(server, query):
    with pytest.raises(PermanentFetchError) as refused:
        fetch_once(server.url(f"/big?{query}"))
    assert refused.value.reason == "too-large"


def test_a_body_within_max_bytes_without_content_length_is_read_whole(server):
    assert fetch_once(server.url("/big?n=9000")).content == b"x" * 9000


def test_transient_failures_raise_transient_errors(server):
    with pytest.raises(TransientFetchError, match="timeout"):
        fetch_once(server.url("/sleep?t=1"), policy=FetchPolicy(allow_private=True, read_timeout=0.3))
    with pytest.raises(TransientFetchError, match="http-500"):
        fetch_once(server.url("/flaky"))
    with pytest.raises(TransientFetchError, match="http-429"):
        fetch_once(server.url("/busy"))
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    with pytest.raises(TransientFetchError, match="connection-error"):
        fetch_once(f"http://127.0.0.1:{closed_port}/")


def test_404_is_permanent(server):
    with pytest.raises(PermanentFetchError, match="http-404"):
        fetch_once(server.url("/nowhere"))


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
class TestWithPrefect:
    def test_timeout_is_retried_then_rejected(self, server):
        policy = FetchPolicy(allow_private=True, read_timeout=0.5, retries=2, retry_delays=(0.1, 0.1))
        url = server.url("/sleep?t=1.5")
        result = in_flow(lambda: fetch_page_task(policy)(url, Validators(), policy))
        assert isinstance(result, FetchRejected)
        assert (result.url, result.reason, result.attempts) == (url, "timeout", policy.retries + 1)
        assert server.hits["/sleep?t=1.5"] == 3

    def test_500_twice_then_200_is_fetched_on_the_third_attempt(self, server):
        result = in_flow(lambda: fetch_page_task(LOCAL)(server.url("/flaky"), Validators(), LOCAL))
        assert isinstance(result, Fetched)
        assert (result.status, result.content, result.attempts) == (200, PAGE, 3)

    def test_404_is_not_retried(self, server):
        result = in_flow(lambda: fetch_page_task(LOCAL)(server.url("/nowhere"), Validators(), LOCAL))
        assert result == FetchRejected(server.url("/nowhere"), "http-404", "the server answered 404", 1)
        assert len(server.requests) == 1

    def test_fetch_page_without_retries_rejects_on_the_first_failure(self, server):
        result = in_flow(lambda: fetch_page(server.url("/flaky"), Validators(), LOCAL))
        assert (result.reason, result.attempts) == ("http-500", 1)

    @pytest.mark.parametrize("per_host", [2, 3])
    def test_fetch_all_keeps_the_order_and_the_per_host_limit(self, server, per_host):
        policy = FetchPolicy(allow_private=True, per_host=per_host, max_connections=8, retries=0)
        urls = [server.url(f"/sleep?t=0.5&i={i}") for i in range(6)]
        requests = [(url, Validators()) for url in urls] + [(server.url("/nowhere"), Validators()),
                                                            ("file:///etc/passwd", Validators())]
        results = in_flow(lambda: fetch_all(requests, policy))
        assert [result.url for result in results] == [url for url, _ in requests]
        assert all(isinstance(result, Fetched) for result in results[:6])
        assert [result.reason for result in results[6:]] == ["http-404", "bad-scheme"]
        assert server.max_active == per_host

    def test_fetch_all_turns_a_bug_into_a_rejection(self, server, monkeypatch):
        real_fetch = flows.fetch.fetch

        def broken_for_one_url(client, url, validators, policy):
            if url.endswith("/feed"):
                raise RuntimeError("a bug")
            return real_fetch(client, url, validators, policy)

        monkeypatch.setattr(flows.fetch, "fetch", broken_for_one_url)
        results = in_flow(lambda: fetch_all([(server.url("/feed"), Validators()), (server.url("/page"), Validators())],
                                            LOCAL))
        assert (results[0].reason, results[0].attempts) == ("error", 1)
        assert "a bug" in results[0].detail
        assert isinstance(results[1], Fetched)
