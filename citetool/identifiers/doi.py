"""DOI recognition and normalisation.

People paste DOIs in many shapes: bare, with a ``doi:`` prefix, as
``https://doi.org/...`` or ``http://dx.doi.org/...`` links, percent-encoded,
with surrounding whitespace or the full stop of the sentence they came from.
:func:`normalize` turns each into one canonical form: the bare DOI in lower
case (DOIs are case-insensitive).  ``normalize(normalize(x)) == normalize(x)``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from citetool.errors import UsageError

_PREFIX = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/|urn:doi:)", re.IGNORECASE)
# Any printable character but braces and backslashes, which no BibTeX value could hold as they are.
_SHAPE = re.compile(r"^10\.[0-9]{4,9}/[^\s{}\\\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+$")
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_TRAILING = ".,;:'\""
_PAIRS = {")": "(", "]": "[", ">": "<", "}": "{"}
_OPENERS = {opener: closer for closer, opener in _PAIRS.items()}


def _strip_trailing(text: str) -> str:
    """Drop sentence punctuation, and brackets or quotes that have no partner in the DOI."""
    while text and (text[0] in "'\"" or (text[0] in _OPENERS and text.count(text[0]) > text.count(_OPENERS[text[0]]))):
        text = text[1:]
    while text:
        last = text[-1]
        if last in _TRAILING or (last in _PAIRS and text.count(last) > text.count(_PAIRS[last])):
            text = text[:-1]
        else:
            break
    return text


def parse(text: str) -> str | None:
    """Return the canonical DOI in ``text``, or None if it is not a DOI.

    Invisible characters (zero-width spaces, a byte-order mark, soft hyphens: Unicode's format characters) are
    dropped first: pasted along with a DOI, they would otherwise make it another DOI.
    """
    candidate = text.strip() if text.isascii() else _INVISIBLE.sub("", text).strip()
    for _ in range(3):  # a prefix inside a percent-encoded link needs a second pass
        candidate = _PREFIX.sub("", candidate).strip()
        if _PERCENT.search(candidate):
            candidate = unquote(candidate)
        else:
            break
    candidate = _strip_trailing(candidate.strip())
    while candidate[:1] in _OPENERS and candidate.endswith(_OPENERS[candidate[:1]]):
        candidate = _strip_trailing(candidate[1:-1])  # "(10.1234/x)." wrapped whole
    candidate = candidate.lower()
    if not _SHAPE.match(candidate):
        return None
    return candidate


def normalize(text: str) -> str:
    """Return the canonical DOI, or raise :class:`UsageError` naming the input."""
    doi = parse(text)
    if doi is None:
        raise UsageError(f"not a DOI: {text.strip()!r} (expected something like 10.1177/23477970251383994)")
    return doi


def url_path(doi: str) -> str:
    """The DOI encoded for one URL path segment, so ``#``, ``?`` and ``;`` survive."""
    return quote(doi, safe="")


def from_url(url: str) -> str | None:
    """The DOI that a doi.org link points at, if ``url`` is one."""
    if not re.match(r"^(?:https?://)?(?:dx\.|www\.)?doi\.org/", url.strip(), re.IGNORECASE):
        return None
    return parse(url)
