"""The library file: reading it faithfully and changing only what must change.

A :class:`Library` keeps the file's exact text (BOM and line endings
included) next to its parsed :class:`~citetool.bibfile.Document`.  Edits are
splices of that text: appending adds bytes at the end, replacing or removing
an entry touches only that entry's span.  Loading and saving a library with
no edits therefore writes back the very bytes that were read.

:func:`edit` is the one way to change a library on disk: it takes the write
lock, re-reads the file under it, refuses a file that did not parse cleanly,
applies the change and writes atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from citetool import bibfile, storage
from citetool.bibfile import Block, Document, Problem
from citetool.errors import LibraryInvalid, LibraryMissing
from citetool.model import Entry, Value

BOM = "\ufeff"
T = TypeVar("T")


@dataclass
class Library:
    """A library file as read: its path, exact text, BOM flag and parse."""

    path: Path
    text: str
    bom: bool
    document: Document
    exists: bool = True

    @property
    def entries(self) -> dict[str, Entry]:
        return self.document.entries

    @property
    def strings(self) -> dict[str, Value]:
        return self.document.strings

    @property
    def problems(self) -> list[Problem]:
        return self.document.problems

    @property
    def newline(self) -> str:
        """The file's line ending, so appended entries match it."""
        return "\r\n" if "\r\n" in self.text[:10000] else "\n"

    def to_bytes(self) -> bytes:
        """The file contents to write: BOM (if it had one) plus the text as UTF-8."""
        return ((BOM if self.bom else "") + self.text).encode("utf-8")

    def check_writable(self) -> None:
        """Raise :class:`LibraryInvalid` if any problem forbids writing this file."""
        for problem in self.problems:
            if problem.fatal:
                raise LibraryInvalid(
                    f"{problem.describe(self.path)}; fix the file (or pass --library) before changing it"
                )

    def block_of(self, key: str) -> Block:
        for block in self.document.blocks:
            if block.entry is not None and block.entry.key == key:
                return block
        raise KeyError(key)

    def find_doi(self, doi: str) -> Entry | None:
        """The entry whose DOI (in ``doi`` or a doi.org ``url``) equals ``doi``."""
        for entry in self.entries.values():
            if entry.doi == doi:
                return entry
        return None

    def appended(self, source: str) -> str:
        """The library text with ``source`` (BibTeX, ``\\n`` line ends) added at the end."""
        newline = self.newline
        chunk = source.strip("\n").replace("\n", newline) + newline
        text = self.text
        if not text.strip():
            return text + chunk
        if not text.endswith(("\n", "\r")):
            text += newline
        return text + newline + chunk

    def replaced(self, sources: dict[str, str]) -> str:
        """The library text with each entry ``key``'s bytes replaced by ``sources[key]``."""
        text = self.text
        for key in sorted(sources, key=lambda key: self.block_of(key).start, reverse=True):
            block = self.block_of(key)
            chunk = sources[key].strip("\n").replace("\n", self.newline)
            text = text[: block.start] + chunk + text[block.end :]
        return text

    def removed(self, keys: list[str]) -> str:
        """The library text without the entries ``keys``.

        Each entry's span goes, with the line ending after it and the blank
        line before it, so removing an entry that ``appended`` added gives
        back the bytes from before.
        """
        text = self.text
        newline = self.newline
        for block in sorted((self.block_of(key) for key in keys), key=lambda b: b.start, reverse=True):
            start, end = block.start, block.end
            if text.startswith(newline, end):
                end += len(newline)
            if text[:start].endswith(newline * 2):
                start -= len(newline)
            text = text[:start] + text[end:]
        return text


def _first_bad_line(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    return 0


def parse_bytes(path: Path, data: bytes) -> Library:
    """Build a :class:`Library` from the bytes of ``path``.

    Binary files are refused outright.  Invalid UTF-8 is decoded with
    replacement characters so reading commands can still show what parsed,
    but recorded as a fatal problem so the file is never written.
    """
    if b"\x00" in data[:65536]:
        raise LibraryInvalid(f"{path}: is a binary file, not a BibTeX library; pass --library FILE")
    bad_line = _first_bad_line(data)
    text = data.decode("utf-8", errors="replace")
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    document = bibfile.parse(text)
    if bad_line:
        document.problems.insert(
            0,
            Problem(bad_line, None, "not valid UTF-8; convert the file to UTF-8 (e.g. with iconv)"),
        )
    return Library(path=path, text=text, bom=bom, document=document)


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
        return Library(path=path, text="", bom=False, document=bibfile.parse(""), exists=False)


def edit(path: Path, change: Callable[[Library], tuple[str | None, T]]) -> T:
    """Apply ``change`` to the library at ``path`` under its write lock.

    ``change`` gets the freshly read library and returns the new text (or
    None to leave the file alone) and a result to hand back.  A library with
    fatal problems is refused before ``change`` sees it.
    """
    with storage.locked(path):
        library = load_or_empty(path)
        library.check_writable()
        new_text, result = change(library)
        if new_text is not None and (new_text != library.text or not library.exists):
            data = ((BOM if library.bom else "") + new_text).encode("utf-8")
            storage.write_atomic(path, data)
        return result
