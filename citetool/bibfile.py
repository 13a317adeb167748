"""Split BibTeX text into blocks that remember exactly where they stand.

This is the one module that imports bibtexparser.  Its splitter does the
tokenising; this module turns its blocks into citetool's model and records,
for every block, the character span it occupies in the text.  Those spans are
what let :mod:`citetool.library` change one entry by rewriting only that
entry's bytes, and leave every other byte of the user's file alone.

Malformed input becomes data (:class:`Problem`), never an exception.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from typing import Literal as KindLiteral

from citetool.model import Entry, Value, ValueSyntaxError

BlockKind = KindLiteral["entry", "string", "preamble", "comment", "failed"]

_KEY_IN_RAW = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()]+)")


@dataclass
class Block:
    """A top-level piece of a ``.bib`` file and its span ``[start, end)`` in the text."""

    kind: BlockKind
    start: int
    end: int
    line: int
    entry: Entry | None = None
    name: str | None = None  # the macro name of an @string
    value: Value | None = None  # the value of an @string


@dataclass
class Problem:
    """Something wrong in the file.  ``fatal`` problems forbid writing the file."""

    line: int
    key: str | None
    message: str
    fatal: bool = True

    def describe(self, path: object) -> str:
        """``file:line: entry 'key': message``, the form every report uses."""
        where = f"entry '{self.key}': " if self.key else ""
        return " ".join(f"{path}:{self.line}: {where}{self.message}".split())  # always one line


@dataclass
class Document:
    """Parsed BibTeX text: blocks in file order, entries and macros by name."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    entries: dict[str, Entry] = field(default_factory=dict)
    strings: dict[str, Value] = field(default_factory=dict)


def _first_line(text: str) -> str:
    return str(text).strip().splitlines()[0] if str(text).strip() else "syntax error"


def _failure_message(error: object) -> str:
    """A short reason for a failed block, without bibtexparser's line noise."""
    message = _first_line(str(error))
    if "Was still looking for field-value closing" in str(error) or "Unexpected block start" in message:
        return "unbalanced braces or a missing comma; the entry does not end where it should"
    return message


def _convert_entry(raw_entry: Any, line: int, problems: list[Problem]) -> Entry | None:
    fields: dict[str, Value] = {}
    key = str(raw_entry.key)
    for raw_field in raw_entry.fields:
        name = str(raw_field.key).lower()
        if name in fields:
            continue  # BibTeX keeps the first of repeated fields
        try:
            fields[name] = Value.parse(str(raw_field.value))
        except ValueSyntaxError as exc:
            problems.append(
                Problem(
                    raw_field.start_line + 1,
                    key,
                    f"field '{name}': {exc}; a comma may be missing after the previous field",
                )
            )
            return None
    return Entry(key=key, entry_type=str(raw_entry.entry_type).lower(), fields=fields, line=line)


def parse(text: str) -> Document:
    """Split ``text`` (already decoded, without a BOM) into a :class:`Document`."""
    from bibtexparser import model as bp
    from bibtexparser.splitter import Splitter

    # The splitter logs every failed block; citetool reports them as Problems instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

    document = Document(text=text)
    library = Splitter(text).split()
    cursor = 0
    for raw_block in library.blocks:
        raw = raw_block.raw or ""
        start = text.find(raw, cursor)
        if start < 0:  # never seen; keep spans honest rather than guess
            document.problems.append(Problem((raw_block.start_line or 0) + 1, None, "could not locate block"))
            continue
        end = start + len(raw)
        cursor = end
        line = (raw_block.start_line or 0) + 1
        block = Block("comment", start, end, line)
        if isinstance(raw_block, bp.DuplicateFieldKeyBlock):
            inner = raw_block.ignore_error_block
            entry = _convert_entry(inner, line, document.problems)
            names = ", ".join(sorted(raw_block.duplicate_keys))
            document.problems.append(
                Problem(line, str(getattr(inner, "key", "")), f"repeated field {names}; BibTeX uses the first", False)
            )
            block.kind, block.entry = ("entry", entry) if entry else ("failed", None)
        elif isinstance(raw_block, bp.DuplicateBlockKeyBlock):
            inner = raw_block.ignore_error_block
            block.kind = "entry" if isinstance(inner, bp.Entry) else "string"
            if isinstance(inner, bp.Entry):
                block.entry = _convert_entry(inner, line, document.problems)
                document.problems.append(Problem(line, inner.key, "duplicate key; rename one of the entries"))
            else:
                block.name = str(getattr(inner, "key", "")).lower()
                document.problems.append(
                    Problem(line, block.name, f"@string '{block.name}' is defined again; BibTeX uses the last", False)
                )
                _add_string(document, block, inner)
        elif isinstance(raw_block, bp.ParsingFailedBlock):
            block.kind = "failed"
            match = _KEY_IN_RAW.match(raw.lstrip())
            document.problems.append(
                Problem(line, match.group(1) if match else None, _failure_message(raw_block.error))
            )
        elif isinstance(raw_block, bp.Entry):
            block.kind = "entry"
            block.entry = _convert_entry(raw_block, line, document.problems)
            if block.entry is None:
                block.kind = "failed"
        elif isinstance(raw_block, bp.String):
            block.kind = "string"
            block.name = raw_block.key.lower()
            _add_string(document, block, raw_block)
        elif isinstance(raw_block, bp.Preamble):
            block.kind = "preamble"
        document.blocks.append(block)
        if block.entry is not None and block.entry.key not in document.entries:
            document.entries[block.entry.key] = block.entry
    return document


def _add_string(document: Document, block: Block, raw_string: Any) -> None:
    raw_value = str(raw_string.value)
    try:
        block.value = Value.parse(raw_value)
    except ValueSyntaxError as exc:
        document.problems.append(Problem(block.line, block.name, f"@string value: {exc}"))
        block.value = Value.braced(raw_value)
    if block.name is not None:
        document.strings[block.name] = block.value
