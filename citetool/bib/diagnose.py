"""Why an entry does not parse, said as the person fixing it needs it: which field, which line, what is wrong.

bibtexparser, the reference reader, only says that it gave up on a block
(and at which later line). A brace typo in a hand-edited library then reads
as "syntax error", or as "not in library" in a LaTeX build. This module
reads the broken entry again, field by field, the way BibTeX does, and
names the first thing that does not fit: a ``{`` or ``"`` never closed (and
the line where the next field seems to start instead), a ``}`` too many, a
missing ``,`` or ``=``, an entry with no closing brace.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: A line that starts a new block: a broken entry is read up to there, as bibtexparser cuts it off.
_NEXT_BLOCK = re.compile(r"\n[ \t]*@")
_TYPE = re.compile(r"@\s*([A-Za-z]\w*)\s*")
_KEY = re.compile(r"[^,\s{}()]*")
_NAME = re.compile(r"[^\s=,{}()\"#%]+")
_BARE = re.compile(r"[^\s,{}()\"#%=]+")
#: Inside a braced value, a new line that looks like the start of the next field (``  year = 2016,``).
_FIELD_LINE = re.compile(r"\n[ \t]*([A-Za-z][\w:.+-]*)[ \t]*=")
_FIELD_START = re.compile(r"([A-Za-z][\w:.+-]*)\s*=")


class _Stop(Exception):
    """The first thing wrong, as its message."""


class _Reader:
    def __init__(self, text: str, start: int, end: int, line: int) -> None:
        self.text, self.pos, self.end = text, start, end
        self.start, self.first_line = start, line
        self.suspect: str | None = None  # a value that ran over what looks like the next field

    def line(self, pos: int) -> int:
        return self.first_line + self.text.count("\n", self.start, pos)

    def space(self) -> None:
        while self.pos < self.end and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def at_end(self) -> bool:
        return self.pos >= self.end

    def where_end(self) -> str:
        if self.end < len(self.text):
            return f"before the next entry at line {self.line(self.end)}"
        return "before the end of the file"

    def _chars(self) -> Iterator[tuple[str, int]]:
        """Each character from the cursor to the block's end, with the brace depth once it is read; a backslash
        and the character after it are skipped.  The cursor stays on the character yielded."""
        depth = 0
        while self.pos < self.end:
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            depth += (char == "{") - (char == "}")
            yield char, depth
            self.pos += 1

    def braced(self, name: str) -> None:
        """A ``{...}`` value from the opening brace at ``pos``: balanced, backslash-escaped braces not counted."""
        opened = self.pos
        depth = 0
        for char, depth in self._chars():
            if char == "}" and depth == 0:
                self.pos += 1
                return
            if char == "\n" and self.suspect is None and depth >= 1:
                field = _FIELD_LINE.match(self.text, self.pos)
                if field:
                    self.suspect = (
                        f"field '{name}' (line {self.line(opened)}): {depth} '{{' not closed before line "
                        f"{self.line(self.pos + 1)}, where field '{field.group(1).lower()}' seems to start"
                    )
        raise _Stop(self.suspect or f"field '{name}' (line {self.line(opened)}): {depth} '{{' never closed "
                                    f"{self.where_end()}")  # fmt: skip

    def quoted(self, name: str) -> None:
        """A ``"..."`` value: it ends at a ``"`` outside braces."""
        opened = self.pos
        self.pos += 1
        for char, depth in self._chars():
            if char == '"' and depth == 0:
                self.pos += 1
                return
        raise _Stop(self.suspect or f"field '{name}' (line {self.line(opened)}): its '\"' is never closed "
                                    f"{self.where_end()}")  # fmt: skip

    def value(self, name: str, equals: int) -> None:
        while True:
            self.space()
            if self.at_end():
                raise _Stop(f"field '{name}' (line {self.line(equals)}): no value after '='")
            char = self.text[self.pos]
            if char == "{":
                self.braced(name)
            elif char == '"':
                self.quoted(name)
            else:
                bare = _BARE.match(self.text, self.pos, self.end)
                if bare is None or not bare.group():
                    raise _Stop(f"field '{name}' (line {self.line(equals)}): no value after '=' "
                                f"(found '{char}' at line {self.line(self.pos)})")  # fmt: skip
                self.pos = bare.end()
            self.space()
            if self.at_end() or self.text[self.pos] != "#":
                return
            self.pos += 1

    def after_value(self, name: str, char: str) -> str:
        """What is wrong when a value is followed by ``char`` instead of ``,`` or the entry's end."""
        where = f"line {self.line(self.pos)}"
        if char in "})":
            return f"a '{char}' at {where}, after field '{name}', closes nothing (one '{char}' too many)"
        field = _FIELD_START.match(self.text, self.pos, self.end)
        if field:
            return f"no ',' between field '{name}' and field '{field.group(1).lower()}' at {where}"
        word = self.text[self.pos : self.pos + 20].split()[0]
        return (f"text after the value of field '{name}': '{word}' at {where} (a ',' missing before it, or a '}}' "
                "too many in the value)")  # fmt: skip

    def entry(self) -> str | None:
        kind = _TYPE.match(self.text, self.pos, self.end)
        if kind is None or kind.group(1).lower() in ("comment", "string", "preamble"):
            return None  # not an entry: the parser's own words
        self.pos = kind.end()
        if self.at_end() or self.text[self.pos] not in "{(":
            return f"no '{{' after '@{kind.group(1)}'"
        closer = "}" if self.text[self.pos] == "{" else ")"
        self.pos += 1
        key = _KEY.match(self.text, self.pos, self.end)
        self.pos = key.end() if key else self.pos
        self.space()
        if self.at_end():
            return f"the key is not followed by ',' {self.where_end()}"
        if self.text[self.pos] == closer:
            return None
        if self.text[self.pos] != ",":
            return f"the key is not followed by ',' (found '{self.text[self.pos]}' at line {self.line(self.pos)})"
        self.pos += 1
        name = ""
        while True:
            self.space()
            if self.at_end():
                return self.suspect or f"the entry is not closed: no '{closer}' {self.where_end()}"
            char = self.text[self.pos]
            if char == closer:
                return None  # read to its end: what bibtexparser disliked is not a brace or comma typo
            if char == ",":
                self.pos += 1
                continue
            if name:
                return self.suspect or self.after_value(name, char)
            found = _NAME.match(self.text, self.pos, self.end)
            if found is None:
                return f"'{char}' at line {self.line(self.pos)}, where a field name should be"
            name = found.group().lower()
            self.pos = found.end()
            self.space()
            if self.at_end() or self.text[self.pos] != "=":
                return f"field '{name}' (line {self.line(found.start())}): no '=' after its name"
            equals = self.pos
            self.pos += 1
            self.value(name, equals)
            self.space()
            if not self.at_end() and self.text[self.pos] == ",":
                self.pos += 1
                name = ""


def diagnose(text: str, start: int, line: int) -> str | None:
    """What is wrong with the entry that starts at ``text[start]`` (on ``line``), or None when it reads to its
    end (then the caller says what the parser said)."""
    cut = _NEXT_BLOCK.search(text, start + 1)
    reader = _Reader(text, start, cut.start() + 1 if cut else len(text), line)
    try:
        return reader.entry()
    except _Stop as stop:
        return str(stop)
