"""``citetool upgrade``: preprints in the library replaced by their published versions, with the evidence.

A preprint is an entry with arXiv ``eprint`` fields (or arXiv's ``10.48550``
DOI), or a Crossref ``posted-content`` DOI, bioRxiv's and medRxiv's among them
(prefix ``10.1101``).  Its published version is found, most certain first:

1. ``arxiv-doi``: the DOI that the arXiv record names (``<arxiv:doi>``);
2. ``crossref-relation``: the preprint's Crossref record says
   ``is-preprint-of`` (or, from the other side, a candidate ``has-preprint``
   the preprint);
3. ``search``: a Crossref search by title and first author, each hit scored on
   title similarity and shared family names (0 to 1).  A match below
   :data:`STRONG` is weak: shown, never applied without ``accept_weak``.

The published record becomes the entry (through the one Crossref mapping)
with the preprint's key and its eprint fields; an entry that already has a
journal, book title or non-preprint DOI is left alone.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from citetool.bib.entry import Entry, Value
from citetool.bib.latex import to_text
from citetool.bib.names import parse_names
from citetool.bib.source import entry_diff, entry_source
from citetool.bib.work import PUBLISHED_FIELDS, Work
from citetool.crossref.client import Client
from citetool.crossref.mapping import names_of, to_entry
from citetool.crossref.markup import to_latex
from citetool.errors import CitetoolError
from citetool.identifiers import arxiv as arxiv_id
from citetool.identifiers import doi as doi_module
from citetool.library import file as library
from citetool.library.guard import Intent
from citetool.sources.arxiv import ArxivClient
from citetool.sources.entries import notes_of

#: A search match scoring at least this is applied with ``--yes``; below it only with ``--accept-weak`` too.
STRONG = 0.9
#: Search hits scoring below this are not shown at all.
SHOWN = 0.5
#: DOI prefixes of preprint servers that register with Crossref (bioRxiv and medRxiv share 10.1101).
PREPRINT_PREFIXES = ("10.1101/", "10.21203/", "10.20944/", "10.31219/", "10.31234/", "10.31235/", "10.26434/")
#: Fields of the preprint that the published entry keeps.
KEPT_FIELDS = ("eprint", "archiveprefix", "primaryclass", "eprinttype", "eprintclass")

@dataclass
class Upgrade:
    """One preprint, its published version and why citetool believes it."""

    entry: Entry
    published_doi: str
    evidence: str  # arxiv-doi, crossref-relation or search
    score: float
    new: Entry
    detail: str = ""

    @property
    def weak(self) -> bool:
        return self.evidence == "search" and self.score < STRONG

    def diff(self) -> str:
        key = self.entry.key
        return entry_diff(self.entry, self.new, f"{key} (preprint)", f"{key} ({self.published_doi})")

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.entry.key, "published_doi": self.published_doi, "evidence": self.evidence,
            "score": round(self.score, 3), "weak": self.weak, "detail": self.detail, "diff": self.diff(),
        }  # fmt: skip


@dataclass
class UpgradePlan:
    upgrades: list[Upgrade] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)  # preprints with no published version found
    published: list[str] = field(default_factory=list)  # asked-for entries that are no preprints
    failures: list[CitetoolError] = field(default_factory=list)


def _text(entry: Entry, name: str) -> str:
    value = entry.fields.get(name)
    return to_text(value.resolve({})) if value is not None else ""


def is_preprint(work: Work, client: Client) -> bool:
    """Whether an entry is a preprint to upgrade: an arXiv preprint (:attr:`Work.is_preprint`, the one rule),
    or, with no journal or book, a DOI of a preprint server or of Crossref's ``posted-content``."""
    if work.is_preprint:
        return True
    if any(name in work.latex for name in PUBLISHED_FIELDS):
        return False
    doi = work.doi
    if doi and not arxiv_id.from_doi(doi):
        if doi.startswith(PREPRINT_PREFIXES):
            return True
        cached = client.cache.get(doi)
        return cached is not None and cached.message.get("type") == "posted-content"
    return False


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def score(entry: Entry, item: dict[str, Any]) -> float:
    """How well a Crossref work matches a preprint: 0.7 title similarity, 0.3 shared family names."""
    title = " ".join(_words(_text(entry, "title")))
    titles = item.get("title") if isinstance(item.get("title"), list) else [item.get("title")]
    candidate = " ".join(_words(to_text(to_latex(str(titles[0] if titles else "") or ""))))
    similarity = difflib.SequenceMatcher(None, title, candidate).ratio() if title and candidate else 0.0
    ours = {name.family_text.lower() for name in parse_names(entry.fields["author"].resolve({}))} if (
        "author" in entry.fields) else set()  # fmt: skip
    theirs = {name.family_text.lower() for name in names_of(item, "author")}
    overlap = len(ours & theirs) / max(len(ours), len(theirs)) if ours and theirs else 0.0
    return 0.7 * similarity + 0.3 * overlap


def _published_entry(entry: Entry, record: dict[str, Any], doi: str) -> Entry:
    new = to_entry(record, doi)
    fields: dict[str, Value] = dict(new.fields)
    for name in KEPT_FIELDS:
        if name in entry.fields:
            fields[name] = entry.fields[name]
    return replace(new, key=entry.key, fields=fields, line=entry.line)


def _related(record: dict[str, Any], kind: str) -> list[str]:
    relation = record.get("relation")
    items = relation.get(kind) if isinstance(relation, dict) else None
    found = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and str(item.get("id-type", "doi")).lower() == "doi":
            doi = doi_module.parse(str(item.get("id", "")))
            if doi:
                found.append(doi)
    return found


def plan(
    lib: library.Library,
    keys: list[str],
    client: Client,
    arxiv: ArxivClient,
    progress: Callable[[str], None] | None = None,
) -> UpgradePlan:
    """What upgrading the preprints among ``keys`` (all entries when empty) would change."""
    missing = [key for key in keys if key not in lib.entries]
    if missing:
        raise lib.unknown(missing, str(lib.path))
    result = UpgradePlan()
    asked = [lib.entries[key] for key in keys] if keys else list(lib.entries.values())
    resolver = lib.resolver()
    preprints: list[Entry] = []
    arxiv_ids: dict[str, str] = {}
    for entry in asked:
        work = resolver.work(entry)
        if is_preprint(work, client):
            preprints.append(entry)
            if work.arxiv is not None:
                arxiv_ids[entry.key] = work.arxiv
        elif keys:  # only entries named on the command line are reported as left alone
            result.published.append(entry.key)
    records = arxiv.fetch_many(list(arxiv_ids.values())) if arxiv_ids else {}
    for entry in preprints:
        try:
            upgrade = _find(entry, arxiv_ids.get(entry.key), records, client)
        except CitetoolError as exc:
            result.failures.append(exc)
            upgrade = None
        else:
            if upgrade is None:
                result.not_found.append(entry.key)
        if upgrade is not None:
            result.upgrades.append(upgrade)
        if progress is not None:
            progress(entry.key)
    return result


def _find(
    entry: Entry, arxiv: str | None, records: dict[str, Any], client: Client
) -> Upgrade | None:
    """The published version of one preprint, by the first kind of evidence that names one."""
    if arxiv is not None:
        record = records.get(arxiv)
        if isinstance(record, CitetoolError):
            raise record
        named = doi_module.parse(notes_of(record).get("doi", "")) if isinstance(record, dict) else None
        if named:
            work = client.fetch(named).message
            return Upgrade(entry, named, "arxiv-doi", 1.0, _published_entry(entry, work, named),
                           f"arXiv:{arxiv} names {named}")  # fmt: skip
    doi = entry.doi
    if doi and not arxiv_id.from_doi(doi):
        own = client.fetch(doi).message
        for named in _related(own, "is-preprint-of"):
            work = client.fetch(named).message
            return Upgrade(entry, named, "crossref-relation", 1.0, _published_entry(entry, work, named),
                           f"Crossref: {doi} is-preprint-of {named}")  # fmt: skip
    title = _text(entry, "title")
    if not title:
        return None
    first = parse_names(entry.fields["author"].resolve({}))[:1] if "author" in entry.fields else []
    query = " ".join([title, *(name.family_text for name in first)])
    best: tuple[float, dict[str, Any]] | None = None
    for item in client.search(query, 5):
        found = doi_module.parse(str(item.get("DOI", "")))
        if not found or found == doi or item.get("type") == "posted-content":
            continue
        value = score(entry, item)
        if doi and doi in _related(item, "has-preprint"):
            value = 1.0
        if best is None or value > best[0]:
            best = (value, item)
    if best is None or best[0] < SHOWN:
        return None
    value, item = best
    found = doi_module.parse(str(item["DOI"])) or ""
    work = client.fetch(found).message
    evidence = "crossref-relation" if value == 1.0 and doi and doi in _related(item, "has-preprint") else "search"
    detail = f"Crossref: {found} has-preprint {doi}" if evidence == "crossref-relation" else (
        f"Crossref search for {query[:60]!r}: best hit {found}, score {value:.2f}")  # fmt: skip
    return Upgrade(entry, found, evidence, value, _published_entry(entry, work, found), detail)


def apply(path: Path, upgrades: list[Upgrade]) -> list[str]:
    """Write each published entry over its preprint (only its own bytes), unless it changed since the plan."""

    def change(lib: library.Library) -> tuple[bytes, list[str], Intent]:
        sources: dict[str, str] = {}
        intent = Intent()
        for upgrade in upgrades:
            current = lib.entries.get(upgrade.entry.key)
            if current is not None and current.fields == upgrade.entry.fields:
                sources[upgrade.entry.key] = entry_source(upgrade.new)
                intent.replaced[upgrade.entry.key] = upgrade.new
        return lib.replaced(sources), list(sources), intent

    return library.edit(path, change)

