"""Output formats: one module each, one signature, found through :data:`FORMATS`.

Every format module defines ``write(entries, context) -> str`` and reads
``entries`` once, in order (it may be a generator).  Modules are
imported only when their format is asked for, so start-up stays fast.
Adding a format is one new module and one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from citetool.model import Entry, Value

#: Format name -> module that writes it.
FORMATS: dict[str, str] = {
    "bibtex": "citetool.formats.bibtex",
    "biblatex": "citetool.formats.biblatex",
    "ris": "citetool.formats.ris",
    "csl-json": "citetool.formats.csljson",
    "html": "citetool.formats.html",
    "text": "citetool.formats.text",
}

#: Formats that write BibTeX source and so keep macros and crossref parents as they are.
BIB_FORMATS = frozenset({"bibtex", "biblatex"})


@dataclass
class Context:
    """What a writer needs besides the entries."""

    strings: dict[str, Value] = field(default_factory=dict)  # macros, resolved or to write out
    preambles: list[str] = field(default_factory=list)  # @preamble blocks as written
    style: str = "apa"
    fragment: bool = False
    warn: Callable[[str], None] = lambda message: None


Writer = Callable[[Iterable[Entry], Context], str]


def writer(name: str) -> Writer:
    """The ``write`` function of format ``name``."""
    module = importlib.import_module(FORMATS[name])
    function: Writer = module.write
    return function
