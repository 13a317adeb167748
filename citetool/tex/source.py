r"""A LaTeX document's source read as TeX reads it: where the citations are, and what is not code.

One pass over the text finds every citation command's keys (with their
exact spans, so a rename changes those characters and nothing else) and
every ``\input``-like command, the way TeX tokenises:

* ``%`` starts a comment unless it is a control symbol (``\%``); so in
  ``x\\% \cite{k}`` the ``\\`` is a line break and the rest is a comment;
* a key list may run over lines and hold comments (``\cite{a,% why⏎ b}``);
* text TeX never reads as citations is skipped and remembered as such:
  ``verbatim``-like and ``comment`` environments, ``\verb|...|``,
  ``\iffalse ... \fi``, and the bodies of macro definitions
  (``\newcommand``, ``\def`` ...), where a key is not a citation of the
  document but part of a definition.

Text is decoded from bytes so that every byte comes back unchanged
(:func:`decode`, :func:`encode`): Latin-1 files, CRLF line ends and stray
bytes included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Environments whose body TeX does not read as commands (or, for ``comment``, does not read at all).
VERBATIM_ENVIRONMENTS = frozenset({
    "verbatim", "verbatim*", "Verbatim", "Verbatim*", "BVerbatim", "LVerbatim", "lstlisting", "minted", "comment",
    "alltt", "filecontents", "filecontents*", "luacode", "luacode*", "pycode", "code", "spverbatim",
})  # fmt: skip
#: Commands that define macros or environments: their bodies are definitions, not the document's text.
DEFINITIONS = frozenset({
    "newcommand", "renewcommand", "providecommand", "DeclareRobustCommand", "def", "gdef", "edef", "xdef",
    "newenvironment", "renewenvironment", "NewDocumentCommand", "RenewDocumentCommand", "ProvideDocumentCommand",
    "DeclareDocumentCommand", "NewDocumentEnvironment", "RenewDocumentEnvironment", "NewExpandableDocumentCommand",
})  # fmt: skip
#: Citation commands whose argument is prose or a URL, not keys.
PROSE_CITES = frozenset({"citetext", "citeurl", "citeurldate", "citeauthorstyle"})
#: Commands that bring another file in: ``\input`` also takes TeX's brace-less form.
INCLUDES = frozenset({"input", "include", "subfile", "import", "subimport", "includefrom", "subincludefrom",
                      "inputfrom", "subinputfrom"})  # fmt: skip

_WORD = re.compile(r"[A-Za-z@]+\*?")
_SPACE = re.compile(r"[ \t\r\n]*")
_BARE_NAME = re.compile(r"[^\s{}%\\]+")
_KEY = re.compile(r"[^\s,{}%\\]+")
_IF = re.compile(r"\\(if[A-Za-z@]*|fi)(?![A-Za-z@])")


@dataclass(frozen=True)
class Key:
    """One key of a citation: its text and its span ``[start, end)`` in the source."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Citation:
    """A citation command (``cite``, ``textcite`` ...) and its keys, in order."""

    command: str
    start: int
    end: int
    keys: tuple[Key, ...]


@dataclass(frozen=True)
class Include:
    r"""A command that brings a file in: ``\input{name}`` (``folder`` for ``\import{folder}{name}``)."""

    command: str
    name: str
    folder: str | None
    start: int


@dataclass(frozen=True)
class Skipped:
    """A stretch TeX does not read as the document's citations: a comment, verbatim text, a definition."""

    kind: str  # "comment", "verbatim", "iffalse", "definition"
    start: int
    end: int


@dataclass
class Source:
    """What one pass over a document's text found."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def line_of(self, offset: int) -> int:
        """The 1-based line of character ``offset``."""
        return self.text.count("\n", 0, offset) + 1


def decode(data: bytes) -> str:
    """Text whose :func:`encode` gives back exactly ``data``: UTF-8, with any other byte kept as itself."""
    return data.decode("utf-8", errors="surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def is_binary(data: bytes) -> bool:
    """Whether ``data`` is no TeX source: NUL bytes, which no editor writes into a ``.tex`` file."""
    return b"\x00" in data[:1 << 20]


def is_citation(name: str) -> bool:
    """natbib's and biblatex's citation commands all have "cite" in their name (``\\Textcite``, ``\\nocite``)."""
    bare = name.rstrip("*")
    return "cite" in bare.lower() and bare not in PROSE_CITES


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.found = Source(text)
        self.pos = 0

    def run(self) -> Source:
        text = self.text
        length = len(text)
        while self.pos < length:
            next_special = _next_special(text, self.pos)
            if next_special < 0:
                break
            self.pos = next_special
            if text[self.pos] == "%":
                self.comment()
            else:
                self.command()
        return self.found

    # -- pieces ------------------------------------------------------------------------------------------

    def comment(self) -> None:
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        self.found.skipped.append(Skipped("comment", self.pos, end))
        self.pos = end

    def skip_space(self) -> None:
        """White space and comments, as between a command and its arguments."""
        while True:
            self.pos = _SPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text) and self.text[self.pos] == "%":
                self.comment()
                continue
            return

    def group(self) -> tuple[int, int] | None:
        """The span of the braced group at the cursor (after spaces and comments), cursor after it; comments
        inside are noted; braces preceded by a backslash do not count."""
        self.skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] != "{":
            return None
        start = self.pos
        depth = 0
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == "%":
                self.comment()
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return start, self.pos
            self.pos += 1
        return start, len(text)  # unbalanced: to the end, as TeX would run away

    def optional(self, opener: str, closer: str) -> bool:
        """Skip one ``[...]`` (or ``(...)``) argument at the cursor; whether there was one."""
        save = self.pos
        self.skip_space()
        if self.pos >= len(self.text) or self.text[self.pos] != opener:
            self.pos = save
            return False
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == closer and depth <= 0:
                self.pos += 1
                return True
            self.pos += 1
        return True

    def command(self) -> None:
        text = self.text
        start = self.pos
        match = _WORD.match(text, self.pos + 1)
        if match is None:  # a control symbol: \%, \\, \{ ... stands for itself
            self.pos += 2
            return
        name = match.group()
        self.pos = match.end()
        bare = name.rstrip("*")
        if bare == "begin":
            self.environment(start)
        elif bare == "verb":
            self.verb(start)
        elif bare == "iffalse":
            self.iffalse(start)
        elif bare in DEFINITIONS:
            self.definition(start, bare)
        elif bare in INCLUDES:
            self.include(start, bare)
        elif is_citation(name):
            self.citation(start, name)

    def environment(self, start: int) -> None:
        span = self.group()
        if span is None:
            return
        name = self.text[span[0] + 1 : span[1] - 1].strip()
        if name not in VERBATIM_ENVIRONMENTS:
            return
        end_tag = "\\end{" + name + "}"
        end = self.text.find(end_tag, self.pos)
        end = len(self.text) if end < 0 else end + len(end_tag)
        self.found.skipped.append(Skipped("verbatim", start, end))
        self.pos = end

    def verb(self, start: int) -> None:
        if self.pos >= len(self.text):
            return
        delimiter = self.text[self.pos]
        end = self.text.find(delimiter, self.pos + 1)
        newline = self.text.find("\n", self.pos + 1)
        if end < 0 or (0 <= newline < end):  # \verb ends at its line, as LaTeX insists
            end = newline if newline >= 0 else len(self.text) - 1
        self.found.skipped.append(Skipped("verbatim", start, end + 1))
        self.pos = end + 1

    def iffalse(self, start: int) -> None:
        depth = 1
        for match in _IF.finditer(self.text, self.pos):
            depth += -1 if match.group(1) == "fi" else 1
            if depth == 0:
                self.found.skipped.append(Skipped("iffalse", start, match.end()))
                self.pos = match.end()
                return
        self.found.skipped.append(Skipped("iffalse", start, len(self.text)))
        self.pos = len(self.text)

    def definition(self, start: int, name: str) -> None:
        """Skip a whole definition: the macro's name, its parameter text, and every braced body."""
        if name in ("def", "gdef", "edef", "xdef"):
            self.skip_space()
            macro = _WORD.match(self.text, self.pos + 1) if self.text.startswith("\\", self.pos) else None
            self.pos = macro.end() if macro is not None else self.pos + 1
            brace = self.text.find("{", self.pos)
            self.pos = brace if brace >= 0 else len(self.text)
            self.group()
        else:
            self.skip_space()
            if self.text.startswith("\\", self.pos):  # \newcommand\foo
                macro = _WORD.match(self.text, self.pos + 1)
                self.pos = macro.end() if macro is not None else self.pos + 2
            else:
                self.group()
            bodies = 0
            while bodies < 3:
                if self.optional("[", "]"):
                    continue
                if self.group() is None:
                    break
                bodies += 1
        self.found.skipped.append(Skipped("definition", start, self.pos))

    def include(self, start: int, name: str) -> None:
        first = self.group()
        if first is None:
            if name != "input":
                return
            self.skip_space()
            bare = _BARE_NAME.match(self.text, self.pos)  # TeX's own \input chapter
            if bare is None:
                return
            self.pos = bare.end()
            self.found.includes.append(Include(name, bare.group(), None, start))
            return
        argument = self.text[first[0] + 1 : first[1] - 1].strip()
        if name in ("import", "subimport", "includefrom", "subincludefrom", "inputfrom", "subinputfrom"):
            second = self.group()
            if second is not None:
                self.found.includes.append(Include(name, self.text[second[0] + 1 : second[1] - 1].strip(), argument,
                                                   start))  # fmt: skip
            return
        self.found.includes.append(Include(name, argument, None, start))

    def citation(self, start: int, name: str) -> None:
        keys: list[Key] = []
        several = name.rstrip("*").endswith("s")  # \cites, \parencites: key groups, each with its notes
        while True:
            if self.optional("[", "]") or self.optional("(", ")"):
                continue
            span = self.group()
            if span is None:
                break
            keys.extend(self.keys(span[0] + 1, span[1] - 1))
            if not several:
                break
        self.found.citations.append(Citation(name, start, self.pos, tuple(keys)))

    def keys(self, start: int, end: int) -> list[Key]:
        """The keys of a key list, comments inside it left out."""
        found: list[Key] = []
        position = start
        while position < end:
            char = self.text[position]
            if char == "%":
                newline = self.text.find("\n", position, end)
                position = end if newline < 0 else newline
                continue
            match = _KEY.match(self.text, position, end)
            if match is None:
                position += 1
                continue
            found.append(Key(match.group(), match.start(), match.end()))
            position = match.end()
        return found


_SPECIAL = re.compile(r"[\\%]")


def _next_special(text: str, position: int) -> int:
    match = _SPECIAL.search(text, position)
    return match.start() if match is not None else -1


def scan(text: str) -> Source:
    """Every citation, include and skipped stretch of ``text``, in one pass."""
    return _Scanner(text).run()
