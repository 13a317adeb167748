"""``--format bibtex``: classic BibTeX for pdflatex, in pure ASCII.

Non-ASCII text becomes LaTeX (``ö`` -> ``{\\"o}``); a character with no LaTeX
form is kept and named in a warning.  biblatex-only types and fields are
mapped back to what the standard styles know; macros and ``month`` macros
are written as macros.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from citetool.bibsource import document_source
from citetool.formats import Context
from citetool.formats.bibdates import split_date
from citetool.latex import to_ascii
from citetool.model import Entry, Literal, Value

#: biblatex entry types -> the closest classic BibTeX type.
TYPES: dict[str, str] = {
    "online": "misc", "www": "misc", "electronic": "misc", "dataset": "misc", "software": "misc",
    "report": "techreport", "thesis": "phdthesis", "mvbook": "book", "collection": "book",
    "mvcollection": "book", "reference": "book", "mvreference": "book", "bookinbook": "inbook",
    "suppbook": "inbook", "inreference": "incollection", "suppcollection": "incollection",
    "periodical": "misc", "suppperiodical": "article", "patent": "misc", "standard": "techreport",
    "set": "misc", "artwork": "misc", "audio": "misc", "image": "misc", "jurisdiction": "misc",
    "legal": "misc", "legislation": "misc", "letter": "misc", "movie": "misc", "music": "misc",
    "performance": "misc", "review": "article", "video": "misc",
}  # fmt: skip

#: biblatex field names -> BibTeX field names.
FIELDS: dict[str, str] = {"journaltitle": "journal", "location": "address"}

#: biblatex ``type`` values of @thesis -> BibTeX thesis types.
THESIS_TYPES: dict[str, str] = {"mathesis": "mastersthesis", "phdthesis": "phdthesis"}

#: Fields holding identifiers or paths, never converted to LaTeX.
VERBATIM = frozenset({"url", "doi", "file", "eprint", "pdf"})


def _ascii(entry: Entry, name: str, value: Value, context: Context) -> Value:
    if name in VERBATIM:
        return value
    parts = []
    for part in value.parts:
        if isinstance(part, Literal) and not part.text.isascii():
            text, missing = to_ascii(part.text)
            for char in missing:
                context.warn(f"{entry.key}: {name}: {char!r} (U+{ord(char):04X}) has no LaTeX form; kept as UTF-8")
            part = Literal(text, part.delimiter)
        parts.append(part)
    return Value(tuple(parts))


_PAGE_RANGE = re.compile(r"^(\s*[^\s\-–—]+)\s*[-–—]\s*([^\s\-–—]+\s*)$")


def _pages(value: Value) -> Value:
    """``515-537`` or ``515–537`` -> ``515--537``."""
    if len(value.parts) == 1 and isinstance(value.parts[0], Literal):
        part = value.parts[0]
        return Value((Literal(_PAGE_RANGE.sub(r"\1--\2", part.text), part.delimiter),))
    return value


def convert(entry: Entry, context: Context) -> Entry:
    """``entry`` in classic BibTeX's types and fields, ASCII-encoded."""
    entry_type = TYPES.get(entry.entry_type, entry.entry_type)
    fields: dict[str, Value] = {}
    for name, value in entry.fields.items():
        if name == "date":
            continue
        fields.setdefault(FIELDS.get(name, name), value)
    if entry.entry_type == "thesis":
        kind = (entry.text("type") or "").strip().lower()
        entry_type = THESIS_TYPES.get(kind, "phdthesis")
        if kind in THESIS_TYPES:
            fields.pop("type", None)
    if entry_type in ("phdthesis", "mastersthesis") and "institution" in fields and "school" not in fields:
        fields["school"] = fields.pop("institution")
    if "date" in entry.fields and "year" not in fields:
        year, month = split_date(entry.fields["date"].resolve(context.strings))
        if year is not None:
            fields["year"] = year
        if month is not None and "month" not in fields:
            fields["month"] = month
    if "pages" in fields:
        fields["pages"] = _pages(fields["pages"])
    if entry.entry_type in ("online", "www", "electronic") and "url" in fields and "howpublished" not in fields:
        # The standard styles print howpublished, not url, for @misc.
        fields["howpublished"] = Value((Literal("\\url{" + fields["url"].resolve(context.strings) + "}"),))
    fields = {name: _ascii(entry, name, value, context) for name, value in fields.items()}
    return Entry(key=entry.key, entry_type=entry_type, fields=fields, line=entry.line)


def write(entries: Iterable[Entry], context: Context) -> str:
    strings = {name: _ascii(Entry(name, "string"), name, value, context) for name, value in context.strings.items()}
    return document_source(context.preambles, strings, (convert(entry, context) for entry in entries))
