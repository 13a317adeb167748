"""Citation keys: ``<family><year><first significant title word>``.

``belousova2025embracing``.  Names and words are folded to ASCII
(transliterating non-Latin scripts), lower-cased and stripped of everything
but letters and digits.  An organisation contributes the first significant
word of its name; with no author the title supplies both parts; a missing
year is left out.  A key already taken gets ``a``, ``b``, ``c`` ... appended.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

from citetool.bib.latex import to_text
from citetool.bib.names import Name
from citetool.errors import UsageError

#: Words that never make a key (English and the commonest articles of other languages).
STOPWORDS = frozenset(
    (
        "a an the and or but nor of on in at to for from by with without into onto over under about "
        "as is are was were be been its it this that these those via vs versus toward towards upon "
        "der die das des dem den ein eine einer und zur zum im am von "
        "le la les l un une du de et en au aux el los las lo y del il gli i e di da "
        "o os um uma do dos das"
    ).split()
)

#: The mark a publisher puts before the title of a paper it took back (``RETRACTED: Ileal-lymphoid ...``): the
#: paper's key is made from its own words.
_NOTICE_MARK = re.compile(r"^\W*(?:retracted|withdrawn|removed)(?:\s+article)?\s*[:.]\s*", re.IGNORECASE)


def title_words(title: str) -> str:
    """The plain text of ``title`` that keys are made from: without a leading ``RETRACTED:`` mark."""
    return _NOTICE_MARK.sub("", to_text(title), count=1)


#: Keys BibTeX accepts, less what breaks LaTeX's \\cite or an HTML id (``$ & < > ^ |``), at most 100 characters.
_VALID_KEY = re.compile(r"^(?!@)[^\s,{}()\"#%'=\\~$&<>^|`]{1,100}$")
#: What ``--key`` accepts: the letters, digits and punctuation its message names.
_CHOSEN_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-:./+]{0,99}$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
#: The longest key citetool makes before a clash suffix: room is left for ``a``, ``b`` ... within 100.
MAX_BASE = 90
#: The most of a name or a title that a key is made from (a record may hold a megabyte of title).
_SOURCE = 1000


def fold(text: str) -> str:
    """ASCII, lower case, letters and digits only (``Müller`` -> ``muller``, ``王`` -> ``wang``)."""
    from anyascii import anyascii

    return _NON_ALNUM.sub("", str(anyascii(text)).lower())


def significant_words(title: str) -> list[str]:
    """Folded title words that are not stopwords, numbers or single letters."""
    from anyascii import anyascii

    words = re.split(r"[^a-z0-9]+", str(anyascii(title_words(title))).lower())
    return [word for word in words if len(word) > 1 and not word.isdigit() and word not in STOPWORDS]


def _name_part(name: Name) -> str:
    if name.literal:
        words = significant_words(name.family)
        return words[0] if words else fold(name.family)
    return fold(name.family_text)


def base_key(names: list[Name], year: str | None, title: str | None) -> str:
    """The key before clash suffixes, at most :data:`MAX_BASE` characters."""
    words = significant_words((title or "")[:_SOURCE])
    name = next((part for part in (_name_part(n) for n in names[:50]) if part), "")[:40]
    if not name:
        name, words = (words[0][:40], words[1:]) if words else ("anon", [])
    year_part = fold(year or "")[:4] if year and fold(year)[:4].isdigit() else ""
    return (name + year_part + (words[0] if words else ""))[:MAX_BASE]


class Caseless(set[str]):
    """Keys taken, compared as BibTeX compares them: without case (``Smith2020`` is ``smith2020``)."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        super().__init__(key.lower() for key in keys)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def add(self, key: str) -> None:
        super().add(key.lower())


def unique_key(base: str, taken: Container[str]) -> str:
    """``base``, or ``base`` + a, b, ..., z, aa, ab ... whichever is free first."""
    if base not in taken:
        return base
    index = 0
    while True:
        suffix = ""
        number = index
        while True:
            suffix = chr(ord("a") + number % 26) + suffix
            number = number // 26 - 1
            if number < 0:
                break
        if base + suffix not in taken:
            return base + suffix
        index += 1


def is_valid(key: str) -> bool:
    """Whether BibTeX accepts ``key`` as a citation key."""
    return bool(_VALID_KEY.match(key))


def validate(key: str) -> str:
    """Return ``key`` if BibTeX accepts it as a citation key, else raise :class:`UsageError`."""
    if not _CHOSEN_KEY.match(key):
        shown = key if len(key) <= 40 else key[:40] + "..."
        raise UsageError(
            f"invalid citation key {shown!r}: use ASCII letters, digits and - _ : . / + only (starting with a letter "
            "or digit, at most 100 characters)"
        )
    return key
