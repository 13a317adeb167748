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

from citetool.bib.datamodel import NEVER_INHERITED, biblatex_type, inheritance
from citetool.bib.dates import Date, month_number, read_date
from citetool.bib.entry import Entry, MacroRef, Value
from citetool.bib.fields import VENUE_FIELDS, VERBATIM_FIELDS
from citetool.bib.latex import decode, to_text
from citetool.bib.macros import Macro, expand
from citetool.bib.names import Name, first_name, parse_names
from citetool.bib.pages import Pages, parse_pages
from citetool.bib.richtext import Rich, csl_markup, plain
from citetool.identifiers import arxiv as arxiv_id
from citetool.identifiers import doi as doi_module

#: Entry types of a preprint (with an arXiv eprint and no journal or book).
PREPRINT_TYPES = frozenset({"misc", "online", "unpublished", "electronic", "www"})
#: Fields that say a work was published in a journal, a book or proceedings.
PUBLISHED_FIELDS = ("journal", "journaltitle", "booktitle")
_ENDS_SENTENCE = frozenset("?!:.")
#: Title group -> (the fields that are its title, first present wins; (subtitle, addon) with their separators).
_TITLE_GROUPS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    group: (("journaltitle", "journal") if group == "journal" else (f"{group}title",),
            ((f"{group}subtitle", ": "), (f"{group}titleaddon", ". ")))
    for group in ("", "book", "main", "journal", "issue", "event")
}  # fmt: skip


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

    def names(self, name: str) -> list[Name]:
        """The names of field ``name`` (``author``, ``editor``, ``translator``, ``bookauthor`` ...)."""
        if name == "author":
            return self.authors
        if name == "editor":
            return self.editors
        return parse_names(self.latex.get(name, ""))

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
    def kind(self) -> str:
        """The biblatex entry type (``phdthesis`` and ``mastersthesis`` are ``thesis``, ``techreport`` ``report``)."""
        return biblatex_type(self.entry_type)

    def titled(self, group: str) -> Rich:
        """A title with its subtitle and addon, joined as biblatex prints them and Zotero imports them:
        ``Title: Subtitle. Addon``.  ``group`` is ``""`` (the work's own), ``book``, ``main``, ``journal``,
        ``issue`` or ``event``; ``journal`` reads ``journaltitle``, else BibTeX's ``journal``."""
        heads, parts = _TITLE_GROUPS[group]
        head = next((name for name in heads if name in self.latex), None)
        if head is None:
            return ()
        out = list(self.rich(head))
        for name, separator in parts:
            if name not in self.latex:
                continue
            part = self.rich(name)
            if not part or not plain(part):
                continue
            joined = plain(tuple(out))
            out.append(" " if joined[-1:] in _ENDS_SENTENCE else separator)
            out.extend(part)
        return tuple(out)

    def titled_text(self, group: str) -> str:
        """:meth:`titled` as plain text (read without the rich reader when there is no subtitle or addon)."""
        heads, parts = _TITLE_GROUPS[group]
        head = next((name for name in heads if name in self.latex), None)
        if head is None:
            return ""
        if not any(name in self.latex for name, _separator in parts):
            return self.text(head)
        return plain(self.titled(group))

    @cached_property
    def title(self) -> str:
        """The full title as plain text: ``Title: Subtitle. Addon``."""
        return self.titled_text("")

    @property
    def venue(self) -> str:
        """Where the work appeared, as plain text: the journal or the book (with their subtitles), else the
        first venue-like field."""
        for group in ("journal", "book", "main"):
            found = self.titled_text(group)
            if found:
                return found
        return next((text for name in VENUE_FIELDS if (text := self.text(name))), "")

    @cached_property
    def arxiv(self) -> str | None:
        """The arXiv ID of the work: its ``eprint`` (with ``archivePrefix``/``eprinttype`` arXiv, or none),
        else its ``10.48550/arXiv`` DOI; without a version."""
        prefix = (self.text("archiveprefix") or self.text("eprinttype")).lower()
        if self.text("eprint") and prefix in ("", "arxiv"):
            found = arxiv_id.parse(self.text("eprint"))
            if found is not None:
                return found.base
        doi = self.doi
        from_doi = arxiv_id.from_doi(doi) if doi else None
        return from_doi.base if from_doi is not None else None

    @property
    def is_preprint(self) -> bool:
        """The one preprint rule: an arXiv work (see :attr:`arxiv`) of a type a preprint has (``@misc``,
        ``@online``, ``@unpublished`` ...) and with no journal or book it appeared in."""
        return (
            self.arxiv is not None and self.entry_type in PREPRINT_TYPES
            and not any(name in self.latex for name in PUBLISHED_FIELDS)
        )  # fmt: skip

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
    first = first_name(work.latex.get("author", "")) or first_name(work.latex.get("editor", ""))
    family = _NON_WORD.sub("", first.family_text.casefold()) if first else ""
    return f"{title}|{work.year}|{family}"


class Resolver:
    """Reads the entries of one library as :class:`Work`\\ s: the one walk over what an entry depends on.

    ``strings`` are the library's macros; ``lookup`` finds an entry by key
    (any case, as BibTeX compares keys) for ``crossref`` and ``xdata``
    parents; ``warn`` hears of cycles; ``macros`` are the ``@preamble``'s
    simple definitions (:mod:`citetool.bib.macros`), expanded in every field.
    """

    def __init__(
        self,
        strings: Mapping[str, Value],
        lookup: Callable[[str], Entry | None] = lambda key: None,
        warn: Callable[[str], None] = _ignore,
        macros: Mapping[str, Macro] | None = None,
    ) -> None:
        self.strings = strings
        self.lookup = lookup
        self.warn = warn
        self.macros = dict(macros or {})
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

    def _cycle(self, entry: Entry, seen: list[str], key: str, kind: str) -> None:
        names = " -> ".join([*seen[seen.index(key) :], key])
        if names not in self._warned:
            self._warned.add(names)
            self.warn(f"{entry.key}: {kind} cycle {names}; the cycle is not followed")

    def fields(self, entry: Entry, seen: list[str] | None = None) -> dict[str, Value]:
        """``entry``'s fields with what it inherits, as biber reads it: ``xdata`` entries' fields as they are,
        then the ``crossref`` parent's by biblatex's rules (:mod:`citetool.bib.datamodel`), parents resolved
        first; a field the entry has is never replaced."""
        seen = seen if seen is not None else [entry.key.lower()]
        fields = dict(entry.fields)
        if len(seen) > MAX_DEPTH:
            return fields
        for key in _keys(entry.text("xdata", self.strings)):
            parent = self.lookup(key)
            if parent is None:
                continue
            if key.lower() in seen:
                self._cycle(entry, seen, key.lower(), "xdata")
                continue
            for name, value in self.fields(parent, [*seen, key.lower()]).items():
                if name not in NEVER_INHERITED:
                    fields.setdefault(name, value)
        target = (entry.text("crossref", self.strings) or "").strip()
        parent = self.lookup(target) if target else None
        if parent is not None and target.lower() in seen:
            self._cycle(entry, seen, target.lower(), "crossref")
        elif parent is not None:
            inherited = self.fields(parent, [*seen, target.lower()])
            renamed, skipped = inheritance(parent.entry_type, entry.entry_type)
            for name, targets in renamed.items():  # the type pair's own rules come first, as in biber
                if name in inherited:
                    for other in targets:
                        fields.setdefault(other, inherited[name])
            for name, value in inherited.items():
                if name not in skipped and name not in renamed:
                    fields.setdefault(name, value)
            fields.pop("crossref", None)
        return fields

    def work(self, entry: Entry) -> Work:
        """``entry`` read as a :class:`Work`."""
        fields = self.fields(entry)
        month = fields.get("month")
        strings = self.strings
        latex = {name: value.resolve(strings) for name, value in fields.items()}
        if self.macros:
            latex = {name: expand(text, self.macros) for name, text in latex.items()}
        return Work(
            source=entry,
            latex=latex,
            month=month_number(month, self.strings) if month is not None else None,
        )

    def dependencies(self, entries: list[Entry]) -> tuple[list[Entry], dict[str, Value]]:
        """What ``entries`` need beside them in a ``.bib`` file: their ``crossref`` and ``xdata`` parents (and
        theirs) that are not among them, in the order first needed; and every ``@string`` macro any of them
        uses, macros of macros included."""
        chosen = {entry.key.lower() for entry in entries}
        parents: list[Entry] = []
        queue = list(entries)
        while queue:
            entry = queue.pop(0)
            for name in ("crossref", "xdata"):
                for key in _keys(entry.text(name, self.strings)):
                    parent = self.lookup(key)
                    if parent is not None and parent.key.lower() not in chosen:
                        chosen.add(parent.key.lower())
                        parents.append(parent)
                        queue.append(parent)
        needed: set[str] = set()
        names = [part.name.lower() for entry in [*entries, *parents] for value in entry.fields.values()
                 for part in value.parts if isinstance(part, MacroRef)]  # fmt: skip
        while names:
            name = names.pop()
            if name in needed or name not in self.strings:
                continue
            needed.add(name)
            names.extend(part.name.lower() for part in self.strings[name].parts if isinstance(part, MacroRef))
        return parents, {name: value for name, value in self.strings.items() if name in needed}


#: How deep a chain of parents is followed (real libraries nest two or three).
MAX_DEPTH = 16


def _keys(text: str | None) -> list[str]:
    """The keys of a ``crossref`` or ``xdata`` value (``xdata`` may list several, comma-separated)."""
    return [key.strip() for key in (text or "").split(",") if key.strip()]
