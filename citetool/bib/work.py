"""What an entry means: the one model that every command showing or converting entries reads.

An :class:`~citetool.bib.entry.Entry` is an entry as written: fields are
BibTeX expressions with macros, and half of its data may live in a
``crossref`` parent.  A :class:`Work` is the same entry read once, the way
BibTeX and biber read it:

* ``@string`` macros resolved (month macros as months);
* the ``crossref`` parent's fields inherited (keys compared without case, as
  BibTeX compares them; the parent's ``title`` becomes the ``booktitle``,
  biber's rule), through any chain of parents; a cycle is reported once and
  never followed;
* names parsed once (:mod:`citetool.bib.names`), dates (:mod:`citetool.bib.dates`)
  and pages (:mod:`citetool.bib.pages`) too;
* verbatim fields (:data:`~citetool.bib.fields.VERBATIM_FIELDS`) kept as
  written, every other field read from LaTeX with its structure
  (:func:`~citetool.bib.latex.decode`), as plain text or CSL rich text.

RIS, CSL-JSON, HTML, text, ``show``, ``show --json``, ``--sort``,
``--query``, import's duplicate test and key generation all read a Work;
no writer decodes LaTeX, splits names or parses a date on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from citetool.bib.dates import Date, month_number, read_date
from citetool.bib.entry import Entry, Value
from citetool.bib.fields import INHERITED_AS, NOT_INHERITED, VENUE_FIELDS, VERBATIM_FIELDS
from citetool.bib.latex import decode, to_text
from citetool.bib.names import Name, parse_names
from citetool.bib.pages import Pages, parse_pages
from citetool.bib.richtext import Rich, csl_markup
from citetool.identifiers import doi as doi_module


def _ignore(message: str) -> None:
    """The default for warnings nobody asked to hear."""


@dataclass
class Work:
    """One entry, self-contained and read: plain text, rich text, names, date, pages, DOI."""

    source: Entry  # the entry as written: what the BibTeX writers write
    latex: dict[str, str]  # every field's LaTeX, macros resolved, parents' fields inherited, in file order
    month: int | None = None
    _texts: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def entry_type(self) -> str:
        return self.source.entry_type

    @property
    def line(self) -> int:
        return self.source.line

    def text(self, name: str) -> str:
        """Field ``name`` as plain text ('' when absent); verbatim fields exactly as written, trimmed."""
        found = self._texts.get(name)
        if found is None:
            source = self.latex.get(name)
            if source is None:
                return ""
            found = self._texts[name] = source.strip() if name in VERBATIM_FIELDS else to_text(source)
        return found

    def texts(self) -> dict[str, str]:
        """Every field as plain text, in file order."""
        return {name: self.text(name) for name in self.latex}

    def rich(self, name: str) -> Rich:
        """Field ``name`` as rich text (italic, sub/superscripts, case-protected spans)."""
        source = self.latex.get(name)
        if source is None:
            return ()
        return (source.strip(),) if name in VERBATIM_FIELDS else decode(source)

    def markup(self, name: str, nocase: bool = True) -> str:
        """Field ``name`` in CSL's rich-text markup ('' when absent); ``nocase`` keeps case-protected spans."""
        return csl_markup(self.rich(name), nocase) if name not in VERBATIM_FIELDS else self.text(name)

    @cached_property
    def authors(self) -> list[Name]:
        return parse_names(self.latex.get("author", ""))

    @cached_property
    def editors(self) -> list[Name]:
        return parse_names(self.latex.get("editor", ""))

    @property
    def creators(self) -> list[Name]:
        """The authors, or the editors of a work that has none."""
        return self.authors or self.editors

    @cached_property
    def date(self) -> Date | None:
        return read_date(self.text("year"), self.month, self.text("day"), self.text("date"))

    @property
    def year(self) -> str:
        date = self.date
        return date.year_text if date is not None else ""

    @cached_property
    def pages(self) -> Pages | None:
        return parse_pages(self.text("pages"))

    @property
    def title(self) -> str:
        return self.text("title")

    @property
    def venue(self) -> str:
        return next((text for name in VENUE_FIELDS if (text := self.text(name))), "")

    @cached_property
    def doi(self) -> str | None:
        """The DOI in the ``doi`` field or in a doi.org ``url``, normalised."""
        raw = self.latex.get("doi")
        if raw:
            # Hand-written libraries often escape the underscore of a DOI for LaTeX.
            found = doi_module.parse(raw.replace("\\_", "_"))
            if found:
                return found
        url = self.latex.get("url")
        return doi_module.from_url(url) if url else None


_NON_WORD = re.compile(r"\W+")


def fingerprint(work: Work) -> str | None:
    """Normalised title + year + first author's family name: what makes two entries without a DOI the
    same work (``import`` skips such a one, ``check`` reports it); None without a title."""
    title = _NON_WORD.sub("", work.title.casefold())
    if not title:
        return None
    names = work.creators
    family = _NON_WORD.sub("", names[0].family_text.casefold()) if names else ""
    return f"{title}|{work.year}|{family}"


class Resolver:
    """Reads the entries of one library as :class:`Work`\\ s.

    ``strings`` are the library's macros; ``lookup`` finds an entry by key
    (any case) for ``crossref`` parents; ``warn`` hears of crossref cycles.
    """

    def __init__(
        self,
        strings: Mapping[str, Value],
        lookup: Callable[[str], Entry | None] = lambda key: None,
        warn: Callable[[str], None] = _ignore,
    ) -> None:
        self.strings = strings
        self.lookup = lookup
        self.warn = warn
        self._warned: set[str] = set()

    def parents(self, entry: Entry) -> tuple[list[Entry], list[str] | None]:
        """The chain of ``crossref`` parents of ``entry``, nearest first, and the cycle if there is one."""
        chain: list[Entry] = []
        seen = [entry.key.lower()]
        current = entry
        while True:
            target = current.text("crossref", self.strings)
            if not target or not target.strip():
                return chain, None
            key = target.strip().lower()
            if key in seen:
                return chain, [*seen[seen.index(key) :], key]
            parent = self.lookup(target.strip())
            if parent is None:
                return chain, None
            seen.append(key)
            chain.append(parent)
            current = parent

    def work(self, entry: Entry) -> Work:
        """``entry`` read as a :class:`Work`."""
        chain, cycle = self.parents(entry)
        if cycle is not None:
            names = " -> ".join(cycle)
            if names not in self._warned:
                self._warned.add(names)
                self.warn(f"{entry.key}: crossref cycle {names}; the cycle is not followed")
        fields = dict(entry.fields)
        for parent in chain:
            for name, value in parent.fields.items():
                if name not in NOT_INHERITED:
                    fields.setdefault(name, value)
            for name, target in INHERITED_AS.items():
                if name in parent.fields and target not in fields:
                    fields[target] = parent.fields[name]
        if chain:
            fields.pop("crossref", None)
        month = fields.get("month")
        latex = {name: value.resolve(self.strings) for name, value in fields.items()}
        return Work(
            source=entry,
            latex=latex,
            month=month_number(month, self.strings) if month is not None else None,
        )
