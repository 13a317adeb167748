"""``citetool remove``: take entries out, touching no other byte of the library."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citetool.actions.listing import Summary
from citetool.bib.blocks import Block, is_repeat
from citetool.errors import UsageError
from citetool.library import file as library
from citetool.library.guard import Intent


def remove_entries(path: Path, keys: list[str], line: int | None = None) -> list[str]:
    """Remove the entries ``keys`` from the library at ``path``; all of them or none.

    A key that is in the library twice is removed where ``line`` says (its
    other entry stays): the way a repeated key is fixed without an editor.
    """
    wanted = list(dict.fromkeys(keys))
    if line is not None and len(wanted) != 1:
        raise UsageError("--line names the entry of one key; remove one key at a time with it")

    def change(lib: library.Library) -> tuple[bytes, list[str], Intent]:
        missing = [key for key in wanted if key not in lib.entries]
        if missing:
            raise lib.unknown(missing, str(path))
        at: dict[str, Block] = {}
        for key in wanted:
            block = lib.occurrence(key, line, f"remove {key}")
            if block is not None:
                at[key] = block
        repeats = {problem.key.lower() for problem in lib.problems
                   if problem.fatal and problem.key and is_repeat(problem)}  # fmt: skip
        fixes = any(key.lower() in repeats for key in wanted)
        if not fixes:
            lib.check_writable()
        intent = Intent(removed=wanted, at={key: block.line for key, block in at.items()}, fixes_repeat=fixes)
        return lib.removed(wanted, at), wanted, intent

    return library.edit(path, change, repeated_keys=True)


def preview(path: Path, keys: list[str]) -> list[Summary]:
    """What removing ``keys`` would take out, as table rows; :class:`UnknownKeys` (with suggestions) first."""
    from citetool.actions import listing

    lib = library.load(path)
    return [listing.summarize(work) for work in listing.select(lib, list(dict.fromkeys(keys)))]
