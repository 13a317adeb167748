"""What ``citetool show`` presents: entries read as text, rows and JSON.

Everything here is plain data read from the entry model
(:class:`~citetool.bib.work.Work`); the CLI decides whether it becomes a rich
table, tab-separated lines or JSON.  LaTeX is decoded for reading
(``{\\"o}`` -> ö), so nothing on screen shows markup.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from citetool.bib.names import short_authors
from citetool.bib.work import Work
from citetool.library.file import Library


@dataclass(frozen=True)
class Summary:
    """One line of the table."""

    key: str
    authors: str
    year: str
    title: str
    venue: str


def summarize(work: Work) -> Summary:
    """The table row of an entry."""
    return Summary(
        key=work.key, authors=short_authors(work.creators), year=work.year, title=work.title, venue=work.venue
    )


def to_json(work: Work) -> dict[str, Any]:
    """The documented JSON object for an entry (see README, "show --json")."""
    return {
        "key": work.key,
        "type": work.entry_type,
        "line": work.line,
        "authors": [name.display() for name in work.authors],
        "editors": [name.display() for name in work.editors],
        "year": work.year or None,
        "title": work.title or None,
        "venue": work.venue or None,
        "doi": work.doi,
        "fields": work.texts(),
    }


def matches(work: Work, query: str) -> bool:
    """Case-insensitive match of ``query`` over key, authors, title, venue, year, keywords, DOI."""
    needle = query.casefold()
    haystack = [
        work.key,
        work.text("author"),
        work.text("editor"),
        work.title,
        work.venue,
        work.year,
        work.text("keywords"),
        work.doi or "",
    ]
    return any(needle in item.casefold() for item in haystack)


def select(lib: Library, keys: Sequence[str] = (), query: str | None = None,
           warn: Callable[[str], None] | None = None) -> list[Work]:
    """The entries ``keys`` names (keys or DOIs; all when empty) that match ``query``, read as Works.

    A name that is in the library neither as a key nor as a DOI is :class:`UnknownKeys`.
    """
    if keys:
        entries, missing = lib.named(keys)
        if missing:
            raise lib.unknown(missing, str(lib.path))
    else:
        entries = list(lib.entries.values())
    resolver = lib.resolver(warn)
    works = (resolver.work(entry) for entry in entries)
    return [work for work in works if matches(work, query)] if query else list(works)


def rows(lib: Library, query: str | None = None, warn: Callable[[str], None] | None = None) -> list[Summary]:
    """The table rows of the entries matching ``query`` (all of them when None).

    The whole library's rows are cached while its bytes are unchanged (see
    :mod:`citetool.library.caches`): reading them is most of what ``show``
    costs on a big library.
    """
    if query:
        return [summarize(work) for work in select(lib, (), query, warn)]
    from citetool.library import caches

    if lib.digest is not None:
        cached = caches.load(lib.digest, "tables")
        if isinstance(cached, list) and all(isinstance(row, list) and len(row) == 5 for row in cached):
            return [Summary(*map(str, row)) for row in cached]
    found = [summarize(work) for work in select(lib, warn=warn)]
    if lib.digest is not None:
        caches.store(lib.digest, "tables", [[r.key, r.authors, r.year, r.title, r.venue] for r in found])
    return found


def json_chunks(
    lib: Library, keys: Sequence[str] = (), query: str | None = None, warn: Callable[[str], None] | None = None
) -> Iterator[str]:
    """``show --json``'s output in pieces of a thousand lines; the whole library's is cached like the table."""
    from citetool.writers import jsonarray

    whole = not keys and not query and lib.digest is not None
    if whole:
        from citetool.library import caches

        assert lib.digest is not None
        cached = caches.load_text(lib.digest, "show-json")
        if cached is not None:
            yield cached[1].removesuffix("\n")
            return
    lines = jsonarray.array_lines(to_json(work) for work in select(lib, keys, query, warn))
    # A thousand lines per write: one write per entry cost a tenth of the command on a big library.
    chunks = list(iter(lambda: "\n".join(itertools.islice(lines, 1000)), ""))
    if whole:
        assert lib.digest is not None
        caches.store_text(lib.digest, "show-json", [], "\n".join(chunks) + "\n")
    yield from chunks
