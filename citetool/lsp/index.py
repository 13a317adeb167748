"""The library in memory for an editor: every entry's key, line, who, when, what and DOI, searchable at once.

Built from ``show``'s table rows (cached per library content), so the first
completion on a 16,000-entry library costs what a warm ``show`` does, and
each later one is a scan of prepared lower-case strings.  The files are
looked at (size and modification time) on every request and read again when
they changed.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citetool.actions import listing
from citetool.library import file as library

#: Completion items sent at most (the list is marked incomplete, so typing more asks again).
MAX_ITEMS = 100


@dataclass(frozen=True)
class Item:
    """One entry as an editor shows it."""

    key: str
    path: Path
    line: int
    authors: str
    year: str
    title: str
    venue: str
    doi: str
    haystack: str  # key, authors, year, title, venue, DOI: lower case, what a query is matched against

    @property
    def detail(self) -> str:
        who = self.authors or "?"
        return f"{who} ({self.year or 'n.d.'}) {self.title}".strip()


_MARKUP = re.compile(r"\\[A-Za-z]+\*?|\\.|[{}]")


def _cached_rows(lib: library.Library) -> list[listing.Summary] | None:
    """``show``'s rows when they are cached for these bytes; None when they were never made."""
    if lib.digest is None:
        return listing.rows(lib)  # a small library: read at once
    from citetool.library import caches

    return listing.rows(lib) if caches.load(lib.digest, "tables") is not None else None


def _plain(text: str | None) -> str:
    return " ".join(_MARKUP.sub("", text or "").split())


def _quick_rows(lib: library.Library) -> list[listing.Summary]:
    """Rows read straight from the entries' text, markup dropped (``G\\"odel`` -> ``Godel``): what a big
    library never read before is searched with, at a third of the cost of ``show``'s reading; the items an
    answer holds are described from the proper reading (:meth:`Index.described`)."""
    rows = []
    for key, entry in lib.entries.items():
        people = _plain(entry.text("author") or entry.text("editor"))
        names = [part.split(",")[0].split() for part in re.split(r"\s+and\s+", people)]
        families = [words[-1] if len(words) > 0 else "" for words in names]
        authors = families[0] + (" et al." if len(families) > 2 else f" and {families[1]}" if len(families) == 2
                                 else "") if families and families[0] else ""  # fmt: skip
        year = (_plain(entry.text("year")) or _plain(entry.text("date")))[:4]
        venue = _plain(entry.text("journal") or entry.text("journaltitle") or entry.text("booktitle"))
        rows.append(listing.Summary(key, authors, year, _plain(entry.text("title")), venue))
    return rows


def _items(path: Path, lib: library.Library, rows: list[listing.Summary]) -> dict[str, Item]:
    index = lib.index
    doi_of = {key: doi for doi, key in index.dois.items()}
    items = {}
    for row in rows:
        span = index.spans.get(row.key)
        doi = doi_of.get(row.key, "")
        haystack = _fold(" ".join((row.key, row.authors, row.year, row.title, row.venue, doi)))
        items[row.key] = Item(row.key, path, span[2] if span else 1, row.authors, row.year, row.title, row.venue,
                              doi, haystack)  # fmt: skip
    return items


def _fold(text: str) -> str:
    """Lower case without accents: ``Gödel`` and ``godel`` meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class Index:
    """The entries of the library and of the ``.bib`` files a document names, kept fresh."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple[int, int] | None, dict[str, Item], library.Library | None]] = {}
        self._quick: set[Path] = set()  # files searched through their quick rows
        self._described: dict[tuple[Path, str], str] = {}
        self._resolvers: dict[Path, Any] = {}

    def library(self, path: Path) -> library.Library | None:
        self._refresh(path)
        return self._files[path][2]

    def _refresh(self, path: Path) -> dict[str, Item]:
        stamp = _stamp(path)
        known = self._files.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        items: dict[str, Item] = {}
        lib = None
        if stamp is not None:
            try:
                lib = library.load(path)
                rows = _cached_rows(lib)
                self._quick.discard(path)
                self._described = {}
                self._resolvers.pop(path, None)
                if rows is None:
                    rows = _quick_rows(lib)
                    self._quick.add(path)
                items = _items(path, lib, rows)
            except Exception:  # a library being saved, or broken: no entries, never a crash
                lib, items = None, {}
        self._files[path] = (stamp, items, lib)
        return items

    def described(self, item: Item) -> str:
        """``item``'s who, when and what as ``show`` writes them (read properly for a quickly read file)."""
        if item.path not in self._quick:
            return item.detail
        known = self._described.get((item.path, item.key))
        if known is None:
            lib = self._files[item.path][2]
            entry = lib.entries.get(item.key) if lib is not None else None
            known = item.detail
            if lib is not None and entry is not None:
                resolver = self._resolvers.get(item.path) or self._resolvers.setdefault(item.path, lib.resolver())
                row = listing.summarize(resolver.work(entry))
                known = f"{row.authors or '?'} ({row.year or 'n.d.'}) {row.title}".strip()
            self._described[(item.path, item.key)] = known
        return known

    def entries(self, paths: list[Path]) -> dict[str, Item]:
        """Every entry of ``paths`` by key (the first file that has a key wins)."""
        found: dict[str, Item] = {}
        for path in paths:
            for key, item in self._refresh(path).items():
                found.setdefault(key, item)
        return found

    def search(self, paths: list[Path], typed: str) -> list[Item]:
        """The entries matching what is typed, best first: every word of it must be in key, authors, year,
        title, venue or DOI; a key that starts with it comes first, then an author's name."""
        words = _fold(typed).replace(":", " ").split()
        scored: list[tuple[int, str, Item]] = []
        for item in self.entries(paths).values():
            if all(word in item.haystack for word in words):
                key = item.key.casefold()
                rank = 0 if words and key.startswith(words[0]) else 1 if any(
                    word in item.authors.casefold() for word in words) else 2  # fmt: skip
                scored.append((rank, key, item))
                if not words and len(scored) >= MAX_ITEMS:
                    break
        scored.sort(key=lambda entry: (entry[0], entry[1]))
        return [item for _rank, _key, item in scored[:MAX_ITEMS]]
