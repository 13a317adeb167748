"""Where a document cites, read from the text an editor holds: LaTeX's citation commands and pandoc's ``@key``.

LaTeX: every natbib and biblatex command whose name holds ``cite``
(``\\cite``, ``\\citep``, ``\\textcite``, ``\\parencite*``, ``\\cites``...) and
``\\nocite``, with optional ``[pre][post]`` notes and ``(...)`` arguments, and
each ``{a,b}`` key list.  Markdown, Quarto and R Markdown: ``@key``, alone
or in ``[@a; @b, p. 3]``, but not in an e-mail address.  A line is the unit:
an editor asks about the line the cursor is on.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from citetool.tex import source

MARKDOWN_SUFFIXES = (".md", ".qmd", ".rmd", ".markdown")
_LATEX_OPEN = re.compile(
    r"\\(?:[A-Za-z]*cite[A-Za-z]*|nocite)\*?(?:\s*(?:\[[^\]\n]*\]|\([^)\n]*\)|\{[^{}\n]*\}))*\s*\{([^{}\n]*)$"
)
_MARKDOWN_KEY = re.compile(r"(?<![\w@.])@\{?([A-Za-z0-9_][\w:.#$%&+?<>~/-]*)")
_MARKDOWN_OPEN = re.compile(r"(?<![\w@.])@\{?([\w:.#$%&+?<>~/-]*)$")


@dataclass(frozen=True)
class Cited:
    """One cited key and where it stands: line and columns (UTF-16 is the editor's problem; Python's here)."""

    key: str
    line: int
    start: int
    end: int


def is_markdown(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def typing_key(line_text: str, column: int, markdown: bool) -> tuple[str, int] | None:
    """Inside a citation at ``column``: what is typed of the key so far, and the column it starts at."""
    before = line_text[:column]
    if markdown:
        match = _MARKDOWN_OPEN.search(before)
        return (match.group(1), match.start(1)) if match else None
    match = _LATEX_OPEN.search(_strip_comment(before))
    if match is None:
        return None
    typed = match.group(1).split(",")[-1]
    stripped = typed.lstrip()
    return stripped, column - len(stripped)


def _strip_comment(line: str) -> str:
    """``line`` up to an unescaped ``%``: a citation in a comment is none."""
    match = re.search(r"(?<!\\)(?:\\\\)*%", line)
    return line[: match.start()] if match else line


def cited(text: str, markdown: bool) -> list[Cited]:
    """Every key the text cites, in order, with its place: for LaTeX as ``rename`` reads a ``.tex``
    (:func:`citetool.tex.source.scan`: comments, verbatim, ``\\iffalse`` and definitions skipped)."""
    if markdown:
        found: list[Cited] = []
        for number, line_text in enumerate(text.splitlines()):
            for match in _MARKDOWN_KEY.finditer(line_text):
                key = match.group(1).rstrip(".,;:")
                found.append(Cited(key, number, match.start(1), match.start(1) + len(key)))
        return found
    starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def place(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    keys = []
    for citation in source.scan(text).citations:
        for key in citation.keys:
            row, column = place(key.start)
            keys.append(Cited(key.text, row, column, column + (key.end - key.start)))
    return keys


def at(text: str, line: int, column: int, markdown: bool) -> Cited | None:
    """The cited key under the cursor, if any."""
    for item in cited("\n".join(text.splitlines()[line : line + 1]), markdown):
        if item.start <= column <= item.end:
            return Cited(item.key, line, item.start, item.end)
    return None
