"""``--format html``: a bibliography rendered through a CSL style, as a UTF-8 HTML5 page.

Each entry is an ``<li>`` whose ``id`` is its citation key and which links to
its DOI.  All text is escaped (see :mod:`citetool.csl.engine`); the only
links emitted are ``https://doi.org/`` links built from the DOI.
``--fragment`` gives just the ``<ol>`` for embedding.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import quote

from citetool.bib.work import Work
from citetool.csl.engine import render
from citetool.csl.items import item
from citetool.writers import Context

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bibliography</title>
</head>
<body>
{body}</body>
</html>
"""


def _with_doi_link(text: str, doi: str) -> str:
    href = "https://doi.org/" + quote(doi, safe="/:;()[]")
    shown = escape("https://doi.org/" + doi)
    anchor = f'<a href="{escape(href)}">{shown}</a>'
    if shown in text:
        return text.replace(shown, anchor, 1)
    return f'{text} <a class="doi" href="{escape(href)}">doi:{escape(doi)}</a>'


def write(works: Iterable[Work], context: Context) -> str:
    items = [item(work) for work in works]
    dois = {entry["id"]: entry.get("DOI") for entry in items}  # the DOI proper, as Entry.doi gives it
    lines = ['<ol class="bibliography">']
    for key, text in render(items, context.style, html=True):
        doi = dois[key]
        lines.append(f'<li id="{escape(key)}">{_with_doi_link(text, doi) if doi else text}</li>')
    lines.append("</ol>")
    body = "\n".join(lines) + "\n"
    return body if context.fragment else PAGE.format(body=body)
