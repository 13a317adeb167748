"""Records of arXiv, the book services and PubMed into BibTeX entries.

A record is CSL-JSON (see :mod:`citetool.sources.csl`), so the one
record-to-entry mapping that Crossref's works go through makes these entries
too (:func:`citetool.crossref.mapping.to_entry`: types, names, dates, pages,
keys, field order, the guarded value writer).  What this module adds is what
CSL has no variable for, from the record's BibTeX values (:data:`EXTRA_FIELDS`),
and the one thing arXiv gives better as LaTeX than as text: a title's math.
"""

from __future__ import annotations

import re
from typing import Any

from citetool.bib.entry import Entry
from citetool.bib.escape import escape
from citetool.bib.fields import VERBATIM_FIELDS
from citetool.bib.latex import to_text
from citetool.crossref import mapping
from citetool.crossref.markup import to_latex
from citetool.identifiers import doi as doi_module
from citetool.sources import csl

#: BibTeX fields a record may carry beyond CSL, by source, in the order they follow the entry's other fields.
EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    "arxiv": ("eprint", "archiveprefix", "primaryclass", "version"),
    "isbn": ("pagetotal",),
    "pmid": ("pmid", "pmcid"),
}

_MATH = re.compile(r"\$[^$]+\$")


def _text_latex(segment: str) -> str:
    """A stretch of arXiv title outside math: TeX accents and commands read as text, then written safely."""
    text = to_text(segment) if "\\" in segment or "{" in segment else " ".join(segment.split())
    latex = to_latex(csl.plain(text), protect=True)
    lead = " " if segment[:1].isspace() and latex else ""
    tail = " " if segment[-1:].isspace() and latex else ""
    return lead + latex + tail


def arxiv_title(title: str) -> str:
    """An arXiv title (TeX source) as a BibTeX value: ``$...$`` math kept as math, the rest as text."""
    pieces, position = [], 0
    for match in _MATH.finditer(title):
        pieces.append(_text_latex(title[position : match.start()]))
        pieces.append(match.group())
        position = match.end()
    pieces.append(_text_latex(title[position:]))
    return " ".join("".join(pieces).split())


def to_entry(kind: str, record: dict[str, Any], taken: set[str] | frozenset[str] = frozenset()) -> Entry:
    """The BibTeX entry for a record of ``kind`` (``arxiv``, ``isbn`` or ``pmid``)."""
    doi = doi_module.parse(str(record.get("DOI") or "")) or ""
    values = record.get(csl.BIBTEX) or {}
    extra: dict[str, str] = {}
    for name in EXTRA_FIELDS.get(kind, ()):
        value = values.get(name)
        if isinstance(value, str) and value.strip():
            extra[name] = value.strip() if name in VERBATIM_FIELDS else escape(value.strip())
    notes = record.get(csl.NOTES) or {}
    if kind == "arxiv" and isinstance(notes.get("title-latex"), str) and "$" in notes["title-latex"]:
        extra["title"] = arxiv_title(notes["title-latex"])
    return mapping.to_entry(record, doi, taken, extra)


def notes_of(record: dict[str, Any]) -> dict[str, str]:
    """What a record says beyond its entry: an arXiv preprint's published ``doi`` and ``journal-ref``."""
    notes = record.get(csl.NOTES)
    if not isinstance(notes, dict):
        return {}
    return {name: value for name, value in notes.items() if isinstance(value, str) and name != "title-latex"}
