"""biblatex's data model, as data: entry type aliases and the rules of inheritance through ``crossref``.

The inheritance rules are biblatex's defaults (``\\DeclareDataInheritance``
in ``biblatex.def``), which biber applies when a document is built: every
field of the parent the child lacks is inherited, except identity fields
(:data:`NEVER_INHERITED`); for some pairs of types, titles move
(a ``@book``'s ``title`` is its ``@inbook``'s ``booktitle``, an ``@mvbook``'s is
its volumes' ``maintitle``) and ``author`` also becomes ``bookauthor``.
Fields an ``xdata`` entry gives are inherited as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: BibTeX's entry types that biblatex treats as another type.
TYPE_ALIASES: dict[str, str] = {
    "conference": "inproceedings", "electronic": "online", "mastersthesis": "thesis", "phdthesis": "thesis",
    "techreport": "report", "www": "online",
}  # fmt: skip

#: Fields a child never takes from a parent (``\\DeclareDataInheritance{*}{*}``).
NEVER_INHERITED = frozenset({
    "ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label", "options", "presort",
    "related", "relatedoptions", "relatedstring", "relatedtype", "shorthand", "shorthandintro", "sortkey",
    "key",  # BibTeX's name for sortkey
})  # fmt: skip

_TITLE_SKIPS = frozenset({"shorttitle", "sorttitle", "indextitle", "indexsorttitle"})


@dataclass(frozen=True)
class Inheritance:
    """One ``\\DeclareDataInheritance``: parent types, child types, fields renamed, fields not inherited."""

    parents: frozenset[str]
    children: frozenset[str]
    renamed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()


def _rule(parents: str, children: str, renamed: dict[str, tuple[str, ...]], skipped: frozenset[str] = frozenset()
          ) -> Inheritance:  # fmt: skip
    return Inheritance(frozenset(parents.split()), frozenset(children.split()), renamed, skipped)


def _titles(prefix: str) -> dict[str, tuple[str, ...]]:
    return {"title": (f"{prefix}title",), "subtitle": (f"{prefix}subtitle",), "titleaddon": (f"{prefix}titleaddon",)}


#: biblatex's rules, in its order (several may apply to one pair of types).
INHERITANCE: tuple[Inheritance, ...] = (
    _rule("mvbook book", "inbook bookinbook suppbook", {"author": ("author", "bookauthor")}),
    _rule("mvbook", "book inbook bookinbook suppbook", _titles("main"), _TITLE_SKIPS),
    _rule("mvcollection mvreference", "collection reference incollection inreference suppcollection",
          _titles("main"), _TITLE_SKIPS),
    _rule("mvproceedings", "proceedings inproceedings", _titles("main"), _TITLE_SKIPS),
    _rule("book", "inbook bookinbook suppbook", _titles("book"), _TITLE_SKIPS),
    _rule("collection reference", "incollection inreference suppcollection", _titles("book"), _TITLE_SKIPS),
    _rule("proceedings", "inproceedings", _titles("book"), _TITLE_SKIPS),
    _rule("periodical", "article suppperiodical", _titles("journal"), _TITLE_SKIPS),
)  # fmt: skip


def biblatex_type(entry_type: str) -> str:
    """The biblatex type of a BibTeX entry type (``phdthesis`` -> ``thesis``)."""
    lowered = entry_type.lower()
    return TYPE_ALIASES.get(lowered, lowered)


def inheritance(parent_type: str, child_type: str) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """For a child of ``child_type`` whose ``crossref`` parent is of ``parent_type``: the fields renamed
    (``title`` -> ``booktitle``) and the fields not inherited at all."""
    parent, child = biblatex_type(parent_type), biblatex_type(child_type)
    renamed: dict[str, tuple[str, ...]] = {}
    skipped: set[str] = set(NEVER_INHERITED)
    for rule in INHERITANCE:
        if parent in rule.parents and child in rule.children:
            for name, targets in rule.renamed.items():
                renamed[name] = tuple(dict.fromkeys([*renamed.get(name, ()), *targets]))
            skipped |= rule.skipped
    return renamed, frozenset(skipped)
