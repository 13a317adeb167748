"""Entries written as BibTeX source, the way citetool appends them to a library.

One field per line, two-space indent, ``name = {value}``, a trailing comma
after the last field (harmless, and it makes hand edits diff cleanly).
"""

from __future__ import annotations

from collections.abc import Iterable

from citetool.bib.entry import Entry, Value


def entry_source(entry: Entry, indent: str = "  ") -> str:
    """The BibTeX text of ``entry``, ending without a newline."""
    lines = [f"@{entry.entry_type}{{{entry.key},"]
    for name, value in entry.fields.items():
        lines.append(f"{indent}{name} = {value.source()},")
    lines.append("}")
    return "\n".join(lines)


def entry_diff(before: Entry, after: Entry, old_label: str, new_label: str) -> str:
    """A unified diff of two versions of an entry, as ``update`` and ``upgrade`` show them."""
    import difflib

    old, new = entry_source(before).splitlines(keepends=True), entry_source(after).splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, old_label, new_label))


def string_source(name: str, value: Value) -> str:
    """An ``@string`` definition."""
    return f"@string{{{name} = {value.source()}}}"


def document_source(preambles: list[str], strings: dict[str, Value], entries: Iterable[Entry]) -> str:
    """A whole ``.bib`` file: preambles, then macros, then entries, blank lines between.

    ``entries`` may be a generator: each entry is then dropped once written,
    so a whole-library export never holds a converted copy of the library.
    """
    chunks = [*preambles, *(string_source(name, value) for name, value in strings.items())]
    chunks += [entry_source(entry) for entry in entries]
    return "\n\n".join(chunks) + "\n" if chunks else ""
