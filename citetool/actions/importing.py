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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from citetool import readers
from citetool.actions import updating
from citetool.bib import keyformat, keys
from citetool.bib.entry import Entry, Value
from citetool.bib.keyformat import KeyFormat
from citetool.bib.source import entry_source
from citetool.bib.work import Resolver, Work, fingerprint
from citetool.errors import ImportFailed, UsageError
from citetool.identifiers import isbn as isbn_module
from citetool.library import caches, storage
from citetool.library import file as library
from citetool.library.guard import Intent
from citetool.readers import Batch, Candidate

#: The largest file imported (the largest real libraries are about 10 MiB).
MAX_IMPORT_BYTES = 256 * 2**20
_KEY_IN_HEADER = re.compile(r"^(@\s*\w+\s*[{(]\s*)([^,\s]*)")


@dataclass
class ImportReport:
    """Keys added, and duplicates skipped as (what, existing key).

    For a lasting source (Zotero): records whose entry says what they say
    (``unchanged``), records changed since they were imported (``changed``,
    applied with ``update``), records left out with why (``refused``), and
    where the keys came from.
    """

    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    near: list[tuple[str, str]] = field(default_factory=list)  # (new key, the existing entry it nearly repeats)
    warnings: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changed: list[updating.EntryUpdate] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    key_sources: Counter[str] = field(default_factory=Counter)
    summaries: list[str] = field(default_factory=list)
    remembered: dict[str, dict[str, Any]] = field(default_factory=dict)  # origin -> what to remember of it


@dataclass
class Selection:
    """Which records of a Zotero database to import (other formats take no selection)."""

    collection: str | None = None
    tag: str | None = None

    def __bool__(self) -> bool:
        return self.collection is not None or self.tag is not None


def read_file(path: Path, format_name: str | None, stdin_text: str | None = None,
              selection: Selection | None = None) -> Batch:  # fmt: skip
    """Read one input file (``-`` is stdin) completely: a Zotero database (or data folder) by its content, any
    other format by ``format_name`` or the file name's ending."""
    from citetool.readers import zotero

    name = "<stdin>" if str(path) == "-" else str(path)
    if format_name == "zotero" or (format_name is None and stdin_text is None and str(path) != "-"
                                   and zotero.is_zotero(path)):  # fmt: skip
        selection = selection or Selection()
        return zotero.read_path(path, selection.collection, selection.tag)
    if selection:
        raise UsageError("--collection and --tag select items of a Zotero database; "
                         f"{name} is not one")  # fmt: skip
    if format_name is None:
        format_name = readers.EXTENSIONS.get(path.suffix.lower())
        if format_name is None:
            raise ImportFailed(f"{name}: cannot tell the format from the name; "
                               "pass --format bibtex|ris|csl-json|zotero")  # fmt: skip
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
    batch = readers.reader(format_name)(text, name)
    batch.name = batch.name or name
    return batch


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


class _Again:
    """Records of a lasting source seen before: which entry each became, and whether it changed since.

    A record is matched to an entry by what the last import remembered (its
    origin -> key), else by its own key when the library has it for the
    same work (same identifier, or title, year and first author), else as any import matches a
    duplicate (an identifier, or every field the same).  A matched record
    whose version is the one imported is unchanged whatever the entry says
    now (hand edits stay); otherwise its fields are compared as ``update``
    compares them, and a field whose value is not what the record gave last
    time counts as edited by hand.
    """

    def __init__(self, records: dict[str, dict[str, Any]]) -> None:
        self.records = records
        self.remembered: dict[str, dict[str, Any]] = {}
        self._keys: dict[str, str] | None = None

    def _by_lower(self, lib: library.Library) -> dict[str, str]:
        if self._keys is None:
            self._keys = {key.lower(): key for key in lib.entries}
        return self._keys

    def unchanged(self, candidate: Candidate, lib: library.Library) -> bool:
        """Whether the last import remembers this very version of the record, and its entry is still there."""
        record = self.records.get(candidate.origin or "")
        return isinstance(record, dict) and record.get("stamp") == candidate.stamp and str(
            record.get("key", "")).lower() in self._by_lower(lib)  # fmt: skip

    def existing(self, candidate: Candidate, lib: library.Library, same: str | None, print_: str | None,
                 resolver: Resolver) -> str | None:  # fmt: skip
        assert candidate.origin is not None
        by_lower = self._by_lower(lib)
        record = self.records.get(candidate.origin)
        if isinstance(record, dict) and str(record.get("key", "")).lower() in by_lower:
            return by_lower[str(record["key"]).lower()]
        key = candidate.entry.key.lower()
        if key and key in by_lower:
            current = lib.entries[by_lower[key]]
            if same == current.key or (print_ is not None and fingerprint(resolver.work(current)) == print_):
                return current.key
        return same

    def compare(self, candidate: Candidate, current: Entry, report: ImportReport) -> None:
        assert candidate.origin is not None
        fresh = replace(candidate.entry, key=current.key, entry_type=current.entry_type)
        record = self.records.get(candidate.origin)
        record = record if isinstance(record, dict) and record.get("key") == current.key else None
        if record is not None and record.get("stamp") == candidate.stamp:
            report.unchanged.append(current.key)
            return
        fields = record.get("fields") if record is not None else None
        original = {str(name): str(source) for name, source in fields.items()} if isinstance(fields, dict) else None
        found = updating.changes(current, original, fresh)
        if not found:
            report.unchanged.append(current.key)
            self.remember(candidate, fresh)
            return
        report.changed.append(updating.EntryUpdate(current, found, (candidate.origin, candidate.stamp, fresh),
                                                   source="Zotero"))  # fmt: skip

    def remember(self, candidate: Candidate, entry: Entry) -> None:
        if candidate.origin is not None:
            self.remembered[candidate.origin] = {"key": entry.key, "stamp": candidate.stamp,
                                                 "fields": updating.sources(entry)}  # fmt: skip


def plan(
    lib: library.Library, batches: list[Batch], key_format: KeyFormat | None = None,
    again: _Again | None = None, protect_titles: bool = False,
) -> tuple[list[str], ImportReport, Intent]:
    """The BibTeX chunks to append to ``lib`` and what happened to each record.

    Every distinct record is imported: a key that is taken gets a suffix (or
    the ``key_format`` key), and ``crossref``/``xdata`` fields follow a key
    that changed (compared without case, as BibTeX compares keys).  ``@string``
    macros come along with every macro the new entries use, macros of macros
    included; ``@preamble`` blocks the library lacks come too.  Records of a
    lasting source (``again``) already imported are unchanged or changed,
    never imported twice; a pinned key is kept exactly or the record is left
    out with why.  Title Case titles of a lasting source, or of every record
    with ``protect_titles``, are written protected (see :mod:`citetool.actions.protecting`).
    """
    report = ImportReport()
    again = again or _Again({})
    taken = keys.Caseless(lib.keys)
    intent = Intent()
    known = _Known()
    resolver = lib.resolver()
    for entry in lib.entries.values():
        known.add(resolver.work(entry), entry.key, library=True)
    preambles = set(lib.preambles)
    chunks: list[str] = []
    # Records of a lasting source (Zotero) arrive with titles as publishers deposit them, in Title Case: they are
    # written already protected, as add writes Crossref's.  A .bib, RIS or CSL-JSON file is taken as it is unless
    # asked (--protect), so that what citetool exports imports back unchanged.
    protect: Callable[[Candidate], Candidate] | None = None
    if protect_titles or any(batch.origins is not None for batch in batches):
        from citetool.actions import protecting  # imported only when titles are to be protected

        terms = protecting.terms_of(lib)

        def protect(candidate: Candidate) -> Candidate:
            entry = protecting.protect_entry(candidate.entry, terms, candidate.entry.text("abstract") or "")
            if candidate.source is None or entry.fields == candidate.entry.fields:
                return replace(candidate, entry=entry)
            return replace(candidate, entry=entry, source=protecting.rewritten(candidate.source, candidate.entry,
                                                                                entry))  # fmt: skip

    for batch in batches:
        report.refused += batch.skipped
        report.warnings += batch.warnings
        by_key = {candidate.entry.key.lower(): candidate.entry for candidate in batch.candidates
                  if candidate.entry.key}  # fmt: skip

        def lookup(key: str, by_key: dict[str, Entry] = by_key) -> Entry | None:
            found = by_key.get(key.lower())
            return found if found is not None else resolver.lookup(key)

        reader = Resolver({**lib.strings, **batch.strings}, lookup)
        renames: dict[str, str] = {}
        accepted: list[tuple[Entry, str | None]] = []
        made: dict[str, Candidate] = {}
        for candidate in batch.candidates:
            if protect is not None and (candidate.origin is not None or protect_titles) and not again.unchanged(
                    candidate, lib):  # fmt: skip
                candidate = protect(candidate)
            entry = candidate.entry
            work = reader.work(entry)
            what = entry.doi or entry.key or (entry.text("title") or "")[:60]
            existing, near = known.same(work, keyed=bool(entry.key) and candidate.origin is None)
            if candidate.origin is not None:
                existing = again.existing(candidate, lib, existing, fingerprint(work), resolver)
                if existing is not None and existing in lib.entries:
                    again.compare(candidate, lib.entries[existing], report)
                    continue
                if existing is not None:  # a record of this same import: the source holds it twice
                    existing = None
            if existing is not None:
                report.skipped.append((what, existing))
                if entry.key:
                    renames[entry.key.lower()] = existing
                continue
            key = entry.key
            if candidate.pinned and (key in taken or not keys.is_valid(key)):
                why = "is taken by another entry" if keys.is_valid(key) else "is no BibTeX key"
                report.refused.append((what, f"its pinned key {key!r} {why}"))
                continue
            if not key or key in taken or not keys.is_valid(key):
                base = keyformat.base(work.creators, work.year, work.latex.get("title"), key_format)
                key = keys.unique_key(base, taken)
                if entry.key:
                    renames[entry.key.lower()] = key
                    report.renamed.append((entry.key, key))
            if near is not None:
                report.near.append((key, near))
            if candidate.origin is not None:
                report.key_sources[candidate.key_source if key == entry.key and candidate.key_source else
                                   "key_format"] += 1  # fmt: skip
            taken.add(key)
            known.add(work, key, library=False)
            accepted.append((replace(entry, key=key), candidate.source))
            made[key] = candidate
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
            again.remember(made[entry.key], entry)
            intent.added.append(entry)
            report.added.append(entry.key)
        if batch.origins is not None:
            report.summaries.append(_summary(batch, report))
    return chunks, report, intent


def _summary(batch: Batch, report: ImportReport) -> str:
    """``zotero.sqlite: 120 items read: imported 3, unchanged 115, changed 1, left out 1 (in Zotero's trash);
    keys: 2 Better BibTeX, 1 key_format; 4 notes not imported``."""
    why = Counter(reason if not reason.startswith("its pinned key") else "pinned key taken"
                  for _what, reason in report.refused)  # fmt: skip
    reasons = ", ".join(f"{count} {reason}" for reason, count in why.most_common())
    parts = [f"{batch.name}: {batch.read} item{'s' if batch.read != 1 else ''} read: imported {len(report.added)}",
             f"unchanged {len(report.unchanged)}", f"changed {len(report.changed)}",
             f"left out {len(report.refused)}" + (f" ({reasons})" if reasons else "")]  # fmt: skip
    line = ", ".join(parts)
    if report.key_sources:
        line += "; keys: " + ", ".join(f"{count} {source}" for source, count in report.key_sources.most_common())
    if batch.left_out:
        line += "; " + ", ".join(batch.left_out) + " not imported"
    return line


def import_files(
    path: Path,
    inputs: list[Path],
    format_name: str | None,
    dry_run: bool,
    stdin_text: str | None = None,
    key_format: KeyFormat | None = None,
    selection: Selection | None = None,
    update: bool = False,
    force: bool = False,
    protect_titles: bool = False,
) -> ImportReport:
    """Import ``inputs`` into the library at ``path``: all of them, or (on any error) nothing.

    With ``update``, records of a lasting source changed since they were
    imported are merged into their entries too (hand edits kept unless
    ``force``), in the same write."""
    batches = [read_file(item, format_name, stdin_text if str(item) == "-" else None, selection)
               for item in inputs]  # fmt: skip
    lasting = [batch for batch in batches if batch.origins is not None]
    if update and not lasting:
        raise UsageError("--update re-reads records of a Zotero database; no input is one")
    stores = {batch.origins: caches.Imports(path, batch.origins) for batch in lasting if batch.origins}
    loaded = {origins: store.load() for origins, store in stores.items()}
    records: dict[str, dict[str, Any]] = {origin: record for part in loaded.values() for origin, record in
                                          part.items()}  # fmt: skip

    def change(lib: library.Library) -> tuple[bytes | None, ImportReport, Intent]:
        again = _Again(records)
        chunks, report, intent = plan(lib, batches, key_format, again, protect_titles)
        report.remembered = again.remembered
        if dry_run:
            return None, report, intent
        data = lib.data
        if update and report.changed:
            data = updating.merged_into(lib, report.changed, force, intent)
            report.updated = list(intent.replaced)
        if chunks:
            data = library.Library(path=lib.path, data=data).appended("\n\n".join(chunks))
        return (data if data != lib.data else None), report, intent

    if dry_run:
        return change(library.load_or_empty(path))[1]
    report = library.edit(path, change)
    remembered = dict(report.remembered)
    for applied in report.changed:
        if applied.entry.key in report.updated and isinstance(applied.record, tuple):
            origin, stamp, fresh = applied.record
            remembered[origin] = {"key": fresh.key, "stamp": stamp, "fields": updating.sources(fresh)}
    for origins, store in stores.items():
        mine = {origin: record for origin, record in remembered.items() if origin.startswith(f"{origins}/")}
        if mine:
            store.store({**loaded[origins], **mine})
    return report
