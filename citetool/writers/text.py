"""``--format text``: the same bibliography as ``html``, as citeproc-js's plain text, one entry per line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from citetool.bib.work import Work
from citetool.csl import bibliography, styles
from citetool.csl.items import item
from citetool.writers import Context

_SPACE = re.compile(r"[ \t\r\n]+")  # not str.split(): a no-break space in an entry stays one


def write(works: Iterable[Work], context: Context) -> str:
    items = [item(work) for work in works]
    rendered = bibliography.render(items, styles.find(context.style), context.locale, html=False, memo=context.memo)
    # A style's display="block" parts come out on lines of their own: one entry is one line here.
    return "".join(_SPACE.sub(" ", text).strip(" ") + "\n" for _key, text in rendered.entries)
