"""How ``show`` draws entries on a terminal: tables that fit the width, and a compact one-line view.

The key column is capped (a long key folds onto a second line rather than
squeezing the title to a few letters), the title gets most of the room, and
text wraps at words.  The library's table is drawn line by line as its rows
come, in the look of rich's default table (bold header, heavy head rule),
so that the pager shows the first screen at once and 16,000 entries take
about as long as printing them plain; rich itself (a few thousand rows a
second) draws the tables of single entries.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from citetool.cli.output import printable

if TYPE_CHECKING:
    from citetool.actions.listing import Summary
    from citetool.bib.work import Work

#: The key column takes at most this share of the width (a longer key folds), and never less than 12 columns.
KEY_SHARE = 0.25


def width() -> int:
    return shutil.get_terminal_size().columns


def render(renderable: Any) -> str:
    """``renderable`` drawn by rich for the terminal at its width, as text with its colours."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=width(), markup=False, highlight=False, emoji=False)
    console.print(renderable)
    return buffer.getvalue()


#: The summary table's columns: header, share of the room left once key and year have theirs, least width.
COLUMNS = (("Authors", 2, 10), ("Title", 5, 20), ("Venue", 2, 10))
_BOLD, _PLAIN = "\x1b[1m", "\x1b[0m"


def _cells(text: str) -> int:
    """Columns ``text`` takes on a terminal (East Asian wide characters take two)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return int(cell_len(text))


def _fold(word: str, room: int) -> list[str]:
    """A word longer than ``room`` columns, cut into pieces that fit."""
    pieces, piece = [], ""
    for char in word:
        if piece and _cells(piece + char) > room:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece] if piece else pieces


def wrap(text: str, room: int) -> list[str]:
    """``text`` in lines of at most ``room`` columns, broken at spaces (a longer word folds)."""
    if _cells(text) <= room:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _cells(candidate) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        pieces = _fold(word, room) if _cells(word) > room else [word]
        lines.extend(pieces[:-1])
        line = pieces[-1]
    return [*lines, line] if line else lines or [""]


def _widths(rows: list[Summary], total: int) -> list[int]:
    """The five columns' text widths for a table ``total`` columns wide (borders and padding take 16)."""
    longest = max((len(row.key) for row in rows), default=3)
    key = max(min(longest, int(total * KEY_SHARE)), min(longest, 12), 3)
    year = max((len(row.year) for row in rows), default=4) or 4
    room = max(total - 16 - key - year, sum(least for _name, _share, least in COLUMNS))
    shares = sum(share for _name, share, _least in COLUMNS)
    widths = [max(least, room * share // shares) for _name, share, least in COLUMNS]
    widths[1] += room - sum(widths)  # what rounding left goes to the title
    return [key, widths[0], year, widths[1], widths[2]]


def summary_lines(rows: list[Summary], total: int | None = None) -> Iterator[str]:
    """The library's table, one terminal line at a time (each ending in a newline), ``total`` columns wide."""
    widths = _widths(rows, total or width())
    bold = not os.environ.get("NO_COLOR")
    rule = [("━" * (size + 2)) for size in widths]
    yield "┏" + "┳".join(rule) + "┓\n"
    headers = ("Key", "Authors", "Year", "Title", "Venue")
    cells = [(f"{_BOLD} {name.ljust(size)} {_PLAIN}" if bold else f" {name.ljust(size)} ")
             for name, size in zip(headers, widths, strict=True)]  # fmt: skip
    yield "┃" + "┃".join(cells) + "┃\n"
    yield "┡" + "╇".join(rule) + "┩\n"
    for row in rows:
        texts = (row.key, row.authors, row.year, row.title, row.venue)
        columns = [wrap(printable(text), size) if text else [""] for text, size in zip(texts, widths, strict=True)]
        for index in range(max(len(lines) for lines in columns)):
            parts = []
            for lines, size in zip(columns, widths, strict=True):
                text = lines[index] if index < len(lines) else ""
                parts.append(" " + text + " " * (size - _cells(text)) + " ")
            yield "│" + "│".join(parts) + "│\n"
    yield "└" + "┴".join("─" * (size + 2) for size in widths) + "┘\n"


def compact(rows: list[Summary], cut: int | None) -> str:
    """One line per entry: ``key  Authors (Year) Title``; cut to ``cut`` columns (on a terminal) with ``…``."""
    lines = []
    for row in rows:
        year = f" ({row.year})" if row.year else ""
        line = printable(f"{row.key}  {row.authors}{year} {row.title}".rstrip())
        if cut is not None and len(line) > cut:
            line = line[: cut - 1] + "…"
        lines.append(line)
    return "".join(line + "\n" for line in lines)


def entry_tables(works: list[Work]) -> str:
    from rich.table import Table

    out = []
    for work in works:
        table = Table(title=printable(f"{work.key} ({work.entry_type})"), show_header=False, title_justify="left")
        table.add_column("field", style="" if os.environ.get("NO_COLOR") else "bold", no_wrap=True)
        table.add_column("value")
        for name, text in work.texts().items():
            table.add_row(printable(name), printable(text))
        out.append(render(table))
    return "".join(out)
