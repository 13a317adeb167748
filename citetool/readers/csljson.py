"""Reading CSL-JSON (Zotero, Mendeley, pandoc) for import, through the Crossref/CSL mapping."""

from __future__ import annotations

from typing import Any

from citetool import jsondata
from citetool.bib.safety import UnsafeValue
from citetool.crossref.mapping import to_entry
from citetool.errors import ImportFailed
from citetool.identifiers import doi as doi_module
from citetool.readers import Batch, Candidate


def read(text: str, name: str) -> Batch:
    try:
        data: Any = jsondata.loads(text.removeprefix("\ufeff"))
    except ValueError as exc:
        raise ImportFailed(f"{name}: not valid JSON ({exc}); nothing was imported") from exc
    items = data if isinstance(data, list) else [data]
    batch = Batch()
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not ("title" in item or "author" in item or "DOI" in item):
            raise ImportFailed(f"{name}: item {index} is not a CSL-JSON record; nothing was imported")
        found = doi_module.parse(str(item.get("DOI", ""))) if item.get("DOI") else None
        try:
            entry = to_entry(item, found or "")
        except UnsafeValue as exc:
            raise ImportFailed(f"{name}: item {index}'s {exc}; nothing was imported") from exc
        if isinstance(item.get("id"), str | int):
            entry.key = str(item["id"])
        batch.candidates.append(Candidate(entry))
    return batch
