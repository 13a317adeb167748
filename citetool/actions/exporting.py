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
from dataclasses import dataclass, field
from pathlib import Path

from citetool import writers as formats
from citetool.actions import listing
from citetool.bib.entry import Entry
from citetool.bib.work import Resolver, Work
from citetool.errors import UsageError
from citetool.library.file import Library
from citetool.tex import citations
from citetool.writers import Context

SORTS = ("key", "year", "author")


@dataclass
class ExportResult:
    """The text written, keys that were asked for but are missing, and warnings."""

    text: str
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def select(
    lib: Library, keys: list[str], query: str | None, aux_path: Path | None, resolver: Resolver | None = None
) -> tuple[list[Entry], list[str]]:
    """The entries asked for, in library order unless keys name an order, and the names not found."""
    wanted = list(keys)
    if aux_path is not None:
        wanted += citations.cited_keys(aux_path)
    if wanted and citations.ALL not in wanted:
        entries, missing = lib.named(wanted)
    else:
        entries, missing = list(lib.entries.values()), []
    if query:
        reader = resolver or lib.resolver()
        entries = [entry for entry in entries if listing.matches(reader.work(entry), query)]
    return entries, missing


def write_output(path: Path, text: str, library: Path) -> None:
    """Write an export to ``path`` atomically; never onto the library itself, nor over a device or FIFO."""
    import os

    from citetool.library import storage

    try:
        same = os.path.samefile(path, library)
    except OSError:  # one of them does not exist (yet)
        same = False
    if same:
        raise UsageError(f"-o {path}: that is the library itself; an export never replaces it (pick another file)")
    storage.write_atomic(path, text.encode("utf-8"))


def _works(lib: Library, entries: list[Entry], resolver: Resolver, release: bool) -> Iterator[Work]:
    """Each of ``entries`` read as a :class:`Work`, one at a time.

    With ``release``, once the last is handed out ``entries`` is emptied and
    the library releases its parse: a writer that keeps only what it made
    of them (CSL items for citeproc-js) then renders without the library in
    memory too.
    """
    for entry in entries:
        yield resolver.work(entry)
    if release:
        entries.clear()
        lib.release()


def _sort_key(order: str) -> Callable[[Work], tuple[str, ...]]:
    def by(work: Work) -> tuple[str, ...]:
        names = work.creators
        author = names[0].family_text.casefold() if names else ""
        if order == "year":
            return (work.year, author, work.key)
        if order == "author":
            return (author, work.year, work.key)
        return (work.key.casefold(), work.key)

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
    verbose: bool = False,
    locale: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ExportResult:
    """Write the selected entries of ``lib`` in ``format_name``; ``progress`` hears how far html and text are.

    An export of the whole library is remembered per library content, like
    ``show``'s table (see :mod:`citetool.library.caches`); for html and text,
    per style, locale and citeproc-js version as well.  Beyond that, html and
    text keep a memo of their last rendering per library, so that after an
    edit only what it touched is rendered again (:mod:`citetool.csl.bibliography`).
    """
    spec = formats.FORMATS[format_name]
    identity = ""
    if spec.styled:  # a bad --style or --locale is an error before anything is read
        from citetool.csl import engine, styles

        found = styles.find(style)
        identity = f"{found.digest} {engine.language(found, locale)[0]} citeproc-js {engine.processor_version()}"
    digest = lib.digest
    if digest is None or keys or query or aux_path:
        # A selection (a paper's --aux, say) is rendered again from its memo when nothing it holds changed:
        # no engine is started for it ahead (building apa's takes three times as long as the rest).
        selected = bool(keys or query or aux_path)
        count = len(keys) if keys else 0 if aux_path else len(lib.keys)
        _ahead(format_name, style, locale, count, build=not selected)
        return _export(lib, format_name, keys, query, aux_path, sort, style, fragment, verbose, locale, progress)
    from citetool.library import caches as libcache

    part = f"export-{format_name}-{sort or 'file'}"
    part += "-verbose" if verbose else ""
    if spec.styled:
        part += "-fragment" if fragment and spec.fragment else ""
        digest = libcache.digest(f"{digest} {identity}".encode())
    cached = libcache.load_text(digest, part)
    if cached is not None and isinstance(cached[0], list):
        return ExportResult(text=cached[1], warnings=[str(warning) for warning in cached[0]])
    _ahead(format_name, style, locale, len(lib.keys))
    result = _export(lib, format_name, keys, query, aux_path, sort, style, fragment, verbose, locale, progress)
    libcache.store_text(digest, part, result.warnings, result.text)
    return result


def _ahead(format_name: str, style: str, locale: str | None, count: int, build: bool = True) -> None:
    """For html and text, start building citeproc-js's engine while the entries are read and converted
    (unless not ``build``: then it is built only if the memo cannot answer).

    Only where no whole-export cache answers: a cache hit must not wait for an engine it does not use.
    ``count``, the entries to render at most (0 when unknown), tells V8 how to start.
    """
    if formats.FORMATS[format_name].styled:
        from citetool.csl import bibliography, engine, styles

        engine.expect(count)
        if not build:
            return
        bibliography.ahead(styles.find(style), locale, html=format_name == "html")


def _export(
    lib: Library,
    format_name: str,
    keys: list[str] | None,
    query: str | None,
    aux_path: Path | None,
    sort: str | None,
    style: str,
    fragment: bool,
    verbose: bool,
    locale: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ExportResult:
    warnings: list[str] = []
    resolver = lib.resolver(warnings.append)
    entries, missing = select(lib, keys or [], query, aux_path, resolver)
    if sort is not None:
        order = _sort_key(sort)
        entries = [work.source for work in sorted((resolver.work(entry) for entry in entries), key=order)]
    spec = formats.FORMATS[format_name]
    context = Context(style=style, locale=locale, fragment=fragment, verbose=verbose, warn=warnings.append,
                      progress=progress, count=len(entries))  # fmt: skip
    if spec.styled:
        from citetool.library.caches import Memo

        context.memo = Memo(lib.path)
    if spec.source:
        parents, context.strings = resolver.dependencies(entries)
        entries = entries + parents
        context.preambles = lib.preambles
    text = formats.writer(format_name)(_works(lib, entries, resolver, release=not spec.source), context)
    return ExportResult(text=text, missing=missing, warnings=warnings)
