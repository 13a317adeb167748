"""citetool's own BibTeX scanner: the fast path for well-formed files.

bibtexparser's splitter steps through every brace, quote, comma, ``=`` and
newline of the file in Python; on a 16,000-entry library that is most of the
time any command takes.  This scanner matches whole fields with compiled
regular expressions instead (possessive quantifiers, so no backtracking) and
slices values straight out of the text.

It follows bibtexparser 2's splitting rules exactly, so that both give the
same blocks, keys, fields and values:

* a block starts at ``@type`` followed by ``{`` (anywhere outside a block);
  ``@comment...``, ``@preamble...`` and ``@string...`` are told apart by
  prefix, as bibtexparser does;
* ``{``, ``}``, ``"``, ``,`` and ``=`` preceded by a backslash do not count;
* inside ``"..."`` braces do not count; inside ``{...}`` quotes do not count;
* a value ends at the first ``,`` or ``}`` outside braces and quotes.

Blocks may be delimited by ``{...}`` or ``(...)``, each with bibtexparser's
rules for it.  Whatever the scanner is not sure of (nesting deeper than
:data:`MAX_DEPTH`, anything bibtexparser would report as a syntax error, a
block start at the beginning of a line inside a block), it does not guess:
:func:`scan` returns None and the caller hands the whole file to
bibtexparser, whose error reports citetool relies on.  A test checks that
both agree on every corpus file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from citetool.bib.blocks import Block, Document, Problem, add_string, entry_block, field_problem
from citetool.bib.entry import Entry, Literal, Value, ValueSyntaxError

#: Brace nesting the patterns follow; deeper values go to bibtexparser.
MAX_DEPTH = 12

_BLOCK_START = re.compile(r"@\w*[ \t]*(?=[{(])")
# bibtexparser gives up on a block when a new one starts at the beginning of a line inside it.
_BLOCK_START_AT_LINE_START = re.compile(r"\n[^\S\n]*@\w*[ \t]*[{(]")


def _braced(depth: int) -> str:
    """A ``{...}`` group with balanced (unescaped) braces nested up to ``depth`` levels."""
    group = r"\{(?:[^{}\\]++|\\[{}]?)*+\}"
    for _ in range(depth - 1):
        group = r"\{(?:[^{}\\]++|\\[{}]?|" + group + r")*+\}"
    return group


_BRACED = _braced(MAX_DEPTH)
# An `@` that does not start a block; names and keys may hold one.
_PLAIN_AT = r"@(?!\w*[ \t]*[{(])"


@dataclass(frozen=True)
class _Grammar:
    """The patterns for a block closed by ``}`` or by ``)``."""

    field: re.Pattern[str]  # `name = value` and the `,` or closer after it
    key: re.Pattern[str]  # an entry's key and the `,` or closer after it
    close: re.Pattern[str]  # optional space, then the closer
    name_then_equals: re.Pattern[str]  # an @string's name and its `=`
    body: re.Pattern[str]  # the rest of a comment block up to and including the closer
    quoted_body: re.Pattern[str]  # the same for @string and @preamble


@functools.cache
def _grammar(closer: str) -> _Grammar:
    escaped_marks = '{}",=\n' + (")" if closer == ")" else "")
    name = r'(?:[^{}",=@\\' + (")" if closer == ")" else "") + r"]++|" + _PLAIN_AT + r")*+"
    # Inside quotes braces do not count, and `{"}` is a quote character (bibtexparser's rule).
    quoted = r'"(?:[^"\\{]++|\\"?|\{"\}(?=[\s\S])|\{)*+"'
    # A value: braced groups, quoted strings and anything else, up to an unescaped `,` or closer.
    bare = r'[^{}",\\' + ("" if closer == "}" else ")") + r"]++"
    value = r"(?:" + _BRACED + "|" + quoted + "|" + bare + r"|\\[" + escaped_marks + r"]?)*+"
    closer_re = re.escape(closer)
    if closer == "}":
        body = r"(?:[^{}\\]++|\\[{}]?|" + _braced(MAX_DEPTH - 1) + r")*+\}"
        quoted_body = body
    else:
        body = r"(?:[^{}\\)]++|\\[{})]?|" + _BRACED + r")*+\)"
        # In a (...) @string or @preamble, a `)` inside "..." does not close the block.
        in_quotes = r'"(?:[^"{}\\]++|\\["{})]?|' + _BRACED + r')*+"'
        quoted_body = r'(?:[^{}\\)"]++|\\[{})"]?|' + _BRACED + "|" + in_quotes + r")*+\)"
    return _Grammar(
        field=re.compile("(" + name + ")=(" + value + ")([," + closer_re + "])"),
        key=re.compile(name + "([," + closer_re + "])"),
        close=re.compile(r"\s*" + closer_re),
        name_then_equals=re.compile("(" + name + ")="),
        body=re.compile(body),
        quoted_body=re.compile(quoted_body),
    )


_CLOSERS = {"{": "}", "(": ")"}


class _NotSure(Exception):
    """The scanner met something it leaves to bibtexparser."""


_new_tuple = tuple.__new__


def _value(raw: str) -> Value:
    """``Value.parse(raw)``, with a short cut for the usual braced literal without inner braces."""
    if raw[:1] == "{" and raw[-1:] == "}":
        inner = raw[1:-1]
        if "{" not in inner and "}" not in inner:
            # tuple.__new__ skips the named tuples' Python-level __new__: a third of the scan's time.
            return _new_tuple(Value, ((_new_tuple(Literal, (inner, "{")),),))
    return Value.parse(raw)


def scan(text: str) -> Document | None:
    """Split ``text`` into a :class:`Document`, or None when bibtexparser must decide."""
    try:
        return _Scanner(text).run()
    except _NotSure:
        return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.document = Document(text=text)
        self.entry_keys: dict[str, str] = {}  # every entry's key, those that failed to convert included
        self._line, self._line_pos = 1, 0

    def line_at(self, index: int) -> int:
        """The 1-based line of ``index``; indexes must come in increasing order."""
        self._line += self.text.count("\n", self._line_pos, index)
        self._line_pos = index
        return self._line

    def run(self) -> Document:
        text = self.text
        pos = 0
        while True:
            start_match = _BLOCK_START.search(text, pos)
            block_start = start_match.start() if start_match else len(text)
            self.implicit_comment(pos, block_start)
            if start_match is None:
                return self.document
            opening = start_match.end()
            grammar = _grammar(_CLOSERS[text[opening]])  # compiled on first use
            kind = start_match.group().lower()
            block = Block("comment", block_start, block_start, self.line_at(block_start))
            if kind.startswith(("@comment", "@preamble")):
                body = grammar.body if kind.startswith("@comment") else grammar.quoted_body
                close = body.match(text, opening + 1)
                if close is None:
                    raise _NotSure
                block.end = close.end()
                block.kind = "comment" if kind.startswith("@comment") else "preamble"
            elif kind.startswith("@string"):
                self.string(grammar, opening, block)
            else:
                self.entry(grammar, kind[1:].strip(), opening, block)
            if _BLOCK_START_AT_LINE_START.search(text, block_start, block.end):
                raise _NotSure
            self.document.blocks.append(block)
            pos = block.end

    def implicit_comment(self, start: int, end: int) -> None:
        """The text between blocks, stripped as bibtexparser strips it, if any is left."""
        chunk = self.text[start:end]
        stripped = chunk.strip()
        if stripped:
            first = start + len(chunk) - len(chunk.lstrip())
            self.document.blocks.append(Block("comment", first, first + len(stripped), self.line_at(first)))

    def string(self, grammar: _Grammar, opening: int, block: Block) -> None:
        text = self.text
        name_match = grammar.name_then_equals.match(text, opening + 1)
        close = grammar.quoted_body.match(text, name_match.end()) if name_match else None
        if name_match is None or close is None:
            raise _NotSure
        raw_value = text[name_match.end() : close.end() - 1].strip()
        block.kind, block.end, block.name = "string", close.end(), name_match.group(1).strip().lower()
        try:
            value = Value.parse(raw_value)
        except ValueSyntaxError as exc:
            self.document.problems.append(Problem(block.line, block.name, f"@string value: {exc}"))
            value = Value.braced(raw_value)
        add_string(self.document, block, value)

    def entry(self, grammar: _Grammar, entry_type: str, opening: int, block: Block) -> None:
        text = self.text
        key_match = grammar.key.match(text, opening + 1)
        if key_match is None:
            raise _NotSure
        key = text[opening + 1 : key_match.start(1)].strip()
        pos = key_match.end()
        fields: dict[str, Value] = {}
        names: set[str] = set()
        repeated: set[str] = set()
        failure: Problem | None = None
        closed = key_match.group(1) != ","
        while not closed:
            field = grammar.field.match(text, pos)
            if field is None:
                close = grammar.close.match(text, pos)
                if close is None:
                    raise _NotSure  # a name without a value, or a value bibtexparser rejects
                pos = close.end()
                break
            raw_name = field.group(1).strip()
            if raw_name in names:
                repeated.add(raw_name)
            names.add(raw_name)
            name = raw_name.lower()
            if failure is None and name not in fields:
                try:
                    fields[name] = _value(field.group(2).strip())
                except ValueSyntaxError as exc:
                    field_line = block.line + text.count("\n", block.start, field.start(2))
                    failure = field_problem(text, block, field_line, key, name, exc)
            pos = field.end()
            closed = field.group(3) != ","
        block.end = pos
        if failure is not None:
            self.document.problems.append(failure)
        entry = None if failure else Entry(key=key, entry_type=entry_type, fields=fields, line=block.line)
        entry_block(self.document, block, entry, key, sorted(repeated), self.entry_keys)
