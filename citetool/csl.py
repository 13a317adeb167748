"""Entries as CSL-JSON items: the input of citeproc and of ``--format csl-json``.

Entries reach this module self-contained (macros resolved, crossref parents
inherited; see :mod:`citetool.exporting`).  Values are plain Unicode text.
"""

from __future__ import annotations

from typing import Any

from citetool.formats.bibdates import MONTH_NUMBERS
from citetool.latex import to_text
from citetool.listing import field_texts
from citetool.model import Entry
from citetool.names import Name, parse_names

#: BibTeX/biblatex entry type -> CSL item type.
TYPES: dict[str, str] = {
    "article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
    "incollection": "chapter", "inbook": "chapter", "bookinbook": "chapter", "suppbook": "chapter",
    "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book", "proceedings": "book",
    "mvproceedings": "book", "reference": "book", "inreference": "entry-encyclopedia",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "manual": "report", "standard": "standard",
    "online": "webpage", "www": "webpage", "electronic": "webpage", "dataset": "dataset",
    "software": "software", "unpublished": "manuscript", "patent": "patent", "booklet": "pamphlet",
    "periodical": "periodical", "misc": "document", "review": "review",
}  # fmt: skip

#: CSL variable <- BibTeX fields, first present wins.
VARIABLES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "container-title": ("journal", "journaltitle", "booktitle", "howpublished"),
    "collection-title": ("series",),
    "volume": ("volume",),
    "issue": ("number", "issue"),
    "page": ("pages",),
    "publisher": ("publisher", "school", "institution", "organization"),
    "publisher-place": ("address", "location"),
    "edition": ("edition",),
    "URL": ("url",),
    "DOI": ("doi",),
    "ISSN": ("issn",),
    "ISBN": ("isbn",),
    "abstract": ("abstract",),
    "keyword": ("keywords",),
    "language": ("language", "langid"),
    "note": ("note",),
    "genre": ("type",),
}


def _name(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.family_text}
    item = {"family": to_text(name.family)}
    if name.given:
        item["given"] = name.given_text
    if name.particle:
        item["non-dropping-particle"] = to_text(name.particle)
    if name.suffix:
        item["suffix"] = to_text(name.suffix)
    return item


def _issued(texts: dict[str, str]) -> dict[str, Any] | None:
    date = texts.get("date", "")
    year = texts.get("year", "")
    if date[:4].isdigit():
        parts = [int(part) for part in date.split("/")[0].split("-")[:3] if part.isdigit()]
        return {"date-parts": [parts]}
    if year.isdigit():
        parts = [int(year)]
        month = texts.get("month", "").strip().rstrip(".").lower()
        number = int(month) if month.isdigit() else MONTH_NUMBERS.get(month) or MONTH_NUMBERS.get(month[:3])
        if number and 1 <= number <= 12:
            parts.append(number)
        return {"date-parts": [parts]}
    return {"literal": year} if year else None


def item(entry: Entry) -> dict[str, Any]:
    """The CSL-JSON item for a self-contained entry; ``id`` is the citation key."""
    texts = field_texts(entry, {})
    result: dict[str, Any] = {"id": entry.key, "type": TYPES.get(entry.entry_type, "document")}
    for role in ("author", "editor"):
        names = parse_names(entry.text(role) or "")
        if names:
            result[role] = [_name(name) for name in names]
    issued = _issued(texts)
    if issued is not None:
        result["issued"] = issued
    for variable, sources in VARIABLES.items():
        value = next((texts[source] for source in sources if texts.get(source)), None)
        if variable == "DOI":
            value = entry.doi  # the DOI proper, even where the field holds a doi.org link
        if value:
            result[variable] = value.replace("\u2013", "-") if variable == "page" else value
    return result
