"""Reading RIS for import, as real exports write it: each record read as the CSL item it means, then as an
entry through the inverse of citetool's CSL mapping (so an export to RIS imports back to the same records).

Tolerated: a BOM, blank lines and stray text between records, values that
run over several lines, tags without the space after the dash, unknown tags
(ignored), a record whose ``ER`` is missing at the end of the file.  A file
with no ``TY`` line at all is not RIS (a Web of Science "tagged" export is
named as such).
"""

from __future__ import annotations

import re
from typing import Any

from citetool.bib.safety import UnsafeValue
from citetool.csl import ris as ris_tags
from citetool.errors import ImportFailed
from citetool.readers import Batch, Candidate
from citetool.readers.fromcsl import to_entry

#: RIS ``TY`` -> CSL item type: the inverse of citetool's own (:data:`citetool.writers.ris.TYPES`), and the
#: other types real exports use, as Zotero reads them.
TYPES: dict[str, str] = {
    **{ty: csl_type for csl_type, ty in ris_tags.TYPES.items() if csl_type not in ("review", "performance")},
    "CPAPER": "paper-conference", "EJOUR": "article-journal", "ABST": "article-journal", "BOOK": "book",
    "EBOOK": "book", "EDBOOK": "book", "ECHAP": "chapter", "UNPB": "manuscript", "UNBILL": "manuscript",
    "GOVDOC": "report", "SER": "book", "WEB": "webpage", "BLOG": "post-weblog", "DBASE": "dataset",
    "AGGR": "dataset", "MULTI": "motion_picture", "VIDEO": "motion_picture", "MUSIC": "song", "MAP": "document",
}  # fmt: skip

#: Tags other exporters use for a variable, read when citetool's own tag is absent (Zotero's degenerate map).
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("T1", "CT", "BT"), "author": ("A1",), "editor": ("ED",), "container-title": ("JO", "JF", "JA", "BT"),
    "abstract": ("N2",), "URL": ("L2", "L1"), "container-title-short": ("JA",), "ISSN": ("SN",),
}  # fmt: skip
_YEAR = re.compile(r"(\d{4})(?:/(\d{1,2})?(?:/(\d{1,2}))?)?")

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*)|)$")


def _records(text: str, name: str) -> list[list[tuple[str, str]]]:
    lines = text.removeprefix("\ufeff").splitlines()
    if not any(_TAG.match(line.rstrip()) and line.startswith("TY") for line in lines):
        first = next((line for line in lines if line.strip()), "")
        if first.startswith("FN ") or first.startswith("PT "):
            raise ImportFailed(f"{name}: is a Web of Science tagged export, not RIS; export RIS instead")
        raise ImportFailed(f"{name}: not a RIS file (no 'TY  - ' line); nothing was imported")
    records: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] | None = None
    for raw in lines:
        line = raw.rstrip()
        match = _TAG.match(line)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "TY":
                current = [(tag, value)]
                records.append(current)
            elif tag == "ER":
                current = None
            elif current is not None:
                current.append((tag, value))
        elif current is not None and line.strip() and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}".strip())  # a value continued on the next line
    return records


def _name(value: str) -> dict[str, str]:
    """``Family, Given, Suffix`` (or one word, or an organisation) as a CSL name."""
    parts = [part.strip() for part in value.split(",")]
    if len(parts) == 1:
        return {"literal": value.strip()}
    name = {"family": parts[0]}
    if parts[1]:
        name["given"] = parts[1]
    if len(parts) > 2 and parts[2]:
        name["suffix"] = ", ".join(parts[2:])
    return name


def _date(value: str) -> dict[str, Any] | None:
    found = _YEAR.search(value)
    if not found:
        return {"literal": value} if value.strip() else None
    parts = [int(found.group(1))]
    if found.group(2) and 1 <= int(found.group(2)) <= 12:
        parts.append(int(found.group(2)))
        if found.group(3) and 1 <= int(found.group(3)) <= 31:
            parts.append(int(found.group(3)))
    return {"date-parts": [parts]}


def to_item(record: list[tuple[str, str]]) -> dict[str, Any]:
    """The CSL item one RIS record means: citetool's own tags by :data:`citetool.writers.ris.TAGS`, then
    what other exporters write (:data:`ALIASES`)."""
    ris_type = record[0][1].upper()
    tags: dict[str, list[str]] = {}
    for tag, value in record[1:]:
        if value:
            tags.setdefault(tag, []).append(value)
    item: dict[str, Any] = {"type": TYPES.get(ris_type, "document")}
    if tags.get("ID"):
        item["id"] = tags["ID"][0]
    taken: set[str] = set()
    for variable in ris_tags.TAGS:
        tag = ris_tags.tag_of(variable, ris_type)
        if variable == "ISBN" and tag == "SN" and ris_type in ("JOUR", "JFULL", "MGZN", "NEWS"):
            continue
        names = [tag] if tag and tag not in taken else []
        found = next((tags[each] for each in [*names, *ALIASES.get(variable, ())] if each in tags), None)
        if found is None:
            continue
        if tag:
            taken.add(tag)
        if variable in ris_tags.NAME_VARIABLES:
            item[variable] = [_name(value) for value in found]
        else:
            item[variable] = found[0]
    if ris_tags.tag_of("ISSN", ris_type) == ris_tags.tag_of("ISBN", ris_type) == "SN" and tags.get("SN"):
        # One SN tag for both: eight digits are an ISSN, anything else an ISBN.
        item.pop("ISSN", None)
        for value in tags["SN"]:
            variable = "ISSN" if len(re.sub(r"[^0-9Xx]", "", value)) == 8 else "ISBN"
            item.setdefault(variable, value)
    issued = _date((tags.get("DA") or tags.get("PY") or tags.get("Y1") or [""])[0])
    if issued is not None:
        if "date-parts" in issued and tags.get("PY") and not tags.get("DA"):
            issued = _date(tags["PY"][0])
        item["issued"] = issued
    accessed = _date((tags.get("Y2") or [""])[0])
    if accessed is not None and "date-parts" in accessed:
        item["accessed"] = accessed
    start, end = (tags.get("SP") or [""])[0], (tags.get("EP") or [""])[0]
    if ris_type in ris_tags.PAGE_COUNT_TYPES and start and not end:
        item["number-of-pages"] = start
    elif start or end:
        item["page"] = f"{start}-{end}" if start and end else start or end
    if tags.get("KW"):
        item["keyword"] = ", ".join(tags["KW"])
    return item


def read(text: str, name: str) -> Batch:
    try:
        return Batch(candidates=[Candidate(to_entry(to_item(record))) for record in _records(text, name)])
    except UnsafeValue as exc:
        raise ImportFailed(f"{name}: a record's {exc}; nothing was imported") from exc
