"""A cache of the table ``citetool show`` prints, so an unchanged library is not read again.

Reading a 16,000-entry library takes about a second, and turning its
authors, titles and venues from LaTeX into text about another; the table of
such a library is the same every time until the file changes.  So the rows
and the problems found are cached, keyed on the SHA-256 of the file's exact
bytes and on citetool's version: any change at all (an edit by hand, by git,
by another tool, or a new citetool) gives a new key, so a stale table is
never shown.

Stored as JSON (data only, never a format that can run code) in the user
cache folder, files 0600 in a 0700 folder; a missing, unreadable or malformed
cache file is simply a miss.  Only the few most recent libraries are kept,
and only libraries of :data:`THRESHOLD` bytes or more are cached: smaller
ones are read faster than a cache file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from citetool import __version__
from citetool.bibfile import Problem
from citetool.listing import Summary

FORMAT = 1
KEEP = 8
THRESHOLD = 256 * 1024


def _folder() -> Path:
    configured = os.environ.get("CITETOOL_CACHE_DIR")
    if configured:
        return Path(configured) / "tables"
    from platformdirs import user_cache_path

    return user_cache_path("citetool") / "tables"


def digest(data: bytes) -> str:
    """The cache key of a library file's bytes."""
    return hashlib.sha256(data).hexdigest()


def load(key: str) -> tuple[list[Problem], list[Summary]] | None:
    """The problems and rows cached for the library whose bytes hash to ``key``, or None."""
    try:
        data = json.loads((_folder() / f"{key}.json").read_bytes())
        if data.get("format") != FORMAT or data.get("version") != __version__:
            return None
        problems = [Problem(line, name, message, fatal) for line, name, message, fatal in data["problems"]]
        return problems, [Summary(*row) for row in data["rows"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store(key: str, problems: list[Problem], rows: list[Summary]) -> None:
    """Remember the table of the library whose bytes hash to ``key``; failing to never fails the command."""
    from citetool import storage
    from citetool.errors import CitetoolError

    folder = _folder()
    payload = {
        "format": FORMAT,
        "version": __version__,
        "problems": [[p.line, p.key, p.message, p.fatal] for p in problems],
        "rows": [[row.key, row.authors, row.year, row.title, row.venue] for row in rows],
    }
    with contextlib.suppress(OSError, CitetoolError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        storage.write_atomic(folder / f"{key}.json", json.dumps(payload, ensure_ascii=False).encode(), private=True)
        cached = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
        for old in cached[KEEP:]:
            old.unlink(missing_ok=True)
