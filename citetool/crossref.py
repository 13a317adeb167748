"""The Crossref client: the one module that talks HTTP (habanero, and httpx2 beneath it).

habanero fetches ``/works/{doi}``; it retries nothing, so this module adds
what a polite, robust client needs:

* timeouts, and retries with exponential backoff on 429, 5xx, timeouts and
  dropped connections, honouring ``Retry-After``, within a bounded total time;
* Crossref's announced limits: the public pool allows 5 requests/s, 1 at a
  time; the polite pool (a ``mailto``) 10/s, 3 at a time.  Requests are spaced
  and bounded accordingly; a 429 that announces lower limits lowers them;
* a fallback for DOIs registered elsewhere (DataCite, mEDRA, JaLC), which
  Crossref answers with 404: doi.org content negotiation for CSL-JSON.
  habanero's ``cn`` cannot be used for that: for CSL-JSON it ignores its base
  URL and always asks api.crossref.org, so this module asks doi.org itself.

Every record fetched goes into the :class:`~citetool.cache.Cache`.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from citetool import __version__
from citetool import doi as doi_module
from citetool.cache import Cache, Record
from citetool.errors import CitetoolError, DOINotFound, LookupFailed

CSL_JSON = "application/vnd.citationstyles.csl+json"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

#: (requests per second, requests at once) for each pool, as Crossref announces them.
POOL_LIMITS: dict[str, tuple[float, int]] = {"public": (5.0, 1), "polite": (10.0, 3)}


@dataclass
class Limiter:
    """At most ``concurrency`` requests in flight, starts spaced by ``1 / rate`` seconds."""

    rate: float
    concurrency: int
    _slots: threading.BoundedSemaphore = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next_start: float = 0.0

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.concurrency)

    def acquire(self) -> None:
        self._slots.acquire()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + 1.0 / self.rate
        if start > now:
            time.sleep(start - now)

    def release(self) -> None:
        self._slots.release()

    def announce(self, headers: Any) -> None:
        """Lower the request rate to what Crossref's ``x-rate-limit-*`` headers announce."""
        try:
            limit = float(headers.get("x-rate-limit-limit"))
            interval = float(str(headers.get("x-rate-limit-interval", "1s")).rstrip("s"))
        except (TypeError, ValueError):
            return
        if limit > 0 and interval > 0:
            with self._lock:
                self.rate = min(self.rate, limit / interval)


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

    def __post_init__(self) -> None:
        rate, concurrency = POOL_LIMITS["polite" if self.mailto else "public"]
        self.limiter = Limiter(rate, concurrency)

    @property
    def user_agent(self) -> str:
        return f"citetool/{__version__}"

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

    def _crossref(self, doi: str) -> dict[str, Any]:
        from habanero import Crossref

        client = Crossref(
            base_url=self.crossref_url.rstrip("/"), mailto=self.mailto, ua_string=self.user_agent, timeout=self.timeout
        )
        body = client.works(ids=doi_module.url_path(doi))
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, dict):
            raise LookupFailed(f"{doi}: Crossref answered with something that is not a work record")
        return message

    def _content_negotiation(self, doi: str) -> dict[str, Any]:
        import httpx2

        response = httpx2.get(
            f"{self.doi_url.rstrip('/')}/{doi_module.url_path(doi)}",
            headers={"Accept": CSL_JSON, "User-Agent": self.user_agent},
            timeout=self.timeout,
            follow_redirects=True,
        )
        response.raise_for_status()
        data = json.loads(response.content)
        if not isinstance(data, dict):
            raise LookupFailed(f"{doi}: doi.org answered with something that is not a CSL-JSON record")
        return data

    def _with_retries(self, doi: str, deadline: float, call: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
        import httpx2
        from habanero.exceptions import RequestError

        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            self.limiter.acquire()
            try:
                return call(doi)
            except httpx2.HTTPStatusError as exc:
                status = exc.response.status_code
                if status == 404:
                    raise DOINotFound(doi) from exc
                if status not in RETRY_STATUSES:
                    raise LookupFailed(f"{doi}: the server refused the request (HTTP {status})") from exc
                if status == 429:
                    self.limiter.announce(exc.response.headers)
                retry_after = _retry_after(exc.response.headers.get("retry-after"))
                failure = LookupFailed(f"{doi}: the server kept failing (HTTP {status})")
            except RequestError as exc:
                status = exc.status_code
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

        def call(_label: str) -> dict[str, Any]:
            from habanero import Crossref

            client = Crossref(
                base_url=self.crossref_url.rstrip("/"), mailto=self.mailto, ua_string=self.user_agent,
                timeout=self.timeout,
            )  # fmt: skip
            body = client.works(query=query, limit=rows)
            message = body.get("message") if isinstance(body, dict) else None
            if not isinstance(message, dict) or not isinstance(message.get("items"), list):
                raise LookupFailed(f"search {query!r}: Crossref answered with something that is not a work list")
            return message

        items = [item for item in self._with_retries(f"search {query!r}", time.monotonic() + self.total_seconds,
                                                      call)["items"] if isinstance(item, dict)]  # fmt: skip
        for item in items:
            found = doi_module.parse(str(item.get("DOI", "")))
            if found:
                self.cache.put(Record(found, "crossref", item))
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

        workers = max(1, min(self.limiter.concurrency, len(unique)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, unique))
        return dict(zip(unique, results, strict=True))


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
