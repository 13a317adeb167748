"""Key patterns (the ``key_format`` setting): JabRef's bracketed tokens, with modifiers.

A pattern is literal text and ``[token]`` or ``[token:modifier...]``, e.g.
``[auth:lower][year][veryshorttitle:lower]`` (citetool's own keys) or
``[auth][shortyear]_[shorttitle]``.  Tokens (:data:`TOKENS`) follow JabRef's
names and meanings; names and words are written in ASCII (``Müller`` ->
``Muller``) keeping their case, title words capitalised; modifiers ``lower``,
``upper`` and ``capitalize`` change the case.  Characters a key cannot hold
are dropped; a pattern that gives nothing gives ``anon``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from citetool.bib.keys import MAX_BASE, STOPWORDS, is_valid, title_words
from citetool.bib.latex import to_text
from citetool.bib.names import Name
from citetool.errors import ConfigError


@dataclass(frozen=True)
class KeyData:
    """What a key is made from: the creators (authors, else editors), the year and the title (LaTeX)."""

    names: list[Name]
    year: str
    title: str


def _ascii(text: str) -> str:
    from anyascii import anyascii

    return re.sub(r"[^A-Za-z0-9]+", "", str(anyascii(to_text(text))))


def _family(name: Name) -> str:
    if name.literal:
        words = _words(name.family)
        return words[0] if words else _ascii(name.family)
    return _ascii(name.family_text)


def _words(title: str) -> list[str]:
    """Significant title words, capitalised (``Embracing``, ``Taliban``), ASCII."""
    from anyascii import anyascii

    words = re.split(r"[^A-Za-z0-9]+", str(anyascii(title_words(title))))
    kept = [word for word in words if len(word) > 1 and not word.isdigit() and word.lower() not in STOPWORDS]
    return [word[:1].upper() + word[1:] for word in kept]


def _authors(data: KeyData, count: int | None) -> str:
    families = [part for part in (_family(name) for name in data.names) if part]
    if count is None or len(families) <= count:
        return "".join(families)
    return "".join(families[:count]) + "EtAl"


def _auth_et_al(data: KeyData) -> str:
    families = [part for part in (_family(name) for name in data.names) if part]
    if len(families) > 2:
        return families[0] + "EtAl"
    return "".join(families)


def _year(data: KeyData) -> str:
    match = re.search(r"\d{4}", data.year)
    return match.group() if match else ""


#: Token -> (what it gives, how it is made); a trailing number N is that token's count (``[auth3]``, ``[title2]``).
TOKENS: dict[str, tuple[str, Callable[[KeyData, int | None], str]]] = {
    "auth": ("the first author's family name (N: its first N letters)",
             lambda d, n: (_authors(d, 1).removesuffix("EtAl"))[: n or None]),
    "authors": ("every author's family name (N: the first N, then EtAl)", _authors),
    "authEtAl": ("one or two family names, or the first and EtAl", lambda d, n: _auth_et_al(d)),
    "authini": ("the first letter of each author's family name (N: of the first N)",
                lambda d, n: "".join(part[:1] for part in (_family(name) for name in d.names[: n or None]) if part)),
    "year": ("the four-digit year", lambda d, n: _year(d)),
    "shortyear": ("the year's last two digits", lambda d, n: _year(d)[2:]),
    "veryshorttitle": ("the first significant title word", lambda d, n: "".join(_words(d.title)[:1])),
    "shorttitle": ("the first three significant title words", lambda d, n: "".join(_words(d.title)[:3])),
    "title": ("every significant title word (N: the first N)", lambda d, n: "".join(_words(d.title)[: n or None])),
}  # fmt: skip

MODIFIERS: dict[str, Callable[[str], str]] = {
    "lower": str.lower, "upper": str.upper, "capitalize": lambda text: text[:1].upper() + text[1:],
}  # fmt: skip

_TOKEN = re.compile(r"\[([A-Za-z]+?)(\d*)((?::[a-z]+)*)\]")
_NOT_KEY = re.compile(r"[\s,{}()\"#%'=\\~$&<>^|`@]+")


@dataclass(frozen=True)
class KeyFormat:
    """A parsed pattern: apply it with :meth:`key`."""

    pattern: str

    @classmethod
    def parse(cls, pattern: str, source: str = "key_format") -> KeyFormat:
        """The pattern, checked: every token and modifier known; :class:`ConfigError` naming ``source`` else."""
        if not pattern.strip():
            raise ConfigError(f"{source}: the pattern is empty")
        for match in _TOKEN.finditer(pattern):
            name, modifiers = match.group(1), match.group(3)
            if name not in TOKENS:
                known = ", ".join(f"[{token}]" for token in TOKENS)
                raise ConfigError(f"{source} {pattern!r}: unknown token [{name}] (known: {known})")
            for modifier in filter(None, modifiers.split(":")):
                if modifier not in MODIFIERS:
                    raise ConfigError(f"{source} {pattern!r}: unknown modifier :{modifier} (known: lower, upper, "
                                      "capitalize)")  # fmt: skip
        rest = _TOKEN.sub("", pattern)
        if "[" in rest or "]" in rest:
            raise ConfigError(f"{source} {pattern!r}: a [ or ] that opens or closes no token")
        return cls(pattern)

    def key(self, data: KeyData) -> str:
        """The key the pattern gives for ``data`` (before a clash suffix)."""

        def token(match: re.Match[str]) -> str:
            name, number, modifiers = match.group(1), match.group(2), match.group(3)
            value = TOKENS[name][1](data, int(number) if number else None)
            for modifier in filter(None, modifiers.split(":")):
                value = MODIFIERS[modifier](value)
            return value

        key = _NOT_KEY.sub("", _TOKEN.sub(token, self.pattern))[:MAX_BASE]
        return key if key and is_valid(key) else "anon"


def base(names: list[Name], year: str | None, title: str | None, key_format: KeyFormat | None) -> str:
    """The key before a clash suffix: by ``key_format``, else by citetool's own rule (:func:`keys.base_key`)."""
    from citetool.bib.keys import base_key

    if key_format is None:
        return base_key(names, year, title)
    return key_format.key(KeyData(names[:50], year or "", (title or "")[:1000]))
