"""``citetool add``: DOIs in, entries appended, nothing else of the library touched.

The order of work keeps the library safe: DOIs are validated first (nothing
is fetched if one is malformed), DOIs already in the library are answered
without the network, lookups happen outside the write lock, and one locked
read-modify-write appends every new entry at once.  Keys are chosen under
the lock, against the library as it is at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from citetool.bib import keys
from citetool.bib.entry import Entry
from citetool.bib.source import entry_source
from citetool.crossref import mapping as crossref_entry
from citetool.crossref.client import Client
from citetool.crossref.records import Record
from citetool.errors import CitetoolError, LookupFailed, UsageError
from citetool.library import file as library
from citetool.library.guard import Intent


@dataclass
class Outcome:
    """What happened to one DOI: ``added``, ``existing`` (key given) or ``failed``."""

    doi: str
    status: str
    key: str | None = None
    error: CitetoolError | None = None
    entry: Entry | None = None

    @property
    def gaps(self) -> list[str]:
        """What an added entry lacks that ``check`` will ask for: required fields, and a key made from nothing."""
        if self.entry is None:
            return []
        from citetool.actions.checking import missing_required

        found = missing_required(self.entry)
        if self.entry.key.startswith("anon"):
            found.append("author or title to make a key from")
        return found


@dataclass
class AddReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failures(self) -> list[CitetoolError]:
        return [outcome.error for outcome in self.outcomes if outcome.error is not None]


def add_dois(
    path: Path,
    dois: list[str],
    client: Client,
    key: str | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> AddReport:
    """Look up ``dois`` (already normalised) and append the new entries to the library at ``path``."""
    if key is not None:
        keys.validate(key)
        if len(dois) != 1:
            raise UsageError("--key names one entry; give exactly one DOI with it")
    current = library.load_or_empty(path)
    if not dry_run:
        current.check_writable()
    outcomes: dict[str, Outcome] = {}
    to_fetch: list[str] = []
    for doi in dict.fromkeys(dois):
        existing = current.find_doi(doi)
        if existing is not None:
            outcomes[doi] = Outcome(doi, "existing", existing)
        else:
            to_fetch.append(doi)
    records = client.fetch_many(to_fetch, progress) if to_fetch else {}

    def append(lib: library.Library) -> tuple[bytes | None, None, Intent]:
        taken = keys.Caseless(lib.keys)
        chunks: list[str] = []
        intent = Intent()
        for doi in to_fetch:
            result = records[doi]
            if not isinstance(result, Record):
                outcomes[doi] = Outcome(doi, "failed", error=result)
                continue
            existing = lib.find_doi(doi)  # added by another process meanwhile
            if existing is not None:
                outcomes[doi] = Outcome(doi, "existing", existing)
                continue
            try:
                entry = crossref_entry.to_entry(result.message, doi, taken)
            except CitetoolError as exc:  # a record that cannot be stored safely fails this DOI alone
                outcomes[doi] = Outcome(doi, "failed", error=LookupFailed(f"{doi}: the record's {exc}"))
                continue
            if key is not None:
                if key in taken:
                    raise UsageError(f"--key {key}: that key is already in {lib.path} (keys are compared without case)")
                entry.key = key
            taken.add(entry.key)
            chunks.append(entry_source(entry))
            intent.added.append(entry)
            outcomes[doi] = Outcome(doi, "added", entry.key, entry=entry)
        if not chunks or dry_run:
            return None, None, intent
        return lib.appended("\n\n".join(chunks)), None, intent

    if dry_run:
        append(current)
    else:
        library.edit(path, append, known=current)
    return AddReport([outcomes[doi] for doi in dict.fromkeys(dois)])
