"""The Crossref client: the one module that talks HTTP (httpx2, and habanero for search).

DOI lookups (``/works/{doi}``) go through one ``httpx2.Client`` of ours
rather than through habanero: habanero hands back only the JSON body of a
successful reply, and a polite client has to read the headers of every reply,
because that is where Crossref announces its limits
(``x-rate-limit-limit``, ``x-rate-limit-interval``, ``x-concurrency-limit``).
One client also keeps its connections alive across a batch.  Free-text search
(``/works?query=``) is a single request and uses habanero's ``Crossref``, which
validates the query parameters.

What this module adds to plain HTTP:

* timeouts, and retries with exponential backoff on 429, 5xx, timeouts and
  dropped connections, honouring ``Retry-After``, within a bounded total time;
* Crossref's limits.  Until a reply announces them, the recorded ones apply
  (public pool 5 requests/s, 1 at a time; polite pool, with a ``mailto``,
  10/s, 3 at a time); from then on, whatever the latest reply announced,
  within :data:`MAX_RATE` and :data:`MAX_CONCURRENCY`;
* a fallback for DOIs registered elsewhere (DataCite, mEDRA, JaLC), which
  Crossref answers with 404: doi.org content negotiation for CSL-JSON.
  habanero's ``cn`` cannot be used for that: for CSL-JSON it ignores its base
  URL and always asks api.crossref.org.

Every record fetched goes into the :class:`~citetool.crossref.records.Cache`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from citetool import __version__, jsondata
from citetool.crossref.records import Cache, Record, work_record
from citetool.errors import CitetoolError, DOINotFound, LookupFailed
from citetool.identifiers import doi as doi_module

CSL_JSON = "application/vnd.citationstyles.csl+json"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

#: (requests per second, requests at once) for each pool, as Crossref announced them when recorded.
POOL_LIMITS: dict[str, tuple[float, int]] = {"public": (5.0, 1), "polite": (10.0, 3)}
#: Ceilings on what an announcement can raise the limits to, whatever a server says.
MAX_RATE = 50.0
#: The floor: an announced rate of one request a year would hang a batch (one every 10 s at the slowest).
MIN_RATE = 0.1
#: The most a reply may hold, decompressed: Crossref's largest records (thousands of authors) are a few MiB.
MAX_BODY_BYTES = 16 * 2**20
MAX_REDIRECTS = 5
#: Where doi.org sends content negotiation for the registration agencies, and so where citetool follows it.
AGENCY_HOSTS = frozenset({
    "api.crossref.org", "data.crossref.org", "api.datacite.org", "data.datacite.org", "data.crosscite.org",
    "citation.crosscite.org", "api.japanlinkcenter.org", "data.jalc.or.jp", "api.medra.org", "data.medra.org",
    "data.airiti.com", "data.kisti.re.kr", "api.kisti.re.kr", "data.istic.ac.cn", "data.eidr.org", "api.eidr.org",
    "doi.org", "dx.doi.org",
})  # fmt: skip
MAX_CONCURRENCY = 8


@dataclass
class Limiter:
    """At most ``concurrency`` requests in flight, starts spaced by ``1 / rate`` seconds.

    Both limits can change while requests wait: :meth:`announce` sets them
    from a reply's headers.
    """

    rate: float
    concurrency: int
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


@dataclass
class Client:
    """Looks DOIs up on Crossref (then doi.org), with cache, retries and limits."""

    crossref_url: str
    doi_url: str
    mailto: str | None
    cache: Cache
    timeout: float = 10.0
    max_attempts: int = 5
    total_seconds: float = 60.0
    offline: bool = False
    refresh: bool = False
    limiter: Limiter = field(init=False)
    network_used: bool = field(init=False, default=False)
    cache_writes: bool = True  # `update` turns this off: the cache must keep what the library holds
    _session: Any = field(init=False, default=None)
    _session_lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        rate, concurrency = POOL_LIMITS["polite" if self.mailto else "public"]
        self.limiter = Limiter(rate, concurrency)

    @property
    def user_agent(self) -> str:
        """``citetool/VERSION``, plus ``(mailto:...)`` for Crossref's polite pool."""
        agent = f"citetool/{__version__}"
        return f"{agent} (mailto:{self.mailto})" if self.mailto else agent

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

    # -- one DOI ---------------------------------------------------------------

    def fetch(self, doi: str) -> Record:
        """The record for ``doi``: from the cache unless ``refresh``, else from the network."""
        if not self.refresh:
            cached = self.cache.get(doi)
            if cached is not None:
                return cached
        if self.offline:
            raise LookupFailed(f"{doi}: not in the cache and --offline forbids the network")
        self.network_used = True
        deadline = time.monotonic() + self.total_seconds
        try:
            record = Record(doi, "crossref", self._with_retries(doi, deadline, self._crossref))
        except DOINotFound:
            record = Record(doi, "doi.org", self._with_retries(doi, deadline, self._content_negotiation))
        if self.cache_writes:
            self.cache.put(record)
        return record

    def _get(self, url: str, deadline: float, headers: Mapping[str, str] | None = None) -> tuple[Any, bytes]:
        """One GET, its body read within ``deadline`` and at most :data:`MAX_BODY_BYTES` (after decompression)."""
        import httpx2

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _OutOfTime
        timeout = httpx2.Timeout(min(self.timeout, remaining))
        with self._http().stream("GET", url, headers=headers, timeout=timeout) as response:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_BODY_BYTES:
                raise _TooBig
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():  # decompressed: a gzip bomb stops at the cap
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise _TooBig
                if time.monotonic() > deadline:  # a server dripping a byte at a time
                    raise _OutOfTime
                chunks.append(chunk)
        return response, b"".join(chunks)

    def _crossref(self, doi: str, deadline: float) -> dict[str, Any]:
        response, body = self._get(f"{self.crossref_url.rstrip('/')}/works/{doi_module.url_path(doi)}", deadline)
        self.limiter.announce(response.headers)
        response.raise_for_status()
        data = _json_body(response, body, doi)
        if not isinstance(data, dict) or data.get("status", "ok") != "ok" or data.get("message-type", "work") != "work":
            raise LookupFailed(f"{doi}: Crossref answered with something that is not a work record")
        return work_record(data.get("message"), doi, "Crossref")

    def _content_negotiation(self, doi: str, deadline: float) -> dict[str, Any]:
        url = f"{self.doi_url.rstrip('/')}/{doi_module.url_path(doi)}"
        for _hop in range(MAX_REDIRECTS + 1):
            response, body = self._get(url, deadline, headers={"Accept": CSL_JSON})
            if not response.has_redirect_location:
                break
            target = urljoin(url, response.headers["location"])
            if not self._may_follow(target):
                host = urlsplit(target).hostname or target[:60]
                raise LookupFailed(f"{doi}: doi.org sent the request on to {host}, which is not a registration "
                                   "agency's API; not followed")  # fmt: skip
            url = target
        else:
            raise LookupFailed(f"{doi}: doi.org redirected more than {MAX_REDIRECTS} times")
        response.raise_for_status()
        return work_record(_json_body(response, body, doi), doi, "doi.org")

    def _may_follow(self, url: str) -> bool:
        """Whether a doi.org redirect goes where a DOI's metadata lives: a registration agency's API host
        over HTTPS, or a host citetool was configured with (the tests' loopback server)."""
        parts = urlsplit(url)
        configured = {urlsplit(base)[:2] for base in (self.doi_url, self.crossref_url)}
        if (parts.scheme, parts.netloc) in configured:
            return True
        return parts.scheme == "https" and (parts.hostname or "") in AGENCY_HOSTS

    def _with_retries(
        self, doi: str, deadline: float, call: Callable[[str, float], dict[str, Any]]
    ) -> dict[str, Any]:
        import httpx2

        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            self.limiter.acquire()
            try:
                return call(doi, deadline)
            except httpx2.HTTPStatusError as exc:
                status = exc.response.status_code
                if status == 404:
                    raise DOINotFound(doi) from exc
                if status not in RETRY_STATUSES:
                    raise LookupFailed(f"{doi}: the server refused the request (HTTP {status})") from exc
                retry_after = _retry_after(exc.response.headers.get("retry-after"))
                failure = LookupFailed(f"{doi}: the server kept failing (HTTP {status})")
            except _Refused as exc:
                status = exc.status
                if status == 404:
                    raise DOINotFound(doi) from exc
                if status in RETRY_STATUSES:
                    failure = LookupFailed(f"{doi}: the server kept failing (HTTP {status})")
                elif status == 200:
                    raise LookupFailed(f"{doi}: the server answered with a web page, not JSON") from exc
                else:
                    raise LookupFailed(f"{doi}: the server refused the request (HTTP {status})") from exc
            except httpx2.TimeoutException:
                failure = LookupFailed(f"{doi}: no answer within {self.timeout:g} s (timed out)")
            except httpx2.ConnectError as exc:
                failure = LookupFailed(f"{doi}: cannot connect ({_reason(exc)}); check your network")
            except (httpx2.RemoteProtocolError, httpx2.ReadError, httpx2.WriteError) as exc:
                failure = LookupFailed(f"{doi}: the connection was dropped ({_reason(exc)})")
            except httpx2.HTTPError as exc:
                raise LookupFailed(f"{doi}: request failed ({_reason(exc)})") from exc
            except _OutOfTime as exc:
                message = f"{doi}: no complete answer within {self.total_seconds:g} s; try again later"
                raise LookupFailed(message) from exc
            except _TooBig as exc:
                message = f"{doi}: the answer is larger than {MAX_BODY_BYTES // 2**20} MiB; not read"
                raise LookupFailed(message) from exc
            except ValueError as exc:  # truncated or invalid JSON with a JSON content type
                raise LookupFailed(f"{doi}: the server sent a broken (truncated or invalid) JSON body") from exc
            finally:
                self.limiter.release()
            delay = retry_after if retry_after is not None else min(8.0, 0.5 * 2 ** (attempt - 1))
            delay += random.uniform(0, 0.1)
            if attempt >= self.max_attempts or time.monotonic() + delay > deadline:
                raise failure
            time.sleep(delay)

    # -- free-text search ------------------------------------------------------

    def search(self, query: str, rows: int) -> list[dict[str, Any]]:
        """Crossref's best matches for ``query`` (``/works?query=``); each work is cached by DOI."""
        if self.offline:
            raise LookupFailed(f"searching for {query!r} needs the network, and --offline forbids it")
        self.network_used = True

        def call(_label: str, _deadline: float) -> dict[str, Any]:
            from habanero import Crossref
            from habanero.exceptions import RequestError

            client = Crossref(
                base_url=self.crossref_url.rstrip("/"), mailto=self.mailto, ua_string=f"citetool/{__version__}",
                timeout=self.timeout,
            )  # fmt: skip
            try:
                body = client.works(query=query, limit=rows)
            except RequestError as exc:
                raise _Refused(exc.status_code) from exc
            message = body.get("message") if isinstance(body, dict) else None
            if not isinstance(message, dict) or not isinstance(message.get("items"), list):
                raise LookupFailed(f"search {query!r}: Crossref answered with something that is not a work list")
            return message

        label = f"search {query!r}"
        try:
            answer = self._with_retries(label, time.monotonic() + self.total_seconds, call)
        except DOINotFound as exc:  # only Crossref is searched: doi.org has no search
            raise DOINotFound(label, "on Crossref") from exc
        items = [item for item in answer["items"] if isinstance(item, dict)]
        # Not cached per DOI: a search result is an abridged record, and `add` must fetch the whole one.
        return items

    # -- many DOIs -------------------------------------------------------------

    def fetch_many(
        self, dois: Iterable[str], done: Callable[[str], None] | None = None
    ) -> dict[str, Record | CitetoolError]:
        """Fetch every DOI, concurrently within the pool's limits; failures are returned, not raised."""
        unique = list(dict.fromkeys(dois))

        def one(doi: str) -> Record | CitetoolError:
            try:
                return self.fetch(doi)
            except CitetoolError as exc:
                return exc
            finally:
                if done is not None:
                    done(doi)

        # As many workers as any announcement could allow; the limiter decides how many run.
        workers = max(1, min(MAX_CONCURRENCY, len(unique)))
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(one, unique))
        finally:
            self.close()
        return dict(zip(unique, results, strict=True))


class _Refused(Exception):
    """habanero's error for a non-JSON error reply, carried without importing habanero for lookups."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _json_body(response: Any, body: bytes, doi: str) -> Any:
    """The parsed JSON of a successful reply; a web page or a broken body is a one-line error."""
    content_type = response.headers.get("content-type", "").lower()
    if "html" in content_type or body.lstrip()[:1] == b"<":
        raise LookupFailed(f"{doi}: the server answered with a web page, not JSON")
    try:
        return jsondata.loads(body)
    except ValueError as exc:
        message = f"{doi}: the server sent a broken (truncated or invalid) JSON body ({exc})"
        raise LookupFailed(message) from exc


class _OutOfTime(Exception):
    """The per-DOI deadline passed while waiting or reading."""


class _TooBig(Exception):
    """A reply larger than :data:`MAX_BODY_BYTES`."""


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
