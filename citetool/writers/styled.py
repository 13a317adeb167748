"""What the two styled formats (``html`` and ``text``) share: the CSL items, and their rendering by the style.

Both report how far they are to ``Context.progress`` (making the items, one
by one; then citeproc-js, which answers for the whole bibliography at once).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from citetool.bib.work import Work
from citetool.csl import bibliography, styles
from citetool.csl.engine import Rendered
from citetool.csl.items import item
from citetool.writers import Context

#: Items made between two progress reports.
STEP = 250


def render(works: Iterable[Work], context: Context, html: bool) -> tuple[list[dict[str, Any]], Rendered]:
    """The CSL items of ``works`` and their bibliography in the context's style and locale."""
    progress = context.progress
    items: list[dict[str, Any]] = []
    for work in works:
        items.append(item(work))
        if progress is not None and len(items) % STEP == 0:
            progress("making CSL items", len(items), max(context.count, len(items)))
    style = styles.find(context.style)
    rendered = bibliography.render(items, style, context.locale, html, memo=context.memo, progress=progress)
    return items, rendered
