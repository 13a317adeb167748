"""A cache of parsed libraries, so an unchanged file is not parsed again.

Keyed on the SHA-256 of the file's exact bytes: any change at all (an edit by
hand, by git, by another tool) gives a new key, so a stale parse is never
used.  Stored as JSON (data only, never a format that can run code) in the
user cache folder, files 0600 in a 0700 folder; a missing, unreadable or
malformed cache file is simply a miss.  Only the few most recent libraries
are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from citetool.bibfile import Block, Document, Problem
from citetool.model import Entry, Literal, MacroRef, Part, Value

FORMAT = 2
KEEP = 8


def _folder() -> Path:
    configured = os.environ.get("CITETOOL_CACHE_DIR")
    if configured:
        return Path(configured) / "libraries"
    from platformdirs import user_cache_path

    return user_cache_path("citetool") / "libraries"


def _value_out(value: Value) -> str | list[Any]:
    """A braced literal (nearly every value) as its text; anything else as a list of parts."""
    if len(value.parts) == 1 and isinstance(value.parts[0], Literal) and value.parts[0].delimiter == "{":
        return value.parts[0].text
    return [[part.text, part.delimiter] if isinstance(part, Literal) else part.name for part in value.parts]


def _value_in(data: str | list[Any]) -> Value:
    if isinstance(data, str):
        return Value((Literal(data, "{"),))
    parts: list[Part] = [Literal(item[0], item[1]) if isinstance(item, list) else MacroRef(item) for item in data]
    return Value(tuple(parts))


def _encode(document: Document) -> dict[str, Any]:
    blocks = []
    for block in document.blocks:
        entry = block.entry
        blocks.append({
            "k": block.kind, "s": block.start, "e": block.end, "l": block.line, "n": block.name,
            "v": _value_out(block.value) if block.value is not None else None,
            "entry": None if entry is None else [entry.key, entry.entry_type, entry.line,
                                                 [[name, _value_out(value)] for name, value in entry.fields.items()]],
        })  # fmt: skip
    problems = [[p.line, p.key, p.message, p.fatal] for p in document.problems]
    return {"format": FORMAT, "blocks": blocks, "problems": problems}


def _decode(data: dict[str, Any], text: str) -> Document:
    document = Document(text=text)
    for item in data["blocks"]:
        block = Block(item["k"], item["s"], item["e"], item["l"], name=item["n"])
        if item["v"] is not None:
            block.value = _value_in(item["v"])
            if block.name is not None:
                document.strings[block.name] = block.value
        if item["entry"] is not None:
            key, entry_type, line, fields = item["entry"]
            block.entry = Entry(key, entry_type, {name: _value_in(value) for name, value in fields}, line)
            document.entries.setdefault(key, block.entry)
        document.blocks.append(block)
    document.problems = [Problem(line, key, message, fatal) for line, key, message, fatal in data["problems"]]
    return document


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(key: str, text: str) -> Document | None:
    """The cached parse for the file whose bytes hash to ``key``, or None."""
    try:
        data = json.loads((_folder() / f"{key}.json").read_bytes())
        if data.get("format") != FORMAT:
            return None
        return _decode(data, text)
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def store(key: str, document: Document) -> None:
    """Remember ``document``; failing to do so never fails the command."""
    from citetool import storage
    from citetool.errors import CitetoolError

    folder = _folder()
    with contextlib.suppress(OSError, CitetoolError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = json.dumps(_encode(document), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        storage.write_atomic(folder / f"{key}.json", payload, private=True)
        cached = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
        for old in cached[KEEP:]:
            old.unlink(missing_ok=True)
