"""Entries as CSL-JSON items: the input of citeproc and of ``--format csl-json``, and what RIS is written from.

An entry's meaning in CSL is biblatex's data model as biber reads it
(:class:`~citetool.bib.work.Work`: macros resolved, ``crossref`` and
``xdata`` inherited), mapped by the tables below, the way citation-js and
Zotero map BibTeX:

* titles with their subtitles and addons (``Title: Subtitle``);
* the container by type: the journal of an article, the book of a chapter
  or paper, else a multi-volume work's ``maintitle``; ``howpublished`` is
  never a container (it is the publisher, or the URL when it is one);
* ``number`` by type: an article's issue, a report's or patent's number, a
  book's number in its series;
* the publisher by type: a report's ``institution``, a thesis's ``school``;
* ``langid`` and ``language`` as a language code, ``urldate`` as
  ``accessed``, ``origdate`` as ``original-date``, ``addendum`` after the note.

:data:`TYPES` and :data:`VARIABLES` are the policy; the readers of CSL-JSON and
RIS invert them (:mod:`citetool.readers.csljson`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from citetool.bib.dates import parse_iso
from citetool.bib.latex import to_text
from citetool.bib.names import Name
from citetool.bib.richtext import Rich, csl_markup
from citetool.bib.work import Work

#: BibTeX/biblatex entry type -> CSL item type.
TYPES: dict[str, str] = {
    "article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
    "incollection": "chapter", "inbook": "chapter", "bookinbook": "chapter", "suppbook": "chapter",
    "suppcollection": "chapter", "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "mvproceedings": "book", "reference": "book", "mvreference": "book",
    "inreference": "entry-encyclopedia", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "manual": "report", "standard": "standard",
    "online": "webpage", "www": "webpage", "electronic": "webpage", "dataset": "dataset",
    "software": "software", "unpublished": "manuscript", "patent": "patent", "booklet": "pamphlet",
    "periodical": "periodical", "suppperiodical": "article-journal", "misc": "document", "review": "review",
    "letter": "personal_communication", "movie": "motion_picture", "video": "motion_picture", "music": "song",
    "audio": "song", "artwork": "graphic", "image": "graphic", "legislation": "legislation",
    "jurisdiction": "legal_case", "legal": "legal_case", "performance": "performance",
}  # fmt: skip

#: biblatex's localisation keys in a ``type`` field, and BibTeX's thesis types: the genre they name.
GENRES: dict[str, str] = {
    "phdthesis": "PhD thesis", "mathesis": "Master's thesis", "mastersthesis": "Master's thesis",
    "bathesis": "Bachelor's thesis", "candthesis": "Candidate thesis", "techreport": "Technical report",
    "resreport": "Research report", "software": "Computer software", "datacd": "Data CD", "audiocd": "Audio CD",
}  # fmt: skip

#: Which entry types' ``number`` is which CSL variable (any other: ``number``).
ISSUE_NUMBER_TYPES = frozenset({"article", "periodical", "suppperiodical", "inproceedings", "conference"})
SERIES_NUMBER_TYPES = frozenset({
    "book", "mvbook", "inbook", "bookinbook", "suppbook", "collection", "mvcollection", "incollection",
    "suppcollection", "manual", "proceedings", "mvproceedings", "reference", "mvreference", "inreference",
})  # fmt: skip

#: The title group (:meth:`Work.titled`) that is the container, by entry type; the first one present.
CONTAINERS: dict[str, tuple[str, ...]] = {
    "article": ("journal",), "periodical": ("journal",), "suppperiodical": ("journal",),
    "inbook": ("book", "main"), "bookinbook": ("book", "main"), "suppbook": ("book", "main"),
    "incollection": ("book", "main"), "suppcollection": ("book", "main"), "inproceedings": ("book", "main"),
    "conference": ("book", "main"), "inreference": ("book", "main"),
}  # fmt: skip
#: For every other type: the container is the first of these present.
OTHER_CONTAINERS = ("journal", "book", "main")

#: Publisher fields by entry type, first present wins; ``howpublished`` comes last unless it is a URL.
PUBLISHERS: dict[str, tuple[str, ...]] = {
    "thesis": ("school", "institution", "publisher"), "report": ("institution", "publisher", "organization"),
}  # fmt: skip
OTHER_PUBLISHERS = ("publisher", "organization", "institution", "school")

#: CSL variable <- plain fields, first present wins (the rest are built in :func:`item`).
PLAIN_VARIABLES: dict[str, tuple[str, ...]] = {
    "volume": ("volume",),
    "publisher-place": ("location", "address"),
    "edition": ("edition",),
    "ISSN": ("issn",),
    "ISBN": ("isbn",),
    "abstract": ("abstract",),
    "keyword": ("keywords",),
    "version": ("version",),
    "number-of-pages": ("pagetotal",),
    "number-of-volumes": ("volumes",),
    "chapter-number": ("chapter",),
    "PMID": ("pmid",),
    "PMCID": ("pmcid",),
    "event-place": ("venue",),
    "original-publisher": ("origpublisher",),
    "original-publisher-place": ("origlocation",),
    "status": ("pubstate",),
}
#: CSL variable <- rich (LaTeX) fields; titles keep BibTeX's case protection as ``nocase`` spans.
RICH_VARIABLES: dict[str, tuple[str, ...]] = {
    "collection-title": ("series",),
    "title-short": ("shorttitle",),
    "container-title-short": ("shortjournal", "journalabbr"),
    "original-title": ("origtitle",),
}
#: CSL variables whose case a style may change: where BibTeX's case-protected spans matter.
CASED_VARIABLES = frozenset({"title", "container-title", "collection-title", "title-short", "container-title-short",
                             "original-title", "event-title", "volume-title"})  # fmt: skip
#: Name roles: CSL variable <- BibTeX field.
ROLES: dict[str, str] = {
    "author": "author", "editor": "editor", "translator": "translator", "container-author": "bookauthor",
}  # fmt: skip
#: Dates: CSL variable <- biblatex date field.
DATES: dict[str, str] = {"accessed": "urldate", "original-date": "origdate", "event-date": "eventdate"}

#: The order of an item's variables (others follow).
ORDER: tuple[str, ...] = (
    "id", "type", "author", "editor", "translator", "container-author", "issued", "title", "container-title",
    "collection-title", "volume", "issue", "page", "publisher", "publisher-place", "edition", "URL", "DOI", "ISSN",
    "ISBN", "abstract", "keyword", "language", "note", "genre", "number-of-pages", "version", "PMID", "PMCID",
)  # fmt: skip

#: An eprint archive (``archivePrefix``/``eprinttype``, lower case) -> the CSL ``publisher`` of its preprints.
ARCHIVES: dict[str, str] = {"arxiv": "arXiv"}

#: ``langid`` and ``language`` values (babel and polyglossia names, English names) -> language codes.
LANGUAGES: dict[str, str] = {
    "english": "en", "american": "en-US", "usenglish": "en-US", "british": "en-GB", "ukenglish": "en-GB",
    "canadian": "en-CA", "australian": "en-AU", "newzealand": "en-NZ", "german": "de", "ngerman": "de-DE",
    "austrian": "de-AT", "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH", "french": "fr",
    "francais": "fr", "spanish": "es", "catalan": "ca", "italian": "it", "portuguese": "pt", "brazil": "pt-BR",
    "brazilian": "pt-BR", "dutch": "nl", "swedish": "sv", "danish": "da", "norsk": "nb", "norwegian": "nb",
    "nynorsk": "nn", "finnish": "fi", "icelandic": "is", "polish": "pl", "czech": "cs", "slovak": "sk",
    "slovene": "sl", "slovenian": "sl", "croatian": "hr", "serbian": "sr", "bulgarian": "bg", "russian": "ru",
    "ukrainian": "uk", "greek": "el", "turkish": "tr", "magyar": "hu", "hungarian": "hu", "romanian": "ro",
    "latin": "la", "hebrew": "he", "arabic": "ar", "estonian": "et", "latvian": "lv", "lithuanian": "lt",
    "irish": "ga", "welsh": "cy", "basque": "eu", "galician": "gl", "afrikaans": "af", "indonesian": "id",
    "malay": "ms", "japanese": "ja", "chinese": "zh", "korean": "ko", "vietnamese": "vi", "thai": "th",
    "hindi": "hi", "persian": "fa", "farsi": "fa",
}  # fmt: skip

_URL = re.compile(r"^\s*(?:\\url\{\s*)?((?:https?|ftp)://[^\s{}]+)\s*\}?\s*$")


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


def _markup(nodes: Rich, variable: str) -> str:
    return csl_markup(nodes, nocase=variable in CASED_VARIABLES)


def language(work: Work) -> str:
    """The work's language as a code (``langid = {french}`` -> ``fr``); a code or another name is kept."""
    for name in ("langid", "language"):
        value = work.text(name).strip()
        if value:
            return LANGUAGES.get(value.lower(), value)
    return ""


def url_of(work: Work) -> str:
    """The work's URL: ``url``, else a ``howpublished`` that is one (``\\url{...}`` or a bare link)."""
    url = work.text("url")
    if url:
        return url
    found = _URL.match(work.latex.get("howpublished", ""))
    return found.group(1) if found else ""


def _publisher(work: Work) -> Rich:
    for name in PUBLISHERS.get(work.kind, OTHER_PUBLISHERS):
        if name in work.latex:
            return work.rich(name)
    if "howpublished" in work.latex and not _URL.match(work.latex["howpublished"]):
        return work.rich("howpublished")
    return ()


def _container(work: Work) -> Rich:
    for group in CONTAINERS.get(work.entry_type, OTHER_CONTAINERS):
        found = work.titled(group)
        if found:
            return found
    return ()


def _number_variable(work: Work) -> str:
    if work.entry_type in ISSUE_NUMBER_TYPES:
        return "issue"
    if work.entry_type in SERIES_NUMBER_TYPES:
        return "collection-number"
    return "number"


def _genre(work: Work) -> str:
    kind = work.text("type")
    if kind:
        return GENRES.get(kind.strip().lower(), kind)
    return GENRES.get(work.entry_type, "") if work.entry_type in ("mastersthesis", "phdthesis") else ""


def _note(work: Work) -> str:
    """``note``, then biblatex's ``addendum`` (printed at the end of an entry) after a full stop."""
    note, addendum = (_markup(work.rich(name), "note") for name in ("note", "addendum"))
    if note and addendum:
        return f"{note.rstrip('. ')}. {addendum}"
    return note or addendum


def _date(work: Work, name: str) -> dict[str, object] | None:
    text = work.text(name)
    if not text:
        return None
    parsed = parse_iso(text)
    return parsed.csl() if parsed is not None else {"literal": text}


#: Rich CSL variables built from more than one field.
BUILT: dict[str, Callable[[Work], Rich]] = {
    "title": lambda work: work.titled(""), "container-title": lambda work: _container(work),
    "publisher": lambda work: _publisher(work), "event-title": lambda work: work.titled("event"),
    "volume-title": lambda work: work.titled("issue"),
}  # fmt: skip
_POSITION = {variable: index for index, variable in enumerate(ORDER)}
#: Field -> (the variable it gives, its rank among that variable's sources, whether it is rich text).
_SOURCES: dict[str, tuple[str, int, bool]] = {
    name: (variable, rank, table is RICH_VARIABLES) for table in (PLAIN_VARIABLES, RICH_VARIABLES)
    for variable, sources in table.items() for rank, name in enumerate(sources)
}  # fmt: skip


def item(work: Work) -> dict[str, Any]:
    """The CSL-JSON item for an entry; ``id`` is the citation key."""
    present = work.latex  # fields are looked for here before they are read: most entries have few
    result: dict[str, Any] = {"id": work.key, "type": TYPES.get(work.entry_type, "document")}
    for variable, field_name in ROLES.items():
        if field_name in present:
            names = work.names(field_name)
            if names:
                result[variable] = [_name(name) for name in names]
    if work.date is not None:
        result["issued"] = work.date.csl()
    for variable, field_name in DATES.items():
        if field_name in present and (date := _date(work, field_name)) is not None:
            result[variable] = date
    for variable, read in BUILT.items():
        value = _markup(read(work), variable)
        if value:
            result[variable] = value
    chosen: dict[str, tuple[int, str, bool]] = {}  # variable -> (rank of its source, field, rich)
    for name in present:
        found = _SOURCES.get(name)
        if found is not None and (found[0] not in chosen or found[1] < chosen[found[0]][0]) and work.text(name):
            chosen[found[0]] = (found[1], name, found[2])
    for variable, (_rank, name, rich) in chosen.items():
        result[variable] = _markup(work.rich(name), variable) if rich else work.text(name)
    number = work.text("number") or (work.text("issue") if work.entry_type in ISSUE_NUMBER_TYPES else "")
    if number:
        result[_number_variable(work)] = number
    if work.entry_type == "article" and "eid" in present and work.text("eid") and "number" not in result:
        result["number"] = work.text("eid")
    extra = {
        "page": work.pages.csl() if "pages" in present and work.pages is not None else "", "DOI": work.doi or "",
        "URL": url_of(work) if "url" in present or "howpublished" in present else "", "language": language(work),
        "genre": _genre(work), "note": _note(work) if "note" in present or "addendum" in present else "",
    }  # fmt: skip
    result.update({variable: value for variable, value in extra.items() if value})
    if "eprint" in present or "doi" in present:
        archive = ARCHIVES.get((work.text("archiveprefix") or work.text("eprinttype") or "arxiv").strip().lower())
        if archive and work.is_preprint:
            result["type"] = "article"  # CSL 1.0.2's preprint
            result.setdefault("publisher", archive)
            result.setdefault("number", f"{archive}:{work.arxiv}")
    return dict(sorted(result.items(), key=lambda pair: _POSITION.get(pair[0], len(_POSITION))))
