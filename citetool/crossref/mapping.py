"""Crossref records (and doi.org CSL-JSON) to BibTeX entries: a pure, table-driven mapping.

The tables below are the whole policy; the functions only apply them.

Dates: ``year`` and ``month`` come from ``issued`` only.  Crossref defines
``issued`` as the earliest of the print and online publication dates, which
is the date a citation should carry; when it is ``[[null]]`` the entry has no
year rather than a guessed one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from citetool.bib import keys
from citetool.bib.entry import Entry, MacroRef, Value
from citetool.bib.escape import escape
from citetool.bib.names import Name, format_name
from citetool.bib.pages import parse_pages
from citetool.bib.safety import field_value
from citetool.crossref.markup import to_latex, to_plain
from citetool.identifiers import doi as doi_module

#: Crossref work type (``GET /types``, all 30) and CSL type -> BibTeX entry type.
ENTRY_TYPES: dict[str, str] = {
    # Crossref types
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "incollection",
    "book-section": "incollection",
    "book-part": "incollection",
    "book-track": "incollection",
    "reference-entry": "incollection",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "book-series": "book",
    "dissertation": "phdthesis",
    "report": "techreport",
    "report-component": "techreport",
    "report-series": "techreport",
    "standard": "techreport",
    "proceedings": "proceedings",
    "proceedings-series": "proceedings",
    "posted-content": "misc",
    "dataset": "misc",
    "database": "misc",
    "component": "misc",
    "peer-review": "misc",
    "grant": "misc",
    "journal": "misc",
    "journal-volume": "misc",
    "journal-issue": "misc",
    "other": "misc",
    # CSL types (doi.org content negotiation for DataCite, mEDRA, JaLC DOIs)
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "entry-encyclopedia": "incollection",
    "entry-dictionary": "incollection",
    "thesis": "phdthesis",
    "article": "misc",
    "webpage": "misc",
    "software": "misc",
    "manuscript": "unpublished",
}

#: Which field the container title becomes, per BibTeX entry type.
CONTAINER_FIELD: dict[str, str] = {
    "article": "journal",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "book": "series",
    "proceedings": "series",
    "misc": "howpublished",
}

#: Which field an institution's name becomes, per BibTeX entry type.
INSTITUTION_FIELD: dict[str, str] = {
    "phdthesis": "school",
    "techreport": "institution",
    "misc": "howpublished",
}

#: Output field order; fields not listed follow in the order produced.
FIELD_ORDER: tuple[str, ...] = (
    "author", "editor", "title", "journal", "booktitle", "series", "howpublished", "school", "institution",
    "year", "month", "day", "volume", "number", "pages", "publisher", "address", "edition", "issn", "isbn",
    "doi", "url", "language", "keywords", "abstract",
)  # fmt: skip

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")



def _first(value: Any) -> str:
    """The first string of a Crossref list field (or the string itself); '' for none."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    if not isinstance(value, str):
        return ""
    return value.strip()


#: Crossref sometimes sends the string "null" for a missing number; a title or a name "Null" is real.
NULL_STRINGS = frozenset({"null", "none"})


def _number(value: Any) -> str:
    """A volume, issue or page: like :func:`_first`, but the string "null" is no value."""
    text = _first(value)
    return "" if text.lower() in NULL_STRINGS else text


def _all(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def _name(person: Any) -> Name | None:
    """A Crossref/CSL name object as a :class:`Name`; None for an empty one."""
    if not isinstance(person, dict):
        return None
    family = _first(person.get("family"))
    given = _first(person.get("given"))
    literal = _first(person.get("name")) or _first(person.get("literal"))
    if not family and literal:
        return Name(family=to_latex(literal), literal=True)
    if not family and given:
        return Name(family=to_latex(given))
    if not family:
        return None
    return Name(
        family=to_latex(family),
        given=to_latex(given),
        particle=to_latex(_first(person.get("non-dropping-particle"))),
        suffix=to_latex(_first(person.get("suffix"))),
    )


def names_of(record: dict[str, Any], role: str) -> list[Name]:
    people = record.get(role)
    if not isinstance(people, list):
        return []
    return [name for name in (_name(person) for person in people) if name is not None]


def _date_parts(record: dict[str, Any]) -> list[Any]:
    issued = record.get("issued")
    if not isinstance(issued, dict):
        return []
    parts = issued.get("date-parts")
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
        return []
    return [part for part in parts[0] if part is not None]


def year_of(record: dict[str, Any]) -> str:
    parts = _date_parts(record)
    year = parts[0] if parts else None
    try:
        return str(int(year)) if year is not None else ""
    except (TypeError, ValueError):
        return ""


def _month(record: dict[str, Any]) -> Value | None:
    parts = _date_parts(record)
    if len(parts) < 2:
        return None
    try:
        month = int(parts[1])
    except (TypeError, ValueError):
        return None
    return Value((MacroRef(MONTH_MACROS[month - 1]),)) if 1 <= month <= 12 else None


def pages_of(page: str) -> str:
    """``515-537`` -> ``515--537``; e-locators and ids (``e33693``, ``96973B``) as they are; LaTeX-escaped."""
    pages = parse_pages(page)
    if pages is not None and len(pages.ranges) == 1 and pages.last is not None:
        return f"{escape(pages.first)}--{escape(pages.last)}"
    return escape(page.strip())


def title_of(record: dict[str, Any]) -> str:
    """``Title: Subtitle`` as LaTeX, acronyms protected."""
    title = _first(record.get("title"))
    subtitle = _first(record.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title.rstrip(' :')}: {subtitle}"
    return to_latex(title, protect=True) if title else ""


def _container(record: dict[str, Any], entry_type: str) -> str:
    titles = _all(record.get("container-title"))
    if not titles:
        return ""
    # Proceedings list the series first ("SPIE Proceedings") and the volume's own title last.
    chosen = titles[-1] if entry_type == "inproceedings" else titles[0]
    return to_latex(chosen)


def _institution(record: dict[str, Any]) -> str:
    institutions = record.get("institution")
    if isinstance(institutions, list) and institutions and isinstance(institutions[0], dict):
        return to_latex(_first(institutions[0].get("name")))
    if isinstance(institutions, dict):
        return to_latex(_first(institutions.get("name")))
    return ""


def _url(record: dict[str, Any], doi: str) -> str:
    url = _first(record.get("URL"))
    if not url or doi_module.from_url(url) == doi:
        return ""  # a doi.org link repeats the doi field
    return url


def _keywords(record: dict[str, Any]) -> str:
    subjects = _all(record.get("subject")) or [
        word.strip() for word in _first(record.get("keyword")).split(",") if word.strip()
    ]
    return ", ".join(to_latex(subject) for subject in subjects)


def _simple(
    name: str, transform: Callable[[str], str] = to_latex, read: Callable[[Any], str] = _first
) -> Callable[[dict[str, Any]], str]:
    def get(record: dict[str, Any]) -> str:
        value = read(record.get(name))
        return transform(value) if value else ""

    return get


#: BibTeX field -> how to read it from a record (fields needing the entry type are set in :func:`to_entry`).
SIMPLE_FIELDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "volume": _simple("volume", read=_number),
    "number": _simple("issue", read=_number),
    "publisher": _simple("publisher"),
    "address": _simple("publisher-location"),
    "edition": _simple("edition-number"),
    "issn": lambda record: ", ".join(_all(record.get("ISSN"))),
    "isbn": lambda record: ", ".join(_all(record.get("ISBN"))),
    "language": _simple("language"),
    "keywords": _keywords,
    "abstract": _simple("abstract", to_plain),
}


def to_entry(
    record: dict[str, Any],
    doi: str,
    taken: set[str] | frozenset[str] = frozenset(),
    extra: Mapping[str, str] | None = None,
) -> Entry:
    """The BibTeX entry for a Crossref work (or CSL-JSON record) with DOI ``doi``.

    ``taken`` are keys already in use; the new key avoids them.  ``extra``
    holds LaTeX values that other sources give and a CSL record cannot
    (``eprint``, ``pmid`` ...) or give better than the record's markup would
    (an arXiv title's ``$...$``); they replace what the record gives and
    follow the listed fields.
    """
    entry_type = ENTRY_TYPES.get(_first(record.get("type")), "misc")
    values: dict[str, str] = {}
    authors = names_of(record, "author")
    # A journal article's Crossref editor is its handling (academic) editor, as PLOS deposits them: no style
    # cites one, and as the entry's editor biblatex and CSL print "edited by".
    editors = names_of(record, "editor") if _first(record.get("type")) != "journal-article" else []
    if authors:
        values["author"] = " and ".join(format_name(name) for name in authors)
    if editors:
        values["editor"] = " and ".join(format_name(name) for name in editors)
    values["title"] = title_of(record)
    language = _first(record.get("language")).lower()
    if values["title"] and language and not language.startswith("en"):
        # Styles lower-case English titles; other languages have their own capitalisation rules.
        values["title"] = "{" + values["title"] + "}"
    container = _container(record, entry_type)
    if container and entry_type in CONTAINER_FIELD:
        values[CONTAINER_FIELD[entry_type]] = container
    institution = _institution(record)
    if institution and entry_type in INSTITUTION_FIELD and INSTITUTION_FIELD[entry_type] not in values:
        values[INSTITUTION_FIELD[entry_type]] = institution
    values["year"] = year_of(record)
    page = _number(record.get("page")) or _number(record.get("article-number"))
    values["pages"] = pages_of(page) if page else ""
    for name, read in SIMPLE_FIELDS.items():
        values[name] = read(record)
    if entry_type == "techreport" and not values.get("institution"):
        values["institution"] = values.pop("publisher", "")
    values["doi"] = doi
    values["url"] = _url(record, doi) if doi else _first(record.get("URL"))
    values.update(extra or {})

    fields: dict[str, Value] = {}
    month = _month(record)
    for name in (*FIELD_ORDER, *values):
        if name in fields:
            continue
        if name == "month" and month is not None:
            fields["month"] = month
        elif values.get(name):
            fields[name] = field_value(name, values[name])  # the one way a value enters a library
    key = keys.unique_key(keys.base_key(authors or editors, values["year"], values["title"]), taken)
    return Entry(key=key, entry_type=entry_type, fields=fields)
