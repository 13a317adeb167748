"""What the root options leave for the commands (``ctx.obj``), and completion that reads the library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from citetool import config
from citetool.errors import CitetoolError


class State:
    """What the root options leave for the commands (``ctx.obj``)."""

    def __init__(self, library_flag: str | None) -> None:
        self.library_flag = library_flag

    @property
    def library_path(self) -> Path:
        setting = config.resolve("library", self.library_flag)
        return Path(setting.value or "library.bib").expanduser()


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
