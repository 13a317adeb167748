"""Editorial notices in a PubMed record: ``Retracted Publication`` and the comments-and-corrections that
link a paper to its retraction, expression of concern or erratum (:data:`~citetool.sources.csl.UPDATES`)."""

from __future__ import annotations

from typing import Any

from citetool.notices import kinds
from citetool.notices.model import Notice, clean
from citetool.sources import csl


def from_record(record: Any) -> list[Notice]:
    """The notices a PubMed record (as :func:`citetool.sources.pubmed.read_article` keeps it) names."""
    updates = record.get(csl.UPDATES) if isinstance(record, dict) else None
    found: list[Notice] = []
    linked: set[str] = set()
    for update in updates[: kinds.MAX_PER_WORK] if isinstance(updates, list) else []:
        if not isinstance(update, dict):
            continue
        kind = kinds.PUBMED_REF_TYPES.get(str(update.get("type")))
        pmid = clean(update.get("pmid"), 20)
        pmid = pmid if pmid.isdigit() else ""
        if kind is not None:
            linked.add(kind)
            found.append(Notice(kind, f"PMID {pmid}" if pmid else "", "", ("pubmed",),
                                label=clean(update.get("label"), 100), notice_pmid=pmid))  # fmt: skip
    for update in updates if isinstance(updates, list) else []:
        kind = kinds.PUBMED_RETRACTED_TYPES.get(str(update.get("type"))) if isinstance(update, dict) else None
        if kind is not None and kind not in linked:  # retracted, but the notice is not linked
            linked.add(kind)
            found.append(Notice(kind, "", "", ("pubmed",), label="Retracted Publication"))
    return found
