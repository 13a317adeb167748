"""arXiv's export API: batched ``id_list`` queries, one request every 3 s, Atom feeds read into records.

arXiv asks API clients for at most one request every three seconds, on one
connection; ``id_list`` takes many identifiers, so a batch of preprints is
one request per :data:`BATCH` identifiers.  The feed's entries are matched
back to the identifiers asked for by their ``<id>``; an identifier the feed
does not answer, an empty feed and arXiv's "error entry" (``<title>Error``,
an ``/api/errors#`` id, sent with HTTP 400) are "not found", never an entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from citetool.errors import CitetoolError, LookupFailed, NotFound
from citetool.identifiers import arxiv as arxiv_id
from citetool.net.http import HttpClient, Limiter, Refused
from citetool.sources import csl, xml
from citetool.sources.cache import RecordCache

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
#: arXiv's terms of use: "no more than one request every three seconds", "a single connection at a time".
SECONDS_BETWEEN_REQUESTS = 3.0
#: Identifiers per ``id_list`` request.
BATCH = 50
WHERE = "on arXiv"


@dataclass(kw_only=True)
class ArxivClient(HttpClient):
    """Looks arXiv identifiers up on the export API (``{base_url}/api/query``)."""

    base_url: str
    cache: RecordCache

    def __post_init__(self) -> None:
        self.limiter = Limiter(1.0 / SECONDS_BETWEEN_REQUESTS, 1, after_reply=True)

    def fetch_many(
        self, identifiers: Iterable[str], done: Callable[[str], None] | None = None
    ) -> dict[str, dict[str, Any] | CitetoolError]:
        """A record (or the failure) for each identifier (``2101.00001`` or ``2101.00001v2``)."""
        results: dict[str, dict[str, Any] | CitetoolError] = {}
        wanted: list[str] = []
        for identifier in dict.fromkeys(identifiers):
            cached = None if self.refresh else self.cache.get("arxiv", identifier)
            if cached is not None:
                results[identifier] = cached
            elif self.offline:
                results[identifier] = LookupFailed(
                    f"arXiv:{identifier}: not in the cache and --offline forbids the network"
                )
            else:
                wanted.append(identifier)
            if identifier not in wanted and done is not None:
                done(identifier)
        try:
            for start in range(0, len(wanted), BATCH):
                batch = wanted[start : start + BATCH]
                for identifier, result in self._batch(batch).items():
                    if isinstance(result, dict):
                        self.cache.put("arxiv", identifier, result)
                    results[identifier] = result
                    if done is not None:
                        done(identifier)
        finally:
            self.close()
        return results

    def _batch(self, batch: list[str]) -> dict[str, dict[str, Any] | CitetoolError]:
        """One ``id_list`` request for ``batch``; an error feed for several is asked again one by one."""
        label = f"arXiv:{batch[0]}" if len(batch) == 1 else f"arXiv:{batch[0]} and {len(batch) - 1} more"
        self.network_used = True
        try:
            entries = self.with_retries(
                label, self.deadline(), lambda _label, deadline: self._query(batch, label, deadline),
                lambda shown: NotFound(shown, WHERE), body="an Atom feed",
            )  # fmt: skip
        except _ErrorFeed as exc:
            if len(batch) > 1:
                answers: dict[str, dict[str, Any] | CitetoolError] = {}
                for identifier in batch:
                    answers.update(self._batch([identifier]))
                return answers
            return {batch[0]: NotFound(label, f"{WHERE} ({exc})")}
        except CitetoolError as exc:
            return dict.fromkeys(batch, exc)
        answers = {}
        for identifier in batch:
            asked = arxiv_id.parse(identifier)
            record = entries.get(str(asked)) if asked else None
            if record is None and asked is not None and asked.version is None:
                record = entries.get(asked.base)
            if record is not None and asked is not None and asked.version is None:
                # The version is the entry's only when one was asked for: biblatex prints "Version 3" for it.
                fields = {name: value for name, value in record[csl.BIBTEX].items() if name != "version"}
                record = {**record, csl.BIBTEX: fields}
            answers[identifier] = record if record is not None else NotFound(f"arXiv:{identifier}", WHERE)
        return answers

    def _query(self, batch: list[str], label: str, deadline: float) -> dict[str, dict[str, Any]]:
        params = {"id_list": ",".join(batch), "max_results": str(len(batch))}
        response, body = self.get(f"{self.base_url.rstrip('/')}/api/query", deadline, params=params)
        if response.status_code not in (200, 400):
            response.raise_for_status()
        if "html" in response.headers.get("content-type", "").lower():
            raise Refused(response.status_code)
        feed = xml.parse(body, label, "an Atom feed")
        if feed.tag != f"{ATOM}feed":
            raise LookupFailed(f"{label}: arXiv answered with XML that is not an Atom feed")
        error = _error_entry(feed)
        if error is not None:
            raise _ErrorFeed(error)
        if response.status_code != 200:
            response.raise_for_status()
        records: dict[str, dict[str, Any]] = {}
        for entry in feed.iter(f"{ATOM}entry"):
            record = read_entry(entry)
            if record is not None:
                bibtex = record[csl.BIBTEX]
                records[bibtex["eprint"] + "v" + bibtex["version"]] = record
                records.setdefault(bibtex["eprint"], record)
        return records


class _ErrorFeed(Exception):
    """arXiv answered with its error entry (a malformed identifier)."""


def _error_entry(feed: Element) -> str | None:
    """The message of arXiv's error entry, if the feed is one."""
    for entry in feed.iter(f"{ATOM}entry"):
        identifier = xml.text(entry.find(f"{ATOM}id"))
        if "/api/errors" in identifier or xml.text(entry.find(f"{ATOM}title")) == "Error":
            return xml.text(entry.find(f"{ATOM}summary")) or "arXiv's error entry"
    return None


_VERSIONED = re.compile(r"^(?P<base>.+)v(?P<version>\d+)$")


def read_entry(entry: Element) -> dict[str, Any] | None:
    """One Atom ``<entry>`` as a record: CSL-JSON for the work, BibTeX's eprint fields, and notes.

    The date is ``<published>``, the first version's; the version is that of
    the ``<id>`` (the one asked for, or the latest).  Titles and abstracts keep
    arXiv's hard line wrapping collapsed; their LaTeX is kept for the entry.
    """
    found = arxiv_id.parse(xml.text(entry.find(f"{ATOM}id")).replace("http://", "https://"))
    if found is None or found.version is None:
        return None
    title = xml.text(entry.find(f"{ATOM}title"))
    authors = [csl.person(xml.text(author.find(f"{ATOM}name"))) for author in entry.findall(f"{ATOM}author")]
    published = xml.text(entry.find(f"{ATOM}published"))
    category = entry.find(f"{ARXIV}primary_category")
    primary = (category.get("term") or "").strip() if category is not None else ""
    record: dict[str, Any] = {
        "type": "article",  # CSL's type for preprints
        "title": csl.plain(title),
        "author": [author for author in authors if author],
        "DOI": found.doi,
        "URL": f"https://arxiv.org/abs/{found.base}",
        "abstract": csl.plain(xml.text(entry.find(f"{ATOM}summary"))),
        "number": str(found),
    }
    date = csl.date_from_text(published) if published else None
    if date is not None:
        record["issued"] = date
    record[csl.BIBTEX] = {
        "eprint": found.base,
        "archiveprefix": "arXiv",
        "primaryclass": primary,
        "version": str(found.version),
    }
    notes = {
        "doi": xml.text(entry.find(f"{ARXIV}doi")),
        "journal-ref": xml.text(entry.find(f"{ARXIV}journal_ref")),
        "title-latex": title,
    }
    record[csl.NOTES] = {name: value for name, value in notes.items() if value}
    return record
