"""Reading CSL-JSON (citetool's own export, Zotero, Mendeley, pandoc) for import, through the inverse of
citetool's CSL mapping (:mod:`citetool.readers.fromcsl`)."""

from __future__ import annotations

import re
from typing import Any

from citetool import jsondata
from citetool.bib.safety import UnsafeValue
from citetool.errors import ImportFailed
from citetool.readers import Batch, Candidate
from citetool.readers.fromcsl import to_entry

#: An ``id`` that is a URL (Zotero's ``http://zotero.org/users/1/items/ABCD1234``) is no citation key.
_URL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


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
        try:
            entry = to_entry(item)
        except UnsafeValue as exc:
            raise ImportFailed(f"{name}: item {index}'s {exc}; nothing was imported") from exc
        if _URL_ID.match(entry.key):
            entry.key = ""  # the importer makes one, by key_format
        batch.candidates.append(Candidate(entry))
    return batch
