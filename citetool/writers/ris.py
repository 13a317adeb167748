"""``--format ris``: RIS records, one tag per line (``TY  - JOUR`` ... ``ER  - ``).

Values are plain Unicode on one line, read from the entry model
(:class:`~citetool.bib.work.Work`): LaTeX decoded, macros resolved, the
``crossref`` parent inherited, line breaks folded.  ``PY`` is the year and
``DA`` the date as ``YYYY/MM/DD/`` with what is known of it, from ``year``,
``month`` and ``day`` as from biblatex's ``date``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from citetool.bib.work import Work
from citetool.writers import Context

#: BibTeX/biblatex entry type -> RIS ``TY``.
TYPES: dict[str, str] = {
    "article": "JOUR", "inproceedings": "CPAPER", "conference": "CPAPER", "incollection": "CHAP",
    "inbook": "CHAP", "bookinbook": "CHAP", "book": "BOOK", "mvbook": "BOOK", "collection": "EDBOOK",
    "mvcollection": "EDBOOK", "proceedings": "CONF", "mvproceedings": "CONF", "phdthesis": "THES",
    "mastersthesis": "THES", "thesis": "THES", "techreport": "RPRT", "report": "RPRT", "manual": "STAND",
    "standard": "STAND", "online": "ELEC", "www": "ELEC", "electronic": "ELEC", "dataset": "DATA",
    "software": "COMP", "unpublished": "UNPB", "patent": "PAT", "booklet": "PAMP", "periodical": "JFULL",
    "reference": "BOOK", "inreference": "ENCYC", "misc": "GEN",
}  # fmt: skip

#: RIS tag <- BibTeX fields, first present wins (AU, A2, PY, DA, SP, EP, KW are built separately).
TAGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("TI", ("title",)),
    ("T2", ("journal", "journaltitle", "booktitle", "series", "howpublished")),
    ("J2", ("shortjournal", "journalabbr")),
    ("VL", ("volume",)),
    ("IS", ("number", "issue")),
    ("SN", ("issn", "isbn")),
    ("PB", ("publisher", "school", "institution", "organization")),
    ("CY", ("address", "location")),
    ("UR", ("url",)),
    ("AB", ("abstract",)),
    ("LA", ("language", "langid")),
    ("N1", ("note",)),
)

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {_LINE_BREAKS.sub(' ', value).strip()}"


def _first(work: Work, sources: tuple[str, ...]) -> str:
    return next((text for source in sources if (text := work.text(source))), "")


def record(work: Work) -> list[str]:
    """The RIS lines of one entry."""
    lines = [_line("TY", TYPES.get(work.entry_type, "GEN"))]
    lines += [_line("AU", name.inverted()) for name in work.authors]
    lines += [_line("A2", name.inverted()) for name in work.editors]
    for tag, sources in TAGS[:2]:
        value = _first(work, sources)
        if value:
            lines.append(_line(tag, value))
    date = work.date
    if date is not None and date.year is not None:
        lines.append(_line("PY", str(date.year)))
        if date.month is not None:  # a year alone is said by PY
            lines.append(_line("DA", date.ris()))
    elif work.year:
        lines.append(_line("PY", work.year))
    pages = work.pages
    if pages is not None:
        lines.append(_line("SP", pages.first))
        if pages.last is not None:
            lines.append(_line("EP", pages.last))
    for tag, sources in TAGS[2:]:
        value = _first(work, sources)
        if value:
            lines.append(_line(tag, value))
        if tag == "CY" and work.doi:
            lines.append(_line("DO", work.doi))  # the DOI proper, even where the field holds a doi.org link
    keywords = re.split(r"\s*[,;]\s*", work.text("keywords"))
    lines += [_line("KW", keyword) for keyword in keywords if keyword]
    lines.append("ER  - ")
    return lines


def write(works: Iterable[Work], context: Context) -> str:
    return "".join("\n".join(record(work)) + "\n\n" for work in works)
