"""arXiv identifier recognition: the two schemes, with or without version, in every form people paste.

* new scheme (April 2007 on): ``YYMM.NNNN`` to December 2014, ``YYMM.NNNNN``
  from January 2015;
* old scheme (1991 to March 2007): ``archive[.SUBJECT]/YYMMNNN``, the archive
  one of :data:`OLD_ARCHIVES`;
* each with an optional ``vN``, and as ``arXiv:ID``, ``https://arxiv.org/abs/ID``,
  ``https://arxiv.org/pdf/ID[.pdf]`` or the DOI ``10.48550/arXiv.ID`` that
  arXiv registers with DataCite.

:func:`parse` returns an :class:`ArxivId`: the identifier without its
version (what ``eprint`` holds and what the DOI names) and the version asked
for, if any.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: The archives of the old scheme (arXiv's "Understanding the arXiv identifier"), including retired ones.
OLD_ARCHIVES = frozenset({
    "astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nlin", "nucl-ex",
    "nucl-th", "physics", "quant-ph", "math", "cs", "q-bio", "q-fin", "stat", "acc-phys", "adap-org",
    "alg-geom", "ao-sci", "atom-ph", "bayes-an", "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "dg-ga",
    "funct-an", "mtrl-th", "patt-sol", "plasm-ph", "q-alg", "solv-int", "supr-con",
})  # fmt: skip

#: arXiv's own DOI prefix (DataCite): ``10.48550/arXiv.2101.00001``.
DOI_PREFIX = "10.48550/arxiv."

_NEW = r"(?P<new>(?P<yymm>\d{4})\.(?P<number>\d{4,5}))"
_OLD = r"(?P<old>(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.(?P<subject>[A-Za-z]{2}))?/(?P<oldnum>\d{7}))"
_ID = re.compile(rf"^(?:{_NEW}|{_OLD})(?:v(?P<version>[1-9]\d{{0,3}}))?$", re.ASCII)
_PREFIXES = re.compile(
    r"^(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|(?:doi:\s*|(?:https?://)?"
    r"(?:dx\.)?doi\.org/)?10\.48550/arxiv\.)",
    re.IGNORECASE,
)


class ArxivId(NamedTuple):
    """An arXiv identifier: ``base`` without version (``2101.00001``, ``hep-th/9901001``), ``version`` or None."""

    base: str
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.base}v{self.version}" if self.version else self.base

    @property
    def doi(self) -> str:
        """The DataCite DOI arXiv registered for the work (lower case, as citetool keeps DOIs)."""
        return DOI_PREFIX + self.base.lower()

    @property
    def label(self) -> str:
        return f"arXiv:{self}"


def _valid(match: re.Match[str]) -> bool:
    if match["new"]:
        year, month = int(match["yymm"][:2]), int(match["yymm"][2:])
        if not 1 <= month <= 12 or (year, month) < (7, 4):
            return False
        return len(match["number"]) == (5 if year >= 15 else 4)
    if match["archive"] not in OLD_ARCHIVES:
        return False
    year, month = int(match["oldnum"][:2]), int(match["oldnum"][2:4])
    return 1 <= month <= 12 and (year >= 91 or year <= 7)


def without_prefix(text: str) -> str:
    """``text`` without ``arXiv:``, an arxiv.org or doi.org address, or arXiv's DOI prefix before the ID."""
    return _PREFIXES.sub("", text.strip().rstrip(".,;"), count=1).rstrip("/")


def impossible(text: str) -> str | None:
    """Why ``text``, shaped like a new-scheme arXiv ID (``YYMM.NNNNN``, any prefix), names none, or None when it
    is no such shape or a valid ID: such a one is a lookup that fails alone, not a typo that stops a batch."""
    match = _ID.match(without_prefix(text))
    if match is None or not match["new"] or _valid(match):
        return None
    year, month = int(match["yymm"][:2]), int(match["yymm"][2:])
    if not 1 <= month <= 12:
        return f"no month {month:02d} in {match['yymm']}"
    if (year, month) < (7, 4):
        return "the YYMM.NNNN scheme began in April 2007"
    digits = 5 if year >= 15 else 4
    return f"IDs of 20{year:02d} have {digits} digits after the dot, not {len(match['number'])}"


def parse(text: str) -> ArxivId | None:
    """The arXiv identifier ``text`` names, or None.

    A bare ``YYMM.NNNNN`` is taken as arXiv; without a prefix an old-scheme
    identifier must name a known archive, so a path like ``notes/1234567`` is not.
    """
    candidate = text.strip().rstrip(".,;")
    stripped = _PREFIXES.sub("", candidate, count=1)
    if stripped.lower().endswith(".pdf") and stripped != candidate:
        stripped = stripped[:-4]
    stripped = stripped.rstrip("/")
    # arXiv's subject classes are upper case (math.GT); archives and everything else are not case-sensitive.
    match = _ID.match(stripped)
    if match is None:
        lowered = re.sub(r"^[A-Za-z-]+", lambda m: m.group().lower(), stripped)
        match = _ID.match(lowered)
    if match is None or not _valid(match):
        return None
    version = int(match["version"]) if match["version"] else None
    if match["new"]:
        return ArxivId(match["new"], version)
    subject = f".{match['subject'].upper()}" if match["subject"] else ""
    return ArxivId(f"{match['archive']}{subject}/{match['oldnum']}", version)


def from_doi(doi: str) -> ArxivId | None:
    """The arXiv identifier of a ``10.48550/arXiv.*`` DOI (already normalised), or None."""
    if not doi.startswith(DOI_PREFIX):
        return None
    return parse(doi)
