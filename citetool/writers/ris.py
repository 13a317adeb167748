"""``--format ris``: RIS records, one tag per line (``TY  - JOUR`` ... ``ER  - ``), as Zotero and citation-js read them.

A record is written from the entry's CSL item (:func:`citetool.csl.items.item`,
the one mapping of meaning), so RIS says what CSL-JSON says.  Tags follow
Zotero's RIS translator (``RIS.js``), whose reading citation-js shares: a
conference paper is ``CONF`` with its proceedings in ``C3``, its conference in
``T2`` and its place in ``C1``; a book's editors are ``A3`` (``A2`` is a
series editor); a chapter's book is ``T2`` and its series ``T3``; a report's
number is ``SN``; names are ``Family, Given, Suffix`` (the table is
:mod:`citetool.csl.ris`, which :mod:`citetool.readers.ris` reads records back
through).  Values are plain Unicode on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from citetool.bib.richtext import scripted
from citetool.bib.texchars import SUBSCRIPTS, SUPERSCRIPTS
from citetool.bib.work import Work
from citetool.csl.items import item
from citetool.csl.ris import NAME_VARIABLES, PAGE_COUNT_TYPES, TAGS, TYPES, tags_of
from citetool.writers import Context

#: The variables whose tags follow the date and pages (from ``VL`` on).
_AFTER_DATES = frozenset(list(TAGS)[list(TAGS).index("volume") :])
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_TAGS = re.compile(r"<[^>]+>")
_SUB = re.compile(r"<sub>([^<]*)</sub>")
_SUP = re.compile(r"<sup>([^<]*)</sup>")
_RANGE = re.compile(r"^([^\s\-,;]+)-([^\s\-,;]+)$")


def _line(tag: str, value: str) -> str:
    if "\n" in value or "\r" in value:
        value = _LINE_BREAKS.sub(" ", value)
    return f"{tag}  - {value.strip()}"


def _plain(value: str) -> str:
    """A CSL rich-text value as plain text: sub- and superscripts as Unicode where every character has a form
    (``H₂O``), as everywhere citetool writes plain text; other tags dropped."""
    if "<" not in value:
        return value
    value = _SUB.sub(lambda match: scripted(match.group(1), SUBSCRIPTS), value)
    value = _SUP.sub(lambda match: scripted(match.group(1), SUPERSCRIPTS), value)
    return " ".join(_TAGS.sub("", value).split())


def _name(person: dict[str, str]) -> str:
    if "literal" in person:
        return person["literal"]
    family = " ".join(filter(None, (person.get("non-dropping-particle"), person.get("family"))))
    return ", ".join(filter(None, (family, person.get("given"), person.get("suffix"))))


def _date(value: dict[str, Any]) -> tuple[str, str]:
    """``PY`` and ``DA`` for a CSL date: the year, and ``YYYY/MM/DD/`` with unknown parts empty."""
    parts = value.get("date-parts")
    if not parts:
        return str(value.get("literal", "")), ""
    start = [*parts[0], None, None][:3]
    year, month, day = start
    return f"{year:04d}", f"{year:04d}/{month:02d}/" + (f"{day:02d}/" if day else "/") if month else f"{year:04d}///"


def record(csl: dict[str, Any]) -> list[str]:
    """The RIS lines of one CSL item."""
    ris_type = TYPES.get(csl["type"], "GEN")
    lines = [_line("TY", ris_type)]
    if csl.get("id"):
        lines.append(_line("ID", csl["id"]))
    dated = False
    for variable, tag in tags_of(ris_type):
        if not dated and variable in _AFTER_DATES:  # the date and pages stand before the volume, as Zotero writes
            lines += _dates_and_pages(csl, ris_type)
            dated = True
        value = csl.get(variable)
        if not value:
            continue
        if variable in NAME_VARIABLES:
            lines += [_line(tag, _name(person)) for person in value]
        else:
            lines.append(_line(tag, _plain(str(value))))
    if not dated:
        lines += _dates_and_pages(csl, ris_type)
    keywords = re.split(r"\s*[,;]\s*", str(csl.get("keyword", "")))
    lines += [_line("KW", keyword) for keyword in keywords if keyword]
    if "accessed" in csl and csl["accessed"].get("date-parts"):
        lines.append(_line("Y2", _date(csl["accessed"])[1]))
    lines.append("ER  - ")
    return lines


def _dates_and_pages(csl: dict[str, Any], ris_type: str) -> list[str]:
    lines = []
    if "issued" in csl:
        year, full = _date(csl["issued"])
        if year:
            lines.append(_line("PY", year))
        if full and (not full.endswith("///") or ris_type == "CONF"):  # a year alone is said by PY; but
            lines.append(_line("DA", full))  # citation-js reads a conference paper's date from DA only
    page = str(csl.get("page", ""))
    found = _RANGE.match(page)
    if found:
        lines += [_line("SP", found.group(1)), _line("EP", found.group(2))]
    elif page:
        lines.append(_line("SP", page))
    elif ris_type in PAGE_COUNT_TYPES and csl.get("number-of-pages"):
        lines.append(_line("SP", str(csl["number-of-pages"])))
    return lines


def write(works: Iterable[Work], context: Context) -> str:
    return "".join("\n".join(record(item(work))) + "\n\n" for work in works)
