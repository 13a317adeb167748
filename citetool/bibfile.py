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


def field_problem(line: int, key: str, name: str, error: ValueSyntaxError) -> Problem:
    """The problem of a field whose value is not a BibTeX expression (both readers report it so)."""
    return Problem(line, key, f"field '{name}': {error}; a comma may be missing after the previous field")


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
            problems.append(field_problem(raw_field.start_line + 1, key, name, exc))
            return None
    return Entry(key=key, entry_type=str(raw_entry.entry_type).lower(), fields=fields, line=line)


def parse(text: str) -> Document:
    """Split ``text`` (already decoded, without a BOM) into a :class:`Document`.

    citetool's own scanner (:mod:`citetool.bibscan`) reads well-formed files;
    whatever it is not sure of, bibtexparser's splitter reads, and reports.
    """
    from citetool import bibscan

    document = bibscan.scan(text)
    return document if document is not None else split_with_bibtexparser(text)


def split_with_bibtexparser(text: str) -> Document:
    """:func:`parse` done by bibtexparser's splitter alone (the slow path, and the reference)."""
    from bibtexparser import model as bp
    from bibtexparser.splitter import Splitter

    # The splitter logs every failed block; citetool reports them as Problems instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

    document = Document(text=text)
    library = Splitter(text).split()
    cursor = 0
    line, line_cursor = 1, 0
    seen_keys: set[str] = set()
    for raw_block in library.blocks:
        raw = raw_block.raw or ""
        start = text.find(raw, cursor)
        if start < 0:  # never seen; keep spans honest rather than guess
            document.problems.append(Problem((raw_block.start_line or 0) + 1, None, "could not locate block"))
            continue
        end = start + len(raw)
        cursor = end
        # Counted here: bibtexparser does not count a line break that follows a backslash.
        line += text.count("\n", line_cursor, start)
        line_cursor = start
        block = Block("comment", start, end, line)
        # Repeated keys and macro names are found here, not by bibtexparser: it misses a repeated
        # key when one of the entries also repeats a field, and it compares macro names by case.
        if isinstance(raw_block, bp.DuplicateBlockKeyBlock) and raw_block.ignore_error_block is not None:
            raw_block = raw_block.ignore_error_block
        repeated: list[str] = []
        if isinstance(raw_block, bp.DuplicateFieldKeyBlock) and raw_block.ignore_error_block is not None:
            repeated = sorted(raw_block.duplicate_keys)
            raw_block = raw_block.ignore_error_block
        if isinstance(raw_block, bp.Entry):
            entry_block(document, block, _convert_entry(raw_block, line, document.problems), str(raw_block.key),
                         repeated, seen_keys)  # fmt: skip
        elif isinstance(raw_block, bp.ParsingFailedBlock):
            block.kind = "failed"
            match = _KEY_IN_RAW.match(raw.lstrip())
            document.problems.append(
                Problem(line, match.group(1) if match else None, _failure_message(raw_block.error))
            )
        elif isinstance(raw_block, bp.String):
            block.kind = "string"
            block.name = str(raw_block.key).lower()
            raw_value = str(raw_block.value)
            try:
                value = Value.parse(raw_value)
            except ValueSyntaxError as exc:
                document.problems.append(Problem(block.line, block.name, f"@string value: {exc}"))
                value = Value.braced(raw_value)
            add_string(document, block, value)
        elif isinstance(raw_block, bp.Preamble):
            block.kind = "preamble"
        document.blocks.append(block)
    return document


def entry_block(
    document: Document, block: Block, entry: Entry | None, key: str, repeated: list[str], seen_keys: set[str]
) -> None:
    """Fill in an entry's block and report repeated fields and keys (shared with :mod:`citetool.bibscan`)."""
    block.kind, block.entry = ("entry", entry) if entry is not None else ("failed", None)
    if repeated:
        names = ", ".join(repeated)
        document.problems.append(Problem(block.line, key, f"repeated field {names}; BibTeX uses the first", False))
    if key in seen_keys:
        document.problems.append(Problem(block.line, key, "duplicate key; rename one of the entries"))
    seen_keys.add(key)
    if entry is not None:
        document.entries.setdefault(key, entry)


def add_string(document: Document, block: Block, value: Value) -> None:
    """Record an ``@string`` block's macro; BibTeX names are case-insensitive, and the last one wins."""
    name = block.name or ""
    if name in document.strings:
        document.problems.append(Problem(block.line, name, f"@string '{name}' is defined again; BibTeX uses the last",
                                         False))  # fmt: skip
    block.value = value
    document.strings[name] = value
