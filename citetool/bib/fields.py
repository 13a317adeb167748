"""What BibTeX fields are, as data: which hold identifiers and paths, which name a venue.

One list of verbatim fields: they are never read as LaTeX (``pdf =
{papers/smith~2020--draft.pdf}`` keeps its tilde and both hyphens) and never
converted to LaTeX for classic BibTeX.
"""

from __future__ import annotations

#: Fields whose values are identifiers, paths or keys, not LaTeX text: shown and exported as written.
VERBATIM_FIELDS = frozenset({
    "doi", "url", "eprint", "file", "pdf", "isbn", "issn", "pmid", "pmcid", "urldate", "eprinttype",
    "eprintclass", "archiveprefix", "primaryclass", "arxivid", "mrnumber", "zblnumber", "lccn", "oclc",
    "ids", "crossref", "xref", "xdata", "related", "entryset", "langid", "hyphenation", "verba", "verbb",
    "verbc", "bdsk-url-1", "bdsk-url-2", "bdsk-file-1", "local-url", "ee", "biburl", "bibsource", "timestamp",
})  # fmt: skip

#: Fields that name where a work appeared, in order of preference.
VENUE_FIELDS = (
    "journal", "journaltitle", "booktitle", "series", "publisher", "school", "institution", "howpublished",
    "organization",
)  # fmt: skip
