"""Dates, read once: BibTeX's ``year``/``month``/``day`` and biblatex's ``date``.

``month`` may be a macro (``jan``), a number (``3``), a name (``March``,
``Mar.``) or any of those with ``#``; ``date`` is biblatex's ISO 8601 subset:
``2020``, ``2020-03``, ``2020-03-15``, a range ``2020-03/2021-04``, an open
end ``2020/`` or start ``/2020``, with EDTF's ``?``, ``~`` and ``%`` marks
(uncertain, approximate) dropped.  What cannot be read as a date (``in
press``, ``forthcoming``) is kept as a literal.  Every writer reads
:class:`Date`; none parses a year on its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from citetool.bib.entry import MONTH_MACROS, Literal, MacroRef, Value

MONTH_NUMBERS: dict[str, int] = {name: number for number, name in enumerate(MONTH_MACROS, start=1)}
MONTH_NUMBERS.update({full.lower(): MONTH_NUMBERS[short] for short, full in MONTH_MACROS.items()})
#: Month names in the languages bibliographies are written in, for hand-typed ``month = {März}``.
MONTH_NAMES: dict[str, int] = {
    **MONTH_NUMBERS, "sept": 9, "januar": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6,
    "juli": 7, "oktober": 10, "dezember": 12, "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juin": 6,
    "juillet": 7, "août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
}  # fmt: skip

_ISO = re.compile(r"^\s*(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[\d:.]+Z?)?[?~%]*\s*$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@dataclass(frozen=True)
class Date:
    """A publication date: year, month and day as far as known; a range's end; or a literal."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    end: Date | None = None
    open_end: bool = False
    literal: str = ""

    @property
    def year_text(self) -> str:
        """The year as shown in tables and keys (the literal when there is no year)."""
        return str(self.year) if self.year is not None else self.literal

    def parts(self) -> list[int]:
        out = [self.year] if self.year is not None else []
        if self.year is not None and self.month is not None:
            out.append(self.month)
            if self.day is not None:
                out.append(self.day)
        return [part for part in out if part is not None]

    def csl(self) -> dict[str, object]:
        """CSL-JSON's date object: ``date-parts`` (two for a range), or a ``literal``."""
        if self.year is None:
            return {"literal": self.literal}
        parts = [self.parts()]
        if self.end is not None and self.end.year is not None:
            parts.append(self.end.parts())
        return {"date-parts": parts}

    def ris(self) -> str:
        """RIS's ``DA`` form: ``YYYY/MM/DD/`` with unknown parts left empty."""
        if self.year is None:
            return ""
        month = f"{self.month:02d}" if self.month else ""
        day = f"{self.day:02d}" if self.day and self.month else ""
        return f"{self.year:04d}/{month}/{day}/"

    def iso(self) -> str:
        """biblatex's ``date`` form: ``2020``, ``2020-03``, ``2020-03-15``, ranges with ``/``."""
        if self.year is None:
            return self.literal
        text = "-".join([f"{self.year:04d}", *(f"{part:02d}" for part in self.parts()[1:])])
        if self.end is not None:
            return f"{text}/{self.end.iso()}"
        return f"{text}/" if self.open_end else text


def month_number(value: Value, strings: Mapping[str, Value]) -> int | None:
    """1-12 for ``jan``, ``January``, ``Mar.``, ``3`` ...; None when it is none of those."""
    if len(value.parts) == 1 and isinstance(value.parts[0], MacroRef):
        name = value.parts[0].name.lower()
        if name in MONTH_NUMBERS and name not in strings:
            return MONTH_NUMBERS[name]
    return month_from_text(value.resolve(strings))


def month_from_text(text: str) -> int | None:
    """The month a plain text names (``3``, ``03``, ``March``, ``mar.``, ``März``), or None."""
    text = text.strip().strip("{}").rstrip(".").strip().lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTH_NAMES.get(text) or (MONTH_NAMES.get(text[:3]) if len(text) >= 3 and text.isalpha() else None)


def _iso(text: str) -> Date | None:
    match = _ISO.match(text)
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12 and not 21 <= month <= 24:
        return None
    if month is not None and month > 12:  # EDTF seasons (21 spring ... 24 winter): the year is what is known
        month = day = None
    if day is not None and not 1 <= day <= 31:
        day = None
    return Date(year, month, day)


def parse_iso(text: str) -> Date | None:
    """A biblatex ``date`` value as a :class:`Date`; None when it is not one."""
    text = text.strip()
    if "/" in text:
        start_text, _, end_text = text.partition("/")
        start = _iso(start_text) if start_text.strip() not in ("", "..") else None
        end = _iso(end_text) if end_text.strip() not in ("", "..") else None
        if start is None:
            return end if end_text.strip() else None
        if end_text.strip() in ("", ".."):
            return Date(start.year, start.month, start.day, open_end=True)
        return Date(start.year, start.month, start.day, end=end) if end is not None else start
    return _iso(text)


def read_date(year: str | None, month: int | None, day: str | None, date: str | None) -> Date | None:
    """The date of an entry from its plain ``year``, ``month`` number, ``day`` and ``date`` texts."""
    if date:
        parsed = parse_iso(date)
        if parsed is not None:
            return parsed
        if not year:
            year = date
    if not year:
        return None
    year = year.strip()
    if year.isdigit() and len(year) <= 4:
        day_number = int(day) if day and day.strip().isdigit() and 1 <= int(day) <= 31 else None
        return Date(int(year), month, day_number if month else None)
    parsed = parse_iso(year)
    if parsed is not None:
        return parsed
    found = _YEAR.search(year)
    if found and re.fullmatch(r"\s*(?:c\.|ca\.|circa)?\s*\d{4}\s*[a-z]?\s*|\s*\d{4}\s*[-–/]+\s*\d{2,4}\s*", year):
        return Date(int(found.group(1)), month)  # "1998a", "c. 1900", "1998--1999"
    return Date(literal=year)


def split_date(date: str) -> tuple[Value | None, Value | None]:
    """``2020-03-15`` -> (year 2020, month mar) for classic BibTeX; (None, None) when no year can be read."""
    parsed = parse_iso(date)
    if parsed is None or parsed.year is None:
        return None, None
    year = Value((Literal(str(parsed.year)),))
    month = Value((MacroRef(list(MONTH_MACROS)[parsed.month - 1]),)) if parsed.month else None
    return year, month
