"""``--format text``: the same bibliography as ``html``, as plain text, one entry per line."""

from __future__ import annotations

from collections.abc import Iterable

from citetool.bib.work import Work
from citetool.csl.engine import render
from citetool.csl.items import item
from citetool.writers import Context


def write(works: Iterable[Work], context: Context) -> str:
    return "".join(text + "\n" for _key, text in render([item(work) for work in works], context.style, html=False))
