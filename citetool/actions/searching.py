"""``citetool find``: Crossref's free-text search, as a short ranked list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from citetool.bib.latex import to_text
from citetool.bib.names import short_authors
from citetool.crossref.client import Client
from citetool.crossref.mapping import names_of, year_of
from citetool.crossref.markup import to_latex
from citetool.identifiers import doi as doi_module


@dataclass(frozen=True)
class Hit:
    """One search result, as plain text."""

    rank: int
    doi: str
    year: str
    authors: str
    title: str
    venue: str
    score: float | None


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    return to_text(to_latex(value)) if isinstance(value, str) else ""


def search(client: Client, query: str, rows: int) -> list[Hit]:
    """The ranked hits for ``query``; works without a DOI are left out."""
    hits: list[Hit] = []
    for item in client.search(query, rows):
        found = doi_module.parse(str(item.get("DOI", "")))
        if not found:
            continue
        score = item.get("score")
        hits.append(
            Hit(
                rank=len(hits) + 1,
                doi=found,
                year=year_of(item),
                authors=short_authors(names_of(item, "author") or names_of(item, "editor")),
                title=_text(item.get("title")),
                venue=_text(item.get("container-title")) or _text(item.get("publisher")),
                score=float(score) if isinstance(score, int | float) else None,
            )
        )
    return hits
