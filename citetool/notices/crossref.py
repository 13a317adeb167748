"""Editorial notices in Crossref records: ``updated-by`` on a paper, ``update-to`` on its notices.

Both carry the same shape, ``{"DOI", "type", "label", "source", "updated":
{"date-parts"}}``; ``source`` is ``publisher`` or ``retraction-watch``.  A
notice that names the paper itself, a type that is not a word, or a list of
thousands are read as a hostile reply would be: skipped, or cut at
:data:`~citetool.notices.kinds.MAX_PER_WORK`.  A paper's ``relation``
``is-preprint-of`` (the evidence ``upgrade`` uses) is a note too.
"""

from __future__ import annotations

from typing import Any

from citetool.identifiers import doi as doi_module
from citetool.notices import kinds
from citetool.notices.model import Notice, clean


def _date(value: Any) -> str:
    """``{"date-parts": [[2010, 2, 6]]}`` -> ``2010-02-06`` (or ``2010-02``, ``2010``); "" for anything else."""
    parts = value.get("date-parts") if isinstance(value, dict) else None
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    numbers: list[int] = []
    for part, (low, high) in zip(first, ((1000, 9999), (1, 12), (1, 31)), strict=False):
        if isinstance(part, bool) or not isinstance(part, int) or not low <= part <= high:
            break
        numbers.append(part)
    return "-".join(f"{number:04d}" if index == 0 else f"{number:02d}" for index, number in enumerate(numbers))


def _notice(update: Any, other: str | None, about: str) -> Notice | None:
    """One ``updated-by``/``update-to`` item as a notice; ``other`` is the DOI the item names."""
    if not isinstance(update, dict) or other is None or other == about:
        return None
    source = update.get("source")
    return Notice(
        kind=kinds.normal_kind(clean(update.get("type"), 40)),
        notice=other,
        date=_date(update.get("updated")),
        sources=(source if source in kinds.SOURCES else "publisher",),
        label=clean(update.get("label"), 100),
    )


def from_record(doi: str, record: Any) -> list[Notice]:
    """The notices a paper's own record lists (``updated-by``), and the version it is a preprint of."""
    if not isinstance(record, dict):
        return []
    found: list[Notice] = []
    updates = record.get("updated-by")
    for update in updates[: kinds.MAX_PER_WORK] if isinstance(updates, list) else []:
        notice = _notice(update, doi_module.parse(str(update.get("DOI", ""))) if isinstance(update, dict) else None,
                         doi)  # fmt: skip
        if notice is not None:
            found.append(notice)
    relation = record.get("relation")
    published = relation.get("is-preprint-of") if isinstance(relation, dict) else None
    for item in published[:5] if isinstance(published, list) else []:
        if isinstance(item, dict) and item.get("id-type") == "doi":
            target = doi_module.parse(str(item.get("id", "")))
            if target is not None and target != doi:
                found.append(Notice("is-preprint-of", target, "", ("publisher",)))
    return found


def is_notice(record: Any) -> bool:
    """Whether a record is itself an editorial notice (it updates another work)."""
    return isinstance(record, dict) and isinstance(record.get("update-to"), list) and bool(record["update-to"])


def from_notices(doi: str, items: list[dict[str, Any]]) -> list[Notice]:
    """The notices among ``/works?filter=updates:{doi}`` items: each one's ``update-to`` items that name ``doi``."""
    found: list[Notice] = []
    for item in items[: kinds.MAX_PER_WORK]:
        notice_doi = doi_module.parse(str(item.get("DOI", "")))
        updates = item.get("update-to")
        for update in updates[: kinds.MAX_PER_WORK] if isinstance(updates, list) else []:
            if not isinstance(update, dict) or doi_module.parse(str(update.get("DOI", ""))) != doi:
                continue
            notice = _notice(update, notice_doi, doi)
            if notice is not None:
                found.append(notice)
    return found
