"""The one way a value enters a library: made safe for its field, whatever sent it.

Crossref and doi.org replies, RIS and CSL-JSON imports, ``update`` and
``--key`` all hand citetool text it did not write.  :func:`field_value` is
the only function that turns such text into a field :class:`Value`:

* control characters (NUL and the rest of C0 but tab, newline, carriage
  return and form feed; DEL, C1, U+2028/U+2029, lone surrogates) and the
  bidirectional controls (overrides, embeddings, isolates and marks, which
  make ``Evil\u202etxt.exe`` read as ``Evilexe.txt``) are removed from every
  field;
* text fields hold LaTeX already escaped by their writer (``markup`` or
  ``escape``); here any TeX primitive that would execute or read a file
  (:data:`DANGEROUS`, ``\\write18``, ``\\input``, ``\\catcode``, ``^^``
  notation ...) is defused, and braces that do not balance are escaped,
  so a value can never end its entry or open a new field;
* verbatim fields (``url``, ``doi``, ``eprint``, ``file`` ...) are never
  LaTeX-escaped: in a URL, ``{`` ``}`` ``\\`` and white space are
  percent-encoded, which keeps its meaning; any other verbatim value whose
  braces do not balance, or that holds a backslash, is refused
  (:class:`UnsafeValue`).

:func:`dangerous_commands` finds the same primitives in hand-written
entries, for ``check`` and ``import``.
"""

from __future__ import annotations

import re

from citetool.bib.entry import Literal, Value
from citetool.bib.fields import VERBATIM_FIELDS
from citetool.errors import CitetoolError

#: TeX primitives and LaTeX commands that execute, define, or read and write files.
DANGEROUS = frozenset({
    "write", "immediate", "input", "include", "InputIfFileExists", "openin", "openout", "read", "readline",
    "closein", "closeout", "catcode", "def", "gdef", "edef", "xdef", "let", "futurelet", "csname", "expandafter",
    "newcommand", "renewcommand", "providecommand", "DeclareRobustCommand", "special", "directlua", "latelua",
    "luaexec", "usepackage", "RequirePackage", "documentclass", "makeatletter", "makeatother", "outer", "shipout",
    "everypar", "everyjob", "everyeof", "afterassignment", "scantokens", "lccode", "uccode", "mathcode",
    "ShellEscape", "pdfshellescape", "input@path", "@@input", "endinput", "output", "batchmode", "nonstopmode",
    "newwrite", "newread", "includeonly", "pdfprimitive", "primitive",
    "newenvironment", "renewenvironment", "execute",
    "countdef", "toksdef", "chardef",
    "mathchardef", "dimendef", "skipdef",
})  # fmt: skip

# Control characters no field may hold (tab and newline are white space in BibTeX).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\x85\u2028\u2029\ud800-\udfff]")
# The rest of C1, and the bidirectional controls: removed from what a server or an import sends.  (Hand-written
# libraries hold C1 as Windows-1252 quotes read as Latin-1: `\x93theta\x94`; those are kept when imported.)
_C1_AND_BIDI = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# A control word, a control symbol, or TeX's ^^ notation for a character (^^5c is a backslash).
_COMMAND = re.compile(r"\\([A-Za-z@]+)|\\[\s\S]|\^\^")


class UnsafeValue(CitetoolError):
    """A value that cannot be written into its field with the meaning it has; nothing is written."""


def without_controls(text: str) -> str:
    """``text`` without the control characters that no field may hold."""
    return _CONTROL.sub("", text)


#: What a ``@preamble`` may hold although a field may not: definitions and reading TeX files (``\\input
#: tugboat.def``), which a document's own preamble does too.  Writing files and running programs stay refused.
PREAMBLE_ALLOWED = frozenset({
    "input", "include", "InputIfFileExists", "newcommand", "renewcommand", "providecommand",
    "DeclareRobustCommand", "def", "gdef", "edef", "xdef", "let", "makeatletter", "makeatother", "@@input",
})  # fmt: skip


def dangerous_commands(latex: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The executing or file-reading commands that ``latex`` holds *as commands* (``\\\\write`` text is not one),
    but those ``allowed``."""
    found: list[str] = []
    for match in _COMMAND.finditer(latex):
        name = match.group(1)
        if match.group() == "^^":
            found.append("^^")
        elif name is not None and (name in DANGEROUS or name.startswith("write")) and name not in allowed:
            found.append("\\" + name)
    return list(dict.fromkeys(found))


def _defused(latex: str) -> str:
    """``latex`` with every dangerous command written as text (``\\\\textbackslash{}write18``)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if match.group() == "^^":
            return r"\textasciicircum{}\textasciicircum{}"
        if name is not None and (name in DANGEROUS or name.startswith("write")):
            return r"\textbackslash{}" + name
        return match.group()

    return _COMMAND.sub(replace, latex)


def _balanced(text: str) -> bool:
    """Whether the braces of ``text`` pair up, counted as BibTeX counts them (a backslash does not escape)."""
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _balance(latex: str) -> str:
    """Escape the braces of ``latex`` that have no partner, keeping the ones that pair up."""
    latex = latex.replace("\\{", r"\textbraceleft{}").replace("\\}", r"\textbraceright{}")
    if _balanced(latex):
        return latex
    unmatched: set[int] = set()
    stack: list[int] = []
    for position, char in enumerate(latex):
        if char == "{":
            stack.append(position)
        elif char == "}":
            if stack:
                stack.pop()
            else:
                unmatched.add(position)
    unmatched.update(stack)
    return "".join(
        (r"\textbraceleft{}" if char == "{" else r"\textbraceright{}") if position in unmatched else char
        for position, char in enumerate(latex)
    )


_URL_UNSAFE = {"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20", "\t": "%09", "\n": "%0A", '"': "%22"}


def _verbatim(name: str, text: str) -> str:
    text = _C1_AND_BIDI.sub("", without_controls(text)).strip()
    if name in ("url", "urldate") or name.startswith("bdsk-url") or name == "local-url":
        return "".join(_URL_UNSAFE.get(char, char) for char in text)
    if "\\" in text or not _balanced(text) or (name == "doi" and "{" in text):
        raise UnsafeValue(f"field '{name}': {text[:60]!r} cannot be stored as it is (braces or a backslash)")
    return text


def field_value(name: str, latex: str) -> Value:
    """The value for field ``name``: ``latex`` (escaped text, or a verbatim identifier) made safe for it."""
    if name in VERBATIM_FIELDS:
        return Value((Literal(_verbatim(name, latex)),))
    return Value((Literal(_balance(_defused(_C1_AND_BIDI.sub("", without_controls(latex))))),))
