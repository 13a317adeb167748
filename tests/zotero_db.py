"""Small Zotero databases built by the tests (and the benchmark), with the tables and columns of Zotero's own.

The tables are those of the real databases in ``../shared/fixtures/zotero``
(userdata schemas 107-121), reduced to the columns citetool reads and the
constraints that matter.  Item types, fields and creator types get IDs of
the builder's own, deliberately not Zotero's, so a reader that assumed
Zotero's numbering (instead of reading ``itemTypesCombined``,
``fieldsCombined`` and ``creatorTypes``) would fail.  The global schema's CSL
mapping is left out unless asked for, so the reader's own copy is used.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE version (schema TEXT PRIMARY KEY, version INT NOT NULL);
CREATE TABLE settings (setting TEXT, key TEXT, value, PRIMARY KEY (setting, key));
CREATE TABLE libraries (libraryID INTEGER PRIMARY KEY, type TEXT NOT NULL, editable INT NOT NULL,
    filesEditable INT NOT NULL, version INT NOT NULL DEFAULT 0, storageVersion INT NOT NULL DEFAULT 0,
    lastSync INT NOT NULL DEFAULT 0, archived INT NOT NULL DEFAULT 0);
CREATE TABLE itemTypes (itemTypeID INTEGER PRIMARY KEY, typeName TEXT, templateItemTypeID INT, display INT DEFAULT 1);
CREATE TABLE itemTypesCombined (itemTypeID INT NOT NULL, typeName TEXT NOT NULL, display INT DEFAULT 1 NOT NULL,
    custom INT NOT NULL, PRIMARY KEY (itemTypeID));
CREATE TABLE fields (fieldID INTEGER PRIMARY KEY, fieldName TEXT, fieldFormatID INT);
CREATE TABLE fieldsCombined (fieldID INT NOT NULL, fieldName TEXT NOT NULL, label TEXT, fieldFormatID INT,
    custom INT NOT NULL, PRIMARY KEY (fieldID));
CREATE TABLE baseFieldMappingsCombined (itemTypeID INT, baseFieldID INT, fieldID INT,
    PRIMARY KEY (itemTypeID, baseFieldID, fieldID));
CREATE TABLE creatorTypes (creatorTypeID INTEGER PRIMARY KEY, creatorType TEXT);
CREATE TABLE itemTypeCreatorTypes (itemTypeID INT, creatorTypeID INT, primaryField INT,
    PRIMARY KEY (itemTypeID, creatorTypeID));
CREATE TABLE items (itemID INTEGER PRIMARY KEY, itemTypeID INT NOT NULL,
    dateAdded TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, dateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, libraryID INT NOT NULL, key TEXT NOT NULL,
    version INT NOT NULL DEFAULT 0, synced INT NOT NULL DEFAULT 0, UNIQUE (libraryID, key));
CREATE TABLE itemDataValues (valueID INTEGER PRIMARY KEY, value UNIQUE);
CREATE TABLE itemData (itemID INT, fieldID INT, valueID, PRIMARY KEY (itemID, fieldID));
CREATE TABLE creators (creatorID INTEGER PRIMARY KEY, firstName TEXT, lastName TEXT, fieldMode INT,
    UNIQUE (lastName, firstName, fieldMode));
CREATE TABLE itemCreators (itemID INT NOT NULL, creatorID INT NOT NULL, creatorTypeID INT NOT NULL DEFAULT 1,
    orderIndex INT NOT NULL DEFAULT 0, PRIMARY KEY (itemID, creatorID, creatorTypeID, orderIndex),
    UNIQUE (itemID, orderIndex));
CREATE TABLE tags (tagID INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE itemTags (itemID INT NOT NULL, tagID INT NOT NULL, type INT NOT NULL, PRIMARY KEY (itemID, tagID));
CREATE TABLE collections (collectionID INTEGER PRIMARY KEY, collectionName TEXT NOT NULL,
    parentCollectionID INT DEFAULT NULL, clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL, key TEXT NOT NULL, version INT NOT NULL DEFAULT 0, synced INT NOT NULL DEFAULT 0,
    UNIQUE (libraryID, key));
CREATE TABLE collectionItems (collectionID INT NOT NULL, itemID INT NOT NULL, orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (collectionID, itemID));
CREATE TABLE itemAttachments (itemID INTEGER PRIMARY KEY, parentItemID INT, linkMode INT, contentType TEXT,
    charsetID INT, path TEXT, syncState INT DEFAULT 0, storageModTime INT, storageHash TEXT);
CREATE TABLE itemNotes (itemID INTEGER PRIMARY KEY, parentItemID INT, note TEXT, title TEXT);
CREATE TABLE deletedItems (itemID INTEGER PRIMARY KEY, dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL);
"""

#: Item types and their primary creator type (the builder numbers them from 200 up, in this order).
TYPES: dict[str, str] = {
    "note": "author", "attachment": "author", "annotation": "author", "journalArticle": "author", "book": "author",
    "bookSection": "author", "conferencePaper": "author", "thesis": "author", "report": "author",
    "preprint": "author", "webpage": "author", "computerProgram": "programmer", "dataset": "author",
    "patent": "inventor", "magazineArticle": "author",
}  # fmt: skip
#: Base field -> {item type: its own field}, as Zotero's schema maps them.
BASE_FIELDS: dict[str, dict[str, str]] = {
    "publicationTitle": {"bookSection": "bookTitle", "conferencePaper": "proceedingsTitle",
                         "webpage": "websiteTitle"},
    "publisher": {"thesis": "university", "report": "institution", "preprint": "repository",
                  "computerProgram": "company", "dataset": "repository"},
    "type": {"thesis": "thesisType", "report": "reportType", "webpage": "websiteType"},
    "number": {"report": "reportNumber", "preprint": "archiveID", "patent": "patentNumber", "dataset": "identifier"},
    "date": {"patent": "issueDate"},
}  # fmt: skip
FIELDS = sorted({
    "title", "abstractNote", "date", "url", "accessDate", "extra", "DOI", "ISBN", "ISSN", "volume", "issue", "pages",
    "publicationTitle", "publisher", "place", "type", "number", "language", "shortTitle", "journalAbbreviation",
    "series", "seriesNumber", "edition", "numPages", "citationKey", "versionNumber", "programmingLanguage",
    "filingDate", "seriesTitle", "libraryCatalog", "rights", "archive", "archiveLocation", "callNumber",
    *(own for mapping in BASE_FIELDS.values() for own in mapping.values()),
}, reverse=True)  # fmt: skip
CREATOR_TYPES = ["translator", "seriesEditor", "bookAuthor", "editor", "contributor", "inventor", "programmer",
                 "author"]  # fmt: skip


class ZoteroBuilder:
    """A Zotero database written row by row: ``item``, ``attachment``, ``note``, ``trash``, ``collection``."""

    def __init__(self, path: Path, userdata: int = 121, user_key: str = "TESTUSER", csl: dict[str, Any] | None = None,
                 tables: str = SCHEMA) -> None:  # fmt: skip
        self.path = path
        self.connection = sqlite3.connect(path)
        self.connection.executescript(tables)
        run = self.connection.execute
        run("INSERT INTO version VALUES ('userdata', ?), ('system', 32)", (userdata,))
        run("INSERT INTO settings VALUES ('account', 'localUserKey', ?)", (user_key,))
        if csl is not None:
            blob = zlib.compress(json.dumps({"version": 99, "csl": csl}).encode())
            run("INSERT INTO settings VALUES ('globalSchema', 'data', ?)", (blob,))
        run("INSERT INTO libraries (libraryID, type, editable, filesEditable) VALUES (1, 'user', 1, 1)")
        self.types = {name: 200 + index for index, name in enumerate(TYPES)}
        self.fields = {name: 500 + index for index, name in enumerate(FIELDS)}
        self.roles = {name: 30 + index for index, name in enumerate(CREATOR_TYPES)}
        for name, type_id in self.types.items():
            run("INSERT INTO itemTypesCombined VALUES (?, ?, 1, 0)", (type_id, name))
            primary = self.roles[TYPES[name]]
            for role_id in self.roles.values():
                run("INSERT INTO itemTypeCreatorTypes VALUES (?, ?, ?)", (type_id, role_id, int(role_id == primary)))
        for name, field_id in self.fields.items():
            run("INSERT INTO fieldsCombined VALUES (?, ?, ?, NULL, 0)", (field_id, name, name))
        for base, owns in BASE_FIELDS.items():
            for item_type, own in owns.items():
                run("INSERT INTO baseFieldMappingsCombined VALUES (?, ?, ?)",
                    (self.types[item_type], self.fields[base], self.fields[own]))  # fmt: skip
        for name, role_id in self.roles.items():
            run("INSERT INTO creatorTypes VALUES (?, ?)", (role_id, name))
        self.next_key = 0

    def _key(self) -> str:
        self.next_key += 1
        return f"K{self.next_key:07d}"

    def _value(self, value: str) -> int:
        run = self.connection.execute
        row = run("SELECT valueID FROM itemDataValues WHERE value = ?", (value,)).fetchone()
        if row is not None:
            return int(row[0])
        return int(run("INSERT INTO itemDataValues (value) VALUES (?)", (value,)).lastrowid or 0)

    def item(self, item_type: str, fields: dict[str, str] | None = None,
             creators: list[tuple[str, str, str]] | None = None, tags: list[str] | None = None,
             collections: list[int] | None = None, key: str | None = None, version: int = 1,
             modified: str = "2024-03-01 10:00:00", library: int = 1) -> int:  # fmt: skip
        """A regular item; ``creators`` as (first, last, creator type), a first name of None for one field."""
        run = self.connection.execute
        item_id = int(run("INSERT INTO items (itemTypeID, libraryID, key, version, dateModified) VALUES "
                          "(?, ?, ?, ?, ?)", (self.types[item_type], library, key or self._key(), version,
                                              modified)).lastrowid or 0)  # fmt: skip
        for name, value in (fields or {}).items():
            run("INSERT INTO itemData VALUES (?, ?, ?)", (item_id, self.fields[name], self._value(value)))
        for index, (first, last, role) in enumerate(creators or []):
            single = int(first is None)
            run("INSERT OR IGNORE INTO creators (firstName, lastName, fieldMode) VALUES (?, ?, ?)",
                (first or "", last, single))  # fmt: skip
            creator = run("SELECT creatorID FROM creators WHERE firstName = ? AND lastName = ? AND fieldMode = ?",
                          (first or "", last, single)).fetchone()[0]  # fmt: skip
            run("INSERT INTO itemCreators VALUES (?, ?, ?, ?)", (item_id, creator, self.roles[role], index))
        for tag in tags or []:
            run("INSERT OR IGNORE INTO tags (name) VALUES (?)", (tag,))
            tag_id = run("SELECT tagID FROM tags WHERE name = ?", (tag,)).fetchone()[0]
            run("INSERT INTO itemTags VALUES (?, ?, 0)", (item_id, tag_id))
        for collection in collections or []:
            run("INSERT INTO collectionItems VALUES (?, ?, 0)", (collection, item_id))
        return item_id

    def set_field(self, item_id: int, name: str, value: str, version: int, modified: str) -> None:
        """Change one field as Zotero does: the value, the item's version and modification time."""
        run = self.connection.execute
        run("INSERT OR REPLACE INTO itemData VALUES (?, ?, ?)", (item_id, self.fields[name], self._value(value)))
        run("UPDATE items SET version = ?, dateModified = ? WHERE itemID = ?", (version, modified, item_id))

    def attachment(self, parent: int, name: str, content_type: str = "application/pdf", link_mode: int = 1,
                   path: str | None = None, key: str | None = None) -> str:  # fmt: skip
        key = key or self._key()
        item_id = self.item("attachment", key=key)
        self.connection.execute(
            "INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) VALUES (?, ?, ?, ?, ?)",
            (item_id, parent, link_mode, content_type, path if path is not None else f"storage:{name}"))
        return key

    def note(self, parent: int | None = None, text: str = "<p>A note</p>") -> int:
        item_id = self.item("note")
        self.connection.execute("INSERT INTO itemNotes VALUES (?, ?, ?, '')", (item_id, parent, text))
        return item_id

    def trash(self, item_id: int) -> None:
        self.connection.execute("INSERT INTO deletedItems (itemID) VALUES (?)", (item_id,))

    def collection(self, name: str, parent: int | None = None) -> int:
        return int(self.connection.execute(
            "INSERT INTO collections (collectionName, parentCollectionID, libraryID, key) VALUES (?, ?, 1, ?)",
            (name, parent, self._key())).lastrowid or 0)  # fmt: skip

    def close(self) -> Path:
        self.connection.commit()
        self.connection.close()
        return self.path


def better_bibtex(folder: Path, keys: list[tuple[str, str, bool]]) -> Path:
    """A ``better-bibtex.sqlite`` of Better BibTeX 6 and later: its ``citationkey`` table, (item key, key,
    pinned) rows of library 1."""
    path = folder / "better-bibtex.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE citationkey (itemID NOT NULL PRIMARY KEY, itemKey NOT NULL, libraryID NOT NULL, "
                       "citationKey NOT NULL CHECK (citationKey <> ''), pinned CHECK (pinned in (0, 1)), "
                       "lastPinned)")  # fmt: skip
    for index, (item_key, key, pinned) in enumerate(keys, start=1):
        connection.execute("INSERT INTO citationkey VALUES (?, ?, 1, ?, ?, NULL)", (index, item_key, key, int(pinned)))
    connection.commit()
    connection.close()
    return path
