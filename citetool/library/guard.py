"""The write guard: new bytes replace a library only if they read back as exactly what was meant.

Every writer (``add``, ``remove``, ``import``, ``update`` and any to come)
says what it means to do, as an :class:`Intent`: entries added, entries
replaced, keys removed, ``@string`` macros added.  :func:`verify` parses the
bytes it is about to write and checks them against that:

* every block the edit does not touch is byte-identical and in its place;
* each new or changed entry has exactly the intended type, key, fields and
  values, and nothing else appeared;
* the result has no problem that would stop the next write.

For an edit that only appends (``add``, ``import``) only the appended bytes
are parsed, so adding to a big library stays fast; they are complete blocks
after a library that parsed cleanly, so they cannot change its meaning.
Anything else is :class:`WriteRefused`, naming the entry, and nothing is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from citetool.bib.blocks import Block, Document, is_repeat
from citetool.bib.entry import Entry
from citetool.bib.parse import parse
from citetool.errors import WriteFailed


class WriteRefused(WriteFailed):
    """The new file would not mean what the edit meant; nothing was written."""


@dataclass
class Intent:
    """What an edit means to do to a library."""

    added: list[Entry] = field(default_factory=list)
    replaced: dict[str, Entry] = field(default_factory=dict)  # old key -> the entry as it will read (key may change)
    removed: list[str] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)  # names of @string macros added
    # A repeated key's occurrence meant (key -> its line), and whether the edit fixes a repeat: then the
    # result may keep other repeated keys, but must have fewer than before and no other problem.
    at: dict[str, int] = field(default_factory=dict)
    fixes_repeat: bool = False


def _same(entry: Entry, meant: Entry) -> bool:
    return entry.key == meant.key and entry.entry_type == meant.entry_type.lower() and entry.fields == meant.fields


def _refuse(path: object, key: str | None, why: str) -> WriteRefused:
    where = f"entry '{key}' " if key else ""
    return WriteRefused(f"{path}: not written: {where}{why}; the library is unchanged (please report this)")


def _check_new(path: object, document: Document, meant: list[Entry], strings: list[str]) -> None:
    fatal = [problem for problem in document.problems if problem.fatal]
    if fatal:
        raise _refuse(path, fatal[0].key, f"would not parse cleanly ({fatal[0].message})")
    got = [block.entry for block in document.blocks if block.kind == "entry" and block.entry is not None]
    if [entry.key for entry in got] != [entry.key for entry in meant]:
        extra = next((entry.key for entry in got if entry.key not in {m.key for m in meant}), None)
        raise _refuse(path, extra or (meant[0].key if meant else None), "would not read back as the entries meant")
    for entry, intended in zip(got, meant, strict=True):
        if not _same(entry, intended):
            raise _refuse(path, intended.key, "would not read back with the fields and values meant")
    names = [block.name for block in document.blocks if block.kind == "string"]
    if names != strings:
        raise _refuse(path, None, "would define other @string macros than meant")


def verify_append(path: object, added_text: str, intent: Intent, old_keys: list[str]) -> Document:
    """Check text appended to a library that parsed cleanly: only the intended entries and macros.  Returns the
    appended text's parse."""
    taken = {key.lower() for key in old_keys}
    clash = next((entry.key for entry in intent.added if entry.key.lower() in taken), None)
    if clash is not None:
        raise _refuse(path, clash, "would repeat a key already in the library (compared without case)")
    document = parse(added_text)
    _check_new(path, document, intent.added, intent.strings)
    return document


def verify_rewrite(path: object, before: Document, text: str, intent: Intent) -> None:
    """Check a whole new text against the old parse: untouched blocks identical, changed entries as meant."""
    after = parse(text)
    fatal = [problem for problem in after.problems if problem.fatal]
    repeats_before = sum(1 for problem in before.problems if problem.fatal and is_repeat(problem))
    tolerated = intent.fixes_repeat and all(is_repeat(problem) for problem in fatal) and len(fatal) < repeats_before
    if fatal and not tolerated:
        raise _refuse(path, fatal[0].key, f"would not parse cleanly ({fatal[0].message})")
    touched = set(intent.replaced) | set(intent.removed)

    def is_touched(block: Block) -> bool:
        key = block.entry.key if block.entry is not None else None
        return key in touched and (key not in intent.at or block.line == intent.at[key])

    old = [(block, before.text[block.start : block.end]) for block in before.blocks if not is_touched(block)]
    # Replaced entries are found by their new key: a rename (`citetool rename`) changes it.
    replaced = {entry.key: entry for entry in intent.replaced.values()}
    kept: list[str] = []
    for block in after.blocks:
        source = text[block.start : block.end]
        if block.entry is not None and block.entry.key in replaced:
            if not _same(block.entry, replaced.pop(block.entry.key)):
                raise _refuse(path, block.entry.key, "would not read back with the fields and values meant")
            continue
        kept.append(source)
    if replaced:
        raise _refuse(path, next(iter(replaced)), "would be missing from the library")
    expected = [source for _block, source in old]
    if kept != expected:
        index = next((i for i, (a, b) in enumerate(zip(kept, expected, strict=False)) if a != b), len(expected) - 1)
        changed = old[index][0].entry if 0 <= index < len(old) else None
        raise _refuse(path, changed.key if changed is not None else None, "would change bytes the edit does not touch")
    present = {key.lower() for key in after.entries}
    counts = Counter(block.entry.key for block in after.blocks if block.entry is not None)
    was = Counter(block.entry.key for block in before.blocks if block.entry is not None)
    gone = next((key for key in intent.removed if (counts[key] != was[key] - 1 if key in intent.at
                                                   else key.lower() in present)), None)  # fmt: skip
    if gone is not None:
        raise _refuse(path, gone, "would still be in the library")
