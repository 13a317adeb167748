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
    """One record to import; ``source`` is its BibTeX text as written, when it came from a .bib."""

    entry: Entry
    source: str | None = None


@dataclass
class Batch:
    """Everything one input file holds."""

    candidates: list[Candidate] = field(default_factory=list)
    strings: dict[str, Value] = field(default_factory=dict)
    string_sources: dict[str, str] = field(default_factory=dict)
    preambles: list[str] = field(default_factory=list)  # @preamble blocks as written


Reader = Callable[[str, str], Batch]


def reader(name: str) -> Reader:
    module = importlib.import_module(READERS[name])
    function: Reader = module.read
    return function
