"""CSL-JSON items to BibTeX entries: the inverse of :mod:`citetool.csl.items`.

Every variable that :func:`citetool.csl.items.item` writes is read back into
the field it came from, so that an export to CSL-JSON (or to RIS, which is
written from the same items) imported again exports the same items.  Items
of other tools (Zotero, Mendeley, pandoc) go through the same mapping;
what it has no field for is left out.  Every value enters through the
guarded value writer (:func:`citetool.bib.safety.field_value`).
"""

from __future__ import annotations

import re
from typing import Any

from citetool.bib.dates import Date
from citetool.bib.entry import Entry, Literal, MacroRef, Value
from citetool.bib.escape import escape
from citetool.bib.names import Name, format_name
from citetool.bib.pages import bibtex_range
from citetool.bib.safety import field_value
from citetool.crossref.mapping import FIELD_ORDER, MONTH_MACROS
from citetool.crossref.markup import to_latex
from citetool.csl import items as csl
from citetool.identifiers import doi as doi_module

#: CSL item type -> BibTeX entry type: each one :data:`citetool.csl.items.TYPES` maps back to that CSL type.
ENTRY_TYPES: dict[str, str] = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "inproceedings", "chapter": "incollection", "book": "book",
    "entry-encyclopedia": "inreference", "entry-dictionary": "inreference", "entry": "inreference",
    "thesis": "phdthesis", "report": "techreport", "standard": "standard", "webpage": "online",
    "post": "online", "post-weblog": "online", "dataset": "dataset", "software": "software",
    "manuscript": "unpublished", "patent": "patent", "pamphlet": "booklet", "periodical": "periodical",
    "document": "misc", "review": "review", "review-book": "review", "personal_communication": "letter",
    "motion_picture": "movie", "broadcast": "video", "song": "audio", "graphic": "artwork",
    "legislation": "legislation", "bill": "legislation", "legal_case": "jurisdiction", "performance": "performance",
    "article": "misc",
}  # fmt: skip

#: A ``genre`` that says which BibTeX type a thesis is (and needs no ``type`` field then).
THESIS_GENRES: dict[str, str] = {"phd thesis": "phdthesis", "master's thesis": "mastersthesis"}

#: Where the container title goes, by entry type (any other: ``booktitle``).
CONTAINER_FIELDS: dict[str, str] = {
    "article": "journal", "periodical": "journal", "review": "journal", "book": "maintitle",
    "inproceedings": "booktitle", "incollection": "booktitle", "inreference": "booktitle",
}  # fmt: skip

#: Where the publisher goes, by entry type (any other: ``publisher``).
PUBLISHER_FIELDS: dict[str, str] = {"techreport": "institution", "phdthesis": "school", "mastersthesis": "school"}

#: Plain CSL variables -> the field each came from (:data:`citetool.csl.items.PLAIN_VARIABLES`, first field).
PLAIN_FIELDS: dict[str, str] = {
    "volume": "volume", "publisher-place": "address", "edition": "edition", "ISSN": "issn", "ISBN": "isbn",
    "version": "version", "number-of-pages": "pagetotal", "number-of-volumes": "volumes", "chapter-number": "chapter",
    "PMID": "pmid", "PMCID": "pmcid", "event-place": "venue", "original-publisher": "origpublisher",
    "original-publisher-place": "origlocation", "status": "pubstate", "keyword": "keywords",
}  # fmt: skip
#: Rich CSL variables -> the field each came from.
RICH_FIELDS: dict[str, str] = {
    "title": "title", "collection-title": "series", "title-short": "shorttitle",
    "container-title-short": "shortjournal", "original-title": "origtitle", "event-title": "eventtitle",
    "volume-title": "issuetitle", "note": "note",
}  # fmt: skip
#: Date variables -> biblatex date fields.
DATE_FIELDS = {variable: name for variable, name in csl.DATES.items()}
#: Name variables -> fields.
NAME_FIELDS = {variable: name for variable, name in csl.ROLES.items()}

_ARXIV_NUMBER = re.compile(r"^arXiv:(\S+)$", re.IGNORECASE)


def _text(value: Any) -> str:
    """A CSL string variable (numbers are strings too); '' for anything else."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):  # some tools send lists where CSL has strings
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    return value.strip() if isinstance(value, str) else ""


def _name(person: Any) -> Name | None:
    if not isinstance(person, dict):
        return None
    literal, family, given = _text(person.get("literal")), _text(person.get("family")), _text(person.get("given"))
    if not family and literal:
        return Name(family=escape(literal), literal=True)
    if not family:
        return Name(family=escape(given)) if given else None
    particle = " ".join(filter(None, (_text(person.get("dropping-particle")),
                                      _text(person.get("non-dropping-particle")))))  # fmt: skip
    return Name(family=escape(family), given=escape(given), particle=escape(particle),
                suffix=escape(_text(person.get("suffix"))))  # fmt: skip


def _names(people: Any) -> str:
    found = [name for name in (_name(person) for person in people) if name is not None] if isinstance(
        people, list) else []  # fmt: skip
    return " and ".join(format_name(name) for name in found)


def _date(value: Any) -> Date | None:
    """A CSL date object as a :class:`Date` (``date-parts`` with a range's end, or a literal)."""
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        try:
            start = [int(part) for part in parts[0][:3] if part is not None and str(part).strip() != ""]
            end = [int(part) for part in parts[1][:3] if part is not None] if len(parts) > 1 and isinstance(
                parts[1], list) else []  # fmt: skip
        except (TypeError, ValueError):
            start, end = [], []
        if start and (len(start) < 2 or 1 <= start[1] <= 12):
            ending = _parts(end) if end and (len(end) < 2 or 1 <= end[1] <= 12) else None
            found = _parts(start)
            return Date(found.year, found.month, found.day, end=ending)
    literal = _text(value.get("literal")) or _text(value.get("raw"))
    return Date(literal=literal) if literal else None


def _parts(parts: list[int]) -> Date:
    padded = [*parts[:3], None, None, None]
    return Date(padded[0], padded[1], padded[2])


def _genre_fields(entry_type: str, genre: str) -> tuple[str, str]:
    """The entry type a ``genre`` makes a thesis, and what is left for the ``type`` field."""
    if entry_type == "phdthesis":
        thesis = THESIS_GENRES.get(genre.lower())
        if thesis is not None:
            return thesis, ""
    return entry_type, genre


def to_entry(item: dict[str, Any]) -> Entry:
    """The BibTeX entry for a CSL item (its ``id`` as the key, when it has one; the importer checks it)."""
    csl_type = _text(item.get("type"))
    entry_type = ENTRY_TYPES.get(csl_type, "misc")
    entry_type, genre = _genre_fields(entry_type, _text(item.get("genre")))
    values: dict[str, str] = {}
    for variable, name in NAME_FIELDS.items():
        values[name] = _names(item.get(variable))
    for variable, name in RICH_FIELDS.items():
        text = _text(item.get(variable))
        values[name] = to_latex(text, respace=False) if text else ""
    container = _text(item.get("container-title"))
    if container:
        values[CONTAINER_FIELDS.get(entry_type, "booktitle")] = to_latex(container, respace=False)
    publisher = _text(item.get("publisher"))
    number = _text(item.get("number"))
    arxiv = _ARXIV_NUMBER.match(number) if csl_type == "article" else None
    if arxiv is not None:  # a preprint: CSL's publisher and number are biblatex's eprint fields
        values.update(eprint=arxiv.group(1), archiveprefix="arXiv")
        publisher = "" if publisher.lower() == "arxiv" else publisher
        number = ""
    if publisher:
        values[PUBLISHER_FIELDS.get(entry_type, "publisher")] = to_latex(publisher, respace=False)
    for variable, name in PLAIN_FIELDS.items():
        text = _text(item.get(variable))
        values[name] = text if name in ("issn", "isbn", "pmid", "pmcid") else escape(text)
    issue = _text(item.get("issue"))
    series_number = _text(item.get("collection-number"))
    if entry_type in csl.ISSUE_NUMBER_TYPES:
        values["number"] = escape(issue)
        values["eid"] = escape(number)
    elif entry_type in csl.SERIES_NUMBER_TYPES:
        values["number"] = escape(series_number)
        values["issue"] = escape(issue)
    else:
        values["number"] = escape(number)
        values["issue"] = escape(issue)
    page = _text(item.get("page"))
    values["pages"] = bibtex_range(escape(page)) if page else ""
    values["doi"] = doi_module.parse(_text(item.get("DOI"))) or ""
    values["url"] = _text(item.get("URL"))
    values["abstract"] = escape(_text(item.get("abstract")))
    values["language"] = _text(item.get("language"))
    values["type"] = escape(genre)
    fields: dict[str, Value] = {}
    issued = _date(item.get("issued"))
    if issued is not None:
        fields.update(_issued_fields(issued))
    for variable, name in DATE_FIELDS.items():
        date = _date(item.get(variable))
        if date is not None and (date.year is not None or date.literal):
            values[name] = date.iso() if date.year is not None else date.literal
    order = {name: index for index, name in enumerate(FIELD_ORDER)}
    for name, text in sorted(values.items(), key=lambda pair: order.get(pair[0], len(order))):
        if text:
            fields[name] = field_value(name, text)  # the one way a value enters a library
    ordered = dict(sorted(fields.items(), key=lambda pair: order.get(pair[0], len(order))))
    return Entry(key=_text(item.get("id")), entry_type=entry_type, fields=ordered)


def _issued_fields(date: Date) -> dict[str, Value]:
    """``year`` (and ``month``, ``day``) for a plain date; biblatex's ``date`` for a range or an open end."""
    if date.year is None:
        return {"year": field_value("year", escape(date.literal))}
    if date.end is not None or date.open_end:
        return {"date": Value((Literal(date.iso()),))}
    fields = {"year": Value((Literal(str(date.year)),))}
    if date.month is not None:
        fields["month"] = Value((MacroRef(MONTH_MACROS[date.month - 1]),))
        if date.day is not None:
            fields["day"] = Value((Literal(str(date.day)),))
    return fields
