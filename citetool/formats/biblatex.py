"""``--format biblatex``: UTF-8 biblatex for biber.

BibTeX types and fields are mapped to biblatex's data model (@thesis,
@report, ``journaltitle``, ``location``, ``date``); macros stay macros.
"""

from __future__ import annotations

from collections.abc import Iterable

from citetool.bibsource import document_source
from citetool.formats import Context
from citetool.formats.bibdates import month_number
from citetool.model import Entry, Literal, Value

#: BibTeX entry type -> (biblatex type, value of its ``type`` field or None).
TYPES: dict[str, tuple[str, str | None]] = {
    "phdthesis": ("thesis", "phdthesis"),
    "mastersthesis": ("thesis", "mathesis"),
    "techreport": ("report", "techreport"),
    "conference": ("inproceedings", None),
    "electronic": ("online", None),
    "www": ("online", None),
}

#: BibTeX field names -> biblatex field names.
FIELDS: dict[str, str] = {"journal": "journaltitle", "address": "location", "school": "institution"}


def convert(entry: Entry, context: Context) -> Entry:
    """``entry`` in biblatex's types and fields."""
    entry_type, type_field = TYPES.get(entry.entry_type, (entry.entry_type, None))
    fields: dict[str, Value] = {}
    year = entry.fields.get("year")
    year_text = year.resolve(context.strings).strip() if year is not None else ""
    month = entry.fields.get("month")
    month_value = month_number(month, context.strings) if month is not None else None
    use_date = "date" not in entry.fields and len(year_text) == 4 and year_text.isdigit()
    for name, value in entry.fields.items():
        if use_date and name == "year":
            date = year_text if month_value is None else f"{year_text}-{month_value:02d}"
            fields["date"] = Value((Literal(date),))
            continue
        if use_date and name == "month" and month_value is not None:
            continue
        fields.setdefault(FIELDS.get(name, name), value)
    if type_field is not None and "type" not in fields:
        fields["type"] = Value((Literal(type_field),))
    return Entry(key=entry.key, entry_type=entry_type, fields=fields, line=entry.line)


def write(entries: Iterable[Entry], context: Context) -> str:
    return document_source(context.preambles, context.strings, (convert(entry, context) for entry in entries))
