"""LaTeX text in and out: the only module that imports pylatexenc.

* :func:`to_text` reads a BibTeX field as a person would (``{\\"o}`` -> ö,
  ``\\&`` -> &, ``\\textit{x}`` -> x).  Most fields hold no LaTeX at all, so a
  cheap check skips the (slow) LaTeX parser for them.
* :func:`escape` makes plain Unicode text safe inside a braced BibTeX value,
  keeping non-ASCII characters as they are (the library is UTF-8).
* :func:`to_ascii` turns the non-ASCII characters of LaTeX text into LaTeX
  commands (``ö`` -> ``{\\"o}``) for classic BibTeX.
"""

from __future__ import annotations

import logging
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
#: Typographic punctuation and its plain-ASCII LaTeX spelling (read before pylatexenc's table).
ASCII_PUNCTUATION: dict[str, str] = {
    "\u2018": "`",
    "\u2019": "'",
    "\u201c": "``",
    "\u201d": "''",
    "\u2013": "--",
    "\u2014": "---",
    "\u2010": "-",
    "\u2011": "-",
    "\u00a0": "~",
    "\u2009": "\\,",
}
_SPECIAL_RE = re.compile("[" + re.escape("".join(SPECIALS)) + "]")
_NEEDS_PARSER = re.compile(r"[\\{}~$%]")
# What, besides braces, pylatexenc turns into other text; a value with braces alone just loses them.
_MORE_THAN_BRACES = re.compile(r"[\\~$%`&]|''|<<|>>|!`|\?`")


def _macro_name(node: Any, l2tobj: Any = None) -> str:
    return str(node.macroname)


@lru_cache(maxsize=1)
def _decoder() -> Any:
    from pylatexenc import latex2text

    context = latex2text.get_default_latex_context_db()
    # A macro pylatexenc does not know (a user's {\TUG} logo) reads as its name, not as nothing.
    context.set_unknown_macro_spec(latex2text.MacroTextSpec("", simplify_repl=_macro_name))
    return latex2text.LatexNodes2Text(latex_context=context, math_mode="text", strict_latex_spaces=False)


@lru_cache(maxsize=1)
def _encoder() -> Any:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    # pylatexenc logs each unknown character; to_ascii reports them to the caller instead.
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    return UnicodeToLatexEncoder(
        non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy="keep"
    )


def to_text(value: str) -> str:
    """Plain Unicode text of a LaTeX field value, whitespace collapsed."""
    if "--" in value:  # TeX's dash ligatures, read in the source (so an escaped -{}- stays two hyphens)
        value = value.replace("---", "\u2014").replace("--", "\u2013")
    if _NEEDS_PARSER.search(value):
        # Braces alone, as in most titles ({Protected} {Words}), need no parser: they just go.
        plain = not _MORE_THAN_BRACES.search(value)
        value = value.replace("{", "").replace("}", "") if plain else _parse(value)
    return " ".join(value.split())  # what re.sub(r"\s+", " ", value).strip() gives, three times faster


def _parse(value: str) -> str:
    """``value`` read by pylatexenc (the slow path of :func:`to_text`)."""
    for source, placeholder in _DECODE_FIRST.items():
        value = value.replace(source, placeholder)
    try:
        value = str(_decoder().latex_to_text(value))
    except Exception:  # pylatexenc raises on exotic input; show the source instead
        value = value.replace("{", "").replace("}", "")
    value = value.replace("\xa0", " ")
    for placeholder, text in _DECODE_AFTER.items():
        value = value.replace(placeholder, text)
    return value


def escape(text: str) -> str:
    """Escape LaTeX specials in plain text; Unicode characters are kept.

    Runs of hyphens are split with ``{}`` so TeX does not join them into dashes.
    """
    escaped = _SPECIAL_RE.sub(lambda match: SPECIALS[match.group()], text)
    return escaped.replace("--", "-{}-").replace("--", "-{}-") if "--" in escaped else escaped


#: Characters pylatexenc encodes wrongly, and the LaTeX that is right.
ASCII_OVERRIDES: dict[str, str] = {"Ű": r"{\H{U}}", "ű": r"{\H{u}}"}


@lru_cache(maxsize=4096)
def _char_to_ascii(char: str) -> str | None:
    """The ASCII LaTeX for one character, or None when no form reads back as that character."""
    if char in ASCII_PUNCTUATION:
        return ASCII_PUNCTUATION[char]
    encoded = ASCII_OVERRIDES.get(char) or str(_encoder().unicode_to_latex(char))
    if not encoded.isascii() or to_text(encoded) != " ".join(char.split()):
        return None  # no LaTeX form, or one that would silently become another character
    return encoded


def to_ascii(text: str) -> tuple[str, list[str]]:
    """Pure-ASCII LaTeX for LaTeX ``text``, and the characters with no faithful LaTeX form (kept as they are)."""
    if text.isascii():
        return text, []
    out: list[str] = []
    missing: set[str] = set()
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        encoded = _char_to_ascii(char)
        if encoded is None:
            missing.add(char)
            out.append(char)
        else:
            out.append(encoded)
    return "".join(out), sorted(missing)
