"""Crossref and doi.org: the HTTP client, its limits, the record cache, and the mapping to BibTeX.

``client`` talks HTTP; ``records`` caches raw records per DOI; ``mapping``
turns a record into a BibTeX entry; ``markup`` turns Crossref's HTML/JATS
strings into LaTeX.
"""
