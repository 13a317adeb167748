r"""The simple macros a library defines in its ``@preamble``, expanded where its fields use them.

A ``@preamble`` holds LaTeX that BibTeX copies into the ``.bbl``; libraries
use it to define the macros their fields call: ``\newcommand{\noopsort}[1]{}``,
``\providecommand{\proglang}[1]{{#1}}``, ``\def\MaxMin{{$\cal MAX$--$\cal MIN$}}``.
A reader that does not know them loses their words, so citetool reads the
simple ones (``\newcommand``, ``\renewcommand``, ``\providecommand``,
``\DeclareRobustCommand``, ``\def``, with or without parameters) and
expands them in a field's LaTeX before it is read as text.  Definitions
under a condition (``\@ifundefined{url}{...}``) are left alone: they only
supply a macro LaTeX already has.  Expansion is bounded (depth and length),
so a macro that calls itself cannot hang a reader.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from citetool.bib.entry import Value, ValueSyntaxError

_DEFINE = re.compile(r"\\(?:newcommand|renewcommand|providecommand|DeclareRobustCommand)\*?\s*")
_DEF = re.compile(r"\\[gex]?def\s*\\([A-Za-z@]+)((?:#\d)*)\s*")
_NAME = re.compile(r"\{?\s*\\([A-Za-z@]+)\s*\}?\s*")
_ARGS = re.compile(r"\[\s*(\d)\s*\]\s*")
_CALL = re.compile(r"\\([A-Za-z@]+)(?![A-Za-z@])")
#: How many rounds of expansion (a macro whose body calls another), and how long a value may grow.
MAX_ROUNDS = 8
MAX_LENGTH = 20_000


@dataclass(frozen=True)
class Macro:
    """A macro's parameter count and body (``#1`` ... stand for its arguments)."""

    arguments: int
    body: str


def _group(text: str, start: int) -> tuple[str, int] | None:
    """The inside of the braced group at ``start`` and the index after it; None if there is none."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    position = start
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : position], position + 1
        position += 1
    return None


def _conditional_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``\\@ifundefined{..}{..}{..}`` and ``\\if.. \\fi`` blocks, where definitions are not taken."""
    spans = []
    for match in re.finditer(r"\\@ifundefined|\\if[A-Za-z]*(?![A-Za-z])", text):
        if match.group() == "\\@ifundefined":
            position = match.end()
            for _ in range(3):
                while position < len(text) and text[position].isspace():
                    position += 1
                found = _group(text, position)
                if found is None:
                    break
                position = found[1]
        else:
            end = text.find("\\fi", match.end())
            position = len(text) if end < 0 else end + 3
        spans.append((match.start(), position))
    return spans


def definitions(preamble: str) -> dict[str, Macro]:
    """The simple macro definitions of a ``@preamble``'s LaTeX."""
    found: dict[str, Macro] = {}
    skipped = _conditional_spans(preamble)

    def inside_condition(position: int) -> bool:
        return any(start <= position < end for start, end in skipped)

    for match in _DEFINE.finditer(preamble):
        if inside_condition(match.start()):
            continue
        name = _NAME.match(preamble, match.end())
        if name is None:
            continue
        position = name.end()
        arguments = 0
        count = _ARGS.match(preamble, position)
        if count is not None:
            arguments, position = int(count.group(1)), count.end()
            if preamble.startswith("[", position):  # an optional argument's default: not supported, skip it
                continue
        body = _group(preamble, position)
        if body is not None:
            found.setdefault(name.group(1), Macro(arguments, body[0]))
    for match in _DEF.finditer(preamble):
        if inside_condition(match.start()):
            continue
        body = _group(preamble, match.end())
        if body is not None:
            found.setdefault(match.group(1), Macro(len(match.group(2)) // 2, body[0]))
    return found


def _argument(text: str, position: int) -> tuple[str, int] | None:
    """One macro argument at ``position``: a braced group's inside, or the next single character."""
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    if position >= len(text) or text[position] == "}":
        return None
    if text[position] == "{":
        return _group(text, position)
    if text[position] == "\\":
        word = re.match(r"\\(?:[A-Za-z@]+|.)", text[position:])
        if word is not None:
            return word.group(), position + len(word.group())
    return text[position], position + 1


def _put_in(body: str, arguments: list[str]) -> str:
    """``body`` with ``#1`` ... replaced by the arguments (a reference past them is nothing)."""

    def argument(reference: re.Match[str]) -> str:
        number = int(reference.group(1))
        return arguments[number - 1] if 0 < number <= len(arguments) else ""

    return re.sub(r"#(\d)", argument, body)


def expand(text: str, macros: Mapping[str, Macro]) -> str:
    """``text`` with every call of ``macros`` replaced by its body, arguments put in."""
    if not macros or "\\" not in text:
        return text
    for _round in range(MAX_ROUNDS):
        changed = False
        out: list[str] = []
        position = 0
        for match in _CALL.finditer(text):
            macro = macros.get(match.group(1))
            if macro is None or match.start() < position:
                continue
            cursor = match.end()
            arguments: list[str] = []
            for _ in range(macro.arguments):
                found = _argument(text, cursor)
                if found is None:
                    break
                arguments.append(found[0])
                cursor = found[1]
            if len(arguments) < macro.arguments:
                continue
            body = _put_in(macro.body, arguments)
            out += [text[position : match.start()], body]
            position = cursor
            changed = True
        if not changed:
            return text
        text = "".join(out) + text[position:]
        if len(text) > MAX_LENGTH:
            return text[:MAX_LENGTH]
    return text


def preamble_definitions(block: str, strings: Mapping[str, Value]) -> dict[str, Macro]:
    """The definitions of one ``@preamble{...}`` block as written in a ``.bib`` file (its value may be a
    ``#`` concatenation of strings and macros)."""
    opening = re.match(r"\s*@\s*preamble\s*([{(])", block, re.IGNORECASE)
    if opening is None:
        return {}
    inner = block[opening.end() :].rstrip()
    inner = inner[:-1] if inner.endswith(("}", ")")) else inner
    try:
        text = Value.parse(inner).resolve(strings)
    except ValueSyntaxError:
        return {}
    return definitions(text)
