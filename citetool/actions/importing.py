"""``citetool import``: bring in other tools' exports without duplicates or damage.

Every input file is read completely before the library is touched; a file
that fails stops the whole import.  A record is a duplicate only when it has
an identifier an entry has (DOI, arXiv ID, a whole book's ISBN, PMID) or
says exactly what an entry says; one that merely shares title, year and
first author is imported and named (a near-duplicate).  Keys are kept when
free, otherwise suffixed or made by the ``add`` scheme.  ``@string`` macros
the new entries use come along (macros of macros too), so do ``@preamble``
blocks, and ``crossref`` and ``xdata`` fields follow any key that changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from citetool import readers
from citetool.bib import keyformat, keys
from citetool.bib.entry import Entry, Value
from citetool.bib.keyformat import KeyFormat
from citetool.bib.source import entry_source
from citetool.bib.work import Resolver, Work, fingerprint
from citetool.errors import ImportFailed
from citetool.identifiers import isbn as isbn_module
from citetool.library import file as library
from citetool.library import storage
from citetool.library.guard import Intent
from citetool.readers import Batch

#: The largest file imported (the largest real libraries are about 10 MiB).
MAX_IMPORT_BYTES = 256 * 2**20
_KEY_IN_HEADER = re.compile(r"^(@\s*\w+\s*[{(]\s*)([^,\s]*)")


@dataclass
class ImportReport:
    """Keys added, and duplicates skipped as (what, existing key)."""

    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    near: list[tuple[str, str]] = field(default_factory=list)  # (new key, the existing entry it nearly repeats)
    warnings: list[str] = field(default_factory=list)


def read_file(path: Path, format_name: str | None, stdin_text: str | None = None) -> Batch:
    """Read one input file (``-`` is stdin) completely."""
    name = "<stdin>" if str(path) == "-" else str(path)
    if format_name is None:
        format_name = readers.EXTENSIONS.get(path.suffix.lower())
        if format_name is None:
            raise ImportFailed(f"{name}: cannot tell the format from the name; pass --format bibtex|ris|csl-json")
    if stdin_text is not None:
        text = stdin_text
    else:
        try:
            data = storage.read_regular(path, MAX_IMPORT_BYTES)
        except FileNotFoundError as exc:
            raise ImportFailed(f"{name}: no such file") from exc
        except storage.Unreadable as exc:  # a FIFO would hang, /dev/zero never ends
            raise ImportFailed(f"{name}: cannot be read ({exc})") from exc
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ImportFailed(f"{name}:{line}: not valid UTF-8; convert it (e.g. with iconv) and try again") from exc
    return readers.reader(format_name)(text, name)


def _rekeyed(source: str, key: str) -> str:
    return _KEY_IN_HEADER.sub(lambda match: match.group(1) + key, source, count=1)


#: Entry types whose ISBN is the work's own (a chapter shares its book's ISBN, so it is no identifier for it).
WHOLE_BOOKS = frozenset({"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings",
                         "reference", "mvreference", "manual", "booklet", "thesis", "phdthesis",
                         "mastersthesis"})  # fmt: skip


class _Known:
    """What a library (and the records accepted so far) holds, for telling a duplicate from a distinct entry.

    A record duplicates an entry of the library when it has an identifier the
    entry has (DOI, arXiv ID, a whole book's ISBN, PMID), or says exactly
    what the entry says (every field, read, the key aside).  Records of one
    input file that each have a key are never duplicates of each other: the
    file's author kept both on purpose, and an export imported again must
    come back whole; keyless ones (RIS without ``ID``) that say exactly the
    same are.  A record that shares only title, year and first
    author with an entry is a near-duplicate: imported under its own key,
    and said.
    """

    def __init__(self) -> None:
        self.identifiers: dict[tuple[str, str], str] = {}
        self.contents: dict[tuple[tuple[str, str], ...], str] = {}
        self.prints: dict[str, str] = {}
        self.library: set[str] = set()  # the keys of the library's own entries

    @staticmethod
    def _identifiers(work: Work) -> list[tuple[str, str]]:
        found = [("doi", work.doi)] if work.doi else []
        if work.arxiv:
            found.append(("arxiv", work.arxiv.lower()))
        if work.entry_type in WHOLE_BOOKS:
            found += [("isbn", isbn) for isbn in sorted(isbn_module.in_field(work.text("isbn")))]
        if work.text("pmid").isdigit():
            found.append(("pmid", work.text("pmid")))
        return found

    @staticmethod
    def _content(work: Work) -> tuple[tuple[str, str], ...]:
        return (("@type", work.kind), *sorted((name, " ".join(text.split())) for name, text in work.latex.items()))

    def add(self, work: Work, key: str, library: bool) -> None:
        if library:
            self.library.add(key)
            for identifier in self._identifiers(work):
                self.identifiers.setdefault(identifier, key)
        self.contents.setdefault(self._content(work), key)
        print_ = fingerprint(work)
        if print_ is not None:
            self.prints.setdefault(print_, key)

    def same(self, work: Work, keyed: bool = False) -> tuple[str | None, str | None]:
        """The key of the entry ``work`` duplicates, if any; else the key of one it nearly duplicates.
        ``keyed``: the record has a key of its own, so it repeats none of its own file's records."""
        for identifier in self._identifiers(work):
            if identifier in self.identifiers:
                return self.identifiers[identifier], None
        existing = self.contents.get(self._content(work))
        if existing is not None and (not keyed or existing in self.library):
            return existing, None
        print_ = fingerprint(work)
        return None, self.prints.get(print_) if print_ is not None else None


def plan(
    lib: library.Library, batches: list[Batch], key_format: KeyFormat | None = None
) -> tuple[list[str], ImportReport, Intent]:
    """The BibTeX chunks to append to ``lib`` and what happened to each record.

    Every distinct record is imported: a key that is taken gets a suffix (or
    the ``key_format`` key), and ``crossref``/``xdata`` fields follow a key
    that changed (compared without case, as BibTeX compares keys).  ``@string``
    macros come along with every macro the new entries use, macros of macros
    included; ``@preamble`` blocks the library lacks come too.
    """
    report = ImportReport()
    taken = keys.Caseless(lib.keys)
    intent = Intent()
    known = _Known()
    resolver = lib.resolver()
    for entry in lib.entries.values():
        known.add(resolver.work(entry), entry.key, library=True)
    preambles = set(lib.preambles)
    chunks: list[str] = []
    for batch in batches:
        by_key = {candidate.entry.key.lower(): candidate.entry for candidate in batch.candidates
                  if candidate.entry.key}  # fmt: skip

        def lookup(key: str, by_key: dict[str, Entry] = by_key) -> Entry | None:
            found = by_key.get(key.lower())
            return found if found is not None else resolver.lookup(key)

        reader = Resolver({**lib.strings, **batch.strings}, lookup)
        renames: dict[str, str] = {}
        accepted: list[tuple[Entry, str | None]] = []
        for candidate in batch.candidates:
            entry = candidate.entry
            work = reader.work(entry)
            existing, near = known.same(work, keyed=bool(entry.key))
            if existing is not None:
                report.skipped.append((entry.doi or entry.key or (entry.text("title") or "")[:60], existing))
                if entry.key:
                    renames[entry.key.lower()] = existing
                continue
            key = entry.key
            if not key or key in taken or not keys.is_valid(key):
                base = keyformat.base(work.creators, work.year, work.latex.get("title"), key_format)
                key = keys.unique_key(base, taken)
                if entry.key:
                    renames[entry.key.lower()] = key
                    report.renamed.append((entry.key, key))
            if near is not None:
                report.near.append((key, near))
            taken.add(key)
            known.add(work, key, library=False)
            accepted.append((replace(entry, key=key), candidate.source))
        for preamble in batch.preambles:
            if preamble not in preambles:
                preambles.add(preamble)
                chunks.append(preamble)
        _parents, macros = reader.dependencies([entry for entry, _ in accepted])
        for name in macros:
            if name not in batch.string_sources:
                continue
            if name in lib.strings:
                if lib.strings[name] != batch.strings[name]:
                    report.warnings.append(f"@string {name} differs from the library's; the library's is kept")
                continue
            chunks.append(batch.string_sources[name])
            intent.strings.append(name)
        for entry, source in accepted:
            moved = {name: renames[target.lower()] for name in ("crossref", "xdata")
                     if (target := (entry.text(name) or "").strip()) and target.lower() in renames}  # fmt: skip
            if moved:
                entry = replace(entry, fields={**entry.fields, **{name: Value.braced(key) for name, key in
                                                                   moved.items()}})  # fmt: skip
                chunks.append(entry_source(entry))
            else:
                chunks.append(_rekeyed(source, entry.key) if source is not None else entry_source(entry))
            intent.added.append(entry)
            report.added.append(entry.key)
    return chunks, report, intent


def import_files(
    path: Path,
    inputs: list[Path],
    format_name: str | None,
    dry_run: bool,
    stdin_text: str | None = None,
    key_format: KeyFormat | None = None,
) -> ImportReport:
    """Import ``inputs`` into the library at ``path``: all of them, or (on any error) nothing."""
    batches = [read_file(item, format_name, stdin_text if str(item) == "-" else None) for item in inputs]

    def change(lib: library.Library) -> tuple[bytes | None, ImportReport, Intent]:
        chunks, report, intent = plan(lib, batches, key_format)
        if dry_run or not chunks:
            return None, report, intent
        return lib.appended("\n\n".join(chunks)), report, intent

    if dry_run:
        lib = library.load_or_empty(path)
        return change(lib)[1]
    return library.edit(path, change)
