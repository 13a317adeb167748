"""Reading RIS for import, as real exports write it.

Tolerated: a BOM, blank lines and stray text between records, values that
run over several lines, tags without the space after the dash, unknown tags
(ignored), a record whose ``ER`` is missing at the end of the file.  A file
with no ``TY`` line at all is not RIS (a Web of Science "tagged" export is
named as such).
"""

from __future__ import annotations

import re

from citetool.bib.entry import Entry, MacroRef, Value
from citetool.bib.escape import escape
from citetool.bib.safety import UnsafeValue, field_value
from citetool.crossref.mapping import FIELD_ORDER
from citetool.errors import ImportFailed
from citetool.identifiers import doi as doi_module
from citetool.readers import Batch, Candidate

#: RIS TY -> BibTeX entry type.
TYPES: dict[str, str] = {
    "JOUR": "article", "JFULL": "article", "MGZN": "article", "NEWS": "article", "EJOUR": "article",
    "INPR": "article", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "incollection",
    "ECHAP": "incollection", "CPAPER": "inproceedings", "CONF": "proceedings", "THES": "phdthesis",
    "RPRT": "techreport", "STAND": "techreport", "UNPB": "unpublished", "MANSCPT": "unpublished",
}  # fmt: skip

#: Tags read as plain text fields; the field they become.
SIMPLE: dict[str, str] = {
    "TI": "title", "T1": "title", "CT": "title", "VL": "volume", "IS": "number", "CP": "number",
    "PB": "publisher", "CY": "address", "AB": "abstract", "N2": "abstract", "LA": "language",
    "N1": "note", "ET": "edition",
}  # fmt: skip

CONTAINER_TAGS = ("T2", "JO", "JF", "JA", "J2", "BT")
CONTAINER_FIELD = {"article": "journal", "incollection": "booktitle", "inproceedings": "booktitle", "book": "series"}
AUTHOR_TAGS = ("AU", "A1")
EDITOR_TAGS = ("A2", "ED")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*)|)$")
_YEAR = re.compile(r"(\d{4})(?:/(\d{1,2}))?")


def _records(text: str, name: str) -> list[list[tuple[str, str]]]:
    lines = text.removeprefix("\ufeff").splitlines()
    if not any(_TAG.match(line.rstrip()) and line.startswith("TY") for line in lines):
        first = next((line for line in lines if line.strip()), "")
        if first.startswith("FN ") or first.startswith("PT "):
            raise ImportFailed(f"{name}: is a Web of Science tagged export, not RIS; export RIS instead")
        raise ImportFailed(f"{name}: not a RIS file (no 'TY  - ' line); nothing was imported")
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    for raw in lines:
        line = raw.rstrip()
        match = _TAG.match(line)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "TY":
                current = [(tag, value)]
                records.append(current)
            elif tag == "ER":
                current = None
            elif current is not None:
                current.append((tag, value))
        elif current is not None and line.strip() and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}".strip())  # a value continued on the next line
    return records


def _names(values: list[str]) -> str:
    return " and ".join(escape(value) if "," in value else "{" + escape(value) + "}" for value in values if value)


def to_entry(record: list[tuple[str, str]]) -> Entry:
    """A BibTeX entry from one RIS record (key left empty for the importer to choose)."""
    entry_type = TYPES.get(record[0][1].upper(), "misc")
    tags: dict[str, list[str]] = {}
    for tag, value in record[1:]:
        if value:
            tags.setdefault(tag, []).append(value)
    fields: dict[str, Value] = {}

    def put(name: str, text: str) -> None:
        if text and name not in fields:
            fields[name] = field_value(name, text)  # the one way a value enters a library

    put("author", _names([v for tag in AUTHOR_TAGS for v in tags.get(tag, [])]))
    put("editor", _names([v for tag in EDITOR_TAGS for v in tags.get(tag, [])]))
    for tag, name in SIMPLE.items():
        if tag in tags:
            put(name, escape(tags[tag][0]))
    container = next((tags[tag][0] for tag in CONTAINER_TAGS if tag in tags), "")
    put(CONTAINER_FIELD.get(entry_type, "howpublished"), escape(container))
    date = next((tags[tag][0] for tag in ("PY", "Y1", "DA") if tag in tags), "")
    year = _YEAR.search(date)
    if year:
        put("year", year.group(1))
        month = _YEAR.search(tags.get("DA", [date])[0])
        if month and month.group(2) and 1 <= int(month.group(2)) <= 12:
            fields.setdefault("month", Value((MacroRef(MONTHS[int(month.group(2)) - 1]),)))
    start, end = tags.get("SP", [""])[0], tags.get("EP", [""])[0]
    start, end = escape(start), escape(end)
    put("pages", f"{start}--{end}" if start and end and start != end else start or end)
    for serial in tags.get("SN", []):
        digits = re.sub(r"[^0-9Xx]", "", serial)
        put("issn" if len(digits) == 8 else "isbn", serial)
    found = next((doi_module.parse(value) for value in tags.get("DO", []) if doi_module.parse(value)), None)
    put("doi", found or "")
    put("url", next(iter(tags.get("UR", []) + tags.get("L2", [])), ""))
    keywords = [escape(value) for value in tags.get("KW", [])]
    put("keywords", ", ".join(keywords))
    order = {name: index for index, name in enumerate(FIELD_ORDER)}
    ordered = dict(sorted(fields.items(), key=lambda item: order.get(item[0], len(order))))
    return Entry(key="", entry_type=entry_type, fields=ordered)


def read(text: str, name: str) -> Batch:
    try:
        return Batch(candidates=[Candidate(to_entry(record)) for record in _records(text, name)])
    except UnsafeValue as exc:
        raise ImportFailed(f"{name}: a record's {exc}; nothing was imported") from exc
