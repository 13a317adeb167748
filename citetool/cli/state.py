"""What the root options leave for the commands (``ctx.obj``), and completion that reads the library."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from citetool import config
from citetool.errors import CitetoolError, UsageError

_CONTROL = re.compile("[\x00-\x1f\x7f]")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def checked_path(value: str, what: str) -> Path:
    """``value`` as a path; a NUL or other control character (no real file has one) is a usage error."""
    if _CONTROL.search(value):
        raise UsageError(f"{what} {value!r}: a path cannot hold control characters")
    return Path(value)


def read_stdin(limit: int, what: str) -> str:
    """Standard input as text, at most ``limit`` bytes (``< /dev/zero`` ends as an error, not in a crash); a
    byte-order mark is dropped; invalid UTF-8 is a :class:`UsageError` naming ``what`` was read."""
    import sys

    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"{what} on stdin is longer than {limit // 2**20} MiB; give a file instead")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UsageError(f"{what} on stdin, line {line}: not valid UTF-8; convert it (e.g. with iconv)") from exc


def complete_files(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of file paths (the shell lists them) for options that hold a path as text."""
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="file")]


def complete_styles(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of the bundled CSL style names, and of files for a path."""
    from click.shell_completion import CompletionItem

    from citetool.csl.styles import ALIASES, style_names

    if "/" in incomplete or incomplete.startswith("."):
        return [CompletionItem(incomplete, type="file")]
    try:
        names = sorted({*ALIASES, *style_names()})
    except Exception:
        return []
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def complete_locales(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of the locales there are CSL locale files for."""
    from click.shell_completion import CompletionItem

    from citetool.csl.styles import locale_names

    try:
        names = locale_names()
    except Exception:
        return []
    return [CompletionItem(name) for name in names if name.lower().startswith(incomplete.lower())]


class PathParam(click.Path):
    """A file path from the command line, refused at the boundary if it holds control characters.

    A subclass of ``click.Path`` (for its file completion), used unparameterised so that it works with every
    click the project allows, generic or not.
    """

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if _CONTROL.search(str(value)):
            self.fail(f"{str(value)!r}: a path cannot hold control characters", param, ctx)
        return super().convert(value, param, ctx)


class State:
    """What the root options leave for the commands (``ctx.obj``)."""

    def __init__(self, library_flag: str | None) -> None:
        self.library_flag = library_flag

    @property
    def library_path(self) -> Path:
        setting = config.resolve("library", self.library_flag)
        value = setting.value or "library.bib"
        if value == "-":
            raise UsageError(f"library '-' ({setting.source}): the library is a file that citetool reads and "
                             "writes back, not stdin; give a file name")  # fmt: skip
        if _URL.match(value):
            raise UsageError(f"library {value[:60]!r} ({setting.source}) is a URL; the library is a local file "
                             "(download it first)")  # fmt: skip
        return checked_path(value, "--library").expanduser()


def complete_keys(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of citation keys from the library (silent on any problem)."""
    from click.shell_completion import CompletionItem

    from citetool.library import file as library

    try:
        flag = ctx.find_root().params.get("library_flag")
        lib = library.load(State(library_flag=flag).library_path)
    except (CitetoolError, OSError):
        return []
    return [CompletionItem(key) for key in lib.entries if key.startswith(incomplete)]
