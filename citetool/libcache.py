"""Caches of what a library's exact bytes determine: its index and the table ``show`` prints.

Reading a 16,000-entry library takes about a second, and turning its
authors, titles and venues from LaTeX into text about another.  Until the
file changes, the answers are the same, so two things are cached:

* the index (:class:`~citetool.library.Index`: keys, DOIs, problems), which is
  all that ``add`` and the problem report need;
* the rows of ``show``'s table.

Both are keyed on the SHA-256 of the file's exact bytes and on citetool's
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

from citetool import __version__

FORMAT = 1
KEEP = 8
THRESHOLD = 256 * 1024


def _folder(part: str) -> Path:
    configured = os.environ.get("CITETOOL_CACHE_DIR")
    if configured:
        return Path(configured) / part
    from platformdirs import user_cache_path

    return user_cache_path("citetool") / part


def digest(data: bytes) -> str:
    """The cache key of a library file's bytes."""
    return hashlib.sha256(data).hexdigest()


def load(key: str, part: str) -> Any:
    """The payload stored as ``part`` (``index`` or ``tables``) for the bytes hashing to ``key``, or None."""
    try:
        data = json.loads((_folder(part) / f"{key}.json").read_bytes())
        if data.get("format") != FORMAT or data.get("version") != __version__:
            return None
        return data["payload"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(key: str, part: str, payload: Any) -> None:
    """Remember ``payload`` as ``part`` for the bytes hashing to ``key``; failing to never fails the command."""
    from citetool import storage
    from citetool.errors import CitetoolError

    folder = _folder(part)
    data = json.dumps({"format": FORMAT, "version": __version__, "payload": payload}, ensure_ascii=False)
    with contextlib.suppress(OSError, CitetoolError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        storage.write_atomic(folder / f"{key}.json", data.encode("utf-8"), private=True)
        cached = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
        for old in cached[KEEP:]:
            old.unlink(missing_ok=True)
