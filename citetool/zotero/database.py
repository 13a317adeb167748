"""Zotero's ``zotero.sqlite``, read-only, while Zotero runs: the one module that opens SQLite.

Zotero keeps its database locked while it is open (``locking_mode=EXCLUSIVE``),
so the file is opened as an immutable, read-only URI: SQLite then takes no
lock, writes nothing and leaves no journal or WAL file beside it.  What an
immutable reader misses is a transaction Zotero is writing at that moment, so
the file's size and modification time are compared before and after the read
and the read is repeated if they moved; a WAL file with content (committed
pages not yet in the main file) makes citetool read a private copy of both.

Item types, fields and creator types are named by the database's own tables
(``itemTypesCombined``, ``fieldsCombined``, ``creatorTypes``,
``baseFieldMappingsCombined``), never by a list of citetool's, so custom and
future fields read as what Zotero calls them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import stat
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citetool.errors import ImportFailed, UsageError

#: The database's file name inside a Zotero data folder.
DATABASE = "zotero.sqlite"
#: Better BibTeX's database, beside Zotero's.
BETTER_BIBTEX = "better-bibtex.sqlite"
#: The first bytes of every SQLite 3 database.
SQLITE_HEADER = b"SQLite format 3\x00"
#: ``userdata`` schema versions read: Zotero 5.0 (2017) through Zotero 8.
USERDATA_VERSIONS = range(80, 141)
#: The tables read; a database without one of them is no Zotero database citetool knows.
TABLES = ("version", "items", "itemTypesCombined", "fieldsCombined", "itemData", "itemDataValues", "creators",
          "itemCreators", "creatorTypes", "itemTypeCreatorTypes", "baseFieldMappingsCombined", "deletedItems",
          "itemAttachments", "itemNotes", "tags", "itemTags", "collections", "collectionItems", "libraries",
          "settings")  # fmt: skip
#: Item types that are parts of other items, never entries of their own.
CHILD_TYPES = frozenset({"attachment", "note", "annotation"})
#: ``itemAttachments.linkMode``: files Zotero stores in ``storage/KEY/``, and files linked where they are.
STORED_FILES = frozenset({0, 1})  # imported file, imported from a URL
LINKED_FILE = 2
_ATTEMPTS = 3


class NotZotero(ImportFailed):
    """The file is no Zotero database (a plain SQLite file, or one without Zotero's tables)."""


class UnknownSchema(UsageError):
    """A Zotero database of a schema version citetool does not know (exit 2, nothing imported)."""


@dataclass(frozen=True)
class Creator:
    """One creator as Zotero stores it: a two-field name, or one field (``single``: an organisation)."""

    first: str
    last: str
    single: bool
    role: str  # Zotero's creator type: author, editor, bookAuthor, seriesEditor, ...


@dataclass(frozen=True)
class Attachment:
    """A child attachment: where its file is, as Zotero records it."""

    key: str
    link_mode: int
    content_type: str
    path: str  # "storage:NAME" for stored files, a path (or "attachments:REL") for linked ones; "" for links


@dataclass
class Item:
    """A regular item: its fields by Zotero's names for its type, creators in order, tags, PDF children."""

    item_id: int
    key: str
    library: int
    item_type: str
    modified: str
    version: int
    fields: dict[str, str] = field(default_factory=dict)
    creators: list[Creator] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    collections: set[int] = field(default_factory=set)
    notes: int = 0


@dataclass
class Collection:
    name: str
    parent: int | None


@dataclass
class Database:
    """Everything read from one ``zotero.sqlite``."""

    path: Path
    userdata: int
    user_key: str  # Zotero's local user key: which installation's library this is
    items: list[Item]
    trashed: list[Item]
    #: (item type, base field) -> the type's own field (``publicationTitle`` is ``bookTitle`` in a section).
    base_fields: dict[tuple[str, str], str]
    primary_creators: dict[str, str]  # item type -> its primary creator type
    collections: dict[int, Collection]
    csl_schema: dict[str, Any] | None  # the "csl" part of Zotero's global schema, as the database keeps it
    notes: int = 0  # notes outside the trash, standalone or an item's

    @property
    def folder(self) -> Path:
        return self.path.parent


def is_database(path: Path) -> bool:
    """Whether ``path`` is a regular file that starts like an SQLite database (Zotero's tables are checked
    when it is opened).  Opened without blocking and checked on the descriptor: a FIFO never hangs this."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        return stat.S_ISREG(os.fstat(handle).st_mode) and os.read(handle, len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False
    finally:
        os.close(handle)


def locate(path: Path) -> Path:
    """The ``zotero.sqlite`` that ``path`` names: the file itself, or the one in a Zotero data folder; only a
    regular file (a FIFO would hang SQLite's open, a device is no database)."""
    if path.is_dir():
        path = path / DATABASE
        if not path.exists():
            raise NotZotero(f"{path.parent}: a folder without {DATABASE}; is it Zotero's data folder?")
    try:
        info = path.stat()
    except OSError as exc:
        raise NotZotero(f"{path}: cannot be read ({exc.strerror})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise NotZotero(f"{path}: is not a regular file (a device, FIFO or socket); nothing was imported")
    return path


def read(path: Path) -> Database:
    """Read the Zotero database at ``path`` (a file or a data folder) consistently, without writing anything."""
    path = locate(path).absolute()
    for _attempt in range(_ATTEMPTS):
        before = _stamp(path)
        with _opened(path) as connection:
            database = _read(connection, path)
        if _stamp(path) == before:
            return database
    raise ImportFailed(f"{path}: Zotero kept changing the database while it was read; try again in a moment")


def open_readonly(path: Path) -> contextlib.AbstractContextManager[sqlite3.Connection]:
    """A read-only, lock-free connection to another SQLite file of the data folder (Better BibTeX's)."""
    return _opened(path)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot be read ({exc.strerror})") from exc
    return info.st_size, info.st_mtime_ns


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[sqlite3.Connection]:
    wal = path.with_name(path.name + "-wal")
    with contextlib.ExitStack() as stack:
        target, immutable = path, True
        if wal.is_file() and wal.stat().st_size > 0:  # committed pages still in the WAL: read a copy of both
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="citetool-zotero-")))
            target, immutable = folder / path.name, False
            shutil.copyfile(path, target)
            shutil.copyfile(wal, folder / wal.name)
        uri = target.as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
        try:
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error as exc:
            raise NotZotero(f"{path}: cannot be opened as an SQLite database ({exc})") from exc
        stack.callback(connection.close)
        try:
            connection.execute("PRAGMA query_only = ON")
            yield connection
        except sqlite3.DatabaseError as exc:
            raise NotZotero(f"{path}: not a readable SQLite database ({exc})") from exc


def _check_schema(connection: sqlite3.Connection, path: Path) -> int:
    present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    if "version" not in present or "items" not in present:
        raise NotZotero(f"{path}: an SQLite database, but not Zotero's (no items or version table)")
    row = connection.execute("SELECT version FROM version WHERE schema = 'userdata'").fetchone()
    userdata = int(row[0]) if row is not None and str(row[0]).isdigit() else -1
    if userdata not in USERDATA_VERSIONS:
        known = f"{USERDATA_VERSIONS.start}-{USERDATA_VERSIONS.stop - 1}"
        raise UnknownSchema(f"{path}: Zotero database of userdata schema {userdata}, which citetool does not know "
                            f"(it reads {known}: Zotero 5 to 8); nothing was imported")  # fmt: skip
    missing = [table for table in TABLES if table not in present]
    if missing:
        raise UnknownSchema(f"{path}: Zotero database (userdata schema {userdata}) without the table "
                            f"{missing[0]}; citetool does not know this schema; nothing was imported")  # fmt: skip
    return userdata


def _read(connection: sqlite3.Connection, path: Path) -> Database:
    userdata = _check_schema(connection, path)
    types = dict(connection.execute("SELECT itemTypeID, typeName FROM itemTypesCombined"))
    fields = dict(connection.execute("SELECT fieldID, fieldName FROM fieldsCombined"))
    roles = dict(connection.execute("SELECT creatorTypeID, creatorType FROM creatorTypes"))
    base_fields = {(types[type_id], fields[base]): fields[own] for type_id, base, own in connection.execute(
        "SELECT itemTypeID, baseFieldID, fieldID FROM baseFieldMappingsCombined")
        if type_id in types and base in fields and own in fields}  # fmt: skip
    primary = {types[type_id]: roles[role] for type_id, role in connection.execute(
        "SELECT itemTypeID, creatorTypeID FROM itemTypeCreatorTypes WHERE primaryField = 1")
        if type_id in types and role in roles}  # fmt: skip
    feeds = {row[0] for row in connection.execute("SELECT libraryID FROM libraries WHERE type = 'feed'")}
    deleted = {row[0] for row in connection.execute("SELECT itemID FROM deletedItems")}
    items: dict[int, Item] = {}
    notes: set[int] = set()
    for item_id, type_id, library, key, modified, version in connection.execute(
            "SELECT itemID, itemTypeID, libraryID, key, dateModified, version FROM items"):  # fmt: skip
        item_type = types.get(type_id, "")
        if library in feeds or not item_type:
            continue
        if item_type == "note":
            notes.add(item_id)
            continue
        if item_type in CHILD_TYPES:
            continue
        items[item_id] = Item(item_id, str(key), int(library), item_type, str(modified or ""), int(version or 0))
    for item_id, field_id, value in connection.execute(
            "SELECT itemID, fieldID, value FROM itemData JOIN itemDataValues USING (valueID)"):  # fmt: skip
        item = items.get(item_id)
        if item is not None and field_id in fields and isinstance(value, str | int | float):
            item.fields[fields[field_id]] = str(value)  # Zotero stores text; a BLOB is no field value
    for item_id, first, last, mode, role in connection.execute(
            "SELECT itemID, firstName, lastName, fieldMode, creatorTypeID FROM itemCreators "
            "JOIN creators USING (creatorID) ORDER BY itemID, orderIndex"):  # fmt: skip
        item = items.get(item_id)
        if item is not None:
            item.creators.append(Creator(str(first or ""), str(last or ""), mode == 1, roles.get(role, "author")))
    for item_id, name in connection.execute(
            "SELECT itemID, name FROM itemTags JOIN tags USING (tagID) ORDER BY itemID, name"):  # fmt: skip
        item = items.get(item_id)
        if item is not None and name:
            item.tags.append(str(name))
    for collection_id, item_id in connection.execute("SELECT collectionID, itemID FROM collectionItems"):
        item = items.get(item_id)
        if item is not None:
            item.collections.add(int(collection_id))
    for attachment_id, parent, mode, content_type, where, key in connection.execute(
            "SELECT a.itemID, a.parentItemID, a.linkMode, a.contentType, a.path, i.key FROM itemAttachments a "
            "JOIN items i USING (itemID) ORDER BY a.itemID"):  # fmt: skip
        item = items.get(parent)
        if item is not None and attachment_id not in deleted:
            item.attachments.append(Attachment(str(key), int(mode if mode is not None else -1),
                                               str(content_type or ""), str(where or "")))  # fmt: skip
    for _item_id, parent in connection.execute("SELECT itemID, parentItemID FROM itemNotes"):
        item = items.get(parent) if parent is not None else None
        if item is not None:
            item.notes += 1
    collections = {int(collection_id): Collection(str(name), parent) for collection_id, name, parent in
                   connection.execute("SELECT collectionID, collectionName, parentCollectionID FROM collections")}
    live = [item for item_id, item in items.items() if item_id not in deleted]
    trashed = [item for item_id, item in items.items() if item_id in deleted]
    return Database(path, userdata, _setting(connection, "account", "localUserKey") or "", live, trashed,
                    base_fields, primary, collections, _csl_schema(connection), len(notes - deleted))  # fmt: skip


def _setting(connection: sqlite3.Connection, setting: str, key: str) -> str | None:
    row = connection.execute("SELECT value FROM settings WHERE setting = ? AND key = ?", (setting, key)).fetchone()
    return str(row[0]) if row is not None and isinstance(row[0], str) else None


#: The largest global schema read (Zotero's is about 60 KiB compressed, 600 KiB as JSON).
MAX_SCHEMA_BYTES = 16 * 2**20


def _csl_schema(connection: sqlite3.Connection) -> dict[str, Any] | None:
    """The ``csl`` part of the global schema Zotero keeps in its settings (zlib-compressed JSON), if readable."""
    row = connection.execute("SELECT value FROM settings WHERE setting = 'globalSchema' AND key = 'data'").fetchone()
    if row is None or not isinstance(row[0], bytes):
        return None
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(row[0], MAX_SCHEMA_BYTES)
        if inflater.unconsumed_tail:
            return None
        schema = json.loads(text)
    except (zlib.error, ValueError, RecursionError):
        return None
    csl = schema.get("csl") if isinstance(schema, dict) else None
    return csl if isinstance(csl, dict) else None


def storage_path(database: Database, attachment: Attachment) -> Path | None:
    """The file of a PDF attachment: ``storage/KEY/NAME`` for a stored file, the path of a linked one.

    A linked file relative to Zotero's "base directory" (``attachments:...``) is
    not resolvable from the database alone (the base is a preference): None.
    """
    if attachment.link_mode in STORED_FILES and attachment.path.startswith("storage:"):
        return database.folder / "storage" / attachment.key / attachment.path.removeprefix("storage:")
    if attachment.link_mode == LINKED_FILE and attachment.path and os.path.isabs(attachment.path):
        return Path(attachment.path)
    return None
