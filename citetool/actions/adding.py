"""``citetool add``: identifiers in, entries appended, nothing else of the library touched.

The order of work keeps the library safe: every argument is recognised
first (nothing is fetched if one is not an identifier), identifiers already
in the library are answered without the network, lookups happen outside the
write lock, and one locked read-modify-write appends every new entry at once.
Keys are chosen under the lock, against the library as it is at that moment.

An identifier is "already in the library" when an entry holds it in the
field it belongs in: a DOI in ``doi`` (or a doi.org ``url``), an arXiv ID in
``eprint`` or as its ``10.48550`` DOI, an ISBN in ``isbn`` (ISBN-10 or -13),
a PMID in ``pmid``, a PMCID in ``pmcid``; and a PubMed record whose DOI an
entry holds is that entry too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citetool.actions import protecting, retracting
from citetool.bib import keyformat, keys
from citetool.bib.entry import Entry
from citetool.bib.keyformat import KeyFormat
from citetool.bib.protection import Terms
from citetool.bib.source import entry_source
from citetool.bib.work import Resolver
from citetool.crossref import mapping as crossref_entry
from citetool.crossref.client import Client
from citetool.crossref.markup import to_plain
from citetool.crossref.records import Record
from citetool.errors import CitetoolError, LookupFailed, NotFound, UsageError
from citetool.identifiers import arxiv as arxiv_id
from citetool.identifiers import doi as doi_module
from citetool.identifiers import isbn as isbn_module
from citetool.identifiers.detect import Identifier
from citetool.library import file as library
from citetool.library.guard import Intent
from citetool.notices import retraction_watch
from citetool.notices.model import Notice
from citetool.sources import entries as source_entries
from citetool.sources.arxiv import ArxivClient
from citetool.sources.books import BookClient
from citetool.sources.pubmed import PubmedClient


@dataclass
class Sources:
    """The clients of every service ``add`` may ask; none touches the network until asked."""

    crossref: Client
    arxiv: ArxivClient
    books: BookClient
    pubmed: PubmedClient

    @property
    def network_used(self) -> bool:
        return any(client.network_used for client in (self.crossref, self.arxiv, self.books, self.pubmed))


@dataclass
class Outcome:
    """What happened to one identifier: ``added``, ``existing`` (key given) or ``failed``."""

    label: str
    status: str
    key: str | None = None
    error: CitetoolError | None = None
    entry: Entry | None = None
    notes: list[str] = field(default_factory=list)
    alerts: list[Notice] = field(default_factory=list)  # retractions and concerns about the work added

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


def _field_text(entry: Entry, name: str) -> str:
    value = entry.fields.get(name)
    return value.resolve({}).strip() if value is not None else ""


def existing_key(lib: library.Library, identifier: Identifier) -> str | None:
    """The key of the entry that already holds ``identifier``, if any."""
    if identifier.kind == "doi":
        return lib.find_doi(identifier.value)
    if identifier.kind == "arxiv":
        found = arxiv_id.parse(identifier.value)
        if found is None:
            return None
        by_doi = lib.find_doi(found.doi)
        if by_doi is not None:
            return by_doi
        for key, entry in lib.entries.items():
            for name in ("eprint", "arxivid"):
                held = arxiv_id.parse(_field_text(entry, name)) if name in entry.fields else None
                if held is not None and held.base.lower() == found.base.lower():
                    return key
        return None
    if identifier.kind == "isbn":
        for key, entry in lib.entries.items():
            if "isbn" in entry.fields and identifier.value in isbn_module.in_field(_field_text(entry, "isbn")):
                return key
        return None
    name = identifier.kind  # pmid, pmcid
    for key, entry in lib.entries.items():
        if name in entry.fields:
            number = _field_text(entry, name).upper()
            if name == "pmcid" and number.isdigit():
                number = "PMC" + number
            if number == identifier.value.upper():
                return key
    return None


@dataclass
class _Found:
    """A fetched record, before it becomes an entry: its kind (``doi``, ``arxiv``, ``isbn``, ``pmid``)."""

    kind: str
    record: dict[str, Any]
    doi: str = ""  # for ``doi`` records: the DOI; for the others, the DOI the record names, if any
    eprint: dict[str, str] = field(default_factory=dict)  # ``--published``: the arXiv fields to keep
    notes: list[str] = field(default_factory=list)


def _database(fetched: dict[Identifier, _Found | CitetoolError]) -> retraction_watch.Database | None:
    """The Retraction Watch database, when set and something was fetched; one that cannot be read is said in
    a note of each record (``add`` still adds)."""
    if not any(isinstance(result, _Found) for result in fetched.values()):
        return None
    try:
        return retracting.load_database()
    except CitetoolError as exc:
        for result in fetched.values():
            if isinstance(result, _Found):
                result.notes.append(f"{exc}; not checked against the Retraction Watch database")
        return None


def _fetch(
    identifiers: list[Identifier], sources: Sources, published: bool, progress: Callable[[str], None] | None
) -> dict[Identifier, _Found | CitetoolError]:
    """Every identifier looked up at its service; failures are returned, not raised."""
    results: dict[Identifier, _Found | CitetoolError] = {}
    by_kind: dict[str, list[Identifier]] = {}
    for identifier in identifiers:
        by_kind.setdefault(identifier.kind, []).append(identifier)

    def done(_label: str) -> None:
        if progress is not None:
            progress(_label)

    # PMCIDs become PMIDs (or DOIs) first, so one efetch serves both.
    pmid_of: dict[Identifier, str] = {}
    doi_of: dict[Identifier, str] = {}
    for identifier in by_kind.get("pmcid", []):
        try:
            converted = sources.pubmed.convert(identifier.value)
        except CitetoolError as exc:
            results[identifier] = exc
            continue
        if converted.get("pmid"):
            pmid_of[identifier] = converted["pmid"]
        elif doi_module.parse(converted.get("doi", "")):
            doi_of[identifier] = doi_module.parse(converted["doi"]) or ""
    for identifier in by_kind.get("impossible-arxiv", []):
        results[identifier] = NotFound(identifier.label, f"(no such arXiv ID: {arxiv_id.impossible(identifier.value)})")
        done(identifier.label)
    arxiv_records = sources.arxiv.fetch_many([i.value for i in by_kind.get("arxiv", [])], done)
    book_records = sources.books.fetch_many([i.value for i in by_kind.get("isbn", [])], done)
    pmids = [i.value for i in by_kind.get("pmid", [])] + list(pmid_of.values())
    pubmed_records = sources.pubmed.fetch_many(pmids, done) if pmids else {}
    published_dois: dict[Identifier, str] = {}
    if published:
        for identifier in by_kind.get("arxiv", []):
            record = arxiv_records[identifier.value]
            if not isinstance(record, dict):
                continue
            named = doi_module.parse(source_entries.notes_of(record).get("doi", ""))
            if named:
                published_dois[identifier] = named
    dois = [i.value for i in by_kind.get("doi", [])] + list(doi_of.values()) + list(published_dois.values())
    crossref_records = sources.crossref.fetch_many(dois, done) if dois else {}

    def from_crossref(doi: str) -> _Found | CitetoolError:
        result = crossref_records[doi]
        return _Found("doi", result.message, doi) if isinstance(result, Record) else result

    for identifier in identifiers:
        if identifier in results:
            continue
        if identifier.kind == "doi" or identifier in doi_of:
            results[identifier] = from_crossref(doi_of.get(identifier, identifier.value))
            continue
        if identifier.kind == "arxiv":
            arxiv_result = arxiv_records[identifier.value]
            if not isinstance(arxiv_result, dict):
                results[identifier] = arxiv_result
                continue
            results[identifier] = _arxiv_found(identifier, arxiv_result, published_dois, from_crossref)
            continue
        raw = book_records[identifier.value] if identifier.kind == "isbn" else pubmed_records[
            pmid_of.get(identifier, identifier.value)]  # fmt: skip
        if isinstance(raw, dict):
            kind = "isbn" if identifier.kind == "isbn" else "pmid"
            results[identifier] = _Found(kind, raw, doi_module.parse(str(raw.get("DOI") or "")) or "")
        else:
            results[identifier] = raw
    return results


def _arxiv_found(
    identifier: Identifier,
    record: dict[str, Any],
    published_dois: dict[Identifier, str],
    from_crossref: Callable[[str], _Found | CitetoolError],
) -> _Found | CitetoolError:
    """An arXiv record, or with ``--published`` the Crossref record of the version it names."""
    notes = source_entries.notes_of(record)
    said = []
    if notes.get("doi") or notes.get("journal-ref"):
        where = ", ".join(part for part in (notes.get("journal-ref", ""), notes.get("doi", "")) if part)
        said.append(f"{identifier.label} was published ({where})")
    bibtex = record.get("citetool-bibtex") or {}
    eprint = {name: bibtex[name] for name in ("eprint", "archiveprefix", "primaryclass") if bibtex.get(name)}
    if identifier in published_dois:
        found = from_crossref(published_dois[identifier])
        if isinstance(found, _Found):
            found.eprint = eprint
            found.notes = [f"{identifier.label}: added the published version {found.doi}, keeping the eprint fields"]
            return found
        said.append(f"its published version {published_dois[identifier]} could not be fetched ({found}); "
                    "added the preprint")  # fmt: skip
    elif said:
        said[-1] += "; --published adds that version instead (or `citetool upgrade` later)"
    return _Found("arxiv", record, notes=said)


def _entry(found: _Found, taken: set[str], terms: Terms) -> Entry:
    """The entry for a record, its Title Case titles protected (with the record's abstract as evidence)."""
    if found.kind == "doi":
        entry = crossref_entry.to_entry(found.record, found.doi, taken, found.eprint or None)
    else:
        entry = source_entries.to_entry(found.kind, found.record, taken)
    abstract = found.record.get("abstract")
    return protecting.protect_entry(entry, terms, to_plain(abstract) if isinstance(abstract, str) else "")


def add_identifiers(
    path: Path,
    identifiers: list[Identifier],
    sources: Sources,
    key: str | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    published: bool = False,
    key_format: KeyFormat | None = None,
) -> AddReport:
    """Look ``identifiers`` up and append the new entries to the library at ``path``.

    Keys follow ``key_format`` when one is given, else citetool's own rule.
    """
    unique = list(dict.fromkeys(identifiers))
    if key is not None:
        keys.validate(key)
        if len(unique) != 1:
            raise UsageError("--key names one entry; give exactly one identifier with it")
    current = library.load_or_empty(path)
    if not dry_run:
        current.check_writable()
    outcomes: dict[Identifier, Outcome] = {}
    to_fetch: list[Identifier] = []
    for identifier in unique:
        existing = existing_key(current, identifier)
        if existing is not None:
            outcomes[identifier] = Outcome(identifier.label, "existing", existing)
        else:
            to_fetch.append(identifier)
    fetched = _fetch(to_fetch, sources, published, progress) if to_fetch else {}
    database = _database(fetched)

    def append(lib: library.Library) -> tuple[bytes | None, None, Intent]:
        taken = keys.Caseless(lib.keys)
        terms = protecting.terms_of(lib) if any(isinstance(result, _Found) for result in fetched.values()) else Terms()
        chunks: list[str] = []
        intent = Intent()
        for identifier in to_fetch:
            result = fetched[identifier]
            label = identifier.label
            if not isinstance(result, _Found):
                outcomes[identifier] = Outcome(label, "failed", error=result)
                continue
            existing = existing_key(lib, identifier)  # added by another process meanwhile
            if existing is None and result.doi:
                existing = lib.find_doi(result.doi)  # a PubMed record, or a published version, already held
            if existing is not None:
                outcomes[identifier] = Outcome(label, "existing", existing, notes=result.notes)
                continue
            try:
                entry = _entry(result, taken, terms)
            except CitetoolError as exc:  # a record that cannot be stored safely fails this identifier alone
                outcomes[identifier] = Outcome(label, "failed", error=LookupFailed(f"{label}: the record's {exc}"))
                continue
            if key_format is not None:
                work = Resolver({}).work(entry)
                entry.key = keys.unique_key(keyformat.base(work.creators, work.year, work.latex.get("title"),
                                                           key_format), taken)  # fmt: skip
            if key is not None:
                if key in taken:
                    raise UsageError(f"--key {key}: that key is already in {lib.path} (keys are compared without case)")
                entry.key = key
            taken.add(entry.key)
            chunks.append(entry_source(entry))
            intent.added.append(entry)
            alerts = retracting.alerts_of(result.kind, result.doi, result.record, database)
            outcomes[identifier] = Outcome(label, "added", entry.key, entry=entry, notes=result.notes, alerts=alerts)
        if not chunks or dry_run:
            return None, None, intent
        return lib.appended("\n\n".join(chunks)), None, intent

    if dry_run:
        append(current)
    else:
        library.edit(path, append, known=current)
    return AddReport([outcomes[identifier] for identifier in unique])
