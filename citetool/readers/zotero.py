"""Reading a Zotero library (``zotero.sqlite`` or its data folder) for import.

Each item is the CSL item Zotero itself would make (:mod:`citetool.zotero.items`)
read through citetool's one CSL-to-BibTeX mapping (:mod:`citetool.readers.fromcsl`),
so every value enters through the guarded value writer; then comes what CSL has
no variable for: ``Extra``'s BibTeX fields, the tags as ``keywords`` and the
PDFs as ``file``.

Every regular item becomes a record (attachments, notes and annotations are
parts of items, not entries); items in the trash are skipped and said;
``collection`` keeps one collection and its sub-collections, ``tag`` the
items with that tag.  Each record carries its origin (the Zotero
installation, library and item key) and its version, so importing again adds
only what is new and shows what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from citetool.bib.entry import Entry, Value
from citetool.bib.escape import escape
from citetool.bib.safety import UnsafeValue, field_value
from citetool.crossref.markup import to_plain
from citetool.errors import UsageError
from citetool.readers import Batch, Candidate, fromcsl
from citetool.zotero import database as zotero_database
from citetool.zotero import extra as zotero_extra
from citetool.zotero import items as zotero_items
from citetool.zotero import keys as zotero_keys
from citetool.zotero.database import Database, Item, storage_path
from citetool.zotero.mapping import Mapping, mapping

#: Problems of one kind named one by one before they are only counted.
NAMED = 5
#: CSL variables citetool reads (what an ``Extra`` line may set; any other line stays in the note).
READ_VARIABLES = frozenset({*fromcsl.PLAIN_FIELDS, *fromcsl.RICH_FIELDS, *fromcsl.DATE_FIELDS, "issued",
                            "container-title", "publisher", "number", "issue", "collection-number", "page", "DOI",
                            "URL", "abstract", "language", "genre"})  # fmt: skip
#: CSL types whose ``event-place`` is where an event was; Zotero gives every item's ``place`` as both
#: ``publisher-place`` and ``event-place``, and for other types the second is no venue.
EVENT_TYPES = frozenset({"paper-conference", "speech", "event", "performance"})


@dataclass
class Converted:
    """An item's entry (its key still empty), the key ``Extra`` names, if any, and what was left out."""

    entry: Entry
    extra_key: str | None
    problems: list[str]


def variable_names(mapping: Mapping) -> dict[str, str]:
    """Names an ``Extra`` line may use for a CSL variable citetool reads: the variable's own, and each Zotero
    field mapped to it (normalised: lower case, no spaces, hyphens or underscores)."""
    names: dict[str, str] = {}
    for variable, fields in mapping.text.items():
        target = "container-title-short" if variable == "journalAbbreviation" else variable
        if target not in READ_VARIABLES:
            continue
        for name in (variable, *fields):
            names.setdefault(zotero_extra.normal(name), target)
    for variable in READ_VARIABLES:
        names.setdefault(zotero_extra.normal(variable), variable)
    for variable, name in mapping.dates.items():
        if variable in READ_VARIABLES:
            names.setdefault(zotero_extra.normal(name), variable)
    return names


def entry(item: Item, database: Database, mapping: Mapping, names: dict[str, str] | None = None) -> Converted:
    """The entry for ``item``: its CSL item through citetool's CSL mapping, plus ``Extra``'s BibTeX fields,
    tags and PDFs (``names``: :func:`variable_names` of ``mapping``, made once for many items).
    :class:`~citetool.bib.safety.UnsafeValue` if a value cannot be stored safely."""
    extra = zotero_extra.read(item.fields.get("extra", ""), names if names is not None else variable_names(mapping))
    csl = zotero_items.csl_item(item, database, mapping, extra)
    for role in fromcsl.NAME_FIELDS:  # rich text in a name is no part of it: the text is
        for name in csl.get(role, []):
            for part, text in name.items():
                if "<" in text:
                    name[part] = to_plain(text)
    if csl["type"] not in EVENT_TYPES and csl.get("event-place") == csl.get("publisher-place"):
        csl.pop("event-place", None)
    converted = fromcsl.to_entry(csl)
    fields = dict(converted.fields)
    problems: list[str] = []
    if extra.arxiv and "eprint" not in fields:
        fields.update(eprint=field_value("eprint", extra.arxiv), archiveprefix=field_value("archiveprefix", "arXiv"))
    for name, (value, raw) in extra.tex.items():
        fields[name] = field_value(name, value if raw else escape(value))
    if item.tags:
        fields["keywords"] = keyword_value(item.tags)
    files = [path for attachment in item.attachments if attachment.content_type == "application/pdf"
             and (path := storage_path(database, attachment)) is not None]  # fmt: skip
    if files:
        try:
            fields["file"] = field_value("file", ";".join(str(path) for path in files))
        except UnsafeValue:
            problems.append("its PDF's path cannot be stored in a .bib file; file left out")
    return Converted(replace(converted, key="", fields=fields), extra.key, problems)


def keyword_value(tags: list[str]) -> Value:
    """The ``keywords`` of a tag list (tags holding a comma are braced, so biblatex keeps them whole)."""
    return field_value("keywords", ", ".join(f"{{{escape(tag)}}}" if "," in tag else escape(tag) for tag in tags))


def is_zotero(path: Path) -> bool:
    """Whether ``path`` looks like a Zotero database or data folder (its tables are checked when read)."""
    if path.is_dir():
        return (path / zotero_database.DATABASE).is_file()
    return zotero_database.is_database(path)


def _collections(database: Database, name: str) -> set[int]:
    """The collection ``name`` (a name, or a path ``Parent/Child``) and every collection below it."""
    wanted = name.strip().strip("/").casefold()

    def path_of(collection_id: int) -> str:
        parts: list[str] = []
        seen: set[int] = set()
        current: int | None = collection_id
        while current is not None and current in database.collections and current not in seen:
            seen.add(current)
            parts.append(database.collections[current].name)
            current = database.collections[current].parent
        return "/".join(reversed(parts)).casefold()

    roots = {collection_id for collection_id, collection in database.collections.items()
             if collection.name.casefold() == wanted or path_of(collection_id) == wanted}  # fmt: skip
    if not roots:
        names = sorted({collection.name for collection in database.collections.values()}, key=str.casefold)
        known = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "") if names else "none"
        raise UsageError(f"{database.path}: no collection named {name!r} (collections: {known})")
    chosen = set(roots)
    grew = True
    while grew:
        below = {collection_id for collection_id, collection in database.collections.items()
                 if collection.parent in chosen and collection_id not in chosen}  # fmt: skip
        chosen |= below
        grew = bool(below)
    return chosen


def _selected(database: Database, collection: str | None, tag: str | None) -> tuple[list[Item], list[Item]]:
    chosen = _collections(database, collection) if collection is not None else None
    wanted = tag.casefold() if tag is not None else None

    def keep(item: Item) -> bool:
        if chosen is not None and not item.collections & chosen:
            return False
        return wanted is None or any(name.casefold() == wanted for name in item.tags)

    return [item for item in database.items if keep(item)], [item for item in database.trashed if keep(item)]


def _title(item: Item) -> str:
    title = item.fields.get("title", "").strip()
    return f"{item.key} ({title[:50]})" if title else item.key


def read_path(path: Path, collection: str | None = None, tag: str | None = None) -> Batch:
    """Every regular item of the Zotero database at ``path`` (in ``collection``, with ``tag``) as a record."""
    database = zotero_database.read(path)
    schema = mapping(database.csl_schema)
    store = zotero_keys.better_bibtex(database)
    items, trashed = _selected(database, collection, tag)
    origins = f"zotero:{database.user_key or database.path}"
    batch = Batch(name=str(database.path), origins=origins, read=len(items) + len(trashed))
    if store.problem:
        batch.warnings.append(store.problem)
    batch.skipped += [(_title(item), "in Zotero's trash") for item in trashed]
    file_problems: list[str] = []
    names = variable_names(schema)
    for item in items:
        try:
            converted = entry(item, database, schema, names)
        except UnsafeValue as exc:
            batch.skipped.append((_title(item), f"its {exc}"))
            continue
        file_problems += [f"{_title(item)}: {problem}" for problem in converted.problems]
        key = zotero_keys.for_item(item, converted.extra_key, store)
        if key is not None:
            converted.entry.key = key.key
        batch.candidates.append(Candidate(
            converted.entry, origin=f"{origins}/{item.library}/{item.key}", stamp=f"{item.version}/{item.modified}",
            pinned=key is not None and key.pinned, key_source=key.source if key is not None else ""))  # fmt: skip
    batch.warnings += file_problems[:NAMED]
    if len(file_problems) > NAMED:
        batch.warnings.append(f"{len(file_problems) - NAMED} more items' PDF paths left out")
    notes = database.notes
    if notes:
        batch.left_out.append(f"{notes} note{'s' if notes != 1 else ''}")
    return batch
