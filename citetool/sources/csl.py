"""Building the records citetool keeps from a service's reply: CSL-JSON variables, as Crossref's are.

arXiv, Open Library, Google Books and PubMed each answer in their own shape;
their readers turn a reply into a CSL-JSON item (``title``, ``author`` as
``family``/``given``, ``issued`` date-parts, ``DOI``, ``ISBN`` ...), so that one
mapping (:func:`citetool.crossref.mapping.to_entry`) makes every BibTeX entry,
and what BibTeX needs beyond CSL travels in :data:`BIBTEX` as verbatim values.
Text values are HTML fragments, as Crossref's are: plain text is escaped
here, so a ``<`` or ``&`` in a title is read as a character, never as markup.
"""

from __future__ import annotations

import html
import re
from typing import Any

from citetool.bib.names import parse_name

#: The key of a record's BibTeX-only values (``eprint``, ``pmid`` ...), field name -> plain text.
BIBTEX = "citetool-bibtex"
#: The key of what a record says beyond its entry (a published DOI, a journal reference), for messages.
NOTES = "citetool-notes"

#: Name suffixes a display name may end with ("Martin Luther King Jr.").
SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})


def plain(text: str | None) -> str:
    """Plain text as the HTML fragment a record holds: white space collapsed, ``<`` and ``&`` escaped."""
    return html.escape(" ".join((text or "").split()), quote=False)


def person(display: str) -> dict[str, str] | None:
    """A CSL name from ``Given Family`` text (``Isaac Asimov``, ``Ludwig van Beethoven``, ``King Jr.``)."""
    words = display.replace(",", " , ").split()
    if not words:
        return None
    suffix = ""
    if len(words) > 2 and words[-1].lower() in SUFFIXES:
        suffix = words.pop()
        if words[-1] == ",":
            words.pop()
    if "," in words:  # "Family, Given"
        cut = words.index(",")
        family, given = " ".join(words[:cut]), " ".join(word for word in words[cut + 1 :] if word != ",")
        name = {"family": plain(family), "given": plain(given)}
    else:
        parsed = parse_name(" ".join(words))
        name = {"family": plain(parsed.family), "given": plain(parsed.given)}
        if parsed.particle:
            name["non-dropping-particle"] = plain(parsed.particle)
    if suffix:
        name["suffix"] = plain(suffix)
    return {part: value for part, value in name.items() if value}


def organisation(text: str) -> dict[str, str]:
    """A CSL literal name (a collective author), which becomes a braced BibTeX name."""
    return {"literal": plain(text)}


_MONTHS = {name: index for index, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}  # fmt: skip
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}


def month_number(text: str) -> int | None:
    """``3``, ``03``, ``Mar``, ``March`` -> 3; None for what is not a month."""
    word = text.strip().lower().rstrip(".")
    if word.isdigit():
        number = int(word)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(word[:3]) if word[:3] in _MONTHS and (len(word) == 3 or word.isalpha()) else None


def issued(year: Any, month: Any = None, day: Any = None) -> dict[str, Any] | None:
    """A CSL date from parts (strings or numbers); None without a plausible year."""
    try:
        number = int(str(year).strip())
    except ValueError:
        return None
    if not 1000 <= number <= 2999:
        return None
    parts = [number]
    month_value = month_number(str(month)) if month not in (None, "") else None
    if month_value is not None:
        parts.append(month_value)
        if day not in (None, "") and str(day).strip().isdigit() and 1 <= int(str(day)) <= 31:
            parts.append(int(str(day)))
    return {"date-parts": [parts]}


_DATE_TEXT = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")


def date_from_text(text: str) -> dict[str, Any] | None:
    """A CSL date from ``2016-09-19``, ``2005``, ``March 2005``, ``Mar 5, 2005``, ``1998 Dec-1999 Jan``."""
    text = text.strip()
    iso = _DATE_TEXT.fullmatch(text[:10]) if text[:4].isdigit() else None
    if iso is not None and (len(text) <= 10 or not text[10:11].isdigit()):
        return issued(iso["year"], iso["month"], iso["day"])
    year = re.search(r"(?<!\d)(\d{4})(?!\d)", text)
    if year is None:
        return None
    month = next((word for word in re.findall(r"[A-Za-z]+", text[: year.start()] or text) if month_number(word)), None)
    day = re.search(r"\b(\d{1,2})\b", text[: year.start()]) if month else None
    return issued(year.group(1), month, day.group(1) if day else None)
