"""The one module that talks HTTP (httpx2): what every metadata service's client shares.

Crossref, arXiv, Open Library, Google Books and NCBI are all asked the same
polite way, and a reply from any of them is read the same careful way:

* one keep-alive ``httpx2.Client`` per lookup session, with a User-Agent
  naming citetool;
* a :class:`Limiter` per service: at most so many requests in flight, starts
  spaced by the service's asked-for interval (Crossref's announced limits,
  arXiv's one request every 3 s, NCBI's 3 a second);
* timeouts within a per-item deadline that covers retries and slow bodies;
* retries with exponential backoff on 429, 5xx, timeouts and dropped
  connections, honouring ``Retry-After``;
* bodies read to at most :data:`MAX_BODY_BYTES` after decompression, so a
  gzip bomb or an endless reply stops at the cap.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from citetool import __version__, jsondata
from citetool.errors import CitetoolError, LookupFailed

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Ceilings on what an announcement can raise the limits to, whatever a server says.
MAX_RATE = 50.0
#: The floor: an announced rate of one request a year would hang a batch (one every 10 s at the slowest).
MIN_RATE = 0.1
MAX_CONCURRENCY = 8
#: The most a reply may hold, decompressed: Crossref's largest records (thousands of authors) are a few MiB.
MAX_BODY_BYTES = 16 * 2**20

T = TypeVar("T")


@dataclass
class Limiter:
    """At most ``concurrency`` requests in flight, starts spaced by ``1 / rate`` seconds.

    Both limits can change while requests wait: :meth:`announce` sets them
    from a reply's headers.  ``after_reply``: the interval also runs from
    the end of the previous request, so that the server sees the spacing
    whatever each request's way there took (arXiv's "one request every
    three seconds" is counted where arXiv receives them).
    """

    rate: float
    concurrency: int
    after_reply: bool = False
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _in_flight: int = 0
    _next_start: float = 0.0

    def acquire(self) -> None:
        with self._changed:
            while self._in_flight >= self.concurrency:
                self._changed.wait()
            self._in_flight += 1
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + 1.0 / self.rate
        if start > now:
            time.sleep(start - now)

    def release(self) -> None:
        with self._changed:
            self._in_flight -= 1
            if self.after_reply:
                self._next_start = max(self._next_start, time.monotonic() + 1.0 / self.rate)
            self._changed.notify_all()

    def announce(self, headers: Mapping[str, str]) -> None:
        """Take the limits a reply announces; headers that are absent or malformed change nothing."""
        rate = _announced_rate(headers)
        concurrency = _positive_int(headers.get("x-concurrency-limit"))
        with self._changed:
            if rate is not None:
                self.rate = max(MIN_RATE, min(rate, MAX_RATE))
            if concurrency is not None:
                self.concurrency = min(concurrency, MAX_CONCURRENCY)
            self._changed.notify_all()


def _announced_rate(headers: Mapping[str, str]) -> float | None:
    """Requests per second from ``x-rate-limit-limit`` over ``x-rate-limit-interval`` (``1s``, ``1m``...)."""
    limit = _positive_int(headers.get("x-rate-limit-limit"))
    interval = str(headers.get("x-rate-limit-interval", "1s")).strip().lower()
    unit = {"s": 1.0, "m": 60.0, "h": 3600.0}.get(interval[-1:], 0.0)
    try:
        seconds = float(interval[:-1]) * unit if unit else float(interval)
    except ValueError:
        return None
    if limit is None or not seconds > 0:
        return None
    return limit / seconds


def _positive_int(value: str | None) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number > 0 else None


class Refused(Exception):
    """A reply with an error status that a client read itself (rather than httpx2's ``raise_for_status``)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class OutOfTime(Exception):
    """The per-item deadline passed while waiting or reading."""


class TooBig(Exception):
    """A reply larger than :data:`MAX_BODY_BYTES`."""


@dataclass(kw_only=True)
class HttpClient:
    """Polite GETs to one service: a session, a limiter, timeouts, retries, a deadline per item.

    ``offline`` and ``refresh`` are the lookup's cache policy; the services'
    clients read them.  ``network_used`` tells the CLI whether anything was
    asked of a server.
    """

    limiter: Limiter = field(default_factory=lambda: Limiter(1.0, 1))
    timeout: float = 10.0
    max_attempts: int = 5
    total_seconds: float = 60.0
    offline: bool = False
    refresh: bool = False
    network_used: bool = field(init=False, default=False)
    _session: Any = field(init=False, default=None)
    _session_lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    @property
    def user_agent(self) -> str:
        return f"citetool/{__version__}"

    def _http(self) -> Any:
        """The one keep-alive ``httpx2.Client`` of this lookup session."""
        with self._session_lock:
            if self._session is None:
                import httpx2

                self._session = httpx2.Client(
                    headers={"User-Agent": self.user_agent},
                    timeout=self.timeout,
                    limits=httpx2.Limits(max_connections=MAX_CONCURRENCY),
                )
            return self._session

    def close(self) -> None:
        """Close the connections this client holds open."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def get(
        self, url: str, deadline: float, headers: Mapping[str, str] | None = None, params: Any = None
    ) -> tuple[Any, bytes]:
        """One GET, its body read within ``deadline`` and at most :data:`MAX_BODY_BYTES` (after decompression)."""
        import httpx2

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise OutOfTime
        timeout = httpx2.Timeout(min(self.timeout, remaining))
        with self._http().stream("GET", url, headers=headers, params=params, timeout=timeout) as response:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_BODY_BYTES:
                raise TooBig
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():  # decompressed: a gzip bomb stops at the cap
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise TooBig
                if time.monotonic() > deadline:  # a server dripping a byte at a time
                    raise OutOfTime
                chunks.append(chunk)
        return response, b"".join(chunks)

    def with_retries(
        self,
        label: str,
        deadline: float,
        call: Callable[[str, float], T],
        not_found: Callable[[str], CitetoolError],
        body: str = "JSON",
    ) -> T:
        """``call(label, deadline)``, retried on what may pass (429, 5xx, timeouts, dropped connections).

        A 404 raises ``not_found(label)``; every other failure is a one-line
        :class:`LookupFailed` naming ``label``.  ``body`` names what a reply
        should have been, for the message about a web page sent instead.
        """
        import httpx2

        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            queued = time.monotonic()
            self.limiter.acquire()
            # Time spent waiting for a turn (behind a slow answer to another item) is not this item's.
            deadline += time.monotonic() - queued
            try:
                return call(label, deadline)
            except httpx2.HTTPStatusError as exc:
                status = exc.response.status_code
                if status == 404:
                    raise not_found(label) from exc
                if status not in RETRY_STATUSES:
                    raise LookupFailed(f"{label}: the server refused the request (HTTP {status})") from exc
                retry_after = _retry_after(exc.response.headers.get("retry-after"))
                failure = LookupFailed(f"{label}: the server kept failing (HTTP {status})")
            except Refused as exc:
                status = exc.status
                if status == 404:
                    raise not_found(label) from exc
                if status in RETRY_STATUSES:
                    failure = LookupFailed(f"{label}: the server kept failing (HTTP {status})")
                elif status == 200:
                    raise LookupFailed(f"{label}: the server answered with a web page, not {body}") from exc
                else:
                    raise LookupFailed(f"{label}: the server refused the request (HTTP {status})") from exc
            except httpx2.TimeoutException:
                failure = LookupFailed(f"{label}: no answer within {self.timeout:g} s (timed out)")
            except httpx2.ConnectError as exc:
                failure = LookupFailed(f"{label}: cannot connect ({_reason(exc)}); check your network")
            except (httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.WriteError) as exc:
                failure = LookupFailed(f"{label}: the connection was dropped ({_reason(exc)})")
            except httpx2.HTTPError as exc:
                raise LookupFailed(f"{label}: request failed ({_reason(exc)})") from exc
            except OutOfTime as exc:
                message = f"{label}: no complete answer within {self.total_seconds:g} s; try again later"
                raise LookupFailed(message) from exc
            except TooBig as exc:
                message = f"{label}: the answer is larger than {MAX_BODY_BYTES // 2**20} MiB; not read"
                raise LookupFailed(message) from exc
            except ValueError as exc:  # truncated or invalid JSON with a JSON content type
                message = f"{label}: the server sent a broken (truncated or invalid) {body} body"
                raise LookupFailed(message) from exc
            finally:
                self.limiter.release()
            delay = retry_after if retry_after is not None else min(8.0, 0.5 * 2 ** (attempt - 1))
            delay += random.uniform(0, 0.1)
            if attempt >= self.max_attempts or time.monotonic() + delay > deadline:
                raise failure
            time.sleep(delay)

    def each(
        self, items: Iterable[str], fetch: Callable[[str], T], done: Callable[[str], None] | None, workers: int
    ) -> dict[str, T | CitetoolError]:
        """``fetch`` of every item, up to ``workers`` at once (the limiter decides how many run);
        failures are returned, not raised; the connections are closed at the end."""
        unique = list(dict.fromkeys(items))

        def one(item: str) -> T | CitetoolError:
            try:
                return fetch(item)
            except CitetoolError as exc:
                return exc
            finally:
                if done is not None:
                    done(item)

        pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(unique))))
        try:
            results = dict(zip(unique, pool.map(one, unique), strict=True))
        except BaseException:
            # Never waits for lookups in flight: after Ctrl-C the process ends at once, not when a slow
            # server is done with its answer.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
        self.close()
        return results

    def deadline(self) -> float:
        """The monotonic time by which one item's lookup must be done, retries included."""
        return time.monotonic() + self.total_seconds


def json_body(response: Any, body: bytes, label: str) -> Any:
    """The parsed JSON of a successful reply; a web page or a broken body is a one-line error."""
    content_type = response.headers.get("content-type", "").lower()
    if "html" in content_type or body.lstrip()[:1] == b"<":
        raise LookupFailed(f"{label}: the server answered with a web page, not JSON")
    try:
        return jsondata.loads(body)
    except ValueError as exc:
        message = f"{label}: the server sent a broken (truncated or invalid) JSON body ({exc})"
        raise LookupFailed(message) from exc


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds form), capped at 30."""
    if value is None:
        return None
    try:
        return max(0.0, min(30.0, float(value)))
    except ValueError:
        return None


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
