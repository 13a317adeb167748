"""LaTeX text in and out: the only module that imports pylatexenc.

* :func:`to_text` reads a BibTeX field as a person would (``{\\"o}`` -> ö,
  ``\\&`` -> &, ``\\textit{x}`` -> x).  Most fields hold no LaTeX at all, so a
  cheap check skips the (slow) LaTeX parser for them.
* :func:`escape` makes plain Unicode text safe inside a braced BibTeX value,
  keeping non-ASCII characters as they are (the library is UTF-8).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: Characters that are special to LaTeX and how :func:`escape` writes them.
SPECIALS: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}

#: Escapes that pylatexenc reads wrongly or not at all, and the text they stand for.
_DECODE_FIRST: dict[str, str] = {
    r"\textbraceleft{}": "\ue000",
    r"\textbraceright{}": "\ue001",
    r"\textasciicircum{}": "\ue002",
}
_DECODE_AFTER = {"\ue000": "{", "\ue001": "}", "\ue002": "^"}
_SPECIAL_RE = re.compile("[" + re.escape("".join(SPECIALS)) + "]")
_NEEDS_PARSER = re.compile(r"[\\{}~$%]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _decoder() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def to_text(value: str) -> str:
    """Plain Unicode text of a LaTeX field value, whitespace collapsed."""
    if _NEEDS_PARSER.search(value):
        for source, placeholder in _DECODE_FIRST.items():
            value = value.replace(source, placeholder)
        try:
            value = str(_decoder().latex_to_text(value))
        except Exception:  # pylatexenc raises on exotic input; show the source instead
            value = value.replace("{", "").replace("}", "")
        value = value.replace("\xa0", " ")
        for placeholder, text in _DECODE_AFTER.items():
            value = value.replace(placeholder, text)
    if "--" in value:
        value = value.replace("---", "\u2014").replace("--", "\u2013")
    return _SPACES.sub(" ", value).strip()


def escape(text: str) -> str:
    """Escape LaTeX specials in plain text; Unicode characters are kept."""
    return _SPECIAL_RE.sub(lambda match: SPECIALS[match.group()], text)
