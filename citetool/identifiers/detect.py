"""Which identifier a string is: the one place ``add`` decides what to look up, and where.

Tried in this order, the first that matches wins: an arXiv DOI
(``10.48550/arXiv.*``, which names an arXiv record), any other DOI, an arXiv
identifier, an ISBN, a PMID, a PMCID, and last a PDF file on disk (read for
the DOI or arXiv ID it prints).  Anything else is a :class:`UsageError`
(exit 2), raised before anything is fetched.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
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
    "impossible-arxiv": "arXiv:{value}",  # shaped like an arXiv ID that cannot exist: fails alone when looked up
}


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
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


#: Longer than any identifier (the longest registered DOIs are a few hundred characters).
MAX_LENGTH = 2048


def clean(text: str) -> str:
    """``text`` without the invisible characters a copy and paste brings along (zero-width spaces, a byte-order
    mark, soft hyphens, bidi marks: Unicode's format characters), white space trimmed; what is left is what
    is looked up, so a DOI with a zero-width space is the same DOI as without."""
    if text.isascii():
        return text.strip()
    return "".join(char for char in text if unicodedata.category(char) != "Cf").strip()


def parse(text: str) -> Identifier | None:
    """The identifier ``text`` is (not a PDF: see :func:`classify`), or None."""
    text = clean(text)
    if len(text) > MAX_LENGTH or any(char.isdigit() and not char.isascii() for char in text):
        return None  # two hundred lines of brackets, or digits of another script that no service reads as such
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
    try:  # opened without blocking and checked on the descriptor: a FIFO or a device is no PDF
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except (OSError, ValueError):
        return False
    try:
        return stat.S_ISREG(os.fstat(handle).st_mode) and os.read(handle, 1024).lstrip(
            b"\x00\t\n\r ").startswith(b"%PDF-")  # fmt: skip
    except OSError:
        return False
    finally:
        os.close(handle)


def classify(text: str) -> Identifier | Path:
    """The identifier ``text`` is, or the path of the PDF it names; :class:`UsageError` for anything else."""
    found = parse(text)
    if found is not None:
        return found
    text = clean(text)
    if len(text) > MAX_LENGTH:
        raise UsageError(f"not an identifier: {text[:40]!r}... ({len(text):,} characters; no identifier is that long)")
    if _CONTROL.search(text):
        raise UsageError(f"not an identifier: {text[:77]!r} (it holds control characters)")
    if is_pdf(text):
        return Path(text).expanduser()
    if arxiv.impossible(text) is not None:
        return Identifier("impossible-arxiv", arxiv.without_prefix(text))
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
