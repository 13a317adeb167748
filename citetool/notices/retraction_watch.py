"""The Retraction Watch database, read from a copy the user downloaded (the ``retraction_watch`` setting).

Crossref publishes it as one CSV of about 60,000 rows (``Record ID, Title, ...,
RetractionDate, RetractionDOI, RetractionPubMedID, OriginalPaperDate,
OriginalPaperDOI, OriginalPaperPubMedID, RetractionNature, Reason, ...``).
citetool never ships a copy.  Reading the CSV takes about a second, so what
matters of it (each notice, by the original paper's DOI and PMID) is kept as
an index in the cache folder, keyed on the file's path, size and modification
time: the next run reads the index (a tenth of that) and a new download is
read again.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from citetool.errors import ConfigError
from citetool.identifiers import doi as doi_module
from citetool.library import caches, storage
from citetool.notices import kinds
from citetool.notices.model import Notice, clean

#: The columns citetool reads; a file without them is not the database.
COLUMNS = ("Record ID", "RetractionDate", "RetractionDOI", "RetractionPubMedID", "OriginalPaperDOI",
           "OriginalPaperPubMedID", "RetractionNature", "Reason")  # fmt: skip
#: The largest file read (the whole database is about 60 MB).
MAX_BYTES = 1 << 30
INDEX_FORMAT = 2
ROW_WIDTH = 8


def _date(text: str) -> str:
    """``5/14/2024 0:00`` -> ``2024-05-14``; "" for anything else."""
    day = text.strip().split(" ")[0].split("/")
    if len(day) != 3 or not all(part.isdigit() for part in day):
        return ""
    month, date, year = (int(part) for part in day)
    if not (1 <= month <= 12 and 1 <= date <= 31 and 1000 <= year <= 9999):
        return ""
    return f"{year:04d}-{month:02d}-{date:02d}"


def _reason(text: str) -> str:
    """``+Concerns/Issues About Data;+Misconduct;`` -> ``Concerns/Issues About Data; Misconduct``."""
    return "; ".join(part.strip().lstrip("+").strip() for part in text.split(";") if part.strip().lstrip("+").strip())


def _pmid(text: str) -> str:
    digits = text.strip()
    return digits if digits.isdigit() and digits.strip("0") else ""


class Database:
    """The notices of the database, by original paper's DOI and PMID.

    Each row is ``[kind, date, notice DOI, notice PMID, reason, record ID,
    paper DOI, paper PMID]``, every value one cleaned line without tabs; the
    index kept in the cache is those rows as tab-separated lines, which read
    back several times faster than JSON.
    """

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows = rows
        self.by_doi: dict[str, list[list[str]]] = {}
        self.by_pmid: dict[str, list[list[str]]] = {}
        for row in rows:
            if row[6]:
                self.by_doi.setdefault(row[6], []).append(row)
            if row[7]:
                self.by_pmid.setdefault(row[7], []).append(row)
        self.label = ""  # the file it was read from, as messages name it

    def notices(self, doi: str | None, pmid: str | None) -> list[Notice]:
        """Every notice about the paper with ``doi`` or ``pmid``."""
        rows = (self.by_doi.get(doi, []) if doi else []) + (self.by_pmid.get(pmid, []) if pmid else [])
        found = []
        for row in {id(row): row for row in rows}.values():
            kind, date, notice_doi, notice_pmid, reason, record = row[:6]
            found.append(Notice(kind, notice_doi or (f"PMID {notice_pmid}" if notice_pmid else ""), date,
                                ("retraction-watch",), reason=reason, label=f"Retraction Watch record {record}",
                                notice_pmid=notice_pmid))  # fmt: skip
        return found

    def to_text(self) -> str:
        return "".join("\t".join(row) + "\n" for row in self.rows)

    @classmethod
    def from_text(cls, text: str) -> Database:
        """The rows of :meth:`to_text`; a line of another shape (a cache file may hold anything) is skipped."""
        rows = [row for line in text.splitlines() if len(row := line.split("\t")) == ROW_WIDTH]
        return cls(rows)


def parse(text: str, label: str) -> Database:
    """The database in the CSV ``text``; :class:`ConfigError` naming ``label`` if it is not the database."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    columns = {name.strip(): index for index, name in enumerate(header)}
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        raise ConfigError(f"{label}: not the Retraction Watch database (no {', '.join(missing[:3])} column); "
                          "give the path of its CSV")  # fmt: skip
    at = [columns[name] for name in COLUMNS]
    width = max(at) + 1
    rows: list[list[str]] = []
    for line in reader:
        if len(line) < width:
            continue
        record, date, notice_doi, notice_pmid, doi_text, pmid_text, nature, reason = (line[index] for index in at)
        doi = doi_module.parse(doi_text)
        pmid = _pmid(pmid_text)
        if doi is None and not pmid:
            continue
        kind = kinds.RETRACTION_WATCH_NATURE.get(nature.strip().lower(), kinds.normal_kind(clean(nature, 40)))
        rows.append([kind, _date(date), doi_module.parse(notice_doi) or "", _pmid(notice_pmid), clean(_reason(reason)),
                     clean(record, 20), doi or "", pmid])  # fmt: skip
    return Database([[value.replace("\t", " ") for value in row] for row in rows])


def load(path: Path, label: str) -> Database:
    """The database at ``path``: from the cached index while the file is unchanged, else read and indexed.

    A missing or unreadable file is a :class:`ConfigError` naming ``label``
    (the setting it came from).
    """
    try:
        status = path.stat()
    except OSError as exc:
        raise ConfigError(f"{label}: {path} cannot be read ({exc.strerror or exc}); download the Retraction "
                          "Watch CSV there, or unset the setting") from exc  # fmt: skip
    key = caches.digest(f"{os.path.abspath(path)}\0{status.st_size}\0{status.st_mtime_ns}".encode())
    kept = caches.load_text(key, "retraction-watch")
    if kept is not None and kept[0] == INDEX_FORMAT:
        cached = Database.from_text(kept[1])
        cached.label = str(path)
        return cached
    try:
        raw = storage.read_regular(path, MAX_BYTES)
    except (OSError, storage.Unreadable) as exc:
        raise ConfigError(f"{label}: {path} cannot be read ({exc})") from exc
    database = parse(raw.decode("utf-8-sig", "replace"), label)
    caches.store_text(key, "retraction-watch", INDEX_FORMAT, database.to_text())
    database.label = str(path)
    return database
