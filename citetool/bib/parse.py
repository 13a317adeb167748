"""BibTeX text to a :class:`~citetool.bib.blocks.Document`: the fast scanner, else bibtexparser."""

from __future__ import annotations

from citetool.bib.blocks import Document


def parse(text: str) -> Document:
    """Split ``text`` (already decoded, without a BOM) into a :class:`Document`.

    citetool's own scanner (:mod:`citetool.bib.scanner`) reads well-formed files;
    whatever it is not sure of, bibtexparser's splitter reads, and reports.
    """
    from citetool.bib import scanner, splitter

    document = scanner.scan(text)
    return document if document is not None else splitter.split_with_bibtexparser(text)
