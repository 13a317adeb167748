"""The identifier a PDF names (pypdf, the one module that reads PDFs): its DOI or its arXiv ID.

Looked for, in this order: the document information and XMP metadata
(``/doi``, ``prism:doi``, ``dc:identifier``, a ``doi:`` in the subject or
title), then the text of the first pages, where an arXiv preprint carries
its stamp (``arXiv:2101.00001v2 [cs.CL] 1 Jan 2021``) and a published
article its DOI.  On a page, an arXiv stamp wins over a DOI, since a
preprint's first page may cite DOIs of other works.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from citetool.errors import UsageError
from citetool.identifiers import arxiv, doi
from citetool.identifiers.detect import Identifier

#: How many pages are read for an identifier.
PAGES = 2
_DOI_TEXT = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")
_ARXIV_TEXT = re.compile(
    r"arXiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)", re.IGNORECASE
)
_METADATA_KEYS = ("/doi", "/DOI", "/prism:doi", "/Subject", "/Title", "/Keywords", "/WPS-ARTICLEDOI")


def _from_text(text: str, prefer_arxiv: bool = True) -> Identifier | None:
    stamp = next((found for match in _ARXIV_TEXT.finditer(text) if (found := arxiv.parse(match.group(1)))), None)
    if stamp is not None and prefer_arxiv:
        return Identifier("arxiv", str(stamp))
    for match in _DOI_TEXT.finditer(text):
        named = doi.parse(match.group())
        if named is not None:
            preprint = arxiv.from_doi(named)
            return Identifier("arxiv", str(preprint)) if preprint else Identifier("doi", named)
    return Identifier("arxiv", str(stamp)) if stamp is not None else None


def identifier_of(path: Path) -> Identifier:
    """The DOI or arXiv ID that the PDF at ``path`` names; :class:`UsageError` if it names none or is unreadable."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF's warnings are not ours to print
    try:
        reader = PdfReader(str(path), strict=False)
        metadata: Any = reader.metadata or {}
        values = [str(metadata.get(name) or "") for name in _METADATA_KEYS]
        xmp = reader.xmp_metadata
        if xmp is not None:
            values.extend(str(value) for value in (xmp.dc_identifier or "", getattr(xmp, "prism_doi", "") or ""))
        found = _from_text(" ".join(values), prefer_arxiv=False)
        if found is not None:
            return found
        text = " ".join(reader.pages[index].extract_text() or "" for index in range(min(PAGES, len(reader.pages))))
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            ZeroDivisionError, AssertionError) as exc:  # fmt: skip
        raise UsageError(f"{path}: not a PDF citetool can read ({type(exc).__name__})") from exc
    found = _from_text(text)
    if found is None:
        raise UsageError(f"{path}: the PDF names no DOI or arXiv ID in its metadata or first {PAGES} pages; "
                         "add it by its identifier instead")  # fmt: skip
    return found
