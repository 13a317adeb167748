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

from citetool.bib import dates
from citetool.bib.names import parse_name

#: The key of a record's BibTeX-only values (``eprint``, ``pmid`` ...), field name -> plain text.
BIBTEX = "citetool-bibtex"
#: The key of what a record says beyond its entry (a published DOI, a journal reference), for messages.
NOTES = "citetool-notes"
#: The key of the editorial updates a record names (PubMed's retractions and errata), read by citetool.notices.
UPDATES = "citetool-updates"

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


def issued(year: Any, month: Any = None, day: Any = None) -> dict[str, Any] | None:
    """A CSL date from parts (strings or numbers; a month as ``3``, ``Mar``, ``March``); None without a year."""
    try:
        number = int(str(year).strip())
    except ValueError:
        return None
    if not 1000 <= number <= 2999:
        return None
    month_value = dates.month_from_text(str(month)) if month not in (None, "") else None
    day_text = str(day).strip() if day not in (None, "") else ""
    day_value = int(day_text) if day_text.isdigit() and 1 <= int(day_text) <= 31 and month_value else None
    return dates.Date(number, month_value, day_value).csl()


def date_from_text(text: str) -> dict[str, Any] | None:
    """A CSL date from ``2016-09-19``, ``2013-12-06T21:33:40Z``, ``2005``, ``March 2005``, ``Mar 5, 2005``,
    ``1998 Dec-1999 Jan`` (the start)."""
    parsed = dates.parse_iso(text)
    if parsed is not None and parsed.year is not None:
        return issued(parsed.year, parsed.month, parsed.day)
    year = re.search(r"(?<!\d)(\d{4})(?!\d)", text)
    if year is None:
        return None
    before = text[: year.start()]
    month = next((word for word in re.findall(r"[A-Za-z]+", before or text) if dates.month_from_text(word)), None)
    day = re.search(r"\b(\d{1,2})\b", before) if month else None
    return issued(year.group(1), month, day.group(1) if day else None)
