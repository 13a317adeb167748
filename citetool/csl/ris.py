"""CSL items as RIS records: which tag holds which CSL variable, by RIS type, as data.

The one table that :mod:`citetool.writers.ris` writes records by and
:mod:`citetool.readers.ris` reads them back by.  It follows Zotero's RIS
translator (``RIS.js``), whose reading citation-js shares.
"""

from __future__ import annotations

from functools import lru_cache

#: CSL item type -> RIS ``TY`` (Zotero's export names; a preprint is ``INPR``).
TYPES: dict[str, str] = {
    "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS", "article": "INPR",
    "paper-conference": "CONF", "chapter": "CHAP", "book": "BOOK", "thesis": "THES", "report": "RPRT",
    "webpage": "ELEC", "dataset": "DATA", "software": "COMP", "manuscript": "MANSCPT", "patent": "PAT",
    "pamphlet": "PAMP", "periodical": "JFULL", "entry-encyclopedia": "ENCYC", "entry-dictionary": "DICT",
    "standard": "STAND", "personal_communication": "PCOMM", "motion_picture": "MPCT", "song": "SOUND",
    "graphic": "ART", "legislation": "STAT", "legal_case": "CASE", "document": "GEN", "review": "JOUR",
    "performance": "GEN",
}  # fmt: skip

#: CSL variable -> RIS tag, by ``TY`` ("*" for any other ``TY``; "" for none), in the order written.
TAGS: dict[str, dict[str, str]] = {
    "author": {"*": "AU"},
    "editor": {"BOOK": "A3", "*": "A2"},
    "translator": {"*": "A4"},
    "title": {"*": "TI"},
    "container-title": {"CONF": "C3", "BOOK": "", "*": "T2"},
    "event-title": {"CONF": "T2", "*": ""},
    "collection-title": {"BOOK": "T2", "RPRT": "T2", "COMP": "T2", "*": "T3"},
    "container-title-short": {"*": "J2"},
    "title-short": {"*": "ST"},
    "volume": {"*": "VL"},
    "issue": {"*": "IS"},
    "number": {"RPRT": "SN", "PAT": "SN", "STAND": "SN", "*": "M1"},
    "collection-number": {"*": "SV"},
    "publisher": {"*": "PB"},
    "publisher-place": {"CONF": "C1", "*": "CY"},
    "event-place": {"CONF": "CY", "*": ""},
    "ISSN": {"RPRT": "", "PAT": "", "STAND": "", "*": "SN"},
    "ISBN": {"RPRT": "", "PAT": "", "STAND": "", "JOUR": "", "*": "SN"},
    "DOI": {"*": "DO"},
    "URL": {"*": "UR"},
    "edition": {"COMP": "", "*": "ET"},
    "version": {"COMP": "ET", "*": ""},
    "genre": {"*": "M3"},
    "language": {"*": "LA"},
    "abstract": {"*": "AB"},
    "note": {"*": "N1"},
    "PMCID": {"JOUR": "C2", "*": ""},
}  # fmt: skip
#: Types whose ``SP`` alone is their number of pages (Zotero's and citation-js's reading).
PAGE_COUNT_TYPES = frozenset({"BOOK", "THES"})
#: Name variables (one tag line per name).
NAME_VARIABLES = frozenset({"author", "editor", "translator"})


def tag_of(variable: str, ris_type: str) -> str:
    """The tag that holds ``variable`` in a record of ``ris_type`` ('' for none)."""
    tags = TAGS.get(variable, {})
    return tags.get(ris_type, tags.get("*", ""))


@lru_cache(maxsize=64)
def tags_of(ris_type: str) -> tuple[tuple[str, str], ...]:
    """Every ``(variable, tag)`` a record of ``ris_type`` has, in :data:`TAGS` order (variables without a
    tag in it left out)."""
    return tuple((variable, tag) for variable in TAGS if (tag := tag_of(variable, ris_type)))
