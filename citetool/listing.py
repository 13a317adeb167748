"""What ``citetool show`` presents: entries read as text, rows and JSON.

Everything here is plain data; the CLI decides whether it becomes a rich
table, tab-separated lines or JSON.  LaTeX is decoded for reading
(``{\\"o}`` -> ö), so nothing on screen shows markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from citetool.latex import to_text
from citetool.model import Entry, Value
from citetool.names import parse_names, short_authors

#: Fields that name where a work appeared, in order of preference.
VENUE_FIELDS = (
    "journal",
    "journaltitle",
    "booktitle",
    "series",
    "publisher",
    "school",
    "institution",
    "howpublished",
    "organization",
)

#: Fields whose values are identifiers, not LaTeX text: shown as written.
VERBATIM_FIELDS = frozenset({"doi", "url", "file", "eprint", "isbn", "issn", "pmid", "urldate"})


@dataclass(frozen=True)
class Summary:
    """One line of the table."""

    key: str
    authors: str
    year: str
    title: str
    venue: str


def field_texts(entry: Entry, strings: Mapping[str, Value], only: Iterable[str] | None = None) -> dict[str, str]:
    """The fields of ``entry`` (or just those named in ``only``) as plain text, macros resolved, in file order."""
    wanted = entry.fields if only is None else {name: None for name in only if name in entry.fields}
    return {
        name: value.resolve(strings).strip() if name in VERBATIM_FIELDS else to_text(value.resolve(strings))
        for name, value in entry.fields.items()
        if name in wanted
    }


#: The fields a table row needs.
SUMMARY_FIELDS = ("title", "year", "date", *VENUE_FIELDS)


def _year(texts: Mapping[str, str]) -> str:
    year = texts.get("year") or texts.get("date", "")[:4]
    return year


def _venue(texts: Mapping[str, str]) -> str:
    return next((texts[name] for name in VENUE_FIELDS if texts.get(name)), "")


def summarize(entry: Entry, strings: Mapping[str, Value]) -> Summary:
    """The table row of ``entry``."""
    texts = field_texts(entry, strings, SUMMARY_FIELDS)
    names = parse_names(entry.text("author", strings) or entry.text("editor", strings) or "")
    return Summary(
        key=entry.key,
        authors=short_authors(names),
        year=_year(texts),
        title=texts.get("title", ""),
        venue=_venue(texts),
    )


def to_json(entry: Entry, strings: Mapping[str, Value]) -> dict[str, Any]:
    """The documented JSON object for ``entry`` (see README, "show --json")."""
    texts = field_texts(entry, strings)
    return {
        "key": entry.key,
        "type": entry.entry_type,
        "line": entry.line,
        "authors": [name.display() for name in parse_names(entry.text("author", strings) or "")],
        "editors": [name.display() for name in parse_names(entry.text("editor", strings) or "")],
        "year": _year(texts) or None,
        "title": texts.get("title") or None,
        "venue": _venue(texts) or None,
        "doi": entry.doi,
        "fields": texts,
    }


def matches(entry: Entry, strings: Mapping[str, Value], query: str) -> bool:
    """Case-insensitive match of ``query`` over key, authors, title, venue, year, keywords, DOI."""
    needle = query.casefold()
    texts = field_texts(entry, strings)
    haystack = [
        entry.key,
        texts.get("author", ""),
        texts.get("editor", ""),
        texts.get("title", ""),
        _venue(texts),
        _year(texts),
        texts.get("keywords", ""),
        entry.doi or "",
    ]
    return any(needle in item.casefold() for item in haystack)
