"""``--format text``: the same bibliography as ``html``, as citeproc-js's plain text, one entry per line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from citetool.bib.work import Work
from citetool.writers import Context, styled

_SPACE = re.compile(r"[ \t\r\n]+")  # not str.split(): a no-break space in an entry stays one


def write(works: Iterable[Work], context: Context) -> str:
    _items, rendered = styled.render(works, context, html=False)
    # A style's display="block" parts come out on lines of their own: one entry is one line here.
    return "".join(_SPACE.sub(" ", text).strip(" ") + "\n" for _key, text in rendered.entries)
