"""Fetch pages and feeds over HTTP for the flows: conditional, bounded in time and size, polite per host, and
refusing to be pointed at this machine or its network.

`fetch` makes one attempt and says whether a failure is worth retrying (`TransientFetchError`) or not
(`PermanentFetchError`). `fetch_page` is the Prefect task that retries the transient ones with Prefect's task
retries and returns a `FetchRejected` once they are spent; `fetch_all` runs many of them on a thread pool.

Every hop (the URL asked for and each redirect) must be http(s), and its host must resolve to public addresses
only, unless `FetchPolicy.allow_private`. The check resolves the name, then httpx resolves it again to connect:
a DNS server that answers a public address first and a private one next (DNS rebinding) gets past it. Run the
fetcher where the network itself keeps it from private addresses if that matters.
"""

from __future__ import annotations

import codecs
import io
import ipaddress
import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib.metadata import version
from urllib.parse import urlsplit

import httpx
from prefect import Task, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import TaskRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from corpus.read.detect import sniff_format
from corpus.read.feeds import allowed_url
from corpus.records import RawDocument

HEAD_BYTES = 8192
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK_BYTES = 65_536


@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    """Also the time budget of one attempt, redirects included (checked between reads)."""
    max_bytes: int = 10_000_000
    per_host: int = 2
    """Requests at once to one host, across every fetch of this process."""
    max_connections: int = 8
    retries: int = 3
    retry_delays: tuple[float, ...] = (1.0, 4.0, 16.0)
    """Seconds before each retry; the last one repeats if there are more retries."""
    max_redirects: int = 5
    allow_private: bool = False
    """Loopback, private, link-local, multicast and reserved addresses are refused unless True."""
    user_agent: str = f"corpus-fr/{version('corpus-fr')} (French news-corpus pipeline)"


@dataclass(frozen=True)
class Validators:
    """What the last fetch of a URL answered, sent back so that an unchanged page costs a 304."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    url: str
    """The URL asked for: the stable key of the page."""
    final_url: str
    """Where the redirects led."""
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    attempts: int


@dataclass(frozen=True)
class NotModified:
    """A 304: the page is as the validators' fetch left it. The validators are the server's new ones, else the ones
    sent."""

    url: str
    etag: str | None
    last_modified: str | None
    attempts: int


@dataclass(frozen=True)
class FetchRejected:
    """A URL that could not be fetched. `reason` is a code: `bad-scheme` (not an http(s) URL with a host, asked for
    or redirected to), `private-address`, `too-large`, `too-many-redirects`, `timeout`, `connection-error`,
    `http-<status>` (a 4xx, a 5xx or 429 still failing after the retries, or a redirect without a location), or
    `error` (a bug in this module, rather than the URL); `detail` is one sentence."""

    url: str
    reason: str
    detail: str
    attempts: int
    transient: bool = False
    """A failure that may pass (a timeout, a connection error, a 5xx or 429): worth another try on a later run."""


class FetchFailure(Exception):
    """An attempt that failed, with the `FetchRejected` reason code and detail it would be recorded with."""

    def __init__(self, reason: str, detail: str):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"


class TransientFetchError(FetchFailure):
    """A timeout, a connection error, a 5xx or a 429: worth retrying."""


class PermanentFetchError(FetchFailure):
    """A failure that another attempt would repeat."""


def new_client(policy: FetchPolicy) -> httpx.Client:
    """A client with the policy's timeouts, limits and User-Agent. It follows no redirect (`fetch` follows them, to
    check each hop) and ignores the environment: no proxy settings, no `.netrc` credentials sent to feed hosts."""
    return httpx.Client(
        timeout=httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout),
        limits=httpx.Limits(max_connections=policy.max_connections,
                            max_keepalive_connections=policy.max_connections),
        headers={"User-Agent": policy.user_agent},
        follow_redirects=False,
        trust_env=False,
    )


def fetch(client: httpx.Client, url: str, validators: Validators, policy: FetchPolicy) -> Fetched | NotModified:
    """One attempt at `url`, following up to `policy.max_redirects` redirects, each checked like `url`. Raises
    `TransientFetchError` or `PermanentFetchError`; `attempts` is 1 in what it returns."""
    deadline = time.monotonic() + policy.read_timeout
    headers = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    current = url
    for _ in range(policy.max_redirects + 1):
        _check_target(current, policy)
        with _host_slot(current, policy.per_host):
            try:
                with client.stream("GET", current, headers=headers, timeout=_timeout(policy, deadline)) as response:
                    location = response.headers.get("Location")
                    if response.status_code in _REDIRECTS and location:
                        current = str(response.url.join(location.strip()))
                        continue
                    _check_status(response.status_code)
                    if response.status_code == 304:
                        return NotModified(url, response.headers.get("ETag") or validators.etag,
                                           response.headers.get("Last-Modified") or validators.last_modified, 1)
                    content = _read_body(response, policy.max_bytes, deadline)
            except httpx.TimeoutException as error:
                raise TransientFetchError("timeout", f"no answer in time ({type(error).__name__})") from None
            except httpx.InvalidURL as error:
                raise PermanentFetchError("bad-scheme", f"not a valid URL: {error}") from None
            except httpx.RequestError as error:
                raise TransientFetchError("connection-error", f"{type(error).__name__}: {error}") from None
        return Fetched(url, current, response.status_code, content, response.headers.get("Content-Type"),
                       response.headers.get("ETag"), response.headers.get("Last-Modified"), 1)
    raise PermanentFetchError("too-many-redirects", f"more than {policy.max_redirects} redirects")


def _is_transient(task: Task, task_run: TaskRun, state: State) -> bool:
    """`fetch_page`'s retry condition: only a `TransientFetchError` is worth another attempt."""
    return isinstance(state.data, TransientFetchError)


@task(cache_policy=NO_CACHE, task_run_name="fetch {url}", retry_condition_fn=_is_transient)
def fetch_page(url: str, validators: Validators, policy: FetchPolicy) -> Fetched | NotModified | FetchRejected:
    """Fetch `url` once per attempt. A transient failure is raised, for Prefect to retry, except on the last attempt
    the task's retries allow, where it becomes a `FetchRejected`, as a permanent failure does at once. Its retries
    are the task's: run it as `fetch_page_task(policy)` to give it the policy's."""
    context = TaskRunContext.get()
    attempt = context.task_run.run_count if context else 1
    last = context is None or attempt > context.task.retries
    try:
        with new_client(policy) as client:
            return replace(fetch(client, url, validators, policy), attempts=attempt)
    except PermanentFetchError as error:
        return FetchRejected(url, error.reason, error.detail, attempt)
    except TransientFetchError as error:
        if not last:
            raise
        return FetchRejected(url, error.reason, error.detail, attempt, transient=True)


def fetch_page_task(policy: FetchPolicy) -> Task:
    """`fetch_page` with the policy's retries and delays."""
    return fetch_page.with_options(retries=policy.retries, retry_delay_seconds=list(policy.retry_delays))


def fetch_all(requests: Sequence[tuple[str, Validators]],
              policy: FetchPolicy = FetchPolicy()) -> list[Fetched | NotModified | FetchRejected]:
    """Fetch every (URL, validators) pair, `policy.max_connections` at once and `policy.per_host` at once per host, on
    a thread pool of its own (whatever the flow's task runner is). Call it inside a flow. The results are in the
    order of `requests`; a URL that fails, even through a bug, is a `FetchRejected`, never an exception."""
    page = fetch_page_task(policy)
    with ThreadPoolTaskRunner(max_workers=policy.max_connections) as runner:
        futures = [runner.submit(page, {"url": url, "validators": validators, "policy": policy})
                   for url, validators in requests]
        return [_outcome(url, future) for (url, _), future in zip(requests, futures)]


def to_raw_document(fetched: Fetched) -> RawDocument:
    """The fetched page as a raw document keyed by the URL asked for, its format sniffed from its content."""
    head = fetched.content[:HEAD_BYTES].decode(_charset(fetched.content_type), errors="replace")
    return RawDocument.from_bytes(fetched.url, fetched.content, sniff_format(head, urlsplit(fetched.final_url).path))


def _outcome(url: str, future: PrefectFuture) -> Fetched | NotModified | FetchRejected:
    result = future.result(raise_on_failure=False)
    if isinstance(result, Fetched | NotModified | FetchRejected):
        return result
    return FetchRejected(url, "error", f"the fetch failed: {result!r}", 1)


def _check_target(url: str, policy: FetchPolicy) -> None:
    """Refuse a URL that is not http(s) with a host, or whose host has a non-public address (unless allowed)."""
    if not allowed_url(url):
        raise PermanentFetchError("bad-scheme", f"not an http(s) URL with a host: {url[:200]}")
    if policy.allow_private:
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        failure = TransientFetchError if error.errno == socket.EAI_AGAIN else PermanentFetchError
        raise failure("connection-error", f"cannot resolve {parts.hostname}: {error.strerror}") from None
    except UnicodeError:
        raise PermanentFetchError("bad-scheme", f"not a valid host name: {parts.hostname}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise PermanentFetchError("private-address", f"{parts.hostname} resolves to {address}, not public")


def _check_status(status: int) -> None:
    if status == 429 or status >= 500:
        raise TransientFetchError(f"http-{status}", f"the server answered {status}")
    if status < 200 or (status >= 300 and status != 304):
        raise PermanentFetchError(f"http-{status}", f"the server answered {status}")


def _read_body(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """The body, read until `max_bytes` (a declared larger one is refused unread) or the deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PermanentFetchError("too-large", f"the body is {int(declared):,} bytes; the limit is {max_bytes:,}")
    body = io.BytesIO()  # getvalue() hands its buffer over, where bytes(bytearray) would copy it
    for chunk in response.iter_bytes(_CHUNK_BYTES):
        body.write(chunk)
        if body.tell() > max_bytes:
            raise PermanentFetchError("too-large", f"the body is over the limit of {max_bytes:,} bytes")
        if time.monotonic() > deadline:
            raise TransientFetchError("timeout", "the body took longer than the time budget")
    return body.getvalue()


def _timeout(policy: FetchPolicy, deadline: float) -> httpx.Timeout:
    """The policy's timeouts, cut to what is left of the attempt's budget."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TransientFetchError("timeout", "the redirects took longer than the time budget")
    return httpx.Timeout(left, connect=min(policy.connect_timeout, left))


_host_slots: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_host_slots_lock = threading.Lock()


def _host_slot(url: str, per_host: int) -> threading.BoundedSemaphore:
    """The semaphore that lets `per_host` requests at once go to the host of `url`."""
    key = ((urlsplit(url).hostname or "").lower(), per_host)
    with _host_slots_lock:
        return _host_slots.setdefault(key, threading.BoundedSemaphore(per_host))


def _charset(content_type: str | None) -> str:
    """The charset a Content-Type names, if Python knows it, else UTF-8."""
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            try:
                return codecs.lookup(value.strip().strip('"')).name
            except LookupError:
                break
    return "utf-8"
