"""``citetool export``: choose entries, bring along what they depend on, write a format.

Selection: the whole library, named keys (or DOIs), a ``--query``, or the
keys a document cites (``--aux``).  Hand-written entries depend on
``@string`` macros and ``crossref`` parents; for BibTeX and biblatex those are
exported with them (macros first, parents after the entries that point at
them, as BibTeX requires).  Other formats get self-contained records: macros
resolved, missing fields inherited from the parent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from citetool import aux, formats, listing
from citetool.formats import BIB_FORMATS, Context
from citetool.library import Library
from citetool.model import MONTH_MACROS, Entry, Literal, MacroRef, Value
from citetool.names import parse_names

SORTS = ("key", "year", "author")
#: Formats whose output depends on the library alone (html and text also on the CSL style).
LIBRARY_ONLY_FORMATS = ("bibtex", "biblatex", "ris", "csl-json")


@dataclass
class ExportResult:
    """The text written, keys that were asked for but are missing, and warnings."""

    text: str
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def select(lib: Library, keys: list[str], query: str | None, aux_path: Path | None) -> tuple[list[Entry], list[str]]:
    """The entries asked for, in library order unless keys name an order, and the names not found."""
    wanted = list(keys)
    if aux_path is not None:
        wanted += aux.cited_keys(aux_path)
    if wanted and aux.ALL not in wanted:
        entries, missing = lib.named(wanted)
    else:
        entries, missing = list(lib.entries.values()), []
    if query:
        entries = [entry for entry in entries if listing.matches(entry, lib.strings, query)]
    return entries, missing


def _parents(lib: Library, entries: list[Entry]) -> list[Entry]:
    """``crossref``/``xdata`` targets of ``entries`` (transitively) not already among them."""
    chosen = {entry.key for entry in entries}
    by_lower = {key.lower(): key for key in lib.keys}
    found: list[Entry] = []
    queue = list(entries)
    while queue:
        entry = queue.pop(0)
        for name in ("crossref", "xdata"):
            target = entry.text(name, lib.strings)
            for key in (target or "").split(","):
                parent_key = by_lower.get(key.strip().lower())
                if parent_key is not None and parent_key not in chosen:
                    chosen.add(parent_key)
                    (parent,), _missing = lib.named([parent_key])
                    found.append(parent)
                    queue.append(parent)
    return found


def _macros_used(lib: Library, entries: list[Entry]) -> dict[str, Value]:
    """The ``@string`` definitions the entries need, macros of macros included, in library order."""
    needed: set[str] = set()
    queue = [part.name.lower() for entry in entries for value in entry.fields.values()
             for part in value.parts if isinstance(part, MacroRef)]  # fmt: skip
    while queue:
        name = queue.pop()
        if name in needed or name not in lib.strings:
            continue
        needed.add(name)
        queue.extend(part.name.lower() for part in lib.strings[name].parts if isinstance(part, MacroRef))
    return {name: value for name, value in lib.strings.items() if name in needed}


def inherit(entry: Entry, lib: Library) -> Entry:
    """``entry`` with the fields its ``crossref`` parent supplies filled in (BibTeX's rule,
    plus the parent's title as ``booktitle``)."""
    target = entry.text("crossref", lib.strings)
    parent = lib.named([target.strip()])[0][0] if target and target.strip() in lib.keys else None
    if parent is None:
        return entry
    parent = inherit(parent, lib) if parent.text("crossref") and parent is not entry else parent
    fields = dict(entry.fields)
    for name, value in parent.fields.items():
        fields.setdefault(name, value)
    if "title" in parent.fields and entry.fields.get("booktitle") is None:
        fields["booktitle"] = parent.fields["title"]
    fields.pop("crossref", None)
    return replace(entry, fields=fields)


def resolved(entry: Entry, lib: Library) -> Entry:
    """``entry`` with every macro expanded into literal text (month macros kept as months)."""
    fields: dict[str, Value] = {}
    for name, value in entry.fields.items():
        if len(value.parts) == 1 and type(value.parts[0]) is Literal and value.parts[0].delimiter == "{":
            fields[name] = value  # already resolved: most values, so no new objects for them
            continue
        if name == "month" and len(value.parts) == 1 and isinstance(value.parts[0], MacroRef):
            macro = value.parts[0].name.lower()
            if macro in MONTH_MACROS and macro not in lib.strings:
                fields[name] = value
                continue
        fields[name] = Value((Literal(value.resolve(lib.strings)),))
    return replace(entry, fields=fields)


def _self_contained(lib: Library, entries: list[Entry]) -> Iterator[Entry]:
    """Each of ``entries`` with its crossref parent's fields and its macros filled in, one at a time.

    Once the last is handed out, ``entries`` is emptied and the library
    releases its parse: a writer that keeps only what it made of them (CSL
    items for citeproc-py) then renders without the library in memory too.
    """
    for entry in entries:
        yield resolved(inherit(entry, lib), lib)
    entries.clear()
    lib.release()


def _sort_key(order: str, lib: Library) -> Callable[[Entry], tuple[str, ...]]:
    def by(entry: Entry) -> tuple[str, ...]:
        texts = listing.field_texts(entry, lib.strings)
        year = texts.get("year") or texts.get("date", "")[:4]
        names = parse_names(entry.text("author", lib.strings) or entry.text("editor", lib.strings) or "")
        author = names[0].family_text.casefold() if names else ""
        if order == "year":
            return (year, author, entry.key)
        if order == "author":
            return (author, year, entry.key)
        return (entry.key.casefold(), entry.key)

    return by


def export(
    lib: Library,
    format_name: str,
    keys: list[str] | None = None,
    query: str | None = None,
    aux_path: Path | None = None,
    sort: str | None = None,
    style: str = "apa",
    fragment: bool = False,
) -> ExportResult:
    """Write the selected entries of ``lib`` in ``format_name``.

    An export of the whole library is remembered per library content, like
    ``show``'s table (see :mod:`citetool.libcache`); for html and text, per
    style as well, identified by its file's content and citeproc-py's
    version.  Rendering a big library through citeproc-py takes minutes.
    """
    digest = lib.digest
    if digest is None or keys or query or aux_path:
        return _export(lib, format_name, keys, query, aux_path, sort, style, fragment)
    from citetool import libcache

    part = f"export-{format_name}-{sort or 'file'}"
    if format_name not in LIBRARY_ONLY_FORMATS:
        from citetool import citeproc_render

        part += "-fragment" if fragment and format_name == "html" else ""
        digest = libcache.digest(f"{digest} {citeproc_render.style_identity(style)}".encode())
    cached = libcache.load_text(digest, part)
    if cached is not None and isinstance(cached[0], list):
        return ExportResult(text=cached[1], warnings=[str(warning) for warning in cached[0]])
    result = _export(lib, format_name, keys, query, aux_path, sort, style, fragment)
    libcache.store_text(digest, part, result.warnings, result.text)
    return result


def _export(
    lib: Library,
    format_name: str,
    keys: list[str] | None,
    query: str | None,
    aux_path: Path | None,
    sort: str | None,
    style: str,
    fragment: bool,
) -> ExportResult:
    entries, missing = select(lib, keys or [], query, aux_path)
    if sort is not None:
        entries = sorted(entries, key=_sort_key(sort, lib))
    warnings: list[str] = []
    context = Context(style=style, fragment=fragment, warn=warnings.append)
    if format_name in BIB_FORMATS:
        parents = _parents(lib, entries)
        entries = entries + parents
        context.strings = _macros_used(lib, entries)
        context.preambles = lib.preambles
        text = formats.writer(format_name)(entries, context)
    else:
        text = formats.writer(format_name)(_self_contained(lib, entries), context)
    return ExportResult(text=text, missing=missing, warnings=warnings)
