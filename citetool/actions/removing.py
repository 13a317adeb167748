"""``citetool remove``: take entries out, touching no other byte of the library."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from citetool.errors import UnknownKeys

if TYPE_CHECKING:
    from citetool.actions.listing import Summary
from citetool.library import file as library
from citetool.library.guard import Intent


def remove_entries(path: Path, keys: list[str]) -> list[str]:
    """Remove the entries ``keys`` from the library at ``path``; all of them or none."""
    wanted = list(dict.fromkeys(keys))

    def change(lib: library.Library) -> tuple[bytes, list[str], Intent]:
        missing = [key for key in wanted if key not in lib.entries]
        if missing:
            raise UnknownKeys(missing, str(path), lib.keys)
        return lib.removed(wanted), wanted, Intent(removed=wanted)

    return library.edit(path, change)


def preview(path: Path, keys: list[str]) -> list[Summary]:
    """What removing ``keys`` would take out, as table rows; :class:`UnknownKeys` (with suggestions) first."""
    from citetool.actions import listing

    lib = library.load(path)
    return [listing.summarize(work) for work in listing.select(lib, list(dict.fromkeys(keys)))]
