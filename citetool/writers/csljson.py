"""``--format csl-json``: a JSON array of CSL items, one per line (validates against the CSL data schema)."""

from __future__ import annotations

from collections.abc import Iterable

from citetool.bib.work import Work
from citetool.csl.items import item
from citetool.writers import Context, jsonarray


def write(works: Iterable[Work], context: Context) -> str:
    return jsonarray.array(item(work) for work in works)
