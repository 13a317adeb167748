"""Text with its structure: italic, bold, small caps, sub- and superscript, case-protected spans.

A field decoded from LaTeX (:func:`citetool.bib.latex.decode`) is a tuple of
nodes: plain strings and :class:`Span`\\ s.  Writers choose how much of the
structure they keep: :func:`plain` for RIS, ``show`` and text (sub- and
superscript digits become Unicode ``₂``/``²`` where every character has a
form), :func:`csl_markup` for CSL-JSON, whose rich-text tags citeproc-js and
Zotero read.
"""

from __future__ import annotations

from typing import NamedTuple

from citetool.bib.texchars import SUBSCRIPTS, SUPERSCRIPTS

#: Span style -> the CSL rich-text tags around it (CSL 1.0.2, "Rich text markup within fields").
CSL_TAGS: dict[str, tuple[str, str]] = {
    "i": ("<i>", "</i>"),
    "b": ("<b>", "</b>"),
    "sc": ('<span style="font-variant:small-caps;">', "</span>"),
    "sub": ("<sub>", "</sub>"),
    "sup": ("<sup>", "</sup>"),
    "nocase": ('<span class="nocase">', "</span>"),
}


class Span(NamedTuple):
    """A run of text in one style (a key of :data:`CSL_TAGS`)."""

    style: str
    children: tuple[Node, ...]


Node = str | Span
Rich = tuple[Node, ...]


def _flat(nodes: Rich) -> str:
    return "".join(node if isinstance(node, str) else _flat(node.children) for node in nodes)


def scripted(text: str, table: dict[str, str]) -> str:
    """``text`` in Unicode sub- or superscript characters when each has one, else as it is."""
    return "".join(table[char] for char in text) if text and all(char in table for char in text) else text


def _plain(nodes: Rich) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node.style == "sup":
            out.append(scripted(_flat(node.children), SUPERSCRIPTS))
        elif node.style == "sub":
            out.append(scripted(_flat(node.children), SUBSCRIPTS))
        else:
            out.append(_plain(node.children))
    return "".join(out)


def plain(nodes: Rich) -> str:
    """The text alone, white space collapsed."""
    return " ".join(_plain(nodes).split())


def _markup(nodes: Rich, open_styles: frozenset[str]) -> str:
    # A style already open inside itself is said once; "nocase" in open_styles means "never say it".
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node.style in open_styles or node.style not in CSL_TAGS:
            out.append(_markup(node.children, open_styles))  # italic inside italic: said once
        else:
            opening, closing = CSL_TAGS[node.style]
            inner = _markup(node.children, open_styles | {node.style})
            if inner.strip():
                out.append(opening + inner + closing)
            else:
                out.append(inner)
    return "".join(out)


def csl_markup(nodes: Rich, nocase: bool = True) -> str:
    """CSL rich text: ``<i>``, ``<b>``, ``<sub>``, ``<sup>``, small caps and (with ``nocase``) ``nocase`` spans.

    Text is written as it is, as Zotero writes it: citeproc-js reads only these
    tags as markup, so a lone ``&`` or ``<`` stays text.  White space is
    collapsed.
    """
    return " ".join(_markup(nodes, frozenset() if nocase else frozenset({"nocase"})).split())
