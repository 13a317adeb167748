"""``citetool import``: bring in other tools' exports without duplicates or damage.

Every input file is read completely before the library is touched; a file
that fails stops the whole import.  A record is a duplicate when its DOI is
already present, or, without a DOI, when its normalised title, year and first
author's family name match an entry.  Keys are kept when free, otherwise
made by the ``add`` scheme.  ``@string`` macros the new entries use come
along, and ``crossref`` fields follow any key that changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from citetool import readers
from citetool.bib import keyformat, keys
from citetool.bib.entry import Entry, Literal, Value
from citetool.bib.keyformat import KeyFormat
from citetool.bib.source import entry_source
from citetool.bib.work import Resolver, fingerprint
from citetool.errors import ImportFailed
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


def plan(
    lib: library.Library, batches: list[Batch], key_format: KeyFormat | None = None
) -> tuple[list[str], ImportReport, Intent]:
    """The BibTeX chunks to append to ``lib`` and what happened to each record."""
    report = ImportReport()
    taken = keys.Caseless(lib.keys)
    intent = Intent()
    dois = {entry.doi: entry.key for entry in lib.entries.values() if entry.doi}
    resolver = lib.resolver()
    prints = {fp: entry.key for entry in lib.entries.values() if (fp := fingerprint(resolver.work(entry)))}
    chunks: list[str] = []
    for batch in batches:
        reader = Resolver({**batch.strings, **lib.strings})
        renames: dict[str, str] = {}
        accepted: list[tuple[Entry, str | None]] = []
        for candidate in batch.candidates:
            entry = candidate.entry
            work = reader.work(entry)
            print_ = fingerprint(work)
            existing = dois.get(entry.doi) if entry.doi else prints.get(print_) if print_ else None
            if existing is not None:
                report.skipped.append((entry.doi or entry.key or (entry.text("title") or "")[:60], existing))
                if entry.key:
                    renames[entry.key] = existing
                continue
            key = entry.key
            if not key or key in taken or not keys.is_valid(key):
                base = keyformat.base(work.creators, work.year, work.latex.get("title"), key_format)
                key = keys.unique_key(base, taken)
                if entry.key:
                    renames[entry.key] = key
                    report.renamed.append((entry.key, key))
            taken.add(key)
            if entry.doi:
                dois[entry.doi] = key
            if print_:
                prints[print_] = key
            accepted.append((replace(entry, key=key), candidate.source))
        used_macros = {part.name.lower() for entry, _ in accepted for value in entry.fields.values()
                       for part in value.parts if not isinstance(part, Literal)}  # fmt: skip
        for name, string_text in batch.string_sources.items():
            if name not in used_macros:
                continue
            if name in lib.strings:
                if lib.strings[name] != batch.strings[name]:
                    report.warnings.append(f"@string {name} differs from the library's; the library's is kept")
                continue
            chunks.append(string_text)
            intent.strings.append(name)
        for entry, source in accepted:
            target = entry.text("crossref")
            if target and target in renames:
                entry = replace(entry, fields={**entry.fields, "crossref": Value.braced(renames[target])})
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
