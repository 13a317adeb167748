"""``citetool rename OLD NEW`` (and ``rekey``): keys renamed in the library and in every citation of them.

In the library: each entry's own key, and the ``crossref``, ``xdata``,
``related`` and ``xref`` fields of other entries that name it (keys compared
without case, as BibTeX compares them); only those bytes change.  In the
``.tex`` files reached from the main files through ``\\input`` (braced or
TeX's brace-less form), ``\\include``, ``\\subfile``, ``\\import`` and
``\\subimport``: the keys of every natbib and biblatex citation command, as
:mod:`citetool.tex.source` finds them (key lists over several lines,
comments inside them, ``\\cites(..)(..)[..]{a}{b}``).

What is left alone, and said: mentions of a key in comments, verbatim text,
``\\iffalse`` blocks and macro definitions.  What stops a rename unless the
user says ``--yes`` knowingly (:attr:`RenamePlan.blockers`): an included
file that cannot be found, and a file outside the document's folders that
cites a key (it is read, as TeX reads it, but written only when ``--tex``
names it).  Every byte of a ``.tex`` file that is not a renamed key is kept
(encodings, line ends); a file holding NUL bytes is refused.  Nothing is
written until :func:`apply`, which writes every file or none, and none that
another program changed since it was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from citetool.bib.blocks import Block, is_repeat
from citetool.bib.keys import Caseless, validate
from citetool.bib.parse import parse
from citetool.errors import CitetoolError, UsageError
from citetool.library import file as library
from citetool.library import storage
from citetool.library.guard import Intent
from citetool.tex import paths, source

#: Fields whose values are keys of other entries.
KEY_FIELDS = ("crossref", "xdata", "related", "xref")
#: The largest .tex file read (a 1,000-page thesis in one file is a few MiB).
MAX_TEX_BYTES = 64 * 2**20
#: Lines longer than this are shown in a diff only around what changed.
DIFF_LINE = 400

_HEADER = re.compile(r"^(@\s*\w+\s*[{(]\s*)([^,\s]*)")
_KEY_FIELD = re.compile(r"(?i)(\b(?:" + "|".join(KEY_FIELDS) + r")\s*=\s*)(\{[^{}]*\}|\"[^\"]*\"|[^,}\s]+)")
_KEY_TOKEN = re.compile(r"[^\s,{}\"]+")
_SKIPPED = {"comment": "a comment names {key}; comments are left as they are",
            "verbatim": "verbatim text names {key}; left as it is",
            "iffalse": "an \\iffalse block names {key}; left as it is",
            "definition": "a macro definition names {key}; left as it is, check it by hand"}  # fmt: skip


@dataclass(frozen=True)
class Notice:
    """Something a rename leaves alone, at a place in a file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class FileChange:
    """One file's bytes before and after, and how many keys changed."""

    path: Path
    before: bytes
    after: bytes
    count: int

    def diff(self) -> str:
        return line_diff(str(self.path), source.decode(self.before), source.decode(self.after))


@dataclass
class RenamePlan:
    """What renaming keys (``old`` -> ``new``) changes: the library's bytes, each .tex file, what is left alone."""

    renames: dict[str, str]
    library: Path
    library_data: bytes = b""
    new_library: bytes = b""
    intent: Intent = field(default_factory=Intent)
    files: list[FileChange] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    blockers: list[Notice] = field(default_factory=list)

    def diffs(self) -> bytes:
        """The unified diff of every file, as bytes: a line of a Latin-1 ``.tex`` file shows as it is."""
        before = self.library_data.decode("utf-8", errors="replace")
        after = self.new_library.decode("utf-8", errors="replace")
        text = line_diff(str(self.library), before, after) + "".join(change.diff() for change in self.files)
        return source.encode(text)

    @property
    def citations(self) -> int:
        return sum(change.count for change in self.files)


def line_diff(label: str, before: str, after: str) -> str:
    """A unified diff of two texts; for texts with the same lines but a few (every rename), made in one pass,
    with long lines shown only around their changes, so a 50 MB file gives a diff of a few lines."""
    import difflib

    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    if len(old) != len(new):
        return "".join(difflib.unified_diff(old, new, label, label))
    changed = [index for index, (one, other) in enumerate(zip(old, new, strict=True)) if one != other]
    if not changed:
        return ""
    hunks: list[list[int]] = []
    for index in changed:
        if hunks and index - hunks[-1][1] <= 6:
            hunks[-1][1] = index
        else:
            hunks.append([index, index])
    out = [f"--- {label}\n", f"+++ {label}\n"]
    for first, last in hunks:
        start, stop = max(0, first - 3), min(len(old), last + 4)
        out.append(f"@@ -{start + 1},{stop - start} +{start + 1},{stop - start} @@\n")
        for index in range(start, stop):
            if old[index] == new[index]:
                out.append(" " + _shown(old[index], None))
            else:
                out += ["-" + _shown(old[index], new[index]), "+" + _shown(new[index], old[index])]
    return "".join(out)


def _shown(line: str, other: str | None) -> str:
    """``line`` for a diff: whole if short; else the stretch where it differs from ``other``, with ``...``."""
    ending = "\n" if line.endswith("\n") else "\n\\ No newline at end of file\n"
    text = line.rstrip("\r\n")
    if len(text) <= DIFF_LINE:
        return text + ("\r" if line.endswith("\r\n") else "") + ending
    if other is None:
        return text[: DIFF_LINE // 2] + " ..." + ending
    start = next((i for i, (a, b) in enumerate(zip(text, other, strict=False)) if a != b), 0)
    left, right = max(0, start - 60), start + 120
    return ("..." if left else "") + text[left:right] + ("..." if right < len(text) else "") + ending


def _replace_in_list(value: str, renames: dict[str, str]) -> str:
    """``value`` (a comma-separated key list, perhaps braced) with each old key (any case) made new."""
    return _KEY_TOKEN.sub(lambda match: renames.get(match.group().lower(), match.group()), value)


def _candidates(including: Path, main: Path, include: source.Include) -> list[Path]:
    """Where TeX (or the import package) looks for an included file: the main file's folder, then the
    including file's; ``.tex`` is tried first for a name without one."""
    name = include.name
    if include.folder is not None:  # \import{folder}{name}: from the main folder; \subimport: from this file's
        base = including.parent if include.command.startswith("sub") else main.parent
        name = str(Path(include.folder) / name)
        folders = [base]
    else:
        folders = list(dict.fromkeys([main.parent, including.parent]))
    names = [name + ".tex"] if include.command == "include" else (
        [name + ".tex", name] if not name.endswith(".tex") else [name])  # fmt: skip
    return [folder / each for folder in folders for each in names] if not Path(name).is_absolute() else [
        Path(each) for each in names]  # fmt: skip


def _read_tex(path: Path) -> bytes:
    try:
        data = storage.read_regular(path, MAX_TEX_BYTES)
    except FileNotFoundError as exc:
        raise CitetoolError(f"{path}: no such .tex file") from exc
    except storage.Unreadable as exc:
        raise CitetoolError(f"{path}: cannot be read ({exc})") from exc
    if source.is_binary(data):
        raise CitetoolError(f"{path}: holds NUL bytes, which no TeX source holds; not read, nothing renamed")
    return data


def _documents(mains: list[Path], blockers: list[Notice]) -> list[tuple[Path, bytes, source.Source]]:
    """The main files and every file they bring in, in the order LaTeX reads them (each once), scanned; an
    include that cannot be found is a blocker."""
    seen: set[Path] = set()
    found: list[tuple[Path, bytes, source.Source]] = []
    queue: list[tuple[Path, Path]] = [(main, main) for main in mains]
    while queue:
        path, main = queue.pop(0)
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        data = _read_tex(path)
        scanned = source.scan(source.decode(data))
        found.append((path, data, scanned))
        for include in scanned.includes:
            options = _candidates(path, main, include)
            hit = next((option for option in options if option.is_file()), None)
            if hit is None:
                line = scanned.line_of(include.start)
                blockers.append(Notice(path, line, f"\\{include.command}{{{include.name}}} is not found (looked for "
                                                   f"{', '.join(str(option) for option in options[:4])}); its "
                                                   "citations cannot be renamed"))  # fmt: skip
                continue
            queue.append((hit, main))
    return found


def _one_occurrence(result: RenamePlan, lib: library.Library, old: str, block: Block) -> None:
    """Rename the one entry ``block`` of a repeated key ``old``: its key alone.  Citations and crossref fields
    keep naming ``old``: the other entry keeps it, and they meant that one as much as this."""
    new = result.renames[old]
    text = lib.text[block.start : block.end]
    header = _HEADER.match(text)
    if header is None:
        raise CitetoolError(f"{lib.path}:{block.line}: cannot find the key of entry '{old}'")
    changed = header.group(1) + new + text[header.end() :]
    (reparsed,) = parse(changed).entries.values()
    result.intent.replaced[old] = reparsed
    result.intent.at[old] = block.line
    result.intent.fixes_repeat = True
    result.new_library = lib.replaced({old: changed}, at={old: block})
    said = f"only this entry's key changes: citations and crossref fields naming {old} mean the entry that keeps it"
    result.notices.append(Notice(lib.path, block.line, said))


def _library_part(result: RenamePlan, lib: library.Library) -> None:
    renames = {old.lower(): new for old, new in result.renames.items()}
    sources: dict[str, str] = {}
    for block in lib.document.blocks:
        if block.entry is None:
            continue
        key = block.entry.key
        text = lib.text[block.start : block.end]
        lowered = text.lower()
        if key not in result.renames and not any(old in lowered for old in renames):
            continue  # most entries: cheap to rule out
        new_key = result.renames.get(key)
        header = _HEADER.match(text)
        changed = text if new_key is None or header is None else header.group(1) + new_key + text[header.end() :]
        changed = _KEY_FIELD.sub(lambda m: m.group(1) + _replace_in_list(m.group(2), renames), changed)
        if changed != text:
            sources[key] = changed
            (reparsed,) = parse(changed).entries.values()
            result.intent.replaced[key] = reparsed
    result.new_library = lib.replaced(sources)


def _check(lib: library.Library, renames: dict[str, str], library_path: Path) -> None:
    missing = [old for old in renames if old not in lib.entries]
    if missing:
        raise lib.unknown(missing, str(library_path))
    staying = Caseless(key for key in lib.keys if key not in renames)
    news = Caseless()
    for new in renames.values():
        validate(new)
        if new in staying or new in news:
            raise UsageError(f"{new}: that key is already in {library_path} (keys are compared without case)")
        news.add(new)


def plan(library_path: Path, renames: list[tuple[str, str]], mains: list[Path], line: int | None = None) -> RenamePlan:
    """What renaming each ``old`` to its ``new`` would change, checked: the olds exist, the news are valid
    and free (without case), every main file is there.

    A key that is in the library twice is renamed in the one entry ``line``
    names (the only way a repeated key is fixed without an editor), and only
    there; a library whose other problems are repeated keys may be renamed in
    only to fix one of them.
    """
    lib = library.load(library_path)
    lib.check_writable(repeated_keys=True)
    wanted = dict(renames)
    _check(lib, wanted, library_path)
    for main in mains:
        if not main.is_file():
            raise CitetoolError(f"{main}: no such .tex file")
    result = RenamePlan(wanted, library_path, library_data=lib.data)
    if len(wanted) == 1:
        ((old, new),) = wanted.items()
        block = lib.occurrence(old, line, f"rename {old} {new}")
        if block is not None:
            _one_occurrence(result, lib, old, block)
            return result
    elif line is not None:
        raise UsageError("--line names the entry of one key; rename one key at a time with it")
    repeats = {problem.key.lower() for problem in lib.problems if problem.fatal and problem.key and is_repeat(problem)}
    result.intent.fixes_repeat = any(old.lower() in repeats for old in wanted)
    if not result.intent.fixes_repeat:
        lib.check_writable()
    _library_part(result, lib)
    named = {main.resolve() for main in mains}
    folders = [main.parent for main in mains]
    olds = {old.lower(): new for old, new in wanted.items()}
    for path, data, scanned in _documents(mains, result.blockers):
        text = scanned.text
        edits = [(key.start, key.end, olds[key.text.lower()]) for citation in scanned.citations
                 for key in citation.keys if key.text.lower() in olds]  # fmt: skip
        for skipped in scanned.skipped:
            stretch = text[skipped.start : skipped.end].lower()
            for old in wanted:
                if old.lower() in stretch:
                    message = _SKIPPED[skipped.kind].format(key=old)
                    result.notices.append(Notice(path, scanned.line_of(skipped.start), message))
        if not edits:
            continue
        if path.resolve() not in named and not any(paths.inside(path, folder) for folder in folders):
            result.blockers.append(Notice(path, scanned.line_of(edits[0][0]), "cites a renamed key but lies outside "
                                          "the document's folder; not changed (name it with --tex to change it)"))
            continue
        pieces, position = [], 0
        for start, end, new in edits:
            pieces += [text[position:start], new]
            position = end
        pieces.append(text[position:])
        result.files.append(FileChange(path, data, source.encode("".join(pieces)), len(edits)))
    return result


def apply(rename: RenamePlan) -> None:
    """Write the library and every changed .tex file: all of them, or (on any failure) none.

    Each ``.tex`` file is staged beside itself first (owner and mode kept);
    if one cannot be written, or changed since it was read, nothing is.
    """
    staged: list[storage.Staged] = []
    try:
        for change in rename.files:
            staged.append(storage.Staged(change.path.resolve(), change.after, expected=change.before))
        for item in staged:
            item.check()

        def change_library(lib: library.Library) -> tuple[bytes, None, Intent]:
            if lib.data != rename.library_data:
                raise CitetoolError(f"{rename.library}: changed since the rename was planned; run it again")
            return rename.new_library, None, rename.intent

        library.edit(rename.library, change_library, repeated_keys=rename.intent.fixes_repeat)
    except BaseException:
        for item in staged:
            item.discard()
        raise
    for item in staged:
        item.commit()
