"""``--format csl-json``: a JSON array of CSL items (validates against the CSL data schema)."""

from __future__ import annotations

import json

from citetool.csl import item
from citetool.formats import Context
from citetool.model import Entry


def write(entries: list[Entry], context: Context) -> str:
    return json.dumps([item(entry) for entry in entries], ensure_ascii=False, indent=2) + "\n"
