"""Which identifier a string is: the one place ``add`` decides what to look up, and where.

Tried in this order, the first that matches wins: an arXiv DOI
(``10.48550/arXiv.*``, which names an arXiv record), any other DOI, an arXiv
identifier, an ISBN, a PMID, a PMCID, and last a PDF file on disk (read for
the DOI or arXiv ID it prints).  Anything else is a :class:`UsageError`
(exit 2), raised before anything is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from citetool.errors import UsageError
from citetool.identifiers import arxiv, doi, isbn, pubmed

#: Kinds of identifier, in the order they are tried, and how a message names one.
KINDS: dict[str, str] = {
    "doi": "{value}",
    "arxiv": "arXiv:{value}",
    "isbn": "ISBN {value}",
    "pmid": "PMID {value}",
    "pmcid": "{value}",
}


#: What only a DOI starts with: such text that is no valid DOI is reported as "not a DOI".
_LOOKS_LIKE_DOI = re.compile(r"^(?:doi:|urn:doi:|(?:https?://)?(?:dx\.|www\.)?doi\.org/|10\.\d)", re.IGNORECASE)


@dataclass(frozen=True)
class Identifier:
    """A recognised identifier: ``kind`` (a key of :data:`KINDS`) and its canonical ``value``.

    ``value`` is the lower-case DOI, the arXiv ID with its version if one was
    given, the ISBN-13, the PMID's digits, or ``PMC`` and digits.
    """

    kind: str
    value: str

    @property
    def label(self) -> str:
        return KINDS[self.kind].format(value=self.value)

    def __str__(self) -> str:
        return self.label


def parse(text: str) -> Identifier | None:
    """The identifier ``text`` is (not a PDF: see :func:`classify`), or None."""
    found = doi.parse(text)
    if found is not None:
        preprint = arxiv.from_doi(found)
        return Identifier("arxiv", str(preprint)) if preprint is not None else Identifier("doi", found)
    preprint = arxiv.parse(text)
    if preprint is not None:
        return Identifier("arxiv", str(preprint))
    book = isbn.parse(text)
    if book is not None:
        return Identifier("isbn", book)
    pmid = pubmed.parse_pmid(text)
    if pmid is not None:
        return Identifier("pmid", pmid)
    pmcid = pubmed.parse_pmcid(text)
    if pmcid is not None:
        return Identifier("pmcid", pmcid)
    return None


def is_pdf(text: str) -> bool:
    """Whether ``text`` names a file that starts like a PDF (``%PDF-``), whatever its name."""
    path = Path(text).expanduser()
    try:
        with path.open("rb") as handle:
            return handle.read(1024).lstrip(b"\x00\t\n\r ").startswith(b"%PDF-")
    except OSError:
        return False


def classify(text: str) -> Identifier | Path:
    """The identifier ``text`` is, or the path of the PDF it names; :class:`UsageError` for anything else."""
    found = parse(text)
    if found is not None:
        return found
    if is_pdf(text):
        return Path(text).expanduser()
    if _LOOKS_LIKE_DOI.match(text.strip()):
        doi.normalize(text)  # raises, saying what a DOI looks like
    shown = text.strip()
    if len(shown) > 80:
        shown = shown[:77] + "..."
    if shown.lower().endswith(".pdf"):
        raise UsageError(f"{shown!r}: no such PDF file (or it is not a PDF)")
    raise UsageError(
        f"not an identifier: {shown!r} (expected a DOI, an arXiv ID, an ISBN, pmid:N, PMCN or a PDF file)"
    )
