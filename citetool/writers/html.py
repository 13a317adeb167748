"""``--format html``: a bibliography rendered by citeproc-js in a CSL style, as a UTF-8 HTML5 page.

The entries are citeproc-js's own HTML, made inert (:mod:`citetool.csl.inert`):
each a ``<div class="csl-entry">`` whose ``id`` is its citation key, inside a
``<div class="csl-bib-body">``.  The style's labels (``[1]``, ``1.``) are the
only numbering; where the entry prints its DOI or URL, that text is the link.
The page has ``lang`` from the locale, a heading, and a small stylesheet made
from the style's layout: hanging indent, label column, spacing, and a print
version.  ``--fragment`` gives the ``<div class="csl-bib-body">`` alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from typing import Any

from citetool.bib.work import Work
from citetool.csl import inert, styles
from citetool.writers import Context, styled

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="citetool, citeproc-js {processor}">
<title>{title}</title>
<style>
{css}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
{body}</main>
</body>
</html>
"""

BASE_CSS = """body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; color: #111; background: #fff;
  max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.5em; font-weight: normal; }
a { color: #1a4f8b; overflow-wrap: anywhere; }
.csl-entry { margin: 0 0 {spacing}em; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; color: #000; }
  a { color: inherit; text-decoration: none; }
  .csl-entry { break-inside: avoid; }
}"""

_LABEL = re.compile(r'<div class="csl-left-margin">(.*?)</div>', re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _label_width(entries: list[str]) -> int:
    """The widest label (``[12]``), in characters: the label column's width."""
    widths = [len(_TAG.sub("", found)) for entry in entries for found in _LABEL.findall(entry)]
    return max(widths, default=0)


def stylesheet(params: dict[str, Any], entries: list[str]) -> str:
    """The page's CSS, from citeproc-js's layout parameters of the style."""
    spacing = max(float(params.get("entryspacing") or 0), 0.5) * 0.6
    css = BASE_CSS.replace("{spacing}", f"{spacing:g}")
    rules = []
    if params.get("hangingindent"):
        rules.append(".csl-entry { padding-left: 2em; text-indent: -2em; }")
    if params.get("second-field-align"):
        width = _label_width(entries) + 1
        rules.append(f".csl-left-margin {{ float: left; width: {width}ch; }}")
        rules.append(f".csl-right-inline {{ margin-left: {width}ch; }}")
        rules.append('.csl-entry::after { content: ""; display: block; clear: both; }')
    if float(params.get("linespacing") or 1) > 1:
        rules.append("@media print { .csl-bib-body { line-height: 2; } }")
    return "\n".join([css, *rules])


def write(works: Iterable[Work], context: Context) -> str:
    items, rendered = styled.render(works, context, html=True)
    links = {entry["id"]: (entry.get("DOI"), entry.get("URL")) for entry in items}
    style = styles.find(context.style)
    entries = ["  " + inert.rebuild(text.strip(), key, *links[key]) for key, text in rendered.entries]
    body = '<div class="csl-bib-body">\n' + "".join(entry + "\n" for entry in entries) + "</div>\n"
    if context.fragment:
        return body
    from citetool.csl.engine import language, processor_version

    return PAGE.format(
        lang=escape(language(style, context.locale)[0]),
        processor=escape(processor_version()),
        title="Bibliography",
        css=stylesheet(rendered.params, entries),
        body=body,
    )
