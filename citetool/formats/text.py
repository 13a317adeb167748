"""``--format text``: the same bibliography as ``html``, as plain text, one entry per line."""

from __future__ import annotations

from collections.abc import Iterable

from citetool.citeproc_render import render
from citetool.csl import item
from citetool.formats import Context
from citetool.model import Entry


def write(entries: Iterable[Entry], context: Context) -> str:
    return "".join(text + "\n" for _key, text in render([item(entry) for entry in entries], context.style, html=False))
