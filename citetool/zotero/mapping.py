"""Zotero's item-to-CSL mapping, as data: the tables its ``itemToCSLJSON`` reads.

Zotero keeps this mapping in the ``csl`` part of its global schema, and each
database holds the schema of the Zotero that last wrote it (in ``settings``);
the mapping has changed over the years (``preprint``, ``standard`` and
``dataset`` came later), so a database is read with its own mapping when it
has a readable one, and with the tables below (Zotero's schema version 28,
2023) otherwise.  A test checks these tables against a real database's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: CSL type -> the Zotero item types that are it.
TYPES: dict[str, list[str]] = {
    "article": ["preprint"], "article-journal": ["journalArticle"], "article-magazine": ["magazineArticle"],
    "article-newspaper": ["newspaperArticle"], "bill": ["bill"], "book": ["book"],
    "broadcast": ["podcast", "tvBroadcast", "radioBroadcast"], "chapter": ["bookSection"], "dataset": ["dataset"],
    "document": ["document", "attachment", "note"], "entry-dictionary": ["dictionaryEntry"],
    "entry-encyclopedia": ["encyclopediaArticle"], "graphic": ["artwork"], "hearing": ["hearing"],
    "interview": ["interview"], "legal_case": ["case"], "legislation": ["statute"], "manuscript": ["manuscript"],
    "map": ["map"], "motion_picture": ["film", "videoRecording"], "paper-conference": ["conferencePaper"],
    "patent": ["patent"], "personal_communication": ["letter", "email", "instantMessage"], "post": ["forumPost"],
    "post-weblog": ["blogPost"], "report": ["report"], "software": ["computerProgram"], "song": ["audioRecording"],
    "speech": ["presentation"], "standard": ["standard"], "thesis": ["thesis"], "webpage": ["webpage"],
}  # fmt: skip

#: CSL text variable -> the Zotero fields (base fields) read for it, first non-empty wins.
TEXT: dict[str, list[str]] = {
    "abstract": ["abstractNote"], "archive": ["archive"], "archive_location": ["archiveLocation"],
    "authority": ["authority"], "call-number": ["callNumber", "applicationNumber"], "chapter-number": ["session"],
    "collection-number": ["seriesNumber"], "collection-title": ["seriesTitle", "series"],
    "container-title": ["publicationTitle", "reporter", "code"], "dimensions": ["artworkSize", "runningTime"],
    "DOI": ["DOI"], "edition": ["edition"], "event-place": ["place"],
    "event-title": ["meetingName", "conferenceName"], "genre": ["type", "programmingLanguage"], "ISBN": ["ISBN"],
    "ISSN": ["ISSN"], "issue": ["issue", "priorityNumbers"], "journalAbbreviation": ["journalAbbreviation"],
    "language": ["language"], "license": ["rights"], "medium": ["medium", "system"], "note": ["extra"],
    "number": ["number"], "number-of-pages": ["numPages"], "number-of-volumes": ["numberOfVolumes"],
    "page": ["pages"], "publisher": ["publisher"], "publisher-place": ["place"],
    "references": ["history", "references"], "scale": ["scale"], "section": ["section", "committee"],
    "shortTitle": ["shortTitle"], "source": ["libraryCatalog"], "status": ["status"], "title": ["title"],
    "title-short": ["shortTitle"], "URL": ["url"], "version": ["versionNumber"], "volume": ["volume", "codeNumber"],
}  # fmt: skip

#: CSL date variable -> the Zotero date field.
DATES: dict[str, str] = {
    "accessed": "accessDate", "issued": "date", "submitted": "filingDate",
}  # fmt: skip

#: Zotero creator type -> CSL name variable (the type's primary creator type is "author").
NAMES: dict[str, str] = {
    "author": "author", "bookAuthor": "container-author", "castMember": "performer", "composer": "composer",
    "contributor": "contributor", "director": "director", "editor": "editor", "guest": "guest",
    "interviewer": "interviewer", "producer": "producer", "recipient": "recipient",
    "reviewedAuthor": "reviewed-author", "seriesEditor": "collection-editor", "scriptwriter": "script-writer",
    "translator": "translator",
}  # fmt: skip


@dataclass(frozen=True)
class Mapping:
    """One schema's mapping, turned around for reading items: item type -> CSL type, and the rest as is."""

    types: dict[str, str]
    text: dict[str, list[str]]
    dates: dict[str, str]
    names: dict[str, str]
    schema: str  # where it came from: "database" or "citetool"


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _from_tables(types: dict[str, list[str]], text: dict[str, list[str]], dates: dict[str, str],
                 names: dict[str, str], schema: str) -> Mapping:  # fmt: skip
    by_type: dict[str, str] = {}
    for csl_type, zotero_types in types.items():
        for zotero_type in zotero_types:
            by_type.setdefault(zotero_type, csl_type)
    return Mapping(by_type, text, dates, names, schema)


BUNDLED = _from_tables(TYPES, TEXT, DATES, NAMES, "citetool")


def mapping(csl: dict[str, Any] | None) -> Mapping:
    """The mapping of a database's global schema (``csl`` part), or the bundled one if it is absent or odd."""
    if not isinstance(csl, dict):
        return BUNDLED
    types, fields, names = csl.get("types"), csl.get("fields"), csl.get("names")
    if not (isinstance(types, dict) and isinstance(fields, dict) and isinstance(names, dict)):
        return BUNDLED
    text, dates = fields.get("text"), fields.get("date")
    if not (isinstance(text, dict) and isinstance(dates, dict)):
        return BUNDLED
    type_lists = {key: _strings(value) for key, value in types.items()}
    text_lists = {key: _strings(value) for key, value in text.items()}
    if any(value is None for value in (*type_lists.values(), *text_lists.values())) or not all(
            isinstance(value, str) for value in (*dates.values(), *names.values())):  # fmt: skip
        return BUNDLED
    return _from_tables({key: value or [] for key, value in type_lists.items()},
                        {key: value or [] for key, value in text_lists.items()}, dict(dates), dict(names),
                        "database")  # fmt: skip
