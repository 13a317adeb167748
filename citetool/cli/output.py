"""What citetool prints and how: stdout for data, stderr for everything else.

Consoles are built per call with ``markup=False, highlight=False`` so user text
with ``[brackets]`` or TeX braces prints literally.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from pathlib import Path

    from citetool.bib.blocks import Problem
    from citetool.cli.state import State
    from citetool.library.file import Library


#: What must not reach a terminal as it is: C0 and C1 controls but tab and line feed (escape sequences can
#: clear the screen or retitle the window) and the bidirectional controls (which reorder what is shown).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode's control pictures: ESC shows as ␛
    return "\u2421" if code == 0x7F else "\ufffd"


def printable(text: str) -> str:
    """``text`` with every control and bidi character shown as a visible sign instead of acting on the
    terminal: hand-written titles and servers' replies pass through here before they are printed."""
    return _UNPRINTABLE.sub(_picture, text) if _UNPRINTABLE.search(text) else text


def error(message: object) -> None:
    """One line on stderr, whatever the message holds (a field name from a broken file can span lines)."""
    click.echo("citetool: error: " + printable(" ".join(str(message).split())), err=True)


def warn(message: str) -> None:
    click.echo(f"citetool: warning: {printable(message)}", err=True)


def info(message: str) -> None:
    click.echo(f"citetool: {printable(message)}", err=True)


def open_library(state: State) -> Library:
    """Load the library for reading, warning (not failing) about its problems."""
    from citetool.library import file as library

    lib = library.load(state.library_path)
    report_problems(lib.path, lib.problems)
    return lib


def report_problems(path: Path, problems: list[Problem], limit: int = 5) -> None:
    """Warn about the first ``limit`` problems of the library at ``path``, and count the rest."""
    for problem in problems[:limit]:
        warn(problem.describe(path))
    if len(problems) > limit:
        warn(f"{path}: {len(problems) - limit} more problems not shown")
    if any(problem.fatal for problem in problems):
        warn(f"{path}: showing what parsed; citetool will not write this file until it is fixed")


def print_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, markup=False, highlight=False, emoji=False)


@contextmanager
def phases(least: int = 200) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress display on stderr, on a terminal only, for work that reports ``(what, done, total)``.

    Each ``what`` is a line of its own: a bar while ``done`` counts up, a
    pulse with the time it has taken where the work answers only at its end
    (reported with ``done`` 0: citeproc-js rendering a whole bibliography).
    Work on fewer than ``least`` entries shows nothing: it is over at once.
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(what: str, done: int, total: int) -> None:
            if total < least:
                return
            if what not in tasks:
                for earlier in tasks.values():  # a new phase: the ones before it are over
                    bar.update(earlier, completed=bar.tasks[earlier].total or 0)
                tasks[what] = bar.add_task(f"{what}, {total:,} entries" if done == 0 else what,
                                           total=None if done == 0 else total)  # fmt: skip
            if done:
                bar.update(tasks[what], completed=done, total=total)

        yield report
