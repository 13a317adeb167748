"""The library in memory for an editor: every entry's key, line, who, when, what and DOI, searchable at once.

Built from ``show``'s table rows (cached per library content), so the first
completion on a 16,000-entry library costs what a warm ``show`` does, and
each later one is a scan of prepared lower-case strings.  The files are
looked at (size and modification time) on every request and read again when
they changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
                rows = listing.rows(lib)
                index = lib.index
            except Exception:
                lib, rows = None, []
            if lib is not None:
                doi_of = {key: doi for doi, key in index.dois.items()}
                for row in rows:
                    span = index.spans.get(row.key)
                    doi = doi_of.get(row.key, "")
                    haystack = " ".join((row.key, row.authors, row.year, row.title, row.venue, doi)).casefold()
                    items[row.key] = Item(row.key, path, span[2] if span else 1, row.authors, row.year, row.title,
                                          row.venue, doi, haystack)  # fmt: skip
        self._files[path] = (stamp, items, lib)
        return items

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
        words = typed.casefold().replace(":", " ").split()
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
