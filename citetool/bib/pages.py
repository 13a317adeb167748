"""Page fields, read once: ranges, lists, e-locators, roman numerals and article numbers.

``515--537``, ``515-537`` and ``515–537`` are one range; ``12, 15--18`` is a
list; ``e33693``, ``96973B`` and ``i--ii`` are kept as written; a range whose
two ends are the same page (``20--20``) is that one page.  Writers take what
they need: CSL's ``515-537``, RIS's ``SP``/``EP``, BibTeX's ``515--537``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DASHES = re.compile(r"\s*(?:-+|–|—|‒|\u2212)\s*")
_RANGE = re.compile(r"^\s*([^\s\-–—]+)\s*(?:-+|–|—|‒|\u2212)\s*([^\s\-–—]+)\s*$")


@dataclass(frozen=True)
class Pages:
    """Page ranges as ``(first, last)`` pairs (``last`` None for one page), and the text as written."""

    ranges: tuple[tuple[str, str | None], ...]
    text: str

    @property
    def first(self) -> str:
        return self.ranges[0][0] if self.ranges else ""

    @property
    def last(self) -> str | None:
        """The last page of the last range, or None for a single page."""
        return self.ranges[-1][1] if self.ranges else None

    def joined(self, dash: str) -> str:
        """The ranges written with ``dash`` between first and last page, ``, `` between ranges."""
        return ", ".join(first if last is None else f"{first}{dash}{last}" for first, last in self.ranges)

    def csl(self) -> str:
        """CSL-JSON's ``page``: the pages as written, each range's dash a hyphen (which CSL processors format by
        the style); ``20--20`` stays ``20-20``, as citation-js and pandoc write it."""
        return _DASHES.sub("-", self.text)


def parse_pages(text: str) -> Pages | None:
    """The pages of a plain-text ``pages`` value; None for an empty one."""
    text = " ".join(text.split())
    if not text:
        return None
    ranges: list[tuple[str, str | None]] = []
    for piece in re.split(r"\s*[,;]\s*", text):
        if not piece:
            continue
        match = _RANGE.match(piece)
        if match and match.group(1) != match.group(2):
            ranges.append((match.group(1), match.group(2)))
        elif match:
            ranges.append((match.group(1), None))
        else:
            ranges.append((piece.strip(), None))
    return Pages(tuple(ranges), text)


def bibtex_range(text: str) -> str:
    """``515-537`` or ``515–537`` -> ``515--537``, for a single range in BibTeX source; anything else as is."""
    match = _RANGE.match(text)
    return f"{match.group(1)}--{match.group(2)}" if match else text
