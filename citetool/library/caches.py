"""Caches of what a library's exact bytes determine: its index, ``show``'s table, whole exports.

Reading a 16,000-entry library takes about a second, and turning its
authors, titles and venues from LaTeX into text about another.  Until the
file changes, the answers are the same, so three things are cached:

* the index (:class:`~citetool.library.file.Index`: keys, spans, DOIs, problems),
  which is all that ``add``, the problem report and ``show KEY`` need;
* the rows of ``show``'s table;
* the output of ``export`` of the whole library in a format that depends on
  the library alone (bibtex, biblatex, ris, csl-json).

All are keyed on the SHA-256 of the file's exact bytes and on citetool's
version: any change at all (an edit by hand, by git, by another tool, or a
new citetool) gives a new key, so stale answers are never used.  They are
JSON (data only, never a format that can run code) in the user cache folder,
files 0600 in a 0700 folder; a missing, unreadable or malformed cache file is
simply a miss.  Only the few most recent libraries are kept, and only
libraries of :data:`THRESHOLD` bytes or more are cached: smaller ones are read
faster than a cache file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from citetool import __version__, jsondata
from citetool.errors import ConfigError

FORMAT = 3  # 2: the index's spans as flat lists; 3: PubMed IDs in the index
KEEP = 8
THRESHOLD = 256 * 1024


def _folder(part: str) -> Path:
    from citetool import config

    try:
        return config.cache_dir() / part
    except ConfigError:  # a broken config file is reported by the command itself; the cache just misses
        return Path(os.devnull) / part


def digest(data: bytes) -> str:
    """The cache key of a library file's bytes."""
    return hashlib.sha256(data).hexdigest()


#: The largest cache file read back (a 16,000-entry library's table is about 5 MiB; its export 10 MiB).
MAX_CACHE_BYTES = 256 * 2**20


def load(key: str, part: str) -> Any:
    """The payload stored as ``part`` (``index`` or ``tables``) for the bytes hashing to ``key``, or None."""
    from citetool.library import storage

    try:
        raw = storage.read_private(_folder(part) / f"{key}.json", MAX_CACHE_BYTES)
        if raw is None:
            return None
        data = jsondata.loads(raw)
        if data.get("format") != FORMAT or data.get("version") != __version__:
            return None
        return data["payload"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(key: str, part: str, payload: Any) -> None:
    """Remember ``payload`` as ``part`` for the bytes hashing to ``key``; failing to never fails the command."""
    data = json.dumps({"format": FORMAT, "version": __version__, "payload": payload}, ensure_ascii=False)
    # Not synced to disk: a JSON file cut short by a crash does not parse, which is a miss.
    _write(_folder(part) / f"{key}.json", data.encode("utf-8"), KEEP, durable=False)


def load_text(key: str, part: str) -> tuple[Any, str] | None:
    """A text stored with :func:`store_text` and its JSON header payload, or None."""
    from citetool.library import storage

    try:
        raw = storage.read_private(_folder(part) / f"{key}.txt", MAX_CACHE_BYTES)
        if raw is None:
            return None
        first, _newline, rest = raw.partition(b"\n")
        header = jsondata.loads(first)
        if header.get("format") != FORMAT or header.get("version") != __version__:
            return None
        return header["payload"], rest.decode("utf-8")
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def store_text(key: str, part: str, payload: Any, text: str, keep: int = 2) -> None:
    """Remember a big ``text`` (a whole export) as is, after a one-line JSON header; only ``keep`` per part."""
    header = json.dumps({"format": FORMAT, "version": __version__, "payload": payload}, ensure_ascii=False)
    # Two pieces, not one joined copy: the text can be a whole library's worth.
    _write(_folder(part) / f"{key}.txt", [header.encode("utf-8") + b"\n", text.encode("utf-8")], keep)


def first_time(name: str) -> bool:
    """Whether this is the first time citetool says ``name`` (a tip) to this user; remembered from now on."""
    from citetool.errors import CitetoolError
    from citetool.library import storage

    marker = _folder("said") / name
    if os.path.lexists(marker):
        return False
    with contextlib.suppress(OSError, CitetoolError):
        storage.private_folder(marker.parent)
        storage.write_atomic(marker, b"", private=True, durable=False, follow_links=False)
    return True


def _write(path: Path, data: bytes | list[bytes], keep: int, durable: bool = True) -> None:
    """Write a cache file and drop all but the ``keep`` newest of its folder; failures are ignored."""
    from citetool.errors import CitetoolError
    from citetool.library import storage

    with contextlib.suppress(OSError, CitetoolError):
        storage.private_folder(path.parent)
        storage.write_atomic(path, data, private=True, durable=durable, follow_links=False)
        cached = sorted(path.parent.glob(f"*{path.suffix}"), key=lambda item: item.stat().st_mtime, reverse=True)
        for old in cached[keep:]:
            old.unlink(missing_ok=True)


class Memo:
    """A rendering's memo (see :mod:`citetool.csl.bibliography`) for one library file, kept by slot.

    Unlike the caches above it is keyed on the library's path, not its
    bytes: it is meant to outlive an edit, and its user checks each entry
    against it.
    """

    def __init__(self, library: Path) -> None:
        self.library = str(library.resolve())

    def _key(self, slot: str) -> str:
        return digest(f"{self.library}\0{slot}".encode())

    def load(self, slot: str) -> Any:
        return load(self._key(slot), "memo")

    def store(self, slot: str, payload: Any) -> None:
        store(self._key(slot), "memo", payload)


class Imports:
    """What each record of a lasting source (a Zotero database) became in one library file.

    ``import`` keeps, for each record it imported from such a source, the
    key it got, the record's version and the fields it had then, so that
    importing again can tell a record changed in the source from an entry
    edited by hand.  Unlike the caches above, these outlive a new citetool
    version (their own ``IMPORTS_FORMAT`` says when they no longer read);
    losing them only makes the next import match records by key and
    identifier instead.
    """

    PART = "imports"
    KEEP = 64

    def __init__(self, library: Path, origins: str) -> None:
        self.key = digest(f"{library.resolve()}\0{origins}".encode())

    def load(self) -> dict[str, Any]:
        from citetool.library import storage

        try:
            raw = storage.read_private(_folder(self.PART) / f"{self.key}.json", MAX_CACHE_BYTES)
            data = jsondata.loads(raw) if raw is not None else None
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != IMPORTS_FORMAT:
            return {}
        records = data.get("records")
        return records if isinstance(records, dict) else {}

    def store(self, records: dict[str, Any]) -> None:
        data = json.dumps({"format": IMPORTS_FORMAT, "records": records}, ensure_ascii=False)
        _write(_folder(self.PART) / f"{self.key}.json", data.encode("utf-8"), self.KEEP)


IMPORTS_FORMAT = 1
