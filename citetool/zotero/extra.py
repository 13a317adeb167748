"""The ``Extra`` field's lines, read as Zotero and Better BibTeX read them.

Zotero users keep what its item types have no field for in ``Extra``, one
``Name: value`` per line, and both Zotero and Better BibTeX read them back:

* ``Citation Key: smith2020`` (Better BibTeX's pinned key; Zotero 8 moves it
  into its own field) and the older ``bibtex: smith2020``;
* ``tex.field: value`` (also ``biblatex.`` and ``bibtex.``): a BibTeX field
  given as text; ``tex.field= value`` gives it as LaTeX, as it is;
* ``arXiv: 2002.05160``: the eprint;
* a CSL variable or a Zotero field by name (``DOI:``, ``PMID:``,
  ``original-date:``, ``Publisher Place:``), for item types without that field:
  used when the item does not have it already.

Every other line stays, in order, as the note (CSL's ``note`` is ``Extra``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 ._-]*?)\s*([:=])\s*(.*?)\s*$")
_TEX = re.compile(r"^(?:tex|biblatex|bibtex)\.([A-Za-z][A-Za-z0-9_-]*)$", re.IGNORECASE)
_KEY_NAMES = frozenset({"citationkey", "bibtex"})
_ARXIV = re.compile(r"^(?:arXiv:)?(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)$", re.IGNORECASE)


@dataclass
class Extra:
    """What ``Extra`` says: a key, BibTeX fields (value, as LaTeX?), CSL variables, and the lines left."""

    key: str | None = None
    tex: dict[str, tuple[str, bool]] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    arxiv: str | None = None
    rest: str = ""


def normal(name: str) -> str:
    """A line's name as :func:`read` compares it: lower case, without spaces, hyphens or underscores."""
    return re.sub(r"[\s_-]+", "", name).lower()


def read(text: str, variables: dict[str, str]) -> Extra:
    """The lines of ``text``; ``variables`` maps a normalised name (CSL variable or Zotero field, lower case
    without spaces, hyphens or underscores) to the CSL variable it sets."""
    extra = Extra()
    kept: list[str] = []
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is None or not match.group(3):
            kept.append(line)
            continue
        name, sign, value = match.groups()
        normalised = normal(name)
        tex = _TEX.match(name)
        if tex is not None:
            extra.tex.setdefault(tex.group(1).lower(), (value, sign == "="))
        elif sign != ":":
            kept.append(line)
        elif normalised in _KEY_NAMES and " " not in value and extra.key is None:
            extra.key = value
        elif normalised == "arxiv" and (arxiv := _ARXIV.match(value)) is not None and extra.arxiv is None:
            extra.arxiv = arxiv.group(1)
        elif normalised in variables and variables[normalised] not in extra.variables:
            extra.variables[variables[normalised]] = value
        else:
            kept.append(line)
    extra.rest = "\n".join(kept).strip()
    return extra
