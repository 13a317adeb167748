"""``--format ris``: RIS records, one tag per line (``TY  - JOUR`` ... ``ER  - ``).

Values are plain Unicode on one line: LaTeX is decoded, line breaks folded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from citetool.formats import Context
from citetool.listing import field_texts
from citetool.model import Entry
from citetool.names import parse_names

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
_PAGES = re.compile(r"^\s*([^\s\-–—]+)\s*[-–—]+\s*([^\s\-–—]+)\s*$")


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {_LINE_BREAKS.sub(' ', value).strip()}"


def record(entry: Entry) -> list[str]:
    """The RIS lines of one self-contained entry."""
    texts = field_texts(entry, {})
    lines = [_line("TY", TYPES.get(entry.entry_type, "GEN"))]
    lines += [_line("AU", name.inverted()) for name in parse_names(entry.text("author") or "")]
    lines += [_line("A2", name.inverted()) for name in parse_names(entry.text("editor") or "")]
    for tag, sources in TAGS[:2]:
        value = next((texts[s] for s in sources if texts.get(s)), "")
        if value:
            lines.append(_line(tag, value))
    year = texts.get("year") or texts.get("date", "")[:4]
    if year:
        lines.append(_line("PY", year))
    if texts.get("date"):
        lines.append(_line("DA", texts["date"].replace("-", "/")))
    pages = texts.get("pages", "")
    match = _PAGES.match(pages)
    if match:
        lines += [_line("SP", match.group(1)), _line("EP", match.group(2))]
    elif pages:
        lines.append(_line("SP", pages))
    for tag, sources in TAGS[2:]:
        value = next((texts[s] for s in sources if texts.get(s)), "")
        if value:
            lines.append(_line(tag, value))
        if tag == "CY" and entry.doi:
            lines.append(_line("DO", entry.doi))  # the DOI proper, even where the field holds a doi.org link
    keywords = re.split(r"\s*[,;]\s*", texts.get("keywords", ""))
    lines += [_line("KW", keyword) for keyword in keywords if keyword]
    lines.append("ER  - ")
    return lines


def write(entries: Iterable[Entry], context: Context) -> str:
    return "".join("\n".join(record(entry)) + "\n\n" for entry in entries)
