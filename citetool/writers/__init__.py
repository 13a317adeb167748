"""Output formats: one module each, one signature, found through :data:`FORMATS`.

Every format module defines ``write(works, context) -> str`` and reads
``works`` (:class:`~citetool.bib.work.Work`) once, in order (it may be a
generator).  Modules are
imported only when their format is asked for, so start-up stays fast.
Adding a format is one new module and one line in :data:`FORMATS`; the CLI
offers what that table lists.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from citetool.bib.entry import Value
from citetool.bib.work import Work

if TYPE_CHECKING:
    from citetool.csl.bibliography import Memo


@dataclass(frozen=True)
class Format:
    """An output format: the module that writes it and what the exporter and the CLI must know of it.

    ``source`` formats write BibTeX source: they get the entries as written
    (:attr:`Work.source`), with the macros and ``crossref`` parents they
    use.  ``styled`` formats are rendered through a CSL style, so their
    output depends on the style too.  ``fragment`` formats take
    ``--fragment``.
    """

    name: str
    module: str
    help: str
    source: bool = False
    styled: bool = False
    fragment: bool = False


#: Every format, in the order the CLI lists them: the only list of formats there is.
FORMATS: dict[str, Format] = {
    spec.name: spec
    for spec in (
        Format("bibtex", "citetool.writers.bibtex", "classic BibTeX in pure ASCII, for pdflatex", source=True),
        Format("biblatex", "citetool.writers.biblatex", "UTF-8 biblatex, for biber", source=True),
        Format("ris", "citetool.writers.ris", "RIS records"),
        Format("csl-json", "citetool.writers.csljson", "CSL-JSON items, with CSL rich text"),
        Format("html", "citetool.writers.html", "a bibliography page in a CSL style", styled=True, fragment=True),
        Format("text", "citetool.writers.text", "a bibliography in a CSL style, one entry per line", styled=True),
    )
}


@dataclass
class Context:
    """What a writer needs besides the entries."""

    strings: dict[str, Value] = field(default_factory=dict)  # macros, resolved or to write out
    preambles: list[str] = field(default_factory=list)  # @preamble blocks as written
    style: str = "apa"  # a bundled style's name or a .csl file
    locale: str | None = None  # None: the style's own, else en-US
    memo: Memo | None = None  # where a styled format remembers its last rendering
    fragment: bool = False
    verbose: bool = False
    warn: Callable[[str], None] = lambda message: None
    # How far a styled writer is: (what it does, how many done, how many in all); None where nobody watches.
    progress: Callable[[str, int, int], None] | None = None
    count: int = 0  # the entries the writer will be handed


Writer = Callable[[Iterable[Work], Context], str]


def writer(name: str) -> Writer:
    """The ``write`` function of format ``name``."""
    module = importlib.import_module(FORMATS[name].module)
    function: Writer = module.write
    return function
