"""XML replies (arXiv's Atom, PubMed's efetch) read with defusedxml: the one module that parses XML.

A reply is text from a server, so it is parsed as hostile: entity
declarations (billion laughs, external entities) are refused, never
expanded, and a body that is not well-formed XML is a one-line error.
"""

from __future__ import annotations

import html
from typing import Any
from xml.etree.ElementTree import Element

from citetool.errors import LookupFailed


def parse(body: bytes, label: str, what: str) -> Element:
    """The root element of ``body``; :class:`LookupFailed` naming ``label`` if it is not safe, well-formed XML."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    if body.lstrip()[:1] != b"<" or body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise LookupFailed(f"{label}: the server answered with something that is not {what}")
    try:
        root: Any = fromstring(body)
    except DefusedXmlException as exc:
        raise LookupFailed(f"{label}: the server's XML declares entities; refused ({type(exc).__name__})") from exc
    except (ParseError, ValueError) as exc:
        raise LookupFailed(f"{label}: the server sent broken (truncated or invalid) XML ({exc})") from exc
    except RecursionError as exc:
        raise LookupFailed(f"{label}: the server's XML is nested too deeply to read") from exc
    return root  # type: ignore[no-any-return]


def text(element: Element | None) -> str:
    """All the text inside ``element`` (markup dropped), white space collapsed; '' for None."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


#: Markup nested deeper than this (no title has it; a hostile reply may) is read as its text alone.
MAX_MARKUP_DEPTH = 32


def markup(element: Element | None) -> str:
    """The inside of ``element`` as an HTML-like fragment (``<i>in vivo</i> &amp; ...``) for
    :func:`citetool.crossref.markup.to_latex`, which reads Crossref's titles the same way.

    Walked without recursion; tags nested more than :data:`MAX_MARKUP_DEPTH`
    deep are dropped and their text kept, so 100,000 nested ``<i>`` are text.
    """
    if element is None:
        return ""
    pieces = [html.escape(element.text or "", quote=False)]
    # A stack of (child, depth) to open, and closing tags with the tail that follows them.
    stack: list[tuple[Element, int] | str] = [(child, 1) for child in reversed(list(element))]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
            continue
        child, depth = item
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        shown = depth <= MAX_MARKUP_DEPTH and tag
        tail = html.escape(child.tail or "", quote=False)
        pieces.append((f"<{tag}>" if shown else "") + html.escape(child.text or "", quote=False))
        stack.append((f"</{tag}>" if shown else "") + tail)
        stack.extend((grandchild, depth + 1) for grandchild in reversed(list(child)))
    return "".join(pieces)
