"""``citetool rename OLD NEW``: a key renamed in the library and in every citation of it.

In the library: the entry's own key, and the ``crossref``, ``xdata``,
``related`` and ``xref`` fields of other entries that name it (keys compared
without case, as BibTeX compares them); only those bytes change.  In the
``.tex`` files reached from the main files through ``\\input``, ``\\include``,
``\\subfile``, ``\\import`` and ``\\subimport``: every natbib and biblatex
citation command (``\\cite``, ``\\citep``, ``\\textcite``, ``\\autocite``,
``\\nocite``, starred forms, optional arguments, key lists, ``\\cites(..)(..)
[..]{a}{b}``).  Text after a ``%`` is a comment and is never changed; where a
comment names the key, the line is reported.  Nothing is written until
:func:`apply`, which writes every file or none.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from citetool.bib.keys import Caseless, validate
from citetool.bib.parse import parse
from citetool.errors import CitetoolError, UnknownKeys, UsageError
from citetool.library import file as library
from citetool.library import storage
from citetool.library.guard import Intent

#: Fields whose values are keys of other entries.
KEY_FIELDS = ("crossref", "xdata", "related", "xref")

_HEADER = re.compile(r"^(@\s*\w+\s*[{(]\s*)([^,\s]*)")
_KEY_FIELD = re.compile(r"(?i)(\b(?:" + "|".join(KEY_FIELDS) + r")\s*=\s*)(\{[^{}]*\}|\"[^\"]*\"|[^,}\s]+)")
# A citation command: natbib's and biblatex's all have "cite" in their name (\citetext is prose, not keys).
_CITE = re.compile(r"\\((?:[A-Za-z]*cite[A-Za-z]*|nocite))\*?")
_INCLUDE = re.compile(
    r"\\(input|include|subfile|import|subimport|includefrom|subincludefrom)\s*\{([^}]*)\}(?:\s*\{([^}]*)\})?"
)
_COMMENT = re.compile(r"(?<!\\)%")
_PROSE_CITES = frozenset({"citetext", "citeurl", "citeurldate"})
_KEY_TOKEN = re.compile(r"[^\s,{}\"]+")


@dataclass
class FileChange:
    """One file's text before and after, and how many citations changed."""

    path: Path
    before: str
    after: str
    count: int

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                            str(self.path), str(self.path)))  # fmt: skip


@dataclass
class RenamePlan:
    """What renaming ``old`` to ``new`` changes: the library's bytes, each .tex file, and comments left alone."""

    old: str
    new: str
    library: Path
    library_data: bytes = b""
    new_library: bytes = b""
    intent: Intent = field(default_factory=Intent)
    files: list[FileChange] = field(default_factory=list)
    comments: list[tuple[Path, int]] = field(default_factory=list)

    def diffs(self) -> str:
        before = self.library_data.decode("utf-8", errors="replace")
        after = self.new_library.decode("utf-8", errors="replace")
        library_diff = FileChange(self.library, before, after, 1).diff()
        return library_diff + "".join(change.diff() for change in self.files)


def _replace_in_list(value: str, old: str, new: str) -> tuple[str, int]:
    """``value`` (a comma-separated key list, perhaps braced) with ``old`` (any case) made ``new``, and how often."""
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        if match.group().lower() != old.lower():
            return match.group()
        count += 1
        return new

    return _KEY_TOKEN.sub(swap, value), count


def _rename_in_tex_line(code: str, old: str, new: str) -> tuple[str, int]:
    """One line's code (comment already cut off) with every citation of ``old`` made ``new``."""
    out: list[str] = []
    position = 0
    total = 0
    for match in _CITE.finditer(code):
        if match.start() < position or match.group(1) in _PROSE_CITES:
            continue
        out.append(code[position : match.end()])
        index = match.end()
        multi = match.group(1).endswith("s")  # \cites, \parencites: several key groups, each with options
        while True:
            rest = re.match(r"\s*(\((?:[^()]*)\)|\[(?:[^\]]*)\])", code[index:])
            if rest:
                out.append(code[index : index + rest.end()])
                index += rest.end()
                continue
            group = re.match(r"\s*\{([^{}]*)\}", code[index:])
            if not group:
                break
            keys, count = _replace_in_list(group.group(1), old, new)
            total += count
            out.append(code[index : index + group.start(1)] + keys + "}")
            index += group.end()
            if not multi:
                break
        position = index
    out.append(code[position:])
    return "".join(out), total


def _tex_files(mains: list[Path]) -> list[Path]:
    """The main files and every file they bring in, in the order LaTeX reads them (each once)."""
    seen: list[Path] = []
    queue = list(mains)
    while queue:
        path = queue.pop(0)
        if path.suffix != ".tex" and not path.exists():
            path = path.with_suffix(path.suffix + ".tex") if path.suffix else path.with_suffix(".tex")
        if path.resolve() in {item.resolve() for item in seen} or not path.is_file():
            continue
        seen.append(path)
        text = path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            code = _COMMENT.split(line, 1)[0]
            for match in _INCLUDE.finditer(code):
                command, first, second = match.groups()
                if command in ("import", "subimport", "includefrom", "subincludefrom") and second is not None:
                    queue.append(path.parent / first / second)
                else:
                    queue.append(path.parent / first)
    return seen


def plan(library_path: Path, old: str, new: str, mains: list[Path]) -> RenamePlan:
    """What renaming ``old`` to ``new`` would change, checked: ``old`` exists, ``new`` is free and valid."""
    validate(new)
    lib = library.load(library_path)
    lib.check_writable()
    if old not in lib.entries:
        raise UnknownKeys([old], str(library_path), lib.keys)
    if new in Caseless(key for key in lib.keys if key != old):
        raise UsageError(f"{new}: that key is already in {library_path} (keys are compared without case)")
    for main in mains:
        if not main.is_file():
            raise CitetoolError(f"{main}: no such .tex file")
    result = RenamePlan(old, new, library_path, library_data=lib.data)
    sources: dict[str, str] = {}
    for block in lib.document.blocks:
        if block.entry is None:
            continue
        key = block.entry.key
        source = lib.text[block.start : block.end]
        if key != old and old.lower() not in source.lower():
            continue  # most entries: cheap to rule out
        changed = _HEADER.sub(lambda m: m.group(1) + new, source, count=1) if key == old else source
        changed = _KEY_FIELD.sub(lambda m: m.group(1) + _replace_in_list(m.group(2), old, new)[0], changed)
        if changed != source:
            sources[key] = changed
            (reparsed,) = parse(changed).entries.values()
            result.intent.replaced[key] = reparsed
    result.new_library = lib.replaced(sources)
    for path in _tex_files(mains):
        before = path.read_text(encoding="utf-8", errors="replace")
        lines = before.splitlines(keepends=True)
        after_lines = []
        count = 0
        for number, line in enumerate(lines, start=1):
            parts = _COMMENT.split(line, 1)
            code, changed_count = _rename_in_tex_line(parts[0], old, new)
            count += changed_count
            if len(parts) > 1:
                if old.lower() in parts[1].lower():
                    result.comments.append((path, number))
                after_lines.append(code + "%" + parts[1])
            else:
                after_lines.append(code)
        if count:
            result.files.append(FileChange(path, before, "".join(after_lines), count))
    return result


def apply(rename: RenamePlan) -> None:
    """Write the library and every changed .tex file: all of them, or (on any failure) none."""
    staged: list[storage.Staged] = []
    try:
        for change in rename.files:
            staged.append(storage.Staged(change.path, change.after.encode("utf-8")))

        def change_library(lib: library.Library) -> tuple[bytes, None, Intent]:
            if lib.data != rename.library_data:
                raise CitetoolError(f"{rename.library}: changed since the rename was planned; run it again")
            return rename.new_library, None, rename.intent

        library.edit(rename.library, change_library)
    except BaseException:
        for item in staged:
            item.discard()
        raise
    for item in staged:
        item.commit()
