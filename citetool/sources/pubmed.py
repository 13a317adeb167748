"""PubMed by PMID (E-utilities ``efetch``, batched) and PMC by PMCID (the PMC ID converter, then efetch).

NCBI allows 3 requests a second, 10 with an API key (the ``ncbi_api_key``
setting); each request names the tool (and the e-mail, when ``mailto`` is
set), as NCBI asks.  ``efetch`` takes many PMIDs at once; an empty
``<PubmedArticleSet>``, a PMID the set does not hold and the converter's
``"status": "error"`` are "not found".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from citetool.errors import CitetoolError, LookupFailed, NotFound
from citetool.net.http import HttpClient, Limiter, json_body
from citetool.sources import csl, xml
from citetool.sources.cache import RecordCache

EFETCH = "/entrez/eutils/efetch.fcgi"
IDCONV = "/pmc/utils/idconv/v1.0/"
#: PMIDs per efetch request (NCBI suggests up to 200 for GET requests).
BATCH = 100
WHERE = "on PubMed"


@dataclass(kw_only=True)
class PubmedClient(HttpClient):
    """Looks PMIDs up with efetch, and PMCIDs up with the ID converter first."""

    ncbi_url: str
    pmc_url: str
    cache: RecordCache
    api_key: str | None = None
    mailto: str | None = None

    def __post_init__(self) -> None:
        self.limiter = Limiter(10.0 if self.api_key else 3.0, 3)

    def _params(self) -> dict[str, str]:
        params = {"tool": "citetool"}
        if self.mailto:
            params["email"] = self.mailto
        if self.api_key:
            params["api_key"] = self.api_key
        return params

    def fetch_many(
        self, pmids: Iterable[str], done: Callable[[str], None] | None = None
    ) -> dict[str, dict[str, Any] | CitetoolError]:
        """A record (or the failure) for each PMID."""
        results: dict[str, dict[str, Any] | CitetoolError] = {}
        wanted = []
        for pmid in dict.fromkeys(pmids):
            cached = None if self.refresh else self.cache.get("pmid", pmid)
            if cached is not None:
                results[pmid] = cached
            elif self.offline:
                results[pmid] = LookupFailed(f"PMID {pmid}: not in the cache and --offline forbids the network")
            else:
                wanted.append(pmid)
                continue
            if done is not None:
                done(pmid)
        try:
            for start in range(0, len(wanted), BATCH):
                batch = wanted[start : start + BATCH]
                label = f"PMID {batch[0]}" if len(batch) == 1 else f"PMID {batch[0]} and {len(batch) - 1} more"
                try:
                    found = self.with_retries(
                        label, self.deadline(), lambda _l, d, b=batch, s=label: self._efetch(b, s, d),  # type: ignore[misc]
                        lambda shown: NotFound(shown, WHERE), body="XML",
                    )  # fmt: skip
                except CitetoolError as exc:
                    found = dict.fromkeys(batch, exc)
                for pmid in batch:
                    record = found.get(pmid)
                    if isinstance(record, dict):
                        self.cache.put("pmid", pmid, record)
                    results[pmid] = record if record is not None else NotFound(f"PMID {pmid}", WHERE)
                    if done is not None:
                        done(pmid)
        finally:
            self.close()
        return results

    def _efetch(self, batch: list[str], label: str, deadline: float) -> dict[str, dict[str, Any] | CitetoolError]:
        params = {"db": "pubmed", "id": ",".join(batch), "retmode": "xml", **self._params()}
        response, body = self.get(self.ncbi_url.rstrip("/") + EFETCH, deadline, params=params)
        response.raise_for_status()
        root = xml.parse(body, label, "PubMed XML")
        if root.tag != "PubmedArticleSet":
            raise LookupFailed(f"{label}: PubMed answered with XML that is not a PubmedArticleSet")
        records: dict[str, dict[str, Any] | CitetoolError] = {}
        for article in root.iter("PubmedArticle"):
            pmid = xml.text(article.find("MedlineCitation/PMID"))
            if pmid in batch:
                record = read_article(article)
                records[pmid] = record if record is not None else NotFound(f"PMID {pmid}", f"{WHERE} (no title)")
        return records

    def convert(self, pmcid: str) -> dict[str, str]:
        """The identifiers the PMC ID converter gives for ``pmcid`` (``pmid``, ``doi``); cached."""
        label = pmcid
        cached = None if self.refresh else self.cache.get("pmcid", pmcid)
        if cached is not None:
            return {name: str(value) for name, value in cached.get("ids", {}).items()}
        if self.offline:
            raise LookupFailed(f"{label}: not in the cache and --offline forbids the network")
        self.network_used = True

        def ask(_label: str, deadline: float) -> dict[str, str]:
            params = {"ids": pmcid, "format": "json", **self._params()}
            response, body = self.get(self.pmc_url.rstrip("/") + IDCONV, deadline, params=params)
            if response.status_code in (400, 404):  # the converter's error body comes with these
                data = json_body(response, body, label) if body.strip() else {}
                if isinstance(data, dict) and data.get("status") == "error":
                    raise NotFound(label, f"by the PMC ID converter ({_message(data)})")
            response.raise_for_status()
            return converted(json_body(response, body, label), pmcid, label)

        try:
            ids = self.with_retries(label, self.deadline(), ask, lambda shown: NotFound(shown, "on PMC"))
        finally:
            self.close()
        self.cache.put("pmcid", pmcid, {"title": pmcid, "ids": ids})
        return ids


def _message(data: dict[str, Any]) -> str:
    from urllib.parse import unquote

    return unquote(str(data.get("message") or data.get("errmsg") or "error"))[:120]


def converted(data: Any, pmcid: str, label: str) -> dict[str, str]:
    """The ``pmid`` and ``doi`` of ``pmcid`` in an ID converter reply; :class:`NotFound` if it has none."""
    if not isinstance(data, dict):
        raise LookupFailed(f"{label}: the PMC ID converter answered with something that is not a record list")
    if data.get("status") == "error":
        raise NotFound(label, f"by the PMC ID converter ({_message(data)})")
    for item in data.get("records") or []:
        if not isinstance(item, dict) or str(item.get("pmcid", "")).upper() != pmcid.upper():
            continue
        if item.get("status") == "error":
            raise NotFound(label, f"by the PMC ID converter ({_message(item)})")
        ids = {name: str(item[name]).strip() for name in ("pmid", "doi") if isinstance(item.get(name), str | int)}
        if ids:
            return ids
    raise NotFound(label, "by the PMC ID converter")


_RANGE = re.compile(r"^(?P<first>[A-Za-z]*)(?P<start>\d+)-(?P<prefix>[A-Za-z]*)(?P<end>\d+)$")


def expand_pages(pages: str) -> str:
    """MEDLINE's abbreviated page ranges in full: ``1308-9`` -> ``1308-1309``, ``R123-45`` -> ``R123-R145``.

    Anything else (``e1002``, ``1308-9; discussion 1310``) is kept as it is.
    """
    match = _RANGE.match(pages.strip())
    if match is None:
        return pages.strip()
    first, start, end = match["first"], match["start"], match["end"]
    if match["prefix"] and match["prefix"] != first:
        return pages.strip()
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return f"{first}{start}-{first}{end}"


#: MEDLINE's three-letter language codes -> ISO 639-1, as the entry's ``language`` (English is left out).
LANGUAGES = {
    "eng": "en", "fre": "fr", "ger": "de", "spa": "es", "ita": "it", "por": "pt", "rus": "ru", "jpn": "ja",
    "chi": "zh", "dut": "nl", "pol": "pl", "swe": "sv", "dan": "da", "nor": "no", "fin": "fi", "cze": "cs",
    "hun": "hu", "tur": "tr", "gre": "el", "kor": "ko", "heb": "he", "ara": "ar",
}  # fmt: skip


def _id(article: Element, kind: str) -> str:
    for node in article.findall("PubmedData/ArticleIdList/ArticleId"):
        if node.get("IdType") == kind:
            return xml.text(node)
    return ""


def _abstract(citation: Element) -> str:
    """The abstract as a JATS-like fragment: labelled sections as Crossref sends them."""
    parts = []
    for node in citation.findall("Article/Abstract/AbstractText"):
        body = xml.markup(node).strip()
        label = (node.get("Label") or "").strip()
        if label:
            parts.append(f"<jats:sec><jats:title>{csl.plain(label)}</jats:title><jats:p>{body}</jats:p></jats:sec>")
        elif body:
            parts.append(f"<jats:p>{body}</jats:p>")
    return "".join(parts)


def _date(issue: Element | None) -> dict[str, Any] | None:
    if issue is None:
        return None
    date = issue.find("PubDate")
    if date is None:
        return None
    year = xml.text(date.find("Year"))
    if year:
        return csl.issued(year, xml.text(date.find("Month")), xml.text(date.find("Day")))
    medline = xml.text(date.find("MedlineDate"))  # "1998 Dec-1999 Jan", "2000 Spring"
    return csl.date_from_text(medline) if medline else None


def _authors(citation: Element) -> list[dict[str, str]]:
    names = []
    for author in citation.findall("Article/AuthorList/Author"):
        collective = xml.text(author.find("CollectiveName"))
        if collective:
            names.append(csl.organisation(collective))
            continue
        family = xml.text(author.find("LastName"))
        if not family:
            continue
        name = {"family": csl.plain(family), "given": csl.plain(xml.text(author.find("ForeName")))}
        suffix = xml.text(author.find("Suffix"))
        if suffix:
            name["suffix"] = csl.plain(suffix)
        names.append({part: value for part, value in name.items() if value})
    return names


def read_article(article: Element) -> dict[str, Any] | None:
    """One ``<PubmedArticle>`` as a record (CSL-JSON, plus ``pmid`` and ``pmcid``); None without a title."""
    citation = article.find("MedlineCitation")
    if citation is None:
        return None
    title = xml.markup(citation.find("Article/ArticleTitle")).strip()
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]  # MEDLINE ends every title with a full stop; styles add their own
    if not title:
        return None
    journal = citation.find("Article/Journal")
    issue = journal.find("JournalIssue") if journal is not None else None
    pagination = citation.find("Article/Pagination")
    pages = xml.text(pagination.find("MedlinePgn")) if pagination is not None else ""
    if not pages and pagination is not None:
        start, end = xml.text(pagination.find("StartPage")), xml.text(pagination.find("EndPage"))
        pages = f"{start}-{end}" if start and end else start
    doi = _id(article, "doi")
    if not doi:
        for node in citation.findall("Article/ELocationID"):
            if node.get("EIdType") == "doi":
                doi = xml.text(node)
    language = LANGUAGES.get(xml.text(citation.find("Article/Language")).lower(), "")
    record: dict[str, Any] = {
        "type": "journal-article",
        "title": title,
        "author": _authors(citation),
        "container-title": csl.plain(xml.text(journal.find("Title"))) if journal is not None else "",
        "volume": xml.text(issue.find("Volume")) if issue is not None else "",
        "issue": xml.text(issue.find("Issue")) if issue is not None else "",
        "page": expand_pages(pages) if pages else "",
        "ISSN": [xml.text(node) for node in journal.findall("ISSN")][:1] if journal is not None else [],
        "language": "" if language == "en" else language,
        "abstract": _abstract(citation),
        "DOI": doi,
    }
    date = _date(issue)
    if date is not None:
        record["issued"] = date
    pmid, pmcid = xml.text(citation.find("PMID")), _id(article, "pmc")
    record[csl.UPDATES] = _updates(citation)
    record[csl.BIBTEX] = {name: value for name, value in (("pmid", pmid), ("pmcid", pmcid)) if value}
    return {name: value for name, value in record.items() if value or name == csl.BIBTEX}


#: PubMed's words for the notices about a paper: its publication types and comments-and-corrections.
UPDATE_TYPES = frozenset({"Retracted Publication"})
UPDATE_REFS = frozenset({"RetractionIn", "PartialRetractionIn", "ExpressionOfConcernIn", "ErratumIn",
                         "CorrectedandRepublishedIn", "RepublishedIn", "UpdateIn"})  # fmt: skip


def _updates(citation: Element) -> list[dict[str, str]]:
    """What PubMed says happened to the paper: ``{"type"}`` for a publication type such as ``Retracted
    Publication``, ``{"type", "pmid", "label"}`` for each comment or correction that is a notice."""
    found = [{"type": kind} for node in citation.findall("Article/PublicationTypeList/PublicationType")
             if (kind := xml.text(node)) in UPDATE_TYPES]  # fmt: skip
    for node in citation.findall("CommentsCorrectionsList/CommentsCorrections")[:200]:
        kind = node.get("RefType") or ""
        if kind in UPDATE_REFS:
            found.append({"type": kind, "pmid": xml.text(node.find("PMID")), "label": xml.text(node.find("RefSource"))})
    return found
