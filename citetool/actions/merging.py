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

import re
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


def _decide(old: Side, mine: Side, other: Side) -> tuple[dict[str, str | None], list[str]]:
    """Each key's merged text (None: removed), and the keys that conflict.

    Two keys that differ only in case are one key to BibTeX: if both survive
    the merge (``New1`` added here, ``new1`` there), they conflict.
    """
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
    by_lower: dict[str, list[str]] = {}
    for key, text in decided.items():
        if text is not None:
            by_lower.setdefault(key.lower(), []).append(key)
    for group in by_lower.values():
        if len(group) < 2 or any(key in conflicts for key in group):
            continue
        ours = next((key for key in group if key in mine.spans), group[0])
        theirs = next((key for key in group if key != ours and key in other.spans), group[-1])
        name = f"{ours} / {theirs}: keys that differ only in case"
        decided[ours] = _conflict(name, mine.source(ours) or decided[ours], other.source(theirs) or decided[theirs])
        for key in group:
            if key != ours:
                decided[key] = None
        conflicts.append(ours)
    return decided, conflicts


def merge_texts(base: str, ours: str, theirs: str) -> MergeResult:
    """The merge of three versions of a ``.bib`` file (see the module's description).

    Linear in the size of the files: placeholders are put back in one pass.
    What citetool writes between entries follows ``ours``' line ends.
    """
    newline = "\r\n" if "\r\n" in ours[:100000] else "\n"
    sides = [Side.of(text) for text in (base, ours, theirs)]
    old, mine, other = sides
    decided, conflicts = _decide(old, mine, other)
    keys = list(decided)
    nonce = secrets.token_hex(8)
    # Entries of the ancestor keep their placeholder on every side, removed or not, so that the line merge sees
    # only the text between entries change; entries added on a side are put back after their predecessor.
    tokens = {key: f"@@citetool-merge-{nonce}-{index}@@" for index, key in enumerate(keys)}
    kept = {key: tokens[key] for key in old.spans}
    skeletons = [old.skeleton(kept), *(_with_ancestors(side, old, kept) for side in (mine, other))]
    merged, text_conflicts = merge_lines(*skeletons)
    placed: dict[str, list[str]] = {key: [decided[key] or ""] for key in old.spans}  # the text at its placeholder
    pending: list[str] = []
    inserted: set[str] = set()
    for side in (mine, other):
        host: str | None = None
        for key in sorted(side.spans, key=lambda key: side.spans[key]):
            if key in old.spans:
                if placed[key][0]:
                    host = key
                continue
            if decided.get(key) is None or key in inserted:
                continue
            inserted.add(key)
            if host is not None:
                placed[host].append(decided[key] or "")
            else:
                pending.append(key)
    index_key = {str(index): key for index, key in enumerate(keys)}
    found: set[str] = set()

    def put_back(match: re.Match[str]) -> str:
        key = index_key[match.group(2)]
        found.add(key)
        lead, trail = match.group(1) or "", match.group(3) or ""
        texts = [text for text in placed[key] if text]
        if not texts:  # removed: its line goes, with the blank line that separated it
            return lead
        return lead + (newline * 2).join(texts) + trail

    placeholder = re.compile(r"(\r?\n)?@@citetool-merge-" + nonce + r"-(\d+)@@(\r?\n)?")
    merged = placeholder.sub(lambda match: put_back(match) if match.group(2) in index_key else match.group(), merged)
    merged = _fix_newlines(merged, newline)
    lost = [text for key in old.spans if key not in found for text in placed[key] if text]
    lost += [decided[key] or "" for key in pending]
    if lost:
        merged = merged.rstrip("\r\n") + newline * 2 + (newline * 2).join(_fix_newlines(text, newline)
                                                                          for text in lost) + newline  # fmt: skip
    return MergeResult(merged, conflicts, text_conflicts)


def _fix_newlines(text: str, newline: str) -> str:
    """``text`` with every bare line feed citetool wrote made ``newline`` (a CRLF file stays CRLF)."""
    if newline == "\n":
        return text
    return re.sub(r"(?<!\r)\n", "\r\n", text)


def _gap(old: Side, before: str, gone: str) -> str:
    """The ancestor's text between the end of ``before`` and the start of ``gone``, if only white space."""
    text = old.text[old.spans[before][1] : old.spans[gone][0]]
    return text if not text.strip() else "\n\n"


def _with_ancestors(side: Side, old: Side, tokens: dict[str, str]) -> str:
    """``side``'s skeleton: its entries of the ancestor as their placeholders, its new entries left out (with
    the blank lines that separated them, so additions of different lengths on two sides do not conflict as
    lines), and the ancestor's entries it removed standing where they stood (after the entry that preceded
    them)."""
    pieces, position = [], 0
    ordered = sorted(side.spans.items(), key=lambda item: item[1])
    present = {key for key, _span in ordered}
    ancestors = sorted(old.spans, key=lambda key: old.spans[key])
    after: dict[str | None, list[str]] = {}
    previous: str | None = None
    for key in ancestors:
        if key in present:
            previous = key
        else:
            after.setdefault(previous, []).append(key)
    head = "".join(tokens[key] + "\n" for key in after.get(None, []))
    for key, (start, end) in ordered:
        text = side.text[position:start]
        if key in tokens:
            extra = "".join(_gap(old, key, gone) + tokens[gone] for gone in after.get(key, []))
            pieces += [text, tokens[key] + extra]
        elif text.strip():
            pieces.append(text.rstrip("\r\n") + ("\n" if text.endswith("\n") else ""))
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


def merge_files(base: Path, ours: Path, theirs: Path, name: str | None = None) -> MergeResult:
    """Merge the three files git names and write the result over ``ours`` (git's ``%A``), atomically.

    ``name`` is the file's path in the repository (git's ``%P``), for messages.  A byte-order mark on
    ``ours`` is kept.
    """
    from citetool.library import storage

    label = name or str(ours)
    texts = []
    bom = False
    for path in (base, ours, theirs):
        try:
            data = storage.read_bytes(path)
        except FileNotFoundError as exc:
            raise CitetoolError(f"{label}: git's file {path} does not exist; run the driver as git does "
                                "(citetool merge-driver %O %A %B %P)") from exc  # fmt: skip
        if path is ours:
            bom = data.startswith(b"\xef\xbb\xbf")
        try:
            texts.append(data.decode("utf-8").removeprefix("\ufeff"))
        except UnicodeDecodeError as exc:
            raise CitetoolError(f"{label}: a version of it is not UTF-8; merge it by hand") from exc
    result = merge_texts(*texts)
    storage.write_atomic(ours, (b"\xef\xbb\xbf" if bom else b"") + result.text.encode("utf-8"))
    return result
