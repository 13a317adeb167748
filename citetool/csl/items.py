"""Entries as CSL-JSON items: the input of citeproc and of ``--format csl-json``.

Entries reach this module self-contained (macros resolved, crossref parents
inherited; see :mod:`citetool.actions.exporting`).  Values are plain Unicode text.
"""

from __future__ import annotations

from typing import Any

from citetool.bib.latex import to_text
from citetool.bib.names import Name
from citetool.bib.work import Work

#: BibTeX/biblatex entry type -> CSL item type.
TYPES: dict[str, str] = {
    "article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
    "incollection": "chapter", "inbook": "chapter", "bookinbook": "chapter", "suppbook": "chapter",
    "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book", "proceedings": "book",
    "mvproceedings": "book", "reference": "book", "inreference": "entry-encyclopedia",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "manual": "report", "standard": "standard",
    "online": "webpage", "www": "webpage", "electronic": "webpage", "dataset": "dataset",
    "software": "software", "unpublished": "manuscript", "patent": "patent", "booklet": "pamphlet",
    "periodical": "periodical", "misc": "document", "review": "review",
}  # fmt: skip

#: CSL variable <- BibTeX fields, first present wins.
VARIABLES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "container-title": ("journal", "journaltitle", "booktitle", "howpublished"),
    "collection-title": ("series",),
    "volume": ("volume",),
    "issue": ("number", "issue"),
    "page": ("pages",),
    "publisher": ("publisher", "school", "institution", "organization"),
    "publisher-place": ("address", "location"),
    "edition": ("edition",),
    "URL": ("url",),
    "DOI": ("doi",),
    "ISSN": ("issn",),
    "ISBN": ("isbn",),
    "abstract": ("abstract",),
    "keyword": ("keywords",),
    "language": ("language", "langid"),
    "note": ("note",),
    "genre": ("type",),
    "number-of-pages": ("pagetotal",),
    "version": ("version",),
    "PMID": ("pmid",),
    "PMCID": ("pmcid",),
}

#: An eprint archive (``archivePrefix``/``eprinttype``, lower case) -> the CSL ``publisher`` of its preprints.
ARCHIVES: dict[str, str] = {"arxiv": "arXiv"}
#: Entry types that, holding an eprint of an archive above, are preprints (CSL's ``article``).
PREPRINT_TYPES = frozenset({"misc", "online", "unpublished", "electronic", "www"})


#: CSL variables that hold rich text (CSL 1.0.2's rich-text markup): the rest are plain.
RICH_VARIABLES = frozenset({"title", "container-title", "collection-title", "note", "publisher"})
#: Of those, the ones whose case a style may change, so that BibTeX's case-protected spans matter.
CASED_VARIABLES = frozenset({"title", "container-title", "collection-title"})


def _name(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.family_text}
    item = {"family": to_text(name.family)}
    if name.given:
        item["given"] = name.given_text
    if name.particle:
        item["non-dropping-particle"] = to_text(name.particle)
    if name.suffix:
        item["suffix"] = to_text(name.suffix)
    return item


def item(work: Work) -> dict[str, Any]:
    """The CSL-JSON item for an entry; ``id`` is the citation key."""
    result: dict[str, Any] = {"id": work.key, "type": TYPES.get(work.entry_type, "document")}
    for role, names in (("author", work.authors), ("editor", work.editors)):
        if names:
            result[role] = [_name(name) for name in names]
    if work.date is not None:
        result["issued"] = work.date.csl()
    for variable, sources in VARIABLES.items():
        source = next((name for name in sources if work.text(name)), None)
        if variable == "DOI":
            value = work.doi  # the DOI proper, even where the field holds a doi.org link
        elif variable == "page":
            value = work.pages.csl() if work.pages is not None else None
        elif source is None:
            value = None
        elif variable in RICH_VARIABLES:
            value = work.markup(source, nocase=variable in CASED_VARIABLES)
        else:
            value = work.text(source)
        if value:
            result[variable] = value
    archive = ARCHIVES.get((work.text("archiveprefix") or work.text("eprinttype") or "").strip().lower())
    eprint = work.text("eprint")
    if archive and eprint and work.entry_type in PREPRINT_TYPES:
        result["type"] = "article"  # CSL 1.0.2's preprint
        result.setdefault("publisher", archive)
        result.setdefault("number", f"{archive}:{eprint}")
    return result
