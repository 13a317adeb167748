"""Split BibTeX text into blocks that remember exactly where they stand.

This is the one module that imports bibtexparser.  Its splitter does the
tokenising; this module turns its blocks into citetool's model and records,
for every block, the character span it occupies in the text.  Those spans are
what let :mod:`citetool.library.file` change one entry by rewriting only that
entry's bytes, and leave every other byte of the user's file alone.

Malformed input becomes data (:class:`Problem`), never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal as KindLiteral

from citetool.bib.diagnose import diagnose
from citetool.bib.entry import Entry, Value, ValueSyntaxError

BlockKind = KindLiteral["entry", "string", "preamble", "comment", "failed"]


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


def field_problem(text: str, block: Block, field_line: int, key: str, name: str, error: ValueSyntaxError) -> Problem:
    """The problem of a field whose value is not a BibTeX expression (both readers report it so): at the
    entry's first line, saying what is wrong where (:mod:`citetool.bib.diagnose`)."""
    reason = diagnose(text, block.start, block.line) or f"field '{name}' (line {field_line}): {error}"
    return Problem(block.line, key, reason)


#: How every repeated-key problem starts (:func:`entry_block` writes them; :func:`is_repeat` reads them).
REPEAT = "duplicate key"


def is_repeat(problem: Problem) -> bool:
    """Whether ``problem`` is a key that repeats another entry's (exactly or but for case)."""
    return problem.message.startswith(REPEAT)


def entry_block(
    document: Document, block: Block, entry: Entry | None, key: str, repeated: list[str], seen_keys: dict[str, str]
) -> None:
    """Fill in an entry's block and report repeated fields and keys (shared with :mod:`citetool.bib.scanner`)."""
    block.kind, block.entry = ("entry", entry) if entry is not None else ("failed", None)
    if repeated:
        names = ", ".join(repeated)
        document.problems.append(Problem(block.line, key, f"repeated field {names}; BibTeX uses the first", False))
    other = seen_keys.get(key.lower())
    if other == key:
        said = f"{REPEAT}; rename or remove one of the entries (citetool rename {key} NEWKEY --line {block.line})"
        document.problems.append(Problem(block.line, key, said))
    elif other is not None:
        message = f"{REPEAT}: '{other}' differs only in case, and BibTeX compares keys without case; rename one"
        document.problems.append(Problem(block.line, key, message))
    seen_keys.setdefault(key.lower(), key)
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
