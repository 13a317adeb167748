"""A per-identifier cache of the records that arXiv, the book services and PubMed gave.

One JSON file per identifier under ``<cache>/ids/<kind>/``, the file name the
percent-encoded identifier, written atomically and readable by the user only.
What is stored is the record as citetool read it from the reply (CSL-JSON
variables, plus what BibTeX needs beyond them), so ``--offline`` adds again
with no network, and a reply read once is not asked for again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from citetool import jsondata
from citetool.errors import WriteFailed
from citetool.library import storage

#: The largest cache file read back (a record is read from a reply of at most 16 MiB).
MAX_RECORD_BYTES = 32 * 2**20
#: Variables of which a stored record has at least one; anything else in a cache file is not a record.
RECORD_FIELDS = ("title", "author", "editor", "container-title")


def is_record(data: Any) -> bool:
    return isinstance(data, dict) and any(data.get(name) for name in RECORD_FIELDS)


class RecordCache:
    """Records on disk under ``folder/ids/``, by kind (``arxiv``, ``isbn``, ``pmid``, ``pmcid``) and identifier."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "ids"

    def _path(self, kind: str, identifier: str) -> Path:
        return self.folder / kind / (quote(identifier.lower(), safe="") + ".json")

    def get(self, kind: str, identifier: str) -> dict[str, Any] | None:
        """The stored record, or None (a missing, corrupt or hand-made file counts as absent)."""
        raw = storage.read_private(self._path(kind, identifier), MAX_RECORD_BYTES)
        try:
            data = jsondata.loads(raw) if raw is not None else None
        except ValueError:
            return None
        return data if is_record(data) else None

    def put(self, kind: str, identifier: str, record: dict[str, Any]) -> None:
        """Store ``record``; failing to cache never fails the lookup."""
        try:
            path = self._path(kind, identifier)
            storage.private_folder(path.parent)
            data = json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
            storage.write_atomic(path, data, private=True, follow_links=False)
        except (OSError, ValueError, WriteFailed):
            pass
