"""One editorial notice about one work, and how notices from several sources become one list."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from citetool.notices import kinds

_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_PRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean(text: Any, limit: int = 300) -> str:
    """A server's or a file's string as one printable line of at most ``limit`` characters."""
    if not isinstance(text, str | int):
        return ""
    line = " ".join(_PRINTABLE.sub(" ", str(text)).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


@dataclass(frozen=True)
class Notice:
    """What happened to a work: its kind, the notice that says so, when, where that was read, and why."""

    kind: str  # as Crossref names it: retraction, expression_of_concern, correction...
    notice: str  # the notice's DOI, else "PMID 123", else ""
    date: str  # YYYY-MM-DD (or YYYY-MM, YYYY), "" when unknown
    sources: tuple[str, ...]  # publisher, retraction-watch, pubmed
    reason: str = ""
    label: str = ""
    notice_pmid: str = ""
    reinstated: str = field(default="", compare=False)  # the date of a later reinstatement

    @property
    def severity(self) -> str:
        if self.reinstated and self.kind in kinds.UNDONE_BY_REINSTATEMENT:
            return "note"
        return kinds.severity(self.kind)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "severity": self.severity, "notice": self.notice, "date": self.date,
                "source": self.sources[0] if self.sources else "", "sources": list(self.sources),
                "reason": self.reason, "label": self.label, "notice_pmid": self.notice_pmid,
                "reinstated": self.reinstated}  # fmt: skip

    @classmethod
    def from_json(cls, data: Any) -> Notice | None:
        """A stored notice, or None for anything that is not one (a cache file may hold anything)."""
        if not isinstance(data, dict):
            return None
        sources = data.get("sources")
        if not isinstance(sources, list) or not all(source in kinds.SOURCES for source in sources) or not sources:
            return None
        date = data.get("date")
        return cls(
            kind=kinds.normal_kind(clean(data.get("kind"), 40)),
            notice=clean(data.get("notice"), 200),
            date=date if isinstance(date, str) and _DATE.match(date) else "",
            sources=tuple(sources),
            reason=clean(data.get("reason")),
            label=clean(data.get("label"), 100),
            notice_pmid=clean(data.get("notice_pmid"), 20),
        )

    def describe(self) -> str:
        """``retracted: notice 10.1016/... (2010-02-06; publisher, Retraction Watch); reason: ...``."""
        said = kinds.SAID.get(self.kind, self.kind.replace("_", " "))
        where = ", ".join(kinds.SOURCE_NAMES[source] for source in self.sources)
        when = f"{self.date}; {where}" if self.date else where
        if self.kind == "is-preprint-of":
            text = f"{said} {self.notice} ({when})"
        else:
            shown = self.notice or "a notice not linked"
            text = f"{said}: notice {shown} ({when})"
        if self.reinstated:
            text += f"; reinstated {self.reinstated}"
        return text + (f"; reason: {self.reason}" if self.reason else "")


def merged(notices: list[Notice]) -> list[Notice]:
    """The notices with each one seen twice kept once, sources joined, in date order.

    The same notice is the same DOI (or PMID) and kind; a notice that PubMed
    alone names, without a DOI, joins another source's notice of the same
    kind.  A reinstatement marks the retractions dated before it.
    """
    kept: list[Notice] = []

    def same(one: Notice, other: Notice) -> bool:
        if one.kind != other.kind:
            return False
        if one.notice and one.notice.lower() == other.notice.lower():
            return True
        if one.notice_pmid and one.notice_pmid == other.notice_pmid:
            return True
        return not one.notice.startswith("10.") or not other.notice.startswith("10.")

    for notice in sorted(notices, key=lambda item: kinds.SOURCES.index(item.sources[0])):
        for index, earlier in enumerate(kept):
            if same(earlier, notice):
                sources = tuple(dict.fromkeys(earlier.sources + notice.sources))
                kept[index] = replace(
                    earlier, sources=tuple(sorted(sources, key=kinds.SOURCES.index)),
                    notice=earlier.notice if earlier.notice.startswith("10.") or not notice.notice else notice.notice,
                    date=earlier.date or notice.date, reason=earlier.reason or notice.reason,
                    label=earlier.label or notice.label, notice_pmid=earlier.notice_pmid or notice.notice_pmid,
                )  # fmt: skip
                break
        else:
            kept.append(notice)
    reinstated = max((notice.date for notice in kept if notice.kind == "reinstatement"), default="")
    if reinstated:
        kept = [replace(notice, reinstated=reinstated)
                if notice.kind in kinds.UNDONE_BY_REINSTATEMENT and notice.date and notice.date <= reinstated
                else notice for notice in kept]  # fmt: skip
    order = {"error": 0, "warning": 1, "note": 2}
    return sorted(kept, key=lambda notice: (order[notice.severity], notice.date or "9999", notice.kind))[
        : kinds.MAX_PER_WORK]
