"""A Zotero item as the CSL item Zotero itself makes of it.

:func:`csl_item` follows Zotero's ``itemToCSLJSON`` (zotero/utilities,
``utilities_item.js``): the CSL type from the schema's type mapping; each
CSL text variable from the first non-empty Zotero field of its list, read
through the item type's own field when the list names a base field
(``publicationTitle`` is a section's ``bookTitle``, ``publisher`` a thesis'
``university``); only the first ISBN; enclosing quotes stripped; creators of
the type's primary creator type as ``author``, the others by the name
mapping, with name particles split off as citeproc-js does; dates as
``date-parts`` (the year, month and day Zotero stored beside the text),
a date without a year as a literal, the access date in local time.

:mod:`citetool.readers.zotero` then reads that item through citetool's one
CSL-to-BibTeX mapping.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from citetool.zotero import extra as extra_lines
from citetool.zotero.database import Creator, Database, Item
from citetool.zotero.mapping import Mapping

#: CSL's date variables (an ``Extra`` line giving one is read as a date).
DATE_VARIABLES = frozenset({"accessed", "issued", "original-date", "event-date", "submitted", "available-date"})
_ISBN = re.compile(r"^(?:97[89]-?)?(?:\d-?){9}[\dx](?!-)\b", re.IGNORECASE)
_SQL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?: (.*))?$", re.DOTALL)
_ACCESS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_PARTICLE_FAMILY = re.compile(r"^((?:[a-z\u00df-\u00ff][^\s]*[\s'\u2019-])+)(\S.*)$")
_PARTICLE_GIVEN = re.compile(r"^(.*\S)\s+((?:[a-z\u00df-\u00ff]\S*)(?:\s+[a-z\u00df-\u00ff]\S*)*)$")


def _field(item: Item, database: Database, name: str) -> str:
    value = item.fields.get(name)
    if value is None and name == "versionNumber":  # named "version" before Zotero 5.0.35's rename
        value = item.fields.get("version")
    if value is None:
        own = database.base_fields.get((item.item_type, name))
        value = item.fields.get(own) if own is not None else None
    return value.strip() if value else ""


def _unquoted(value: str) -> str:
    if value.startswith('"') and value.find('"', 1) == len(value) - 1 and len(value) > 1:
        return value[1:-1]
    return value


def _name(creator: Creator) -> dict[str, str]:
    if creator.single or not (creator.first or creator.last):
        return {"literal": creator.last or creator.first}
    name = {"family": creator.last, "given": creator.first}
    if creator.last and creator.first:
        if len(creator.last) > 1 and creator.last[0] == creator.last[-1] == '"':
            name["family"] = creator.last[1:-1]
            return name
        family = _PARTICLE_FAMILY.match(creator.last)
        if family is not None:
            name["non-dropping-particle"], name["family"] = family.group(1).strip(), family.group(2)
        given = _PARTICLE_GIVEN.match(creator.first)
        if given is not None:
            name["given"], name["dropping-particle"] = given.group(1), given.group(2)
    return name


def _date(value: str, accessed: bool) -> dict[str, Any] | None:
    if accessed and _ACCESS.match(value):  # stored in UTC; Zotero shows (and cites) it in local time
        moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).astimezone()
        return {"date-parts": [[moment.year, moment.month, moment.day]]}
    match = _SQL_DATE.match(value)
    if match is None:
        return {"literal": value} if value else None
    year, month, day, text = match.groups()
    if int(year) == 0:
        return {"literal": (text or value).strip()} if (text or "").strip() else None
    parts = [int(year)]
    if int(month):
        parts.append(int(month))
        if int(day):
            parts.append(int(day))
    return {"date-parts": [parts]}


def csl_item(item: Item, database: Database, mapping: Mapping, extra: extra_lines.Extra) -> dict[str, Any]:
    """The CSL item Zotero's ``itemToCSLJSON`` gives for ``item`` (``Extra`` read as ``extra`` says)."""
    result: dict[str, Any] = {"type": mapping.types.get(item.item_type, "document")}
    for variable, fields in mapping.text.items():
        if variable == "shortTitle":  # Zotero reads both names but writes only title-short
            continue
        for name in fields:
            value = extra.rest if name == "extra" else _field(item, database, name)
            if not value:
                continue
            if name == "ISBN":
                first = _ISBN.match(value)
                value = first.group(0) if first else value
            result[variable] = _unquoted(value)
            break
    if "journalAbbreviation" in result:  # citeproc-js reads Zotero's name for container-title-short
        result.setdefault("container-title-short", result.pop("journalAbbreviation"))
    primary = database.primary_creators.get(item.item_type)
    for creator in item.creators:
        role = mapping.names.get("author" if creator.role == primary else creator.role)
        if role is not None:
            result.setdefault(role, []).append(_name(creator))
    for variable, name in mapping.dates.items():
        date = _date(_field(item, database, name), accessed=name == "accessDate")
        if date is not None:
            result[variable] = date
    for variable, value in extra.variables.items():
        if variable not in result:
            result[variable] = _date(value, accessed=False) if variable in DATE_VARIABLES else value
    return result
