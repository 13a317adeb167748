"""A per-DOI cache of raw Crossref / doi.org records.

One JSON file per DOI (the file name is the percent-encoded DOI, so distinct
DOIs never share a file), written atomically and readable by the user only.
A DOI fetched once can be added again with no network, and ``update`` can
tell a field edited by hand from one that came from Crossref.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citetool import jsondata
from citetool.errors import LookupFailed, WriteFailed
from citetool.identifiers import doi as doi_module
from citetool.library import storage
from citetool.library.storage import private_folder

#: The largest cache file read back: a reply is at most 16 MiB (:data:`citetool.net.http.MAX_BODY_BYTES`).
MAX_RECORD_BYTES = 32 * 2**20
#: Fields of which a work record has at least one; an error body or ``{}`` has none.
WORK_FIELDS = ("title", "type", "author", "editor", "container-title", "issued", "publisher")


def work_record(data: Any, doi: str, source: str) -> dict[str, Any]:
    """``data`` if it is a work record for ``doi``; :class:`LookupFailed` otherwise (a reply or a cache file alike).

    Error bodies, empty records and records for another DOI are refused, never
    stored as an entry without a title or author.
    """
    if not isinstance(data, dict) or not any(data.get(name) for name in WORK_FIELDS):
        raise LookupFailed(f"{doi}: {source} answered with something that is not a work record")
    stated = data.get("DOI")
    if stated is not None and doi_module.parse(str(stated)) != doi:
        raise LookupFailed(f"{doi}: {source} answered with the record of another DOI ({str(stated)[:60]!r})")
    return data


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
        raw = storage.read_private(self._path(doi), MAX_RECORD_BYTES)
        try:
            data = jsondata.loads(raw) if raw is not None else None
        except ValueError:
            return None
        if not (isinstance(data, dict) and isinstance(data.get("message"), dict)):
            return None
        try:  # a cache file is checked as strictly as a reply: hand-made or stale, it may be anything
            message = work_record(data["message"], doi, "the cache")
        except LookupFailed:
            return None
        return Record(doi=doi, source=str(data.get("source", "crossref")), message=message)

    def put(self, record: Record) -> None:
        """Store ``record``; failing to cache never fails the lookup."""
        try:
            private_folder(self.folder)
            payload = {"doi": record.doi, "source": record.source, "message": record.message}
            data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
            storage.write_atomic(self._path(record.doi), data, private=True, follow_links=False)
        except (OSError, ValueError, WriteFailed):  # ValueError: a record no JSON file can hold
            pass
