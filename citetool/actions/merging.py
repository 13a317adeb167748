"""``citetool merge-driver``: git's three-way merge of ``.bib`` files, entry by entry, by key.

Git hands the driver the common ancestor, ours and theirs.  Each entry is
decided on its own:

* changed (added, edited, removed) on one side only: that side's version,
  its bytes as they were written;
* changed on both sides the same way (the same fields and values): ours;
* edited on both sides: merged field by field (a field changed on one side
  takes that side's value), written by citetool; the same field changed two
  ways is a conflict;
* edited on one side and removed on the other, or added on both sides with
  different fields: a conflict.

A conflict is written with conflict markers around that entry only.
Everything between entries (comments, ``@string``, ``@preamble``, blank
lines) is merged as lines by ``git merge-file``, on a skeleton of each file
in which every entry stands as one placeholder line, so that the order of
the entries merges as lines do too.  No entry that either side has is ever
dropped: a decided entry whose place the line merge lost goes at the end.
"""

from __future__ import annotations

import secrets
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from citetool.bib.blocks import Document
from citetool.bib.entry import Entry, Value
from citetool.bib.parse import parse
from citetool.bib.source import entry_source
from citetool.errors import CitetoolError

MARKER = 7


@dataclass
class Side:
    """One version of the file: its text, and each entry's bytes and parse by key (first of each key)."""

    text: str
    document: Document
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> Side:
        document = parse(text)
        side = cls(text, document)
        for block in document.blocks:
            if block.kind == "entry" and block.entry is not None and block.entry.key not in side.spans:
                side.spans[block.entry.key] = (block.start, block.end)
        return side

    def source(self, key: str) -> str | None:
        span = self.spans.get(key)
        return self.text[span[0] : span[1]] if span else None

    def entry(self, key: str) -> Entry | None:
        return self.document.entries.get(key) if key in self.spans else None

    def skeleton(self, tokens: dict[str, str]) -> str:
        pieces, position = [], 0
        for key, (start, end) in sorted(self.spans.items(), key=lambda item: item[1]):
            pieces += [self.text[position:start], tokens[key]]
            position = end
        pieces.append(self.text[position:])
        return "".join(pieces)


@dataclass
class MergeResult:
    text: str
    conflicts: list[str]  # keys whose entries conflict
    text_conflicts: bool  # the text between entries conflicted


def _same(one: Entry | None, other: Entry | None) -> bool:
    if one is None or other is None:
        return one is other
    return one.entry_type.lower() == other.entry_type.lower() and one.fields == other.fields


def _fields(base: Entry | None, ours: Entry, theirs: Entry) -> Entry | None:
    """``ours`` and ``theirs`` merged field by field against ``base``; None if a field changed two ways."""

    def pick(old: object, mine: object, other: object) -> tuple[bool, object]:
        if mine == other or other == old:
            return True, mine
        if mine == old:
            return True, other
        return False, None

    ok, entry_type = pick(base.entry_type.lower() if base else None, ours.entry_type.lower(),
                          theirs.entry_type.lower())  # fmt: skip
    if not ok:
        return None
    fields: dict[str, Value] = {}
    old_fields = base.fields if base else {}
    for name in dict.fromkeys([*ours.fields, *theirs.fields]):
        ok, value = pick(old_fields.get(name), ours.fields.get(name), theirs.fields.get(name))
        if not ok:
            return None
        if isinstance(value, Value):
            fields[name] = value
    return replace(ours, entry_type=str(entry_type), fields=fields)


def _conflict(key: str, ours: str | None, theirs: str | None) -> str:
    return (f"{'<' * MARKER} ours ({key})\n{(ours or '').rstrip()}\n{'=' * MARKER}\n"
            f"{(theirs or '').rstrip()}\n{'>' * MARKER} theirs ({key})")  # fmt: skip


def merge_texts(base: str, ours: str, theirs: str) -> MergeResult:
    """The merge of three versions of a ``.bib`` file (see the module's description)."""
    sides = [Side.of(text) for text in (base, ours, theirs)]
    old, mine, other = sides
    keys = list(dict.fromkeys([*mine.spans, *other.spans, *old.spans]))
    decided: dict[str, str | None] = {}
    conflicts: list[str] = []
    for key in keys:
        b, a, t = old.entry(key), mine.entry(key), other.entry(key)
        a_text, t_text = mine.source(key), other.source(key)
        if _same(a, t):
            decided[key] = a_text
        elif _same(a, b):
            decided[key] = t_text
        elif _same(t, b):
            decided[key] = a_text
        elif a is not None and t is not None and (fused := _fields(b, a, t)) is not None:
            decided[key] = entry_source(fused).rstrip("\n")
        else:
            decided[key] = _conflict(key, a_text, t_text)
            conflicts.append(key)
    nonce = secrets.token_hex(8)
    # Entries of the ancestor keep their placeholder on every side, removed or not, so that the line merge sees
    # only the text between entries change; entries added on a side are put back after their predecessor.
    tokens = {key: f"@@citetool-merge-{nonce}-{index}@@" for index, key in enumerate(keys)}
    kept = {key: tokens[key] for key in old.spans}
    skeletons = [old.skeleton(kept), *(_with_ancestors(side, old, kept) for side in (mine, other))]
    merged, text_conflicts = merge_lines(*skeletons)
    placed: dict[str, str] = {}  # key -> the text standing at its placeholder
    for key in old.spans:
        placed[key] = decided[key] or ""
    pending: list[str] = []
    inserted: set[str] = set()
    for side in (mine, other):
        order = sorted(side.spans, key=lambda key: side.spans[key])
        for position, key in enumerate(order):
            if key in old.spans or decided.get(key) is None or key in inserted:
                continue
            inserted.add(key)
            host = next((before for before in reversed(order[:position]) if before in old.spans and placed[before]),
                        None)  # fmt: skip
            if host is not None:
                placed[host] = placed[host] + "\n\n" + (decided[key] or "")
            else:
                pending.append(key)
    found: set[str] = set()
    for key, token in kept.items():
        if token not in merged:
            continue
        found.add(key)
        if placed[key]:
            merged = merged.replace(token, placed[key])
        else:  # removed: its line goes, with the blank line that separated it
            merged = merged.replace("\n" + token + "\n", "\n").replace(token + "\n", "").replace(token, "")
    lost = [placed[key] for key in old.spans if key not in found and placed[key]]
    lost += [decided[key] or "" for key in pending]
    if lost:
        merged = merged.rstrip("\n") + "\n\n" + "\n\n".join(lost) + "\n"
    return MergeResult(merged, conflicts, text_conflicts)


def _gap(old: Side, before: str, gone: str) -> str:
    """The ancestor's text between the end of ``before`` and the start of ``gone``, if only white space."""
    text = old.text[old.spans[before][1] : old.spans[gone][0]]
    return text if not text.strip() else "\n\n"


def _with_ancestors(side: Side, old: Side, tokens: dict[str, str]) -> str:
    """``side``'s skeleton: its entries of the ancestor as their placeholders, its new entries left out, and the
    ancestor's entries it removed standing where they stood (after the entry that preceded them)."""
    pieces, position = [], 0
    ordered = sorted(side.spans.items(), key=lambda item: item[1])
    present = {key for key, _span in ordered}
    missing = [key for key in old.spans if key not in present]
    ancestors = sorted(old.spans, key=lambda key: old.spans[key])
    after: dict[str | None, list[str]] = {}
    for key in missing:
        index = ancestors.index(key)
        before = next((k for k in reversed(ancestors[:index]) if k in present), None)
        after.setdefault(before, []).append(key)
    head = "".join(tokens[key] + "\n" for key in after.get(None, []))
    for key, (start, end) in ordered:
        text = side.text[position:start]
        if key in tokens:
            extra = "".join(_gap(old, key, gone) + tokens[gone] for gone in after.get(key, []))
            pieces += [text, tokens[key] + extra]
        else:
            pieces.append(text.rstrip("\n") + ("\n" if text.endswith("\n") else ""))
        position = end
    pieces.append(side.text[position:])
    return head + "".join(pieces)


def merge_lines(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """A line-based three-way merge by ``git merge-file``; the text and whether it conflicted."""
    with tempfile.TemporaryDirectory(prefix="citetool-merge-") as folder:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8", newline="")
            paths.append(str(path))
        try:
            done = subprocess.run(
                ["git", "merge-file", "-p", f"--marker-size={MARKER}", "-L", "ours", "-L", "base", "-L", "theirs",
                 *paths], capture_output=True, timeout=120,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            raise CitetoolError(f"git merge-file could not run ({exc}); is git installed?") from exc
    if done.returncode < 0 or done.returncode > 127:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CitetoolError(f"git merge-file failed: {message[0] if message else done.returncode}")
    return done.stdout.decode("utf-8"), done.returncode > 0


def merge_files(base: Path, ours: Path, theirs: Path) -> MergeResult:
    """Merge the three files git names and write the result over ``ours`` (git's ``%A``), atomically."""
    from citetool.library import storage

    texts = []
    for path in (base, ours, theirs):
        data = storage.read_bytes(path)
        try:
            texts.append(data.decode("utf-8").removeprefix("\ufeff"))
        except UnicodeDecodeError as exc:
            raise CitetoolError(f"{path}: not UTF-8; merge it by hand") from exc
    result = merge_texts(*texts)
    storage.write_atomic(ours, result.text.encode("utf-8"))
    return result
