"""Input formats for ``citetool import``: one module each, ``read(text, name) -> Batch``.

A reader either returns every record of the file or raises
:class:`~citetool.errors.ImportFailed`; it never returns half a file.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from citetool.bib.entry import Entry, Value

#: Format name -> module that reads it.
READERS: dict[str, str] = {
    "bibtex": "citetool.readers.bibtex",
    "ris": "citetool.readers.ris",
    "csl-json": "citetool.readers.csljson",
}

#: File name endings -> format name.
EXTENSIONS: dict[str, str] = {".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json"}


@dataclass
class Candidate:
    """One record to import; ``source`` is its BibTeX text as written, when it came from a .bib.

    A record from a database that outlives the import (Zotero) says which
    record it is (``origin``, stable across imports) and which version of it
    (``stamp``), so that importing again can tell an unchanged record from
    one changed since; ``pinned`` keys are kept exactly or not at all, and
    ``key_source`` says where the key came from ("" when it is made).
    """

    entry: Entry
    source: str | None = None
    origin: str | None = None
    stamp: str | None = None
    pinned: bool = False
    key_source: str = ""


@dataclass
class Batch:
    """Everything one input file holds."""

    candidates: list[Candidate] = field(default_factory=list)
    strings: dict[str, Value] = field(default_factory=dict)
    string_sources: dict[str, str] = field(default_factory=dict)
    preambles: list[str] = field(default_factory=list)  # @preamble blocks as written
    name: str = ""
    origins: str | None = None  # the database the records' origins belong to (None: a plain file)
    read: int = 0  # records read, including those skipped
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record, why) left out by the reader
    warnings: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # what was read but is no entry ("3 notes")


Reader = Callable[[str, str], Batch]


def reader(name: str) -> Reader:
    module = importlib.import_module(READERS[name])
    function: Reader = module.read
    return function
