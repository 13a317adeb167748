"""``citetool check --retractions``: what has happened to each cited work since it was published.

For every entry with a DOI or a PubMed ID (all of them, the keys named, or
those a document's ``.aux``/``.bcf`` cites), three sources are read:

* Crossref: the paper's current record (``updated-by``, and ``relation``
  ``is-preprint-of``) and the notices that name it (``/works?filter=updates:``),
  since some notices were never linked from the paper's record;
* PubMed, for entries with a PMID: ``Retracted Publication`` and the
  comments-and-corrections that link a paper to its notices;
* the Retraction Watch database, when the user has downloaded it
  (the ``retraction_watch`` setting), by DOI and by PMID.

The same notice seen in several is one finding, naming every source.  What
the network answered is kept (:mod:`citetool.notices.store`) and asked again
once older than the ``retractions_max_age`` setting; ``offline`` reads only
what is kept and the database, and so do the build (``watch``, latexmk), ``add``
and ``check --aux``: no network inside a build.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citetool import config
from citetool.crossref.client import MAX_CONCURRENCY, Client
from citetool.errors import CitetoolError, DOINotFound, NotFound
from citetool.library.file import Library
from citetool.notices import crossref as crossref_notices
from citetool.notices import pubmed as pubmed_notices
from citetool.notices import retraction_watch
from citetool.notices.model import Notice, merged
from citetool.notices.store import Store
from citetool.sources.pubmed import PubmedClient

#: Notices per work a Crossref list query asks for (more are cut: :data:`citetool.notices.kinds.MAX_PER_WORK`).
ROWS = "100"


@dataclass(frozen=True)
class Work:
    """An entry that can be asked about: its key, line, DOI and PMID."""

    key: str
    line: int
    doi: str | None
    pmid: str | None

    @property
    def identifiers(self) -> list[str]:
        return ([f"doi:{self.doi}"] if self.doi else []) + ([f"pmid:{self.pmid}"] if self.pmid else [])


@dataclass(frozen=True)
class Finding:
    """One notice about one entry of the library."""

    file: str
    work: Work
    notice: Notice

    @property
    def severity(self) -> str:
        return self.notice.severity

    def text(self) -> str:
        """``library.bib:12: error: entry 'wakefield1998': retracted: notice 10.1016/... (2010-02-06; ...)``."""
        return f"{self.file}:{self.work.line}: {self.severity}: entry '{self.work.key}': {self.notice.describe()}"

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.work.line, "key": self.work.key, "doi": self.work.doi,
                "pmid": self.work.pmid, **self.notice.as_json()}  # fmt: skip


@dataclass
class Report:
    """Every finding, and what could not be asked or read."""

    findings: list[Finding] = field(default_factory=list)
    works: int = 0
    failures: dict[str, CitetoolError] = field(default_factory=dict)  # key -> why it was not (fully) checked
    unasked: list[str] = field(default_factory=list)  # keys with no answer kept, offline, and no database
    not_crossref: list[str] = field(default_factory=list)  # keys whose DOI Crossref does not hold
    oldest_days: float = 0.0  # the age of the oldest kept answer used
    asked: int = 0  # works asked about over the network in this run
    database: str | None = None  # the Retraction Watch CSV read, if any


def works_of(lib: Library, keys: list[str] | None) -> list[Work]:
    """The entries among ``keys`` (all, when None) that have a DOI or a PMID, read from the library's index."""
    index = lib.index
    doi_of = {key: doi for doi, key in index.dois.items()}
    pmid_of = {key: pmid for pmid, key in index.pmids.items()}
    wanted = list(index.spans) if keys is None else keys
    works = []
    for key in wanted:
        span = index.spans.get(key)
        if span is not None and (key in doi_of or key in pmid_of):
            works.append(Work(key, span[2], doi_of.get(key), pmid_of.get(key)))
    return works


def load_database() -> retraction_watch.Database | None:
    """The Retraction Watch database the ``retraction_watch`` setting names, or None when it is not set."""
    configured = config.retraction_watch()
    if configured is None:
        return None
    path, where = configured
    return retraction_watch.load(path, where)


def ask_crossref(client: Client, doi: str) -> list[Notice]:
    """The notices Crossref knows of for ``doi``: from its record and from the notices that name it.

    A record that is itself a notice (it updates another work) gets none: a
    retraction notice in the library is not retracted.
    """
    record = client.current(doi)
    if crossref_notices.is_notice(record):
        return []
    items = client.works_list(f"the notices about {doi}", {"filter": f"updates:{doi}", "rows": ROWS})
    return crossref_notices.from_record(doi, record) + crossref_notices.from_notices(doi, items)


def check(
    lib: Library,
    works: list[Work],
    store: Store,
    database: retraction_watch.Database | None,
    crossref: Client | None = None,
    pubmed: PubmedClient | None = None,
    max_age_days: float = 7.0,
    refresh: bool = False,
    done: Callable[[str], None] | None = None,
) -> Report:
    """What has happened to each of ``works``.

    Without clients (``offline``, a build) only kept answers of any age and
    the database are read.  With them, a kept answer younger than
    ``max_age_days`` is used (unless ``refresh``) and the rest are asked,
    within the clients' limits; an answer that cannot be had is a failure
    for that entry alone, and its older kept answer, if any, is still read.
    """
    report = Report(works=len(works), database=database.label if database is not None else None)
    now = time.time()
    online = crossref is not None
    answers: dict[str, list[Notice]] = {}
    ask_doi: list[str] = []
    ask_pmid: list[str] = []
    for work in works:
        for identifier in work.identifiers:
            kept = store.get(identifier)
            fresh = kept is not None and not refresh and kept.age_days(now) <= max_age_days
            if kept is not None and (fresh or not online):
                answers[identifier] = list(kept.notices)
                report.oldest_days = max(report.oldest_days, kept.age_days(now))
                if done is not None:
                    done(identifier)
            elif online and identifier.startswith("doi:"):
                ask_doi.append(identifier[4:])
            elif online and pubmed is not None:
                ask_pmid.append(identifier[5:])
    failed: dict[str, CitetoolError] = {}
    if crossref is not None and ask_doi:
        for doi, result in crossref.each(dict.fromkeys(ask_doi), lambda doi: ask_crossref(crossref, doi), done,
                                         MAX_CONCURRENCY).items():  # fmt: skip
            if isinstance(result, DOINotFound):
                answers[f"doi:{doi}"] = []
                store.put(f"doi:{doi}", [], now)
                failed[f"doi:{doi}"] = result
            elif isinstance(result, CitetoolError):
                failed[f"doi:{doi}"] = result
            else:
                answers[f"doi:{doi}"] = result
                store.put(f"doi:{doi}", result, now)
    if pubmed is not None and ask_pmid:
        for pmid, record in pubmed.fetch_many(dict.fromkeys(ask_pmid), done).items():
            if isinstance(record, NotFound):
                answers[f"pmid:{pmid}"] = []
                store.put(f"pmid:{pmid}", [], now)
            elif isinstance(record, CitetoolError):
                failed[f"pmid:{pmid}"] = record
            else:
                answers[f"pmid:{pmid}"] = notices = pubmed_notices.from_record(record)
                store.put(f"pmid:{pmid}", notices, now)
    report.asked = len(ask_doi) + len(ask_pmid)
    store.save()
    file = str(lib.path)
    for work in works:
        found: list[Notice] = []
        heard = False
        for identifier in work.identifiers:
            if identifier in failed and not isinstance(failed[identifier], DOINotFound):
                report.failures[work.key] = failed[identifier]
                kept = store.get(identifier)  # an older answer is better than none
                found += list(kept.notices) if kept is not None else []
                heard = heard or kept is not None
            elif identifier in answers:
                found += answers[identifier]
                heard = True
            if identifier in failed and isinstance(failed[identifier], DOINotFound):
                report.not_crossref.append(work.key)
        if database is not None:
            found += database.notices(work.doi, work.pmid)
            heard = True
        if not heard and work.key not in report.failures:
            report.unasked.append(work.key)
        report.findings += [Finding(file, work, notice) for notice in merged(found)]
    return report


def kept_findings(lib: Library, keys: list[str], warn: Callable[[str], None]) -> list[Finding]:
    """The errors and warnings that kept answers and the database give for ``keys``: what a build and ``check
    --aux`` report, never asking the network.  A database that cannot be read is said through ``warn``."""
    works = works_of(lib, keys)
    if not works:
        return []
    try:
        database = load_database()
    except CitetoolError as exc:
        warn(f"{exc}; retractions are checked from kept answers only")
        database = None
    report = check(lib, works, Store(config.cache_dir()), database)
    return [finding for finding in report.findings if finding.severity in ("error", "warning")]


def cited_keys(lib: Library, cites: Path) -> list[str]:
    """The library's keys that a document's ``.aux``/``.bcf`` cites, as the library spells them."""
    from citetool.tex import citations

    present = {key.lower(): key for key in lib.keys}
    cited = citations.cited_keys(cites)
    if citations.ALL in cited:
        return list(lib.keys)
    return list(dict.fromkeys(present[key.lower()] for key in cited if key.lower() in present))


def alerts_of(kind: str, doi: str, record: dict[str, Any], database: retraction_watch.Database | None) -> list[Notice]:
    """The errors and warnings about a work being added: from its own record (Crossref's ``updated-by``,
    PubMed's publication types) and the database; what ``add`` says on stderr."""
    from citetool.sources import csl

    found: list[Notice] = []
    if kind == "doi" and not crossref_notices.is_notice(record):
        found += crossref_notices.from_record(doi, record)
    elif kind == "pmid":
        found += pubmed_notices.from_record(record)
    values = record.get(csl.BIBTEX)
    pmid = values.get("pmid") if isinstance(values, dict) else None
    if database is not None:
        found += database.notices(doi or None, pmid if isinstance(pmid, str) else None)
    return [notice for notice in merged(found) if notice.severity in ("error", "warning")]
