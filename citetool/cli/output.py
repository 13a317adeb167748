"""What citetool prints and how: stdout for data, stderr for everything else.

Consoles are built per call with ``markup=False, highlight=False`` so user text
with ``[brackets]`` or TeX braces prints literally.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from pathlib import Path

    from citetool.bib.blocks import Problem
    from citetool.cli.state import State
    from citetool.library.file import Library


def error(message: object) -> None:
    """One line on stderr, whatever the message holds (a field name from a broken file can span lines)."""
    click.echo("citetool: error: " + " ".join(str(message).split()), err=True)


def warn(message: str) -> None:
    click.echo(f"citetool: warning: {message}", err=True)


def info(message: str) -> None:
    click.echo(f"citetool: {message}", err=True)


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
