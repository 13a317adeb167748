"""bibtexparser's splitter, turned into citetool's blocks: the one module that imports bibtexparser.

It is the slow path and the reference: :func:`citetool.bib.parse.parse` uses
it for whatever the fast scanner is not sure of, and a test requires both to
agree on every corpus file.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from citetool.bib.blocks import Block, Document, Problem, add_string, entry_block, field_problem
from citetool.bib.diagnose import diagnose
from citetool.bib.entry import Entry, Value, ValueSyntaxError

_KEY_IN_RAW = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s{}()]+)")


def _first_line(text: str) -> str:
    return str(text).strip().splitlines()[0] if str(text).strip() else "syntax error"


def _failure_message(error: object) -> str:
    """A short reason for a failed block, without bibtexparser's line noise (when :func:`diagnose` finds none)."""
    reason = str(getattr(error, "abort_reason", "") or error)
    if "Was still looking for field-value closing" in reason or "Unexpected block start" in reason:
        return "unbalanced braces or a missing comma; the entry does not end where it should"
    return _first_line(reason)


def _convert_entry(raw_entry: Any, text: str, block: Block, problems: list[Problem]) -> Entry | None:
    fields: dict[str, Value] = {}
    key = str(raw_entry.key)
    for raw_field in raw_entry.fields:
        name = str(raw_field.key).lower()
        if name in fields:
            continue  # BibTeX keeps the first of repeated fields
        try:
            fields[name] = Value.parse(str(raw_field.value))
        except ValueSyntaxError as exc:
            problems.append(field_problem(text, block, raw_field.start_line + 1, key, name, exc))
            return None
    return Entry(key=key, entry_type=str(raw_entry.entry_type).lower(), fields=fields, line=block.line)


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
    seen_keys: dict[str, str] = {}
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
            entry_block(document, block, _convert_entry(raw_block, text, block, document.problems), str(raw_block.key),
                         repeated, seen_keys)  # fmt: skip
        elif isinstance(raw_block, bp.ParsingFailedBlock):
            block.kind = "failed"
            match = _KEY_IN_RAW.match(raw.lstrip())
            reason = diagnose(text, start, line) or _failure_message(raw_block.error)
            document.problems.append(Problem(line, match.group(1) if match else None, reason))
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


