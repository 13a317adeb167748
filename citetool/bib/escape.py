"""Plain text into LaTeX: escaping specials, and Unicode into the ASCII that classic BibTeX needs.

* :func:`escape` makes plain Unicode text safe inside a braced BibTeX value,
  keeping non-ASCII characters as they are (the library is UTF-8).
* :func:`to_ascii` writes LaTeX text in pure ASCII for pdflatex and classic
  BibTeX.  It normalises to NFC, then writes every letter that LaTeX has a
  standard form for, from the tables of :mod:`citetool.bib.texchars`: any
  Latin letter (or ``\\i``, ``\\j``, ``\\o``, ...) under any stack of the
  standard accents (dot below, caron, comma below, ogonek, double acute,
  ring, macron, breve, dot above, cedilla ...), whether it came precomposed
  or with its marks after it (NFD); typographic punctuation as TeX's
  ligatures; symbols by their text commands.  A form is used only if
  :func:`citetool.bib.latex.to_text` reads it back as the same text, so
  nothing is silently turned into another character; what has no form is
  kept as UTF-8 and returned for the caller to report.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from typing import Any

from citetool.bib.texchars import LETTERS, MARK_COMMANDS, MATH_SYMBOLS, SPACING_ACCENTS

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

#: Typographic punctuation and its plain-ASCII LaTeX spelling.
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
    "\u00ad": "\\-",  # a soft hyphen is TeX's discretionary hyphen
}

#: Symbols written by a text command rather than by pylatexenc's choice (which would not read back).
SYMBOL_COMMANDS: dict[str, str] = {
    "\u00b7": r"\textperiodcentered",
    "\u200b": r"\hspace{0pt}",
    "\u00a7": r"\S",
    "\u00b6": r"\P",
    "\u00a9": r"\textcopyright",
    "\u00ae": r"\textregistered",
    "\u2122": r"\texttrademark",
    "\u00b0": r"\textdegree",
    "\u2026": r"\dots",
    "\u20ac": r"\texteuro",
    "\u00a3": r"\pounds",
    "\u00ab": r"\guillemotleft",
    "\u00bb": r"\guillemotright",
    "\u201e": r"\quotedblbase",
    "\u2020": r"\dag",
    "\u2021": r"\ddag",
    "\u2022": r"\textbullet",
    "\u00ba": r"\textordmasculine",
    "\u00aa": r"\textordfeminine",
}

#: Greek letters (and the other letters of math mode) by their math commands: ``λ`` -> ``\\ensuremath{\\lambda}``.
MATH_LETTERS: dict[str, str] = {char: name for name, char in MATH_SYMBOLS.items()
                                if len(char) == 1 and unicodedata.category(char).startswith("L")}  # fmt: skip
#: Spacing accents by their accent commands with nothing under them: ``ˆ`` -> ``\\^{}``.
SPACING_COMMANDS: dict[str, str] = {char: "\\" + command + "{}" for mark, char in SPACING_ACCENTS.items()
                                    if (command := MARK_COMMANDS.get(mark)) is not None}  # fmt: skip

#: Letters written as commands, and the dotless forms that take an accent above.
LETTER_COMMANDS: dict[str, str] = {char: "\\" + name for name, char in LETTERS.items() if len(char) == 1}
_DOTTED = {"i": r"\i", "j": r"\j"}
_MARKS_BELOW = frozenset({"\u0323", "\u0326", "\u0327", "\u0328", "\u0331"})

_SPECIAL_RE = re.compile("[" + re.escape("".join(SPECIALS)) + "]")
# A character and the combining marks that follow it.
_CLUSTER = re.compile(r"[\s\S][\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*")


#: Pairs of characters TeX's fonts join into one glyph (a dash, a curly quote, an inverted mark).
_LIGATURES = ("--", "''", "``", "!`", "?`")


def escape(text: str) -> str:
    """Escape LaTeX specials in plain text; Unicode characters are kept.

    Runs of hyphens, apostrophes and backquotes are split with ``{}`` so TeX
    does not join them into dashes and curly quotes (``''`` is ``”`` in TeX),
    nor ``!``` and ``?``` into ``¡`` and ``¿``.
    """
    escaped = _SPECIAL_RE.sub(lambda match: SPECIALS[match.group()], text)
    for pair in _LIGATURES:
        if pair in escaped:
            split = f"{pair[0]}{{}}{pair[1]}"
            escaped = escaped.replace(pair, split).replace(pair, split)
    return escaped


@lru_cache(maxsize=1)
def _encoder() -> Any:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    # pylatexenc logs each unknown character; to_ascii reports them to the caller instead.
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
    return UnicodeToLatexEncoder(
        non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy="keep"
    )


def _accented(cluster: str) -> str | None:
    """A letter under its accents as nested LaTeX accents (``ṩ`` -> ``\\.{\\d{s}}``), or None."""
    decomposed = unicodedata.normalize("NFD", cluster)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or any(mark not in MARK_COMMANDS for mark in marks):
        return None
    if base in _DOTTED and any(mark not in _MARKS_BELOW for mark in marks):
        latex = _DOTTED[base]
    elif base.isascii() and base.isalnum():
        latex = base
    elif base in LETTER_COMMANDS:
        latex = LETTER_COMMANDS[base]
    else:
        return None
    for mark in marks:  # NFD orders marks from the letter outwards
        command = MARK_COMMANDS[mark]
        # One letter under a symbol accent is the traditional {\"o}; anything else is braced.
        latex = f"\\{command}{latex}" if len(latex) == 1 and not command.isalpha() else f"\\{command}{{{latex}}}"
    return "{" + latex + "}"


def _canonical(text: str) -> str:
    """``text`` in NFC, with a dotless ı or ȷ under an accent above read as the i or j it stands for."""
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed[:1] in ("ı", "ȷ") and any(mark not in _MARKS_BELOW for mark in decomposed[1:]):
        decomposed = ("i" if decomposed[0] == "ı" else "j") + decomposed[1:]
    return unicodedata.normalize("NFC", decomposed)


@lru_cache(maxsize=4096)
def cluster_to_ascii(cluster: str) -> str | None:
    """The ASCII LaTeX for one character and its marks, or None when no form reads back as it."""
    from citetool.bib.latex import to_text

    if cluster in ASCII_PUNCTUATION:
        return ASCII_PUNCTUATION[cluster]
    if cluster in SYMBOL_COMMANDS:
        encoded = "{" + SYMBOL_COMMANDS[cluster] + "}"
    elif (accented := _accented(cluster)) is not None:  # Å as {\r{A}}, not {\AA}
        encoded = accented
    elif cluster in LETTER_COMMANDS:
        encoded = "{" + LETTER_COMMANDS[cluster] + "}"
    elif cluster in MATH_LETTERS:  # standard LaTeX, no package: \ensuremath{\lambda}
        encoded = "{\\ensuremath{\\" + MATH_LETTERS[cluster] + "}}"
    elif cluster in SPACING_COMMANDS:
        encoded = "{" + SPACING_COMMANDS[cluster] + "}"
    elif unicodedata.category(cluster[0]).startswith("L"):
        return None  # pylatexenc's forms for other letters need packages (tipa's \texthvlig): none is standard
    else:
        encoded = str(_encoder().unicode_to_latex(cluster))
    wanted = _canonical(cluster)
    if not encoded.isascii() or _canonical(to_text(encoded)) != " ".join(wanted.split()):
        return None  # no LaTeX form, or one that would silently become another character
    return encoded


def describe(cluster: str) -> str:
    """A character (and its marks) for a message: ``'☃' (U+2603)``."""
    return f"{cluster!r} ({' '.join(f'U+{ord(point):04X}' for point in cluster)})"


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def to_ascii(text: str) -> tuple[str, list[str]]:
    """Pure-ASCII LaTeX for LaTeX ``text``, and the characters with no faithful LaTeX form (kept as they are;
    control characters, which would stop pdflatex, are left out)."""
    if text.isascii() and not _CONTROL.search(text):
        return text, []
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    missing: set[str] = set()
    for match in _CLUSTER.finditer(text):
        cluster = match.group()
        if cluster.isascii():
            if _CONTROL.match(cluster):  # breaks pdflatex: named for the caller's warning, and not written
                missing.add(cluster)
                continue
            out.append(cluster)
            continue
        encoded = cluster_to_ascii(cluster)
        if encoded is None:
            missing.add(cluster)
            out.append(cluster)
        else:
            out.append(encoded)
    return "".join(out), sorted(missing)
