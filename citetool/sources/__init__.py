"""Metadata services beyond Crossref: arXiv, Open Library, Google Books, PubMed and PMC, and PDFs.

Each service's module asks it (over :mod:`citetool.net.http`) and reads its
replies into records (CSL-JSON, :mod:`citetool.sources.csl`); ``cache`` keeps
them per identifier; ``entries`` turns them into BibTeX entries through the
Crossref mapping; ``xml`` and ``pdf`` wrap defusedxml and pypdf.
"""
