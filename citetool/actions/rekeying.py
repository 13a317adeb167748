"""``citetool rekey``: what the key pattern would make each entry's key, applied through ``rename``.

Keys are computed in file order against the keys taken so far (an entry's
own key excepted), so two entries that the pattern gives the same key get
``a``, ``b``... as ``add`` would.  An entry whose key is already what the
pattern gives (suffix included) is left alone.  Nothing changes without
``apply``, which renames one key at a time through :mod:`citetool.actions.renaming`,
each in the library and the ``.tex`` files, atomically.
"""

from __future__ import annotations

from pathlib import Path

from citetool import config
from citetool.bib import keyformat, keys
from citetool.bib.keyformat import KeyFormat
from citetool.errors import UnknownKeys
from citetool.library import file as library


def configured() -> KeyFormat | None:
    """The ``key_format`` setting, parsed; None when it is not set (citetool's own rule applies)."""
    setting = config.resolve("key_format")
    if not setting.value:
        return None
    return KeyFormat.parse(setting.value, f"key_format ({setting.source})")


def plan(library_path: Path, asked: list[str], key_format: KeyFormat | None) -> list[tuple[str, str]]:
    """``(old, new)`` for each entry of ``asked`` (all when empty) whose key the pattern would change."""
    lib = library.load(library_path)
    missing = [key for key in asked if key not in lib.entries]
    if missing:
        raise UnknownKeys(missing, str(library_path), lib.keys)
    resolver = lib.resolver()
    chosen = set(asked) if asked else set(lib.entries)
    taken = keys.Caseless(key for key in lib.keys if key not in chosen)
    changes = []
    for key, entry in lib.entries.items():
        if key not in chosen:
            continue
        work = resolver.work(entry)
        base = keyformat.base(work.creators, work.year, work.latex.get("title"), key_format)
        new = key if key.lower() == base.lower() or (_suffixed(key, base) and key not in taken) else (
            keys.unique_key(base, taken))  # fmt: skip
        taken.add(new)
        if new != key:
            changes.append((key, new))
    return changes


def _suffixed(key: str, base: str) -> bool:
    """Whether ``key`` is ``base`` with a clash suffix (``smith2020a``)."""
    rest = key[len(base) :]
    return key.lower().startswith(base.lower()) and rest.isalpha() and rest.islower() and len(rest) <= 3


def apply(library_path: Path, changes: list[tuple[str, str]], mains: list[Path]) -> list[tuple[str, str]]:
    """Rename each ``old`` to ``new`` in the library and the ``.tex`` files; the renames done."""
    from citetool.actions import renaming

    done = []
    for old, new in changes:
        renaming.apply(renaming.plan(library_path, old, new, mains))
        done.append((old, new))
    return done
