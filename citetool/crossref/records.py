"""A per-DOI cache of raw Crossref / doi.org records.

One JSON file per DOI (the file name is the percent-encoded DOI, so distinct
DOIs never share a file), written atomically and readable by the user only.
A DOI fetched once can be added again with no network, and ``update`` can
tell a field edited by hand from one that came from Crossref.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citetool.errors import WriteFailed
from citetool.identifiers import doi as doi_module
from citetool.library import storage


@dataclass(frozen=True)
class Record:
    """A fetched work: where it came from (``crossref`` or ``doi.org``) and its JSON object."""

    doi: str
    source: str
    message: dict[str, Any]


class Cache:
    """Records on disk under ``folder/works/``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "works"

    def _path(self, doi: str) -> Path:
        return self.folder / (doi_module.url_path(doi) + ".json")

    def get(self, doi: str) -> Record | None:
        """The cached record, or None (a corrupt file counts as absent)."""
        try:
            data = json.loads(self._path(doi).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not (isinstance(data, dict) and isinstance(data.get("message"), dict)):
            return None
        return Record(doi=doi, source=str(data.get("source", "crossref")), message=data["message"])

    def put(self, record: Record) -> None:
        """Store ``record``; failing to cache never fails the lookup."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.folder, 0o700)
            payload = {"doi": record.doi, "source": record.source, "message": record.message}
            data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
            storage.write_atomic(self._path(record.doi), data, private=True)
        except (OSError, WriteFailed):
            pass
