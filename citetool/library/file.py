"""The library file: reading it faithfully and changing only what must change.

A :class:`Library` keeps the file's exact text (BOM and line endings
included) next to its parsed :class:`~citetool.bib.blocks.Document`.  Edits are
splices of that text: appending adds bytes at the end, replacing or removing
an entry touches only that entry's span.  Loading and saving a library with
no edits therefore writes back the very bytes that were read.

:func:`edit` is the one way to change a library on disk: it takes the write
lock, re-reads the file under it, refuses a file that did not parse cleanly,
applies the change and writes atomically.
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Callable, Iterable, KeysView, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from citetool.bib.blocks import Block, Document, Problem, is_repeat
from citetool.bib.entry import Entry, Value
from citetool.bib.macros import Macro, preamble_definitions
from citetool.bib.parse import parse
from citetool.bib.work import Resolver
from citetool.errors import LibraryInvalid, LibraryMissing, UnknownKeys, UsageError
from citetool.identifiers import doi as doi_module
from citetool.library import guard, storage
from citetool.library.guard import Intent

BOM = "\ufeff"
T = TypeVar("T")


@dataclass
class Index:
    """What a command needs to know of a library without reading all its entries.

    Keys, DOIs and problems are all that ``add`` and the problem report need;
    the span and line of each entry and of each ``@string`` let ``show KEY``
    read just those blocks.  For a big library the index is cached
    (:mod:`citetool.library.caches`), so unchanged files are not parsed again.
    """

    spans: dict[str, tuple[int, int, int]]  # key -> (start, end, line) of the entry, in file order
    macros: list[tuple[int, int]]  # (start, end) of every @string block
    preambles: list[tuple[int, int]]  # (start, end) of every @preamble block
    dois: dict[str, str]  # normalised DOI -> key of the first entry that has it
    problems: list[Problem]
    pmids: dict[str, str] = field(default_factory=dict)  # PubMed ID -> key of the first entry that has it

    @property
    def keys(self) -> KeysView[str]:
        return self.spans.keys()

    @classmethod
    def of(cls, document: Document) -> Index:
        spans: dict[str, tuple[int, int, int]] = {}
        macros: list[tuple[int, int]] = []
        preambles: list[tuple[int, int]] = []
        for block in document.blocks:
            entry = block.entry
            if entry is not None and document.entries.get(entry.key) is entry:
                spans[entry.key] = (block.start, block.end, block.line)
            elif block.kind == "string":
                macros.append((block.start, block.end))
            elif block.kind == "preamble":
                preambles.append((block.start, block.end))
        dois: dict[str, str] = {}
        pmids: dict[str, str] = {}
        for key, entry in document.entries.items():
            doi = entry.doi
            if doi is not None:
                dois.setdefault(doi, key)
            if "pmid" in entry.fields or "eprinttype" in entry.fields:
                pmid = entry.pmid
                if pmid is not None:
                    pmids.setdefault(pmid, key)
        return cls(spans, macros, preambles, dois, document.problems, pmids)

    def extended(self, appended: Document, offset: int, lines: int) -> Index | None:
        """This index with the entries of text appended at character ``offset``, after ``lines``
        line breaks; None if that text has problems of its own or repeats a key (then only a
        full parse tells the truth)."""
        if appended.problems or not set(appended.entries).isdisjoint(self.spans):
            return None
        addition = Index.of(appended)
        spans = {**self.spans}
        for key, (start, end, line) in addition.spans.items():
            spans[key] = (start + offset, end + offset, line + lines)
        macros = self.macros + [(start + offset, end + offset) for start, end in addition.macros]
        preambles = self.preambles + [(start + offset, end + offset) for start, end in addition.preambles]
        return Index(spans, macros, preambles, {**addition.dois, **self.dois}, list(self.problems),
                     {**addition.pmids, **self.pmids})

    def fits(self, size: int) -> bool:
        """Whether every span lies inside a file of ``size`` bytes, entries in order and each DOI's key known:
        what a cached index must at least be to be used."""
        spans = list(self.spans.values())
        ordered = all(first[1] <= second[0] for first, second in itertools.pairwise(spans))
        known = all(key in self.spans for key in itertools.chain(self.dois.values(), self.pmids.values()))
        return ordered and known and _fits(spans, size) and _fits(self.macros + self.preambles, size)

    def to_json(self) -> dict[str, Any]:
        """The index as JSON data: keys in one list, spans as one flat list of integers.

        Flat lists, not a mapping of lists, because a 16,000-entry index then
        encodes and decodes several times faster, and ``add`` does both.
        """
        return {
            "keys": list(self.spans),
            "spans": [number for span in self.spans.values() for number in span],
            "macros": [number for span in self.macros for number in span],
            "preambles": [number for span in self.preambles for number in span],
            "dois": self.dois,
            "pmids": self.pmids,
            "problems": [[p.line, p.key, p.message, p.fatal] for p in self.problems],
        }

    @classmethod
    def from_json(cls, data: Any) -> Index:
        """The index from :meth:`to_json`'s data; ``ValueError`` (or ``TypeError``) if it is not such data."""
        keys, flat = data["keys"], _integers(data["spans"], 3)
        if type(keys) is not list or not all(type(key) is str for key in keys) or len(flat) != 3 * len(keys):
            raise ValueError("malformed index")
        spans = dict(zip(keys, zip(flat[0::3], flat[1::3], flat[2::3], strict=True), strict=True))
        macros, preambles = _integers(data["macros"], 2), _integers(data["preambles"], 2)
        dois = {str(doi): str(key) for doi, key in data["dois"].items()}
        pmids = {str(pmid): str(key) for pmid, key in data["pmids"].items()}
        problems = [Problem(line, key, message, bool(fatal)) for line, key, message, fatal in data["problems"]]
        return cls(
            spans,
            list(zip(macros[0::2], macros[1::2], strict=True)),
            list(zip(preambles[0::2], preambles[1::2], strict=True)),
            dois,
            problems,
            pmids,
        )


def _fits(spans: Sequence[tuple[int, ...]], size: int) -> bool:
    return all(0 <= span[0] < span[1] <= size for span in spans)


def _integers(value: Any, group: int) -> list[int]:
    """``value`` if it is a list of integers in whole groups of ``group``; ``ValueError`` otherwise."""
    if type(value) is not list or len(value) % group or not all(type(number) is int for number in value):
        raise ValueError("malformed index")
    return value


@dataclass
class Library:
    """A library file as read: its path and exact bytes; decoded and parsed when first needed.

    ``digest`` is set for libraries big enough to cache (see
    :mod:`citetool.library.caches`); their index comes from the cache when the
    bytes are unchanged, so commands that need only the index never parse.
    """

    path: Path
    data: bytes
    exists: bool = True
    digest: str | None = None
    _text: str | None = None
    _bad_line: int = 0
    _document: Document | None = None
    _index: Index | None = None
    _index_cached: bool = False
    _strings: dict[str, Value] | None = None
    _definitions: dict[str, Macro] | None = None
    _blocks: dict[str, Block] | None = None

    @property
    def bom(self) -> bool:
        return self.data.startswith(BOM.encode("utf-8"))

    @property
    def text(self) -> str:
        """The file's text without its BOM, decoded when first needed (``add`` may never need it)."""
        if self._text is None:
            text, self._bad_line = _decode(self.data)
            self._text = text.removeprefix(BOM)
        return self._text

    @property
    def byte_problems(self) -> list[Problem]:
        """Problems of the bytes themselves: invalid UTF-8 (fatal), control characters (a warning each)."""
        problems = []
        if self.text and self._bad_line:
            message = "not valid UTF-8; convert the file to UTF-8 (e.g. with iconv)"
            problems.append(Problem(self._bad_line, None, message))
        for match in _CONTROL_BYTES.finditer(self.data):
            line = self.data.count(b"\n", 0, match.start()) + 1
            code = f"U+{match.group()[0]:04X}"
            problems.append(Problem(line, None, f"holds the control character {code}; delete it (an editor, or "
                                                "`citetool remove` of its entry)", fatal=False))  # fmt: skip
        return problems

    @property
    def document(self) -> Document:
        if self._document is None:
            document = parse(self.text)
            conflicts = _conflict_regions(self.data)
            if conflicts:  # inside a conflict the same key stands twice: the conflict is the problem, said once
                document.problems = [problem for problem in document.problems if not (
                    "duplicate key" in problem.message and any(a <= problem.line <= b for a, b in conflicts))]
                message = "an unresolved merge conflict (git's <<<<<<< ... >>>>>>> markers, to line {end}); keep " \
                          "one version, delete the markers, then run citetool again"  # fmt: skip
                document.problems[:0] = [Problem(start, None, message.format(end=end)) for start, end in conflicts]
            document.problems[:0] = _with_keys(self.byte_problems, document)
            self._document = document
        return self._document

    @property
    def index(self) -> Index:
        if self._index is None:
            self._index = Index.of(self.document)
            if self.digest is not None:
                from citetool.library import caches as libcache

                libcache.store(self.digest, "index", self._index.to_json())
        return self._index

    @property
    def entries(self) -> dict[str, Entry]:
        return self.document.entries

    @property
    def strings(self) -> dict[str, Value]:
        """The ``@string`` macros; from just their blocks while the library is not parsed whole."""
        if self._document is None and self._strings is None:
            self._strings = self._read_macros()
        if self._document is not None or self._strings is None:
            return self.document.strings
        return self._strings

    @property
    def preambles(self) -> list[str]:
        """The source of every ``@preamble`` block, in file order."""
        return [self.text[start:end] for start, end in self.index.preambles]

    def named(self, names: Iterable[str]) -> tuple[list[Entry], list[str]]:
        """The entries named by ``names`` (citation keys or DOIs), and the names not found.

        A library not yet parsed whole reads only the named entries, by their
        spans in the index; a block the scanner leaves to bibtexparser makes
        it parse the whole file after all.
        """
        found: dict[str, Entry] = {}
        missing: list[str] = []
        index = self.index
        for name in names:
            key: str | None = name if name in index.spans else None
            if key is None:
                doi = doi_module.parse(name)
                key = index.dois.get(doi) if doi else None
            if key is None:
                missing.append(name)
            elif key not in found:
                entry = self._read_entry(key) if self._document is None else None
                found[key] = entry if entry is not None else self.entries[key]
        return list(found.values()), missing

    def resolver(self, warn: Callable[[str], None] | None = None) -> Resolver:
        """A :class:`~citetool.bib.work.Resolver` for this library's entries: its macros, and its
        entries as ``crossref`` parents, found by key without regard to case (BibTeX's rule)."""
        by_lower: dict[str, str] = {}

        def lookup(key: str) -> Entry | None:
            if not by_lower:
                by_lower.update((name.lower(), name) for name in reversed(list(self.keys)))
            found = by_lower.get(key.lower())
            return self.named([found])[0][0] if found is not None else None

        if warn is None:
            return Resolver(self.strings, lookup, macros=self.definitions)
        return Resolver(self.strings, lookup, warn, self.definitions)

    @property
    def definitions(self) -> dict[str, Macro]:
        """The simple macros the ``@preamble`` blocks define (:mod:`citetool.bib.macros`)."""
        if self._definitions is None:
            found: dict[str, Macro] = {}
            for source in self.preambles:
                found.update(preamble_definitions(source, self.strings))
            self._definitions = found
        return self._definitions

    def _read_entry(self, key: str) -> Entry | None:
        """The entry ``key`` read from its own block alone, or None if the scanner is not sure of it."""
        from citetool.bib import scanner as bibscan

        start, end, line = self.index.spans[key]
        document = bibscan.scan(self.text[start:end])
        entry = document.entries.get(key) if document is not None else None
        if entry is not None:
            entry.line = line
        return entry

    def _read_macros(self) -> dict[str, Value] | None:
        """The macros read from the ``@string`` blocks alone, or None if the scanner is not sure of one."""
        from citetool.bib import scanner as bibscan

        strings: dict[str, Value] = {}
        for start, end in self.index.macros:
            document = bibscan.scan(self.text[start:end])
            if document is None:
                return None
            strings.update(document.strings)
        return strings

    @property
    def problems(self) -> list[Problem]:
        return self.index.problems

    def unknown(self, missing: list[str], source: str | None = None) -> UnknownKeys:
        """The error for keys the library lacks: a close key suggested, and for a key whose entry is in the
        file but does not parse, where it is and what is wrong with it."""
        broken = {problem.key.lower(): f"at {self.path}:{problem.line} does not parse: {problem.message}"
                  for problem in self.problems if problem.fatal and problem.key}  # fmt: skip
        return UnknownKeys(missing, source or str(self.path), self.keys, broken)

    @property
    def keys(self) -> KeysView[str]:
        """Every entry's key, in file order (the first of a repeated key)."""
        return self.index.keys

    @property
    def newline(self) -> str:
        """The file's line ending, so appended entries match it: CRLF, old Mac's CR alone, or LF."""
        head = self.data[:10000]
        if b"\r\n" in head:
            return "\r\n"
        return "\r" if b"\r" in head and b"\n" not in head else "\n"

    def release(self) -> None:
        """Drop the decoded text and the parsed entries; they are read again if anything asks.

        For a command that has taken what it needs from the library and goes
        on to something memory-hungry (citeproc-py rendering a bibliography).
        """
        self._text = None
        self._document = None
        self._strings = None
        self._blocks = None

    def encoded(self, text: str) -> bytes:
        """The file contents for ``text``: BOM (if the file had one) plus the text as UTF-8."""
        return ((BOM if self.bom else "") + text).encode("utf-8")

    def to_bytes(self) -> bytes:
        """The file contents to write back unchanged."""
        return self.encoded(self.text)

    def check_writable(self, repeated_keys: bool = False) -> None:
        """Raise :class:`LibraryInvalid` if any problem forbids writing this file.  With ``repeated_keys``, a
        repeated key is no obstacle: ``rename`` and ``remove`` are how one is fixed (their guard then
        requires fewer repeats after the edit, and no other problem)."""
        for problem in self.problems:
            if problem.fatal and not (repeated_keys and is_repeat(problem)):
                raise LibraryInvalid(
                    f"{problem.describe(self.path)}; fix the file (or pass --library) before changing it"
                )

    def block_of(self, key: str) -> Block:
        """The block of entry ``key`` (its first, for a repeated key)."""
        if self._blocks is None:
            self._blocks = {}
            for block in self.document.blocks:
                if block.entry is not None:
                    self._blocks.setdefault(block.entry.key, block)
        found = self._blocks.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def occurrences(self, key: str) -> list[Block]:
        """Every entry block whose key is ``key`` exactly (a repeated key has more than one)."""
        return [block for block in self.document.blocks if block.entry is not None and block.entry.key == key]

    def occurrence(self, key: str, line: int | None, verb: str) -> Block | None:
        """The one block of a repeated ``key`` that ``line`` names (None for a key that is there once and no
        line); a repeated key without a line, or a line that is not one of its entries, is a
        :class:`UsageError` saying how to name one (``verb``: the command, for the example)."""
        blocks = self.occurrences(key)
        if line is None and len(blocks) < 2:
            return None
        lines = [block.line for block in blocks]
        for block in blocks:
            if block.line == line:
                return block
        shown = ", ".join(str(number) for number in lines)
        if line is None:
            raise UsageError(f"entry '{key}' is in {self.path} {len(blocks)} times (lines {shown}); BibTeX uses the "
                             f"first. Name the one to change: citetool {verb} --line {lines[-1]}")  # fmt: skip
        where = f"line{'s' if len(lines) > 1 else ''} {shown}"
        raise UsageError(f"no entry '{key}' starts at line {line} of {self.path} (it is at {where})")

    def find_doi(self, doi: str) -> str | None:
        """The key of the entry whose DOI (in ``doi`` or a doi.org ``url``) equals ``doi``.

        An answer from a cached index is confirmed by reading that entry: a
        cache file is not trusted to say what the library holds.
        """
        key = self.index.dois.get(doi)
        if key is None or not self._index_cached:
            return key
        entries, _missing = self.named([key])
        if entries and entries[0].doi == doi:
            return key
        self._index, self._index_cached = Index.of(self.document), False  # the cached index lied: read the file
        return self._index.dois.get(doi)

    def appended(self, source: str) -> bytes:
        """The file contents with ``source`` (BibTeX, ``\\n`` line ends) added at the end.

        A blank line separates it from what was there.  The work is done on
        the bytes: adding an entry to a big library neither decodes nor
        encodes the file again.
        """
        newline = self.newline
        chunk = source.strip("\n").replace("\n", newline)
        data = self.data
        if self._blank():
            return data + (chunk + newline).encode("utf-8")
        if not data.endswith((b"\n", b"\r")):
            # A file without a final line break keeps that shape: removing the entry gives its bytes back.
            return data + (newline * 2 + chunk).encode("utf-8")
        return data + (newline + chunk + newline).encode("utf-8")

    def _blank(self) -> bool:
        """Whether the text is empty or all white space, decoding it only when the bytes cannot tell."""
        rest = self.data.removeprefix(BOM.encode("utf-8")).lstrip()  # lstrip drops ASCII white space
        return not rest or ((rest[0] >= 0x80 or chr(rest[0]).isspace()) and self.text.isspace())

    def replaced(self, sources: dict[str, str], at: Mapping[str, Block] | None = None) -> bytes:
        """The file contents with each entry ``key``'s bytes replaced by ``sources[key]`` (the block ``at[key]``
        for a repeated key, else its first)."""
        blocks = {key: (at or {}).get(key) or self.block_of(key) for key in sources}
        text = self.text
        pieces: list[str] = []
        position = 0
        for key in sorted(sources, key=lambda key: blocks[key].start):  # pieces, not a copy of the text per entry
            block = blocks[key]
            pieces += [text[position : block.start], sources[key].strip("\n").replace("\n", self.newline)]
            position = block.end
        pieces.append(text[position:])
        return self.encoded("".join(pieces))

    def removed(self, keys: list[str], at: Mapping[str, Block] | None = None) -> bytes:
        """The file contents without the entries ``keys``.

        Each entry's span goes, with the line ending after it and the blank
        line before it (both line endings before it when it ends the file
        with none after it), so removing an entry that ``appended`` added
        gives back the bytes from before.
        """
        text = self.text
        newline = self.newline
        chosen = ((at or {}).get(key) or self.block_of(key) for key in keys)
        for block in sorted(chosen, key=lambda b: b.start, reverse=True):
            start, end = block.start, block.end
            if text.startswith(newline, end):
                end += len(newline)
                if text[:start].endswith(newline * 2):
                    start -= len(newline)
                elif start == 0 and text.startswith(newline, end):  # the first block: the blank line after it
                    end += len(newline)
            elif end == len(text) and text[:start].endswith(newline * 2):
                start -= 2 * len(newline)
            elif text[:start].endswith(newline * 2):
                start -= len(newline)
            text = text[:start] + text[end:]
        return self.encoded(text)


def _with_keys(problems: list[Problem], document: Document) -> list[Problem]:
    """``problems`` of lines (control characters) with the key of the entry each line lies in, if any."""
    if not any(problem.key is None and not problem.fatal for problem in problems):
        return problems
    spans = [(block.line, block.line + document.text.count("\n", block.start, block.end), block.entry.key)
             for block in document.blocks if block.entry is not None]  # fmt: skip
    named = []
    for problem in problems:
        key = next((key for first, last, key in spans if first <= problem.line <= last), None)
        if key is not None and not problem.fatal and problem.key is None:
            problem = Problem(problem.line, key, problem.message.replace("`citetool remove` of its entry",
                                                                         f"citetool remove {key}"), False)  # fmt: skip
        named.append(problem)
    return named


_CONFLICT_MARK = re.compile(rb"^(<{7}|>{7})(?:[ \t].*)?$", re.MULTILINE)


def _conflict_regions(data: bytes) -> list[tuple[int, int]]:
    """The line spans ``(first, last)`` of git's conflict blocks left in ``data`` (``<<<<<<<`` to ``>>>>>>>``)."""
    if b"<<<<<<<" not in data:
        return []
    regions: list[tuple[int, int]] = []
    start: int | None = None
    for match in _CONFLICT_MARK.finditer(data):
        line = data.count(b"\n", 0, match.start()) + 1
        if match.group(1).startswith(b"<"):
            start = line if start is None else start
        elif start is not None:
            regions.append((start, line))
            start = None
    if start is not None:
        regions.append((start, data.count(b"\n") + 1))
    return regions


#: Control bytes no .bib file should hold (tab, line feed, carriage return and form feed are white space).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x7fELF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"\xff\xfe",
                 b"\xfe\xff")  # fmt: skip


def _looks_binary(data: bytes) -> bool:
    """A PDF, an archive, an image, UTF-16: not a library with a stray NUL, which is read with a warning."""
    head = data[:8192]
    return head.startswith(_BINARY_MAGIC) or head.count(b"\x00") > max(8, len(head) // 100)


def _decode(data: bytes) -> tuple[str, int]:
    """The text of ``data``, and the line of its first invalid UTF-8 byte (0 if none).

    Invalid bytes become replacement characters; valid files are decoded once.
    """
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", errors="replace"), data.count(b"\n", 0, exc.start) + 1


def parse_bytes(path: Path, data: bytes) -> Library:
    """Build a :class:`Library` from the bytes of ``path``.

    Binary files are refused outright.  Invalid UTF-8 is decoded with
    replacement characters so reading commands can still show what parsed,
    but recorded as a fatal problem so the file is never written.
    """
    if _looks_binary(data):
        raise LibraryInvalid(f"{path}: is a binary file, not a BibTeX library; pass --library FILE")
    lib = Library(path=path, data=data)
    from citetool.library import caches as libcache

    if len(data) >= libcache.THRESHOLD:
        lib.digest = libcache.digest(data)
        cached = libcache.load(lib.digest, "index")
        if cached is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                index = Index.from_json(cached)
                if index.fits(len(data)):
                    lib._index, lib._index_cached = index, True
    return lib


def read(path: Path) -> bytes:
    """The bytes of the library at ``path``; a missing file is :class:`LibraryMissing`."""
    try:
        return storage.read_bytes(path)
    except FileNotFoundError as exc:
        raise LibraryMissing(
            f"{path}: no such library; create it with `citetool add DOI` or pass --library FILE"
        ) from exc


def load(path: Path) -> Library:
    """Read the library at ``path``; a missing file is :class:`LibraryMissing`."""
    return parse_bytes(path, read(path))


def load_or_empty(path: Path) -> Library:
    """Like :func:`load`, but a missing file is an empty library (for commands that add)."""
    try:
        return load(path)
    except LibraryMissing:
        return Library(path=path, data=b"", exists=False)


#: How often an edit starts over when someone else changed the file between citetool's read and its write.
EDIT_ATTEMPTS = 3


def edit(
    path: Path,
    change: Callable[[Library], tuple[bytes | None, T, Intent]],
    known: Library | None = None,
    repeated_keys: bool = False,
) -> T:
    """Apply ``change`` to the library at ``path`` under its write lock.

    ``change`` gets the freshly read library and returns the new file
    contents (or None to leave the file alone), a result to hand back, and
    its :class:`~citetool.library.guard.Intent`: the new bytes are written
    only if they read back as exactly that (:mod:`citetool.library.guard`).
    A library with fatal problems, invalid UTF-8 among them, is refused
    before ``change`` sees it (but for repeated keys with ``repeated_keys``:
    ``rename`` and ``remove`` fix them).  If the file changes under citetool's feet
    (an editor saving it, which takes no lock), the edit starts over from
    the new file, up to :data:`EDIT_ATTEMPTS` times.  ``known``, a read of
    the same file from before the lock, is reused if the bytes read under
    the lock are still exactly its bytes.
    """
    with storage.locked(path):
        for attempt in range(EDIT_ATTEMPTS):
            try:
                data = read(path)
            except LibraryMissing:
                data, library = b"", Library(path=path, data=b"", exists=False)
            else:
                same = known is not None and known.exists and data == known.data
                library = known if same and known is not None else parse_bytes(path, data)
            library.check_writable(repeated_keys)
            new_data, result, intent = change(library)
            if new_data is None or (new_data == library.data and library.exists):
                return result
            appended = _guard(library, new_data, intent)
            try:
                storage.write_atomic(path, new_data, expected=data if library.exists else None)
            except storage.ChangedMeanwhile:
                if attempt + 1 == EDIT_ATTEMPTS:
                    raise
                known = None
                continue
            _index_after_append(library, new_data, appended)
            return result
    raise AssertionError("unreachable")  # pragma: no cover


def _guard(before: Library, data: bytes, intent: Intent) -> Document | None:
    """Refuse ``data`` unless it is ``before`` changed exactly as ``intent`` says; for an append, the parse of
    the appended text (the index after the write is made from it)."""
    if data.startswith(before.data) and not intent.replaced and not intent.removed:
        try:
            added = data[len(before.data) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise guard.WriteRefused(f"{before.path}: not written: the new text is not valid UTF-8") from exc
        return guard.verify_append(before.path, added, intent, list(before.keys))
    text = data.decode("utf-8", errors="replace").removeprefix(BOM)
    guard.verify_rewrite(before.path, before.document, text, intent)
    return None


#: The bytes that continue a UTF-8 sequence: deleting them leaves one byte per character.
_CONTINUATION = bytes(range(0x80, 0xC0))


def _index_after_append(before: Library, data: bytes, appended: Document | None = None) -> None:
    """Cache the index of a big library that an edit only appended to, without parsing it all.

    The old file is complete blocks of valid UTF-8 (a library with fatal
    problems is never written), so the appended bytes parse on their own;
    their entries extend the old index at the old text's length in
    characters, counted without decoding the file.  Anything else is left
    to the next command's full parse.
    """
    from citetool.library import caches as libcache

    old = before.data
    if len(data) < libcache.THRESHOLD or not data.startswith(old):
        return
    try:
        added = data[len(old) :].decode("utf-8")
    except UnicodeDecodeError:
        return
    offset = len(old.translate(None, _CONTINUATION)) - (1 if before.bom else 0)
    extended = before.index.extended(appended if appended is not None else parse(added), offset, old.count(b"\n"))
    if extended is not None:
        libcache.store(libcache.digest(data), "index", extended.to_json())
