"""Books by ISBN: Open Library's ``/api/books``, then Google Books' ``/books/v1/volumes`` when it has nothing.

Open Library answers ``{}`` for an ISBN it does not hold; Google Books
answers a search, so its hits are kept only when they list the ISBN asked
for (as ISBN-10 or ISBN-13).  Neither knowing the ISBN is "not found".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from citetool.errors import CitetoolError, LookupFailed, NotFound
from citetool.identifiers import isbn as isbn_module
from citetool.net.http import HttpClient, Limiter, json_body
from citetool.sources import csl
from citetool.sources.cache import RecordCache

WHERE = "on Open Library or Google Books"
#: Neither service publishes a limit; this is what their clients (isbnlib, citation-js) keep to.
RATE, CONCURRENCY = 2.0, 2


@dataclass(kw_only=True)
class BookClient(HttpClient):
    """Looks ISBNs (ISBN-13, as :func:`citetool.identifiers.isbn.parse` gives them) up."""

    openlibrary_url: str
    googlebooks_url: str
    cache: RecordCache

    def __post_init__(self) -> None:
        self.limiter = Limiter(RATE, CONCURRENCY)

    def fetch_many(
        self, isbns: Iterable[str], done: Callable[[str], None] | None = None
    ) -> dict[str, dict[str, Any] | CitetoolError]:
        return self.each(isbns, self.fetch, done, CONCURRENCY)

    def fetch(self, isbn: str) -> dict[str, Any]:
        label = f"ISBN {isbn}"
        if not self.refresh:
            cached = self.cache.get("isbn", isbn)
            if cached is not None:
                return cached
        if self.offline:
            raise LookupFailed(f"{label}: not in the cache and --offline forbids the network")
        self.network_used = True
        deadline = self.deadline()

        def missing(shown: str) -> CitetoolError:
            return NotFound(shown, WHERE)

        record = self.with_retries(label, deadline, lambda _l, d: self._open_library(isbn, label, d), missing)
        if record is None:
            record = self.with_retries(label, deadline, lambda _l, d: self._google_books(isbn, label, d), missing)
        if record is None:
            raise NotFound(label, WHERE)
        self.cache.put("isbn", isbn, record)
        return record

    def _open_library(self, isbn: str, label: str, deadline: float) -> dict[str, Any] | None:
        params = {"bibkeys": f"ISBN:{isbn}", "format": "json", "jscmd": "data"}
        response, body = self.get(f"{self.openlibrary_url.rstrip('/')}/api/books", deadline, params=params)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        data = json_body(response, body, label)
        if not isinstance(data, dict):
            raise LookupFailed(f"{label}: Open Library answered with something that is not a book list")
        book = data.get(f"ISBN:{isbn}")
        return open_library_record(book, isbn) if isinstance(book, dict) else None

    def _google_books(self, isbn: str, label: str, deadline: float) -> dict[str, Any] | None:
        url = f"{self.googlebooks_url.rstrip('/')}/books/v1/volumes"
        response, body = self.get(url, deadline, params={"q": f"isbn:{isbn}"})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        data = json_body(response, body, label)
        if not isinstance(data, dict):
            raise LookupFailed(f"{label}: Google Books answered with something that is not a volume list")
        items = data.get("items")
        for item in items if isinstance(items, list) else []:
            info = item.get("volumeInfo") if isinstance(item, dict) else None
            if isinstance(info, dict) and isbn in _google_isbns(info):
                return google_books_record(info, isbn)
        return None


def _texts(value: Any, key: str | None = None) -> list[str]:
    """The strings of a JSON list (of strings, or of objects' ``key``)."""
    items = value if isinstance(value, list) else []
    if key is not None:
        items = [item.get(key) for item in items if isinstance(item, dict)]
    return [" ".join(item.split()) for item in items if isinstance(item, str) and item.strip()]


def _first(value: Any) -> str:
    """The ``name`` of the first object of a JSON list that has one."""
    return next(iter(_texts(value, "name")), "")


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _pages(value: Any) -> str:
    """A positive page count as text; Google's ``pageCount: 0`` means unknown."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) and value > 0 else ""


Table = dict[str, tuple[str, Callable[[Any], Any]]]

#: Open Library ``jscmd=data`` key -> (the part of the book it gives, how it is read). The README shows it.
OPEN_LIBRARY: Table = {
    "title": ("title", _text), "subtitle": ("subtitle", _text), "authors": ("authors", lambda v: _texts(v, "name")),
    "publishers": ("publisher", _first), "publish_places": ("place", _first), "publish_date": ("date", _text),
    "number_of_pages": ("pages", _pages), "url": ("url", _text),
}  # fmt: skip

#: Google Books ``volumeInfo`` key -> (the part of the book it gives, how it is read); ``infoLink`` stands in
#: for a missing ``canonicalVolumeLink``.
GOOGLE_BOOKS: Table = {
    "title": ("title", _text), "subtitle": ("subtitle", _text), "authors": ("authors", _texts),
    "publisher": ("publisher", _text), "publishedDate": ("date", _text), "pageCount": ("pages", _pages),
    "infoLink": ("url", _text), "canonicalVolumeLink": ("url", _text), "language": ("language", _text),
}  # fmt: skip


def _record(isbn: str, data: dict[str, Any], table: Table) -> dict[str, Any] | None:
    """A service's book as a record, read by ``table``; None if it has no title."""
    parts: dict[str, Any] = {}
    for key, (part, read) in table.items():
        value = read(data.get(key))
        if value or part not in parts:  # a later key of the same part wins when it has a value
            parts[part] = value
    if not parts.get("title"):
        return None
    record: dict[str, Any] = {
        "type": "book",
        "title": csl.plain(parts["title"]),
        "subtitle": csl.plain(parts.get("subtitle")),
        "author": [name for name in (csl.person(author) for author in parts.get("authors") or []) if name],
        "publisher": csl.plain(parts.get("publisher")),
        "publisher-location": csl.plain(parts.get("place")),
        "ISBN": [isbn],
        "URL": parts.get("url") or "",
        "language": parts.get("language") or "",
    }
    issued = csl.date_from_text(parts["date"]) if parts.get("date") else None
    if issued is not None:
        record["issued"] = issued
    record[csl.BIBTEX] = {"pagetotal": parts["pages"]} if parts.get("pages") else {}
    return {name: value for name, value in record.items() if value or name == csl.BIBTEX}


def open_library_record(book: dict[str, Any], isbn: str) -> dict[str, Any] | None:
    """An Open Library ``jscmd=data`` book as a record; None if it has no title."""
    return _record(isbn, book, OPEN_LIBRARY)


def google_books_record(info: dict[str, Any], isbn: str) -> dict[str, Any] | None:
    """A Google Books ``volumeInfo`` as a record; None if it has no title."""
    return _record(isbn, info, GOOGLE_BOOKS)


def _google_isbns(info: dict[str, Any]) -> set[str]:
    found = set()
    for identifier in info.get("industryIdentifiers") or []:
        if isinstance(identifier, dict) and isinstance(identifier.get("identifier"), str):
            parsed = isbn_module.parse(identifier["identifier"])
            if parsed:
                found.add(parsed)
    return found
