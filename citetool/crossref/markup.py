"""Crossref strings to LaTeX: HTML/JATS/MathML markup, entities and stray whitespace.

Crossref titles and abstracts arrive as fragments of XML: ``<i>``, ``<sub>``,
``<jats:italic>``, ``<mml:math>``, ``&amp;``, and newlines with the
indentation of the XML they were cut from.  :func:`to_latex` turns inline
markup into LaTeX commands, decodes entities, escapes LaTeX specials in the
text, and collapses whitespace; :func:`to_plain` keeps only the text (for
abstracts, where formatting is noise).
"""

from __future__ import annotations

import html
import re

from citetool.bib.escape import escape

#: Inline tags (without namespace prefix) and the LaTeX command each becomes.
TAG_COMMANDS: dict[str, str] = {
    "i": "textit",
    "em": "textit",
    "italic": "textit",
    "b": "textbf",
    "strong": "textbf",
    "bold": "textbf",
    "sub": "textsubscript",
    "inf": "textsubscript",
    "sup": "textsuperscript",
    "scp": "textsc",
    "sc": "textsc",
    "u": "underline",
    "underline": "underline",
    "tt": "texttt",
    "monospace": "texttt",
}

#: Tags that separate blocks of text: replaced by a space.
BLOCK_TAGS = frozenset({"p", "title", "sec", "list", "list-item", "br", "div", "abstract"})

_TOKEN = re.compile(r"<(/?)([A-Za-z][\w.:-]*)([^>]*?)(/?)>|([^<]+|<)")
#: CSL's rich-text spans (``<span class="nocase">``, small caps): what each becomes.
_NOCASE = "{"
_FORMAT_SPACE = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"\s+")
_TIGHT_BEFORE = ",.;:)]/-–"
_TIGHT_AFTER = "([/-–"


def _collapse(text: str) -> str:
    """Collapse XML pretty-printing whitespace; a line break next to ``/``, ``-`` or closing
    punctuation was formatting, not a word space."""

    def join(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return "" if (after and after in _TIGHT_BEFORE) or (before and before in _TIGHT_AFTER) else " "

    return _SPACES.sub(" ", _FORMAT_SPACE.sub(join, text))


#: Tags around which Crossref often drops the spaces of the original text ("of<i>in vivo</i>CO").
WORD_TAGS = frozenset({"textit", "textbf", "textsc", "underline", "texttt"})


def _glued(before: str, after: str) -> bool:
    """Whether a word tag stands between two letters, where the record lost a space; next to a digit or
    punctuation (``1<i>H</i>-indole``) the record's spacing is meant."""
    return before.isalpha() and after.isalpha()


def _local(tag: str) -> str:
    return tag.rsplit(":", 1)[-1].lower()


def to_latex(markup: str, protect: bool = False, respace: bool = True) -> str:
    """LaTeX for a Crossref string; ``protect`` brace-protects acronyms (for titles); ``respace`` puts back the
    spaces Crossref drops around italics (``of<i>in vivo</i>CO``), which CSL-JSON written by a tool never lacks."""
    text = _collapse(markup.strip())
    out: list[str] = []
    stack: list[str | None] = []
    for match in _TOKEN.finditer(text):
        closing, tag, attributes, self_closing, chunk = match.groups()
        if chunk is not None:
            plain = escape(html.unescape(chunk))
            out.append(protect_words(plain) if protect else plain)
            continue
        name = _local(tag)
        if self_closing:
            out.append(" " if name in BLOCK_TAGS else "")
            continue
        if closing:
            command = stack.pop() if stack else None
            if command is not None:
                out.append("}" * len(command) if command.startswith("{") else "}")
                if respace and command in WORD_TAGS and _glued(out[-2][-1:] if len(out) > 1 else "",
                                                                text[match.end() :][:1]):  # fmt: skip
                    out.append(" ")
            elif name in BLOCK_TAGS:
                out.append(" ")
            continue
        command = _span(attributes) if name == "span" else TAG_COMMANDS.get(name)
        if command == _NOCASE:
            # CSL's nocase span is BibTeX's case-protecting braces; doubled before a command, since a group that
            # starts with one is a special character to BibTeX, not protected text.
            command = "{{" if text[match.end() :].lstrip()[:1] in ("\\", "<") else "{"
            stack.append(command)
            out.append(command)
            continue
        stack.append(command)
        if command is not None:
            if respace and command in WORD_TAGS and out and _glued(out[-1][-1:], text[match.end() :][:1]):
                out.append(" ")
            out.append("\\" + command + "{")
        elif name in BLOCK_TAGS:
            out.append(" ")
    out.extend("}" for command in stack if command is not None)
    return _SPACES.sub(" ", "".join(out)).strip()


def _span(attributes: str) -> str | None:
    """What a CSL ``<span>`` means: case protection, small caps, or nothing."""
    lowered = attributes.lower().replace(" ", "")
    if 'class="nocase"' in lowered:
        return _NOCASE
    if "font-variant:small-caps" in lowered:
        return "textsc"
    return None


def to_plain(markup: str) -> str:
    """Only the text of a Crossref string (tags dropped), LaTeX-escaped.

    A JATS section title becomes ``Title:`` before its section; the leading
    ``Abstract`` heading is dropped.
    """
    text = _collapse(markup.strip())
    pieces: list[str] = []
    title: list[str] | None = None
    for match in _TOKEN.finditer(text):
        closing, tag, _attributes, _self_closing, chunk = match.groups()
        target = pieces if title is None else title
        if chunk is not None:
            target.append(escape(html.unescape(chunk)))
            continue
        name = _local(tag)
        if name == "title":
            if not closing:
                title = []
            elif title is not None:
                heading = "".join(title).strip()
                if heading and heading.lower() != "abstract":
                    pieces.append(f" {heading.rstrip(':.')}: ")
                title = None
        elif name in BLOCK_TAGS:
            target.append(" ")
    return _SPACES.sub(" ", "".join(pieces)).strip()


_WORD = re.compile(r"(?<![\\\w{])([^\W\d_]\w*)")


def _needs_protection(word: str, first: bool) -> bool:
    if any(char.isupper() for char in word[1:]):
        return True  # acronyms (FRET) and inner capitals (ctDNA, iPhone)
    return len(word) == 1 and word.isupper() and not first


def protect_words(text: str) -> str:
    """Brace-protect acronyms and words with inner capitals so styles keep their case."""
    first = [True]

    def wrap(match: re.Match[str]) -> str:
        word = match.group(1)
        is_first, first[0] = first[0], False
        return "{" + word + "}" if _needs_protection(word, is_first) else word

    return _WORD.sub(wrap, text)
