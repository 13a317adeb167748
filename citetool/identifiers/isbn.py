"""ISBN recognition: ISBN-10 and ISBN-13, hyphens and spaces allowed, check digit validated.

Every ISBN is kept as its ISBN-13 (what ``isbn`` fields get); :func:`forms`
gives both spellings, so that an entry holding either is found.
"""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^(?:isbn(?:-1[03])?:?\s*|urn:isbn:)", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013]")


def _check10(digits: str) -> bool:
    total = sum((10 - index) * (10 if char in "Xx" else int(char)) for index, char in enumerate(digits))
    return total % 11 == 0


def _check13(digits: str) -> bool:
    total = sum(int(char) * (3 if index % 2 else 1) for index, char in enumerate(digits))
    return total % 10 == 0


def to13(isbn10: str) -> str:
    """The ISBN-13 of a (valid) ISBN-10: ``978`` before it, the check digit computed again."""
    core = "978" + isbn10[:9]
    check = (10 - sum(int(char) * (3 if index % 2 else 1) for index, char in enumerate(core)) % 10) % 10
    return core + str(check)


def to10(isbn13: str) -> str | None:
    """The ISBN-10 of a ``978`` ISBN-13; None for ``979`` ones, which have none."""
    if not isbn13.startswith("978"):
        return None
    core = isbn13[3:12]
    check = (11 - sum((10 - index) * int(char) for index, char in enumerate(core)) % 11) % 11
    return core + ("X" if check == 10 else str(check))


def parse(text: str, prefixed_only: bool = False) -> str | None:
    """The ISBN-13 that ``text`` spells (ISBN-10 or ISBN-13, check digit right), or None.

    With ``prefixed_only``, only text with an ``isbn:`` prefix counts.
    """
    candidate = text.strip().rstrip(".,;")
    stripped = _PREFIX.sub("", candidate, count=1)
    if prefixed_only and stripped == candidate:
        return None
    digits = _SEPARATORS.sub("", stripped)
    if re.fullmatch(r"\d{9}[\dXx]", digits, re.ASCII) and _check10(digits):
        return to13(digits.upper())
    if re.fullmatch(r"97[89]\d{10}", digits, re.ASCII) and _check13(digits):
        return digits
    return None


def forms(isbn13: str) -> set[str]:
    """Both spellings of an ISBN, without separators: its ISBN-13 and, for ``978``, its ISBN-10."""
    ten = to10(isbn13)
    return {isbn13, ten} if ten else {isbn13}


def in_field(value: str) -> set[str]:
    """Every valid ISBN in an ``isbn`` field's text (``978-..., 0-19-...`` lists), as ISBN-13s."""
    found = set()
    for part in re.split(r"[,;/]|\s(?=[\dXx]{10}\b|97[89])", value):
        isbn = parse(part)
        if isbn is not None:
            found.add(isbn)
    return found
