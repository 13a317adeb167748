"""The Crossref client: DOI lookups and work lists over :mod:`citetool.net.http`.

DOI lookups (``/works/{doi}``) go through one ``httpx2.Client`` of ours
rather than through habanero: habanero hands back only the JSON body of a
successful reply, and a polite client has to read the headers of every reply,
because that is where Crossref announces its limits
(``x-rate-limit-limit``, ``x-rate-limit-interval``, ``x-concurrency-limit``).
One client also keeps its connections alive across a batch.  Lists of works
(``/works?query=`` for ``find``, ``/works?filter=`` for editorial notices) go
through the same client, so a search reply is read as carefully as a record.

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

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from citetool.crossref.records import Cache, Record, work_record
from citetool.errors import CitetoolError, DOINotFound, LookupFailed
from citetool.identifiers import doi as doi_module
from citetool.net.http import MAX_CONCURRENCY, MIN_RATE, HttpClient, Limiter, json_body

__all__ = ["MAX_CONCURRENCY", "MIN_RATE", "Client", "Limiter"]

CSL_JSON = "application/vnd.citationstyles.csl+json"

#: (requests per second, requests at once) for each pool, as Crossref announced them when recorded.
POOL_LIMITS: dict[str, tuple[float, int]] = {"public": (5.0, 1), "polite": (10.0, 3)}
MAX_REDIRECTS = 5
#: Where doi.org sends content negotiation for the registration agencies, and so where citetool follows it.
AGENCY_HOSTS = frozenset({
    "api.crossref.org", "data.crossref.org", "api.datacite.org", "data.datacite.org", "data.crosscite.org",
    "citation.crosscite.org", "api.japanlinkcenter.org", "data.jalc.or.jp", "api.medra.org", "data.medra.org",
    "data.airiti.com", "data.kisti.re.kr", "api.kisti.re.kr", "data.istic.ac.cn", "data.eidr.org", "api.eidr.org",
    "doi.org", "dx.doi.org",
})  # fmt: skip


@dataclass
class Client(HttpClient):
    """Looks DOIs up on Crossref (then doi.org), with cache, retries and limits."""

    crossref_url: str
    doi_url: str
    mailto: str | None
    cache: Cache
    cache_writes: bool = True  # `update` turns this off: the cache must keep what the library holds

    def __post_init__(self) -> None:
        rate, concurrency = POOL_LIMITS["polite" if self.mailto else "public"]
        self.limiter = Limiter(rate, concurrency)

    @property
    def user_agent(self) -> str:
        """``citetool/VERSION``, plus ``(mailto:...)`` for Crossref's polite pool."""
        agent = super().user_agent
        return f"{agent} (mailto:{self.mailto})" if self.mailto else agent

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

    def current(self, doi: str) -> dict[str, Any]:
        """The Crossref record of ``doi`` as Crossref holds it now: never from the cache and never stored there
        (the cache keeps what the library was made from), with no doi.org fallback (:class:`DOINotFound`
        for a DOI Crossref does not hold).  What ``check --retractions`` reads ``updated-by`` from."""
        if self.offline:
            raise LookupFailed(f"{doi}: asking Crossref needs the network, and --offline forbids it")
        self.network_used = True
        return self._with_retries(doi, time.monotonic() + self.total_seconds, self._crossref)

    def _crossref(self, doi: str, deadline: float) -> dict[str, Any]:
        response, body = self.get(f"{self.crossref_url.rstrip('/')}/works/{doi_module.url_path(doi)}", deadline)
        self.limiter.announce(response.headers)
        response.raise_for_status()
        data = json_body(response, body, doi)
        if not isinstance(data, dict) or data.get("status", "ok") != "ok" or data.get("message-type", "work") != "work":
            raise LookupFailed(f"{doi}: Crossref answered with something that is not a work record")
        return work_record(data.get("message"), doi, "Crossref")

    def _content_negotiation(self, doi: str, deadline: float) -> dict[str, Any]:
        url = f"{self.doi_url.rstrip('/')}/{doi_module.url_path(doi)}"
        for _hop in range(MAX_REDIRECTS + 1):
            response, body = self.get(url, deadline, headers={"Accept": CSL_JSON})
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
        return work_record(json_body(response, body, doi), doi, "doi.org")

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
        return self.with_retries(doi, deadline, call, DOINotFound)

    # -- free-text search ------------------------------------------------------

    def search(self, query: str, rows: int) -> list[dict[str, Any]]:
        """Crossref's best matches for ``query`` (``/works?query=``), read as a DOI lookup is read: the same
        session, limits, retries, deadline, body cap and strict JSON."""
        if self.offline:
            raise LookupFailed(f"searching for {query!r} needs the network, and --offline forbids it")
        # Not cached per DOI: a search result is an abridged record, and `add` must fetch the whole one.
        return self.works_list(f"search {query[:60]!r}", {"query": query, "rows": str(rows)})

    def works_list(self, label: str, params: dict[str, str]) -> list[dict[str, Any]]:
        """The items of a ``/works`` list query (a search, a filter), each a JSON object; hostile or
        malformed replies are one-line :class:`LookupFailed` errors naming ``label``."""
        self.network_used = True
        url = f"{self.crossref_url.rstrip('/')}/works"

        def call(_label: str, deadline: float) -> list[dict[str, Any]]:
            response, body = self.get(url, deadline, params=params)
            self.limiter.announce(response.headers)
            response.raise_for_status()
            data = json_body(response, body, label)
            message = data.get("message") if isinstance(data, dict) else None
            items = message.get("items") if isinstance(message, dict) else None
            if not isinstance(items, list) or data.get("status", "ok") != "ok":
                raise LookupFailed(f"{label}: Crossref answered with something that is not a work list")
            return [item for item in items if isinstance(item, dict)]

        # Only Crossref is asked: doi.org has no lists.
        return self.with_retries(label, time.monotonic() + self.total_seconds, call,
                                 lambda what: DOINotFound(what, "on Crossref"))  # fmt: skip

    # -- many DOIs -------------------------------------------------------------

    def fetch_many(
        self, dois: Iterable[str], done: Callable[[str], None] | None = None
    ) -> dict[str, Record | CitetoolError]:
        """Fetch every DOI, concurrently within the pool's limits; failures are returned, not raised."""
        # As many workers as any announcement could allow; the limiter decides how many run.
        return self.each(dois, self.fetch, done, MAX_CONCURRENCY)
