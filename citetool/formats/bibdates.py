"""Converting between BibTeX's ``year``/``month`` and biblatex's ``date``."""

from __future__ import annotations

import re
from collections.abc import Mapping

from citetool.model import MONTH_MACROS, Literal, MacroRef, Value

MONTH_NUMBERS: dict[str, int] = {name: number for number, name in enumerate(MONTH_MACROS, start=1)}
MONTH_NUMBERS.update({full.lower(): MONTH_NUMBERS[short] for short, full in MONTH_MACROS.items()})
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?")


def month_number(value: Value, strings: Mapping[str, Value]) -> int | None:
    """1-12 for ``jan``, ``January``, ``1`` ...; None when it is none of those."""
    if len(value.parts) == 1 and isinstance(value.parts[0], MacroRef):
        name = value.parts[0].name.lower()
        if name in MONTH_NUMBERS and name not in strings:
            return MONTH_NUMBERS[name]
    text = value.resolve(strings).strip().rstrip(".").lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    return MONTH_NUMBERS.get(text) or MONTH_NUMBERS.get(text[:3])


def split_date(date: str) -> tuple[Value | None, Value | None]:
    """``2020-03-15`` -> (year 2020, month mar); (None, None) when no year can be read."""
    match = _DATE.match(date.strip())
    if not match:
        return None, None
    year = Value((Literal(match.group(1)),))
    month = None
    if match.group(2) and 1 <= int(match.group(2)) <= 12:
        month = Value((MacroRef(list(MONTH_MACROS)[int(match.group(2)) - 1]),))
    return year, month
