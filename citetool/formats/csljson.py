"""``--format csl-json``: a JSON array of CSL items, one per line (validates against the CSL data schema)."""

from __future__ import annotations

from collections.abc import Iterable

from citetool import jsontext
from citetool.csl import item
from citetool.formats import Context
from citetool.model import Entry


def write(entries: Iterable[Entry], context: Context) -> str:
    return jsontext.array(item(entry) for entry in entries)
