"""The model at the centre of citetool: entries whose fields are BibTeX values.

A field value in a ``.bib`` file is an expression: braced or quoted LaTeX
text, bare numbers and ``@string`` macro names, joined with ``#``.  Keeping
that structure (rather than a resolved string) lets citetool export a
hand-written entry with its macros intact, and show it with them resolved.

Crossref records are converted *into* :class:`Entry`; every output format is
written *out of* it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from citetool.identifiers import doi as doi_module

#: The month macros every BibTeX style predefines.
MONTH_MACROS: dict[str, str] = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}


class Literal(NamedTuple):
    """Literal LaTeX text; ``delimiter`` is ``{``, ``"`` or empty for a bare number."""

    text: str
    delimiter: str = "{"

    def source(self) -> str:
        if self.delimiter == "{":
            return "{" + self.text + "}"
        if self.delimiter == '"':
            return '"' + self.text + '"'
        return self.text


class MacroRef(NamedTuple):
    """A reference to an ``@string`` macro (or a predefined month)."""

    name: str

    def source(self) -> str:
        return self.name


Part = Literal | MacroRef


class ValueSyntaxError(ValueError):
    """A field value is not a well-formed BibTeX expression."""


_BRACES = re.compile(r"[{}]")
_BRACES_OR_QUOTE = re.compile(r'[{}"]')


def _scan_braced(raw: str, start: int) -> int:
    """Index just past the ``}`` that closes the ``{`` at ``start``."""
    depth = 0
    for match in _BRACES.finditer(raw, start):
        if match.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return match.end()
    raise ValueSyntaxError("unbalanced braces")


def _scan_quoted(raw: str, start: int) -> int:
    """Index just past the ``"`` that closes the ``"`` at ``start`` (braces protect quotes)."""
    depth = 0
    for match in _BRACES_OR_QUOTE.finditer(raw, start + 1):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise ValueSyntaxError("unbalanced braces")
        elif depth == 0:
            return match.end()
    raise ValueSyntaxError("unterminated quoted value")


class Value(NamedTuple):
    """A BibTeX field value: a sequence of parts concatenated with ``#``."""

    parts: tuple[Part, ...]

    @classmethod
    def braced(cls, text: str) -> Value:
        """A value holding one braced literal: the form citetool writes."""
        return cls((Literal(text, "{"),))

    @classmethod
    def parse(cls, raw: str) -> Value:
        """Parse the right-hand side of ``name = ...`` as it stands in a file."""
        parts: list[Part] = []
        pos, end = 0, len(raw)
        expect_part = True
        while pos < end:
            char = raw[pos]
            if char.isspace():
                pos += 1
                continue
            if not expect_part:
                if char != "#":
                    raise ValueSyntaxError(f"expected '#' at {raw[pos : pos + 20]!r}")
                expect_part = True
                pos += 1
                continue
            if char == "{":
                stop = _scan_braced(raw, pos)
                parts.append(Literal(raw[pos + 1 : stop - 1], "{"))
            elif char == '"':
                stop = _scan_quoted(raw, pos)
                parts.append(Literal(raw[pos + 1 : stop - 1], '"'))
            else:
                stop = pos
                while stop < end and not raw[stop].isspace() and raw[stop] not in '#{}"':
                    stop += 1
                if stop == pos:
                    raise ValueSyntaxError(f"unexpected {char!r}")
                token = raw[pos:stop]
                parts.append(Literal(token, "") if token.isdigit() else MacroRef(token))
            pos = stop
            expect_part = False
        if expect_part and parts:
            raise ValueSyntaxError("value ends with '#'")
        return cls(tuple(parts))

    def source(self) -> str:
        """The value written back as BibTeX source."""
        return " # ".join(part.source() for part in self.parts)

    def resolve(self, strings: Mapping[str, Value], _depth: int = 0) -> str:
        """The LaTeX text of the value with macros expanded.

        Unknown macros expand to their own name, as BibTeX does after warning.
        """
        parts = self.parts
        if len(parts) == 1 and type(parts[0]) is Literal:  # nearly every value; keep it cheap
            return parts[0].text
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, Literal):
                out.append(part.text)
                continue
            name = part.name.lower()
            target = strings.get(name)
            if target is not None and _depth < 32:
                out.append(target.resolve(strings, _depth + 1))
            else:
                out.append(MONTH_MACROS.get(name, part.name))
        return "".join(out)


@dataclass
class Entry:
    """One bibliography entry.

    ``fields`` maps lower-case field names to values in the order they are
    written.  ``line`` is the 1-based line where the entry starts in its file
    (0 for an entry not read from a file).
    """

    key: str
    entry_type: str
    fields: dict[str, Value] = field(default_factory=dict)
    line: int = 0

    def text(self, name: str, strings: Mapping[str, Value] | None = None) -> str | None:
        """The resolved LaTeX text of field ``name``, or None when absent."""
        value = self.fields.get(name)
        if value is None:
            return None
        return value.resolve(strings or {})

    @property
    def pmid(self) -> str | None:
        """The PubMed ID in ``pmid`` (or biblatex's ``eprinttype = pubmed`` with ``eprint``), digits only."""
        raw = self.text("pmid")
        if raw is None and (self.text("eprinttype") or "").strip().lower() == "pubmed":
            raw = self.text("eprint")
        digits = (raw or "").strip().removeprefix("PMID:").strip()
        return digits if digits.isdigit() and len(digits) <= 12 and digits.strip("0") else None

    @property
    def doi(self) -> str | None:
        """The DOI in the ``doi`` field or in a doi.org ``url``, normalised."""
        raw = self.text("doi")
        if raw:
            # Hand-written libraries often escape the underscore of a DOI for LaTeX.
            found = doi_module.parse(raw.replace("\\_", "_"))
            if found:
                return found
        url = self.text("url")
        return doi_module.from_url(url) if url else None
