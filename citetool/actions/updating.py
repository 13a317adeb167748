"""``citetool update``: re-fetch entries by DOI and merge what changed, never a hand edit.

The cached record from the last fetch tells which values came from Crossref:
a field whose current value differs from what that record gives was edited
by hand, and is replaced only with ``force``.  Without a cached record every
differing field counts as edited.  Keys never change; fields the user added
are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from citetool.bib.entry import Entry, Value
from citetool.bib.source import entry_diff, entry_source
from citetool.errors import CitetoolError, LookupFailed
from citetool.library import file as library
from citetool.library.guard import Intent

if TYPE_CHECKING:  # the merge helpers below serve import too, which never asks Crossref
    from citetool.crossref.client import Client
    from citetool.crossref.records import Cache


@dataclass
class FieldChange:
    name: str
    old: Value | None
    new: Value | None
    edited: bool  # the current value is not what Crossref gave last time


@dataclass
class EntryUpdate:
    """What a newer record of an entry would change; ``record`` is what to remember once it is applied."""

    entry: Entry
    changes: list[FieldChange]
    record: object
    source: str = "Crossref"

    def merged(self, force: bool) -> Entry:
        """The entry with the changes applied (hand edits only with ``force``)."""
        fields = dict(self.entry.fields)
        for change in self.changes:
            if change.edited and not force:
                continue
            if change.new is None:
                fields.pop(change.name, None)
            else:
                fields[change.name] = change.new
        return replace(self.entry, fields=fields)

    def applies(self, force: bool) -> bool:
        """Whether the entry changes at all (not when every change is a hand edit kept without ``force``)."""
        return self.merged(force).fields != self.entry.fields

    def diff(self, force: bool) -> str:
        key = self.entry.key
        return entry_diff(self.entry, self.merged(force), f"{key} (library)", f"{key} ({self.source})")


@dataclass
class UpdatePlan:
    updates: list[EntryUpdate] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # keys without a DOI
    unchanged: list[str] = field(default_factory=list)  # keys whose record says what the entry says

    failures: list[CitetoolError] = field(default_factory=list)

    def summary(self, written: int | None, force: bool) -> str:
        """``updated 2, unchanged 30, skipped 1 (no DOI), failed 1`` (``would update`` before ``--yes``): every
        entry asked for in one count.  An entry whose only changes are hand edits kept without ``force`` is
        counted as ``kept``, not as an update (no diff is shown for it)."""
        changing = sum(1 for update in self.updates if update.applies(force))
        kept = len(self.updates) - changing
        changed = f"updated {written}" if written is not None else f"would update {changing}"
        if written is not None and written < changing:
            changed += f" ({changing - written} changed meanwhile: run update again)"
        held = f", kept {kept} (edited by hand; --force replaces)" if kept else ""
        return (f"{changed}, unchanged {len(self.unchanged)}{held}, skipped {len(self.skipped)} (no DOI), "
                f"failed {len(self.failures)}")  # fmt: skip


def changes(current: Entry, original: dict[str, str] | None, fresh: Entry) -> list[FieldChange]:
    """The fields ``fresh`` (a newer record) changes in ``current``; ``original`` (each field's source as the
    record gave it last time) tells a field edited by hand: one whose value is no longer what it gave."""
    found: list[FieldChange] = []
    for name in dict.fromkeys([*current.fields, *fresh.fields]):
        old, new = current.fields.get(name), fresh.fields.get(name)
        if old == new:
            continue
        came_from_source = original is not None and original.get(name) == (old.source() if old is not None else None)
        if new is None and (original is None or name not in original):
            continue  # a field the user added
        found.append(FieldChange(name, old, new, edited=not came_from_source))
    return found


def sources(entry: Entry) -> dict[str, str]:
    """Each field of ``entry`` as BibTeX source: what :func:`changes` compares with."""
    return {name: value.source() for name, value in entry.fields.items()}


def plan(
    lib: library.Library, keys: list[str], client: Client, progress: Callable[[str], None] | None = None
) -> UpdatePlan:
    """What re-fetching would change in the entries ``keys`` (all entries when empty)."""
    from citetool.crossref.mapping import to_entry
    from citetool.crossref.records import Record

    missing = [key for key in keys if key not in lib.entries]
    if missing:
        raise lib.unknown(missing, str(lib.path))
    result = UpdatePlan()
    entries = [lib.entries[key] for key in keys] if keys else list(lib.entries.values())
    with_doi = [entry for entry in entries if entry.doi]
    result.skipped = [entry.key for entry in entries if not entry.doi]
    originals = {entry.doi: client.cache.get(entry.doi) for entry in with_doi if entry.doi}
    client.refresh = True
    client.cache_writes = False
    fetched = client.fetch_many([entry.doi for entry in with_doi if entry.doi], progress)
    for entry in with_doi:
        assert entry.doi is not None
        record = fetched[entry.doi]
        if not isinstance(record, Record):
            result.failures.append(record)
            continue
        cached = originals.get(entry.doi)
        try:
            original = to_entry(cached.message, entry.doi) if cached is not None else None
            fresh = to_entry(record.message, entry.doi)
        except CitetoolError as exc:  # a record that cannot be stored safely fails this entry alone
            result.failures.append(LookupFailed(f"{entry.doi}: the record's {exc}"))
            continue
        found = changes(entry, sources(original) if original is not None else None, fresh)
        if found:
            result.updates.append(EntryUpdate(entry, found, record))
        else:
            result.unchanged.append(entry.key)
    return result


def apply(path: Path, updates: list[EntryUpdate], force: bool, cache: Cache) -> list[str]:
    """Write the merged entries (each replaces only its own bytes), then cache the records they came from."""
    from citetool.crossref.records import Record


    def change(lib: library.Library) -> tuple[bytes, list[str], Intent]:
        intent = Intent()
        return merged_into(lib, updates, force, intent), list(intent.replaced), intent

    written = library.edit(path, change)
    for update in updates:
        if update.entry.key in written and isinstance(update.record, Record):
            cache.put(update.record)
    return written


def merged_into(lib: library.Library, updates: list[EntryUpdate], force: bool, intent: Intent) -> bytes:
    """``lib``'s bytes with each update merged into its entry (said in ``intent``).  An entry edited by someone
    else since the plan was made is left for the next run."""
    replacing: dict[str, str] = {}
    for update in updates:
        merged = update.merged(force)
        current = lib.entries.get(update.entry.key)
        if current is not None and current.fields == update.entry.fields and merged.fields != current.fields:
            replacing[update.entry.key] = entry_source(merged)
            intent.replaced[update.entry.key] = merged
    return lib.replaced(replacing) if replacing else lib.data
