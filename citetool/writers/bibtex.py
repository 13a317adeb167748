"""``--format bibtex``: classic BibTeX for pdflatex, in pure ASCII.

Non-ASCII text becomes LaTeX (``ö`` -> ``{\\"o}``, ``ṣ`` -> ``{\\d{s}}``; see
:mod:`citetool.bib.escape`); characters with no LaTeX form are kept and
named in one warning for the whole export.  biblatex-only types and fields are
mapped back to what the standard styles know; macros and ``month`` macros
are written as macros.
"""

from __future__ import annotations

from collections.abc import Iterable

from citetool.bib.dates import split_date
from citetool.bib.entry import Entry, Literal, Value
from citetool.bib.escape import describe, to_ascii
from citetool.bib.fields import VERBATIM_FIELDS
from citetool.bib.pages import bibtex_range
from citetool.bib.source import document_source
from citetool.bib.work import Work
from citetool.writers import Context

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


class _Unwritable:
    """The characters with no LaTeX form met in one export, and the entries they were in."""

    def __init__(self) -> None:
        self.where: dict[str, list[str]] = {}

    def note(self, key: str, name: str, characters: list[str]) -> None:
        for char in characters:
            places = self.where.setdefault(char, [])
            if f"{key}.{name}" not in places:
                places.append(f"{key}.{name}")

    def report(self, context: Context) -> None:
        """One warning for the whole export; with ``--verbose`` one more line per character."""
        if not self.where:
            return
        entries = list(dict.fromkeys(place.split(".")[0] for places in self.where.values() for place in places))
        shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
        count = len(self.where)
        characters = ", ".join(describe(char) for char in list(self.where)[:5]) + (", ..." if count > 5 else "")
        context.warn(
            f"{count} character{'s' if count > 1 else ''} with no LaTeX form ({characters}) kept as UTF-8 "
            f"in {len(entries)} entr{'ies' if len(entries) > 1 else 'y'} ({shown}); pdflatex cannot typeset them"
            + ("" if context.verbose else "; --verbose lists them")
        )
        if context.verbose:
            for char, places in self.where.items():
                context.warn(f"{describe(char)} has no LaTeX form: {', '.join(places)}")


def _ascii(key: str, name: str, value: Value, unwritable: _Unwritable) -> Value:
    if name in VERBATIM_FIELDS:
        return value
    parts = []
    for part in value.parts:
        if isinstance(part, Literal) and not part.text.isascii():
            text, missing = to_ascii(part.text)
            unwritable.note(key, name, missing)
            part = Literal(text, part.delimiter)
        parts.append(part)
    return Value(tuple(parts))


def _pages(value: Value) -> Value:
    """``515-537`` or ``515–537`` -> ``515--537``."""
    if len(value.parts) == 1 and isinstance(value.parts[0], Literal):
        part = value.parts[0]
        return Value((Literal(bibtex_range(part.text), part.delimiter),))
    return value


def convert(entry: Entry, context: Context, unwritable: _Unwritable) -> Entry:
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
    fields = {name: _ascii(entry.key, name, value, unwritable) for name, value in fields.items()}
    return Entry(key=entry.key, entry_type=entry_type, fields=fields, line=entry.line)


def write(works: Iterable[Work], context: Context) -> str:
    unwritable = _Unwritable()
    strings = {name: _ascii("@string", name, value, unwritable) for name, value in context.strings.items()}
    text = document_source(context.preambles, strings, (convert(work.source, context, unwritable) for work in works))
    unwritable.report(context)
    return text
