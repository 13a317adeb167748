"""``citetool rekey``: what the key pattern would make each entry's key, applied through ``rename``.

Keys are computed in file order against the keys taken so far (an entry's
own key excepted), so two entries that the pattern gives the same key get
``a``, ``b``... as ``add`` would.  An entry whose key is already what the
pattern gives (suffix included) is left alone.  The changes are made as one
rename (:func:`citetool.actions.renaming.plan` takes them all): in the
library and the ``.tex`` files, every key or none.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from citetool import config
from citetool.bib import keyformat, keys
from citetool.bib.keyformat import KeyFormat
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
        raise lib.unknown(missing, str(library_path))
    resolver = lib.resolver()
    chosen = set(asked) if asked else set(lib.entries)
    taken = keys.Caseless(key for key in lib.keys if key not in chosen)
    bases: dict[str, str] = {}
    for key, entry in lib.entries.items():
        work = resolver.work(entry)
        bases[key] = keyformat.base(work.creators, work.year, work.latex.get("title"), key_format)
    sharing = Counter(base.lower() for base in bases.values())
    changes = []
    for key in lib.entries:
        if key not in chosen:
            continue
        base = bases[key]
        kept = key.lower() == base.lower() or (_suffixed(key, base, sharing[base.lower()]) and key not in taken)
        new = key if kept else keys.unique_key(base, taken)
        taken.add(new)
        if new != key:
            changes.append((key, new))
    return changes


def _suffixed(key: str, base: str, sharing: int) -> bool:
    """Whether ``key`` is ``base`` with a clash suffix (``smith2020a``): one that ``sharing`` entries with
    that base could have needed.  ``brighton2012low`` is not ``brighton2012`` + a suffix when no other entry
    makes ``brighton2012``: ``low`` would be its 8,000th."""
    rest = key[len(base) :]
    if not key.lower().startswith(base.lower()) or not rest or not (rest.isascii() and rest.isalpha()
                                                                    and rest.islower()):  # fmt: skip
        return False
    number = 0
    for letter in rest:  # unique_key's suffixes count a..z, aa..zz, ...: the inverse of that count
        number = number * 26 + ord(letter) - ord("a") + 1
    return number - 1 < sharing

