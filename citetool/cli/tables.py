"""How ``show`` draws entries on a terminal: tables that fit the width, and a compact one-line view.

The key column is capped (a long key folds onto a second line rather than
squeezing the title to a few letters), the title gets most of the room, and
text wraps at words.  Tables are rendered to text, so the caller can page it.
"""

from __future__ import annotations

import io
import os
import shutil
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


def summary_table(rows: list[Summary]) -> str:
    from rich.table import Table

    longest = max((len(row.key) for row in rows), default=3)
    key_width = max(min(longest, int(width() * KEY_SHARE)), min(longest, 12))
    table = Table(header_style="" if os.environ.get("NO_COLOR") else "bold", expand=True)
    table.add_column("Key", min_width=min(key_width, longest), max_width=key_width, overflow="fold")
    table.add_column("Authors", ratio=2, min_width=10)
    table.add_column("Year", no_wrap=True)
    table.add_column("Title", ratio=5, min_width=20)
    table.add_column("Venue", ratio=2, min_width=10)
    for row in rows:
        table.add_row(*(printable(text) for text in (row.key, row.authors, row.year, row.title, row.venue)))
    return render(table)


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
