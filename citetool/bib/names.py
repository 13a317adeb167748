"""BibTeX name lists: ``Family, Given and Given Family and {Organisation}``.

Follows BibTeX's rules: names are separated by ``and`` at brace depth 0; a
name is ``First von Last``, ``von Last, First`` or ``von Last, Jr, First``;
a name wrapped whole in braces is a literal (an organisation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citetool.bib.latex import to_text

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    """One person or organisation, each part still LaTeX source."""

    family: str
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: bool = False

    @property
    def family_text(self) -> str:
        return to_text(f"{self.particle} {self.family}" if self.particle else self.family)

    @property
    def given_text(self) -> str:
        return to_text(self.given)

    def display(self) -> str:
        """``Given Family`` (or the organisation) as plain text."""
        if self.literal or not self.given:
            return self.family_text
        suffix = f", {to_text(self.suffix)}" if self.suffix else ""
        return f"{self.given_text} {self.family_text}{suffix}"

    def inverted(self) -> str:
        """``Family, Suffix, Given`` as plain text (RIS and similar)."""
        parts = [self.family_text]
        if self.suffix:
            parts.append(to_text(self.suffix))
        if self.given:
            parts.append(self.given_text)
        return ", ".join(parts)


def _split_top(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split at matches of ``separator`` that lie at brace depth 0."""
    if "{" not in text:  # the common case, and much faster than the scan below
        return [piece.strip() for piece in separator.split(text)]
    pieces: list[str] = []
    depth, start = 0, 0
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            match = separator.match(text, pos)
            if match and match.end() > pos:
                pieces.append(text[start:pos])
                start = pos = match.end()
                continue
        pos += 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces]


_COMMA = re.compile(r",")
# BibTeX separates the words of a name at white space and at ties (an unescaped ``~``).
_SPACE = re.compile(r"(?:\s|(?<!\\)~)+")


def _words(text: str) -> list[str]:
    """The words of ``text``: split at white space and ties at brace depth 0."""
    if "{" not in text:
        # The common case: str.split splits at exactly what \s+ matches, and is much faster.
        return text.split() if "~" not in text else [word for word in _SPACE.split(text) if word]
    return [word for word in _split_top(text, _SPACE) if word]


def _case(word: str) -> int:
    """BibTeX's case of a name word: 1 upper, 0 lower, -1 caseless.

    The first letter at brace depth 0 decides; a special character (a brace
    group that starts with a backslash, ``{\\'E}douard``) counts as its first
    letter after the command; any other brace group is skipped.
    """
    depth = 0
    position = 0
    while position < len(word):
        char = word[position]
        if char == "\\":
            escaped = word[position + 1 : position + 2]
            if depth == 0 and escaped.isalpha():
                return 1 if escaped.isupper() else 0
            position += 2
            continue
        if char == "{":
            if depth == 0 and word[position + 1 : position + 2] == "\\":
                # A special character decides the word's case, caseless if it holds no letter ({\\I}lhan is
                # no particle): bibtex.web's von_token_found returns at its end.
                return _special_case(word, position + 1)
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and char.isalpha():
            return 1 if char.isupper() else 0
        position += 1
    return -1


#: Special characters whose case is the command's own (BibTeX's ``von_token_found``): ``{\\L}ukasz`` is upper case.
_UPPER_SPECIALS = frozenset({"OE", "AE", "AA", "O", "L"})
_LOWER_SPECIALS = frozenset({"oe", "ae", "aa", "o", "l", "i", "j", "ss"})


def _special_case(word: str, start: int) -> int:
    """The case of the special character whose backslash is at ``start``: the command's own for BibTeX's
    letters (``\\L``, ``\\ss``), else its first letter after the command."""
    position = start + 1
    while position < len(word) and word[position].isalpha():  # the command's name
        position += 1
    command = word[start + 1 : position]
    if command in _UPPER_SPECIALS:
        return 1
    if command in _LOWER_SPECIALS:
        return 0
    depth = 1
    for char in word[position:]:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                break
        elif char.isalpha():
            return 1 if char.isupper() else 0
    return -1


def _is_lower(word: str) -> bool:
    """BibTeX's von test."""
    return _case(word) == 0


def _wrapped_whole(text: str) -> bool:
    """True for ``{...}`` where the first brace closes at the very end."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for pos, char in enumerate(text):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return pos == len(text) - 1
    return False


def parse_name(text: str) -> Name:
    """Parse one BibTeX name."""
    text = text.strip().rstrip(",")
    if _wrapped_whole(text):
        return Name(family=text[1:-1].strip(), literal=True)
    parts = _split_top(text, _COMMA)
    if len(parts) == 1:
        words = _words(parts[0])
        if not words:
            return Name(family="")
        if len(words) == 1:
            return Name(family=words[0])
        head = words[:-1]
        lower = [index for index, word in enumerate(head) if _is_lower(word)]
        if not lower:
            return Name(family=words[-1], given=" ".join(head))
        # The von part runs from the first lower-case word to the last one; what follows is the Last part.
        first_von, last_von = lower[0], lower[-1]
        given = " ".join(head[:first_von])
        particle = " ".join(head[first_von : last_von + 1])
        family = " ".join(words[last_von + 1 :])
        return Name(family=family, given=given, particle=particle)
    von_last = _words(parts[0])
    lower = [index for index, word in enumerate(von_last[:-1]) if _is_lower(word)]
    # With a comma, von is everything up to the last lower-case word (BibTeX's rule: "Smith de Jones, Z.").
    split = lower[-1] + 1 if lower else 0
    particle_words = von_last[:split]
    family = " ".join(von_last[split:])
    if len(parts) == 2:
        return Name(family=family, given=parts[1], particle=" ".join(particle_words))
    return Name(family=family, given=parts[2], particle=" ".join(particle_words), suffix=parts[1])


def parse_names(text: str) -> list[Name]:
    """Parse a BibTeX ``author`` or ``editor`` field into names."""
    if not text.strip():
        return []
    return [parse_name(piece) for piece in _split_top(text, _AND) if piece]


def first_name(text: str) -> Name | None:
    """The first name of a BibTeX ``author`` or ``editor`` field (the others left unparsed), if any."""
    return next((parse_name(piece) for piece in _split_top(text, _AND) if piece), None) if text.strip() else None


_NAME_SYNTAX = re.compile(r",|\band\b", re.IGNORECASE)


def _protect(part: str) -> str:
    """Brace a name part holding a comma or the word "and", which BibTeX would split on."""
    return "{" + part + "}" if _NAME_SYNTAX.search(part) else part


def _family(family: str) -> str:
    """A family name as BibTeX must see it: braced when it holds a comma or "and", or lower-case words BibTeX
    would take for a particle (``{van de Pol}``, a family name of three words with no particle)."""
    words = _words(family)
    if len(words) > 1 and any(_is_lower(word) for word in words[:-1]) and not _wrapped_whole(family):
        return "{" + family + "}"
    return _protect(family)


def format_name(name: Name) -> str:
    """A name written back as BibTeX: ``von Family, Jr., Given`` or ``{Organisation}``."""
    if name.literal:
        return "{" + name.family + "}"
    family = _family(name.family)
    if name.particle:
        family = f"{_protect(name.particle)} {family}"
    if name.suffix:
        return f"{family}, {_protect(name.suffix)}, {_protect(name.given)}"
    return f"{family}, {_protect(name.given)}" if name.given else family


def short_authors(names: list[Name], limit: int = 2) -> str:
    """``Family`` / ``Family and Family`` / ``Family et al.`` for tables."""
    families = [name.family_text for name in names]
    if not families:
        return ""
    if len(families) <= limit:
        return " and ".join(families)
    return f"{families[0]} et al."
