"""PubMed and PubMed Central identifiers: ``pmid:12345678``, ``PMID: 12345678``, ``PMC1234567`` and their URLs.

A bare number is never taken for a PMID: it could as well be a page, a
year or an ISBN typed without hyphens, so a PMID needs its prefix or its
URL.  PMCIDs carry their own ``PMC``.
"""

from __future__ import annotations

import re

_PMID = re.compile(
    r"^(?:pmid:?\s*|(?:https?://)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/))"
    r"(?P<id>[1-9]\d{0,8})/?(?:[?#].*)?$",
    re.IGNORECASE | re.ASCII,
)
_PMCID = re.compile(
    r"^(?:pmcid:?\s*)?(?:(?:https?://)?(?:(?:www\.)?ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/"
    r"articles/|(?:www\.)?europepmc\.org/article/pmc/))?(?:pmc)(?P<id>[1-9]\d{0,8})/?(?:[?#].*)?$",
    re.IGNORECASE | re.ASCII,
)


def parse_pmid(text: str) -> str | None:
    """The PMID (digits) that ``text`` names with a prefix or a PubMed URL, or None."""
    match = _PMID.match(text.strip().rstrip(".,;"))
    return match["id"] if match else None


def parse_pmcid(text: str) -> str | None:
    """The PMCID (``PMC`` and digits) that ``text`` names, or None."""
    match = _PMCID.match(text.strip().rstrip(".,;"))
    return f"PMC{match['id']}" if match else None
