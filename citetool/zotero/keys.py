"""The citation keys a Zotero library already has: Zotero 8's field, ``Extra``, Better BibTeX.

In order: Zotero 8's own ``citationKey`` field; a ``Citation Key:`` line in
``Extra`` (Better BibTeX's way of pinning one before Zotero 8); Better
BibTeX's key store in ``better-bibtex.sqlite`` beside the database, either
its ``citationkey`` table (Better BibTeX 6 on) or the older LokiJS store that
keeps one JSON document per collection (``better-bibtex.citekey``).  Keys the
user pinned (the field, ``Extra``, a pinned Better BibTeX key) are kept
exactly; Better BibTeX's generated keys are kept when free.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from citetool.errors import CitetoolError
from citetool.zotero.database import BETTER_BIBTEX, Database, Item, open_readonly

#: The largest LokiJS document read (a 100,000-item library's keys are about 20 MiB).
MAX_STORE_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Key:
    """A key for an item, where it came from, and whether the user pinned it."""

    key: str
    source: str  # "Zotero", "Extra", "Better BibTeX"
    pinned: bool


@dataclass
class BetterBibTeX:
    """Better BibTeX's keys by (library ID, item key); ``problem`` says why its store could not be read."""

    keys: dict[tuple[int, str], Key]
    found: bool
    problem: str | None = None


def better_bibtex(database: Database) -> BetterBibTeX:
    """Better BibTeX's keys for the database's items, read from ``better-bibtex.sqlite`` beside it."""
    path = database.folder / BETTER_BIBTEX
    if not path.is_file():
        return BetterBibTeX({}, found=False)
    try:
        with open_readonly(path) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "citationkey" in tables:
                return BetterBibTeX(_table(connection), found=True)
            if "better-bibtex" in tables:
                return BetterBibTeX(_loki(connection, path), found=True)
    except (sqlite3.Error, ValueError, TypeError, KeyError, RecursionError) as exc:
        return BetterBibTeX({}, found=True, problem=f"{path}: cannot be read ({exc}); its keys were not used")
    except CitetoolError as exc:  # not an SQLite file: said, and the rest is imported
        return BetterBibTeX({}, found=True, problem=f"{exc}; its keys were not used")
    return BetterBibTeX({}, found=True, problem=f"{path}: holds no key store citetool knows; its keys were not used")


def _table(connection: sqlite3.Connection) -> dict[tuple[int, str], Key]:
    keys: dict[tuple[int, str], Key] = {}
    for library, item_key, key, pinned in connection.execute(
            "SELECT libraryID, itemKey, citationKey, pinned FROM citationkey"):  # fmt: skip
        if isinstance(key, str) and key and isinstance(item_key, str):
            keys[(int(library or 1), item_key)] = Key(key, "Better BibTeX", bool(pinned))
    return keys


def _loki(connection: sqlite3.Connection, path: Path) -> dict[tuple[int, str], Key]:
    row = connection.execute("SELECT data FROM \"better-bibtex\" WHERE name = 'better-bibtex.citekey'").fetchone()
    if row is None:
        raise ValueError("no better-bibtex.citekey document")
    text = row[0]
    if not isinstance(text, str) or len(text) > MAX_STORE_BYTES:
        raise ValueError("the key document is not JSON text of a sensible size")
    document = json.loads(text)
    keys: dict[tuple[int, str], Key] = {}
    for record in document["data"]:
        key, item_key = record.get("citekey"), record.get("itemKey")
        if isinstance(key, str) and key and isinstance(item_key, str):
            keys[(int(record.get("libraryID") or 1), item_key)] = Key(key, "Better BibTeX", bool(record.get("pinned")))
    return keys


def for_item(item: Item, extra_key: str | None, store: BetterBibTeX) -> Key | None:
    """The key ``item`` already has, if any."""
    own = item.fields.get("citationKey", "").strip()
    if own:
        return Key(own, "Zotero", pinned=True)
    if extra_key:
        return Key(extra_key, "Extra", pinned=True)
    return store.keys.get((item.library, item.key))
