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


def _record(
    isbn: str, title: str, subtitle: str, authors: list[str], publisher: str, place: str, date: str, pages: str,
    url: str, language: str = "",
) -> dict[str, Any] | None:  # fmt: skip
    if not title:
        return None
    record: dict[str, Any] = {
        "type": "book",
        "title": csl.plain(title),
        "subtitle": csl.plain(subtitle),
        "author": [name for name in (csl.person(author) for author in authors) if name],
        "publisher": csl.plain(publisher),
        "publisher-location": csl.plain(place),
        "ISBN": [isbn],
        "URL": url,
        "language": language,
    }
    issued = csl.date_from_text(date) if date else None
    if issued is not None:
        record["issued"] = issued
    record[csl.BIBTEX] = {"pagetotal": pages} if pages else {}
    return {name: value for name, value in record.items() if value or name == csl.BIBTEX}


#: Open Library ``jscmd=data`` keys that the record reads, for the README's table.
OPEN_LIBRARY_FIELDS = {
    "title": "title", "subtitle": "subtitle", "authors[].name": "author", "publishers[].name": "publisher",
    "publish_places[].name": "address", "publish_date": "year, month", "number_of_pages": "pagetotal",
    "url": "url",
}  # fmt: skip


def open_library_record(book: dict[str, Any], isbn: str) -> dict[str, Any] | None:
    """An Open Library ``jscmd=data`` book as a record; None if it has no title."""
    return _record(
        isbn, _text(book.get("title")), _text(book.get("subtitle")), _texts(book.get("authors"), "name"),
        _first(book.get("publishers")), _first(book.get("publish_places")),
        _text(book.get("publish_date")), _pages(book.get("number_of_pages")), _text(book.get("url")),
    )  # fmt: skip


#: Google Books ``volumeInfo`` keys that the record reads, for the README's table.
GOOGLE_BOOKS_FIELDS = {
    "title": "title", "subtitle": "subtitle", "authors[]": "author", "publisher": "publisher",
    "publishedDate": "year, month", "pageCount": "pagetotal (when not 0)", "canonicalVolumeLink": "url",
    "language": "language",
}  # fmt: skip


def google_books_record(info: dict[str, Any], isbn: str) -> dict[str, Any] | None:
    """A Google Books ``volumeInfo`` as a record; None if it has no title."""
    url = _text(info.get("canonicalVolumeLink")) or _text(info.get("infoLink"))
    return _record(
        isbn, _text(info.get("title")), _text(info.get("subtitle")), _texts(info.get("authors")),
        _text(info.get("publisher")), "", _text(info.get("publishedDate")), _pages(info.get("pageCount")), url,
        _text(info.get("language")),
    )  # fmt: skip


def _google_isbns(info: dict[str, Any]) -> set[str]:
    found = set()
    for identifier in info.get("industryIdentifiers") or []:
        if isinstance(identifier, dict) and isinstance(identifier.get("identifier"), str):
            parsed = isbn_module.parse(identifier["identifier"])
            if parsed:
                found.add(parsed)
    return found
