"""LaTeX field values read as a person reads them, structure kept.

:func:`decode` turns the LaTeX of a BibTeX value into rich text
(:mod:`citetool.bib.richtext`): accents and special letters become Unicode
(``{\\"o}`` -> ö, ``\\'{\\i}`` -> í, accents stored after their letter are
composed), ``\\textit{x}``, ``{\\it x\\/}`` and ``\\emph`` become italic spans,
``\\textsubscript``, ``$_p$`` and ``$^{2}$`` sub- and superscripts, a brace
group at the top of a value a case-protected span (BibTeX's rule: not one
that starts with a command), logos their names, math Unicode where it can be.

A command citetool does not know loses no word: with an argument it is
dropped and the argument kept (``\\acro{PERL}``); at the start of a group with
words after it, it is a font switch (``{\\smc Keynote}``); anything else is a
logo or name defined elsewhere, and its name is the word (``{\\VAX}`` -> VAX).
Values with no LaTeX in them (most) skip the reader entirely.

:func:`to_text` is the plain text of :func:`decode`, white space collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from citetool.bib.richtext import Node, Rich, Span, plain
from citetool.bib.texchars import (
    ACCENTS,
    DIMENSION_COMMANDS,
    DINGBATS,
    DOUBLE_STRUCK,
    DROPPED,
    LETTERS,
    LOGOS,
    MATH_SYMBOLS,
    SPACING_ACCENTS,
    STYLE_COMMANDS,
    SWITCHES,
    SYMBOLS,
)

#: Control symbols (a backslash and one non-letter) that stand for a character or nothing.
CONTROL_SYMBOLS: dict[str, str] = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", "\n": " ", "\t": " ",
    ",": "\u2009", ";": " ", ":": " ", "!": "", "/": "", "-": "", "@": "", "\\": " ", "|": "‖", "*": "",
    ">": " ", "<": "", "[": "", "]": "", "(": "", ")": "", "+": "", "0": "", "1": "", "2": "", "3": "", "4": "",
    "5": "", "6": "", "7": "", "8": "", "9": "",
}  # fmt: skip

# One token: a control word (and the spaces it swallows), a control symbol, a brace, a math shift,
# TeX's dash and quote ligatures, or a run of ordinary text.
_TOKEN = re.compile(
    r"\\([A-Za-z@]+\*?)[ \t\r\n]*|\\(.)|([{}])|(\$\$?)|(---|--|``|''|!`|\?`)|([\^_~])|([^\\{}$\-`'!?\^_~]+|[\s\S])",
    re.S,
)
_DIMENSION = re.compile(
    r"\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)\s*(?:pt|em|ex|mm|cm|in|bp|pc|dd|cc|sp|mu|true\s*pt|fil{1,3})"
    r"(?:\s+(?:plus|minus)\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)\s*(?:pt|em|ex|mm|cm|in|fil{1,3}|mu))* ?",  # one space after
)
_CHAR_NUMBER = re.compile(r"\s*(?:'([0-7]+)|\"([0-9A-Fa-f]+)|`\\?(.)|(\d+))\s?")
_STREAM_NUMBER = re.compile(r"\s*-?\d*\s*=?\s*")
_LIGATURES = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d", "!`": "¡", "?`": "¿"}
# Anything that makes a value more than plain text with braces.
_LATEX = re.compile(r"[\\$~^_]|--|``|''|!`|\?`")


@lru_cache(maxsize=1)
def _pylatexenc_symbols() -> dict[str, str]:
    """pylatexenc's table of commands that stand for one character, read once when our tables run out."""
    from pylatexenc.latexencode import _uni2latexmap

    symbols: dict[str, str] = {}
    for codepoint, latex in _uni2latexmap.uni2latex.items():
        match = re.fullmatch(r"\\(?:ensuremath\{\\)?([A-Za-z]+)\}?(?:\{\})?", latex)
        if match and unicodedata.category(chr(codepoint))[0] != "M":
            symbols.setdefault(match.group(1), chr(codepoint))
    return symbols


class _Reader:
    """A recursive-descent reader over the tokens of one value."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(_TOKEN.finditer(text))
        self.pos = 0
        self.spaced = False  # whether the control word just read swallowed white space after it

    def peek(self) -> re.Match[str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def seek(self, offset: int) -> None:
        """Continue at character ``offset`` (after raw text was read, as by ``\\kern`` or ``\\path``)."""
        self.tokens = self.tokens[: self.pos] + list(_TOKEN.finditer(self.text, offset))

    def offset(self) -> int:
        token = self.peek()
        return token.start() if token is not None else len(self.text)

    def skip_spaces(self) -> None:
        while (token := self.peek()) is not None and token.group(7) is not None and token.group(7).isspace():
            self.pos += 1

    # -- groups ----------------------------------------------------------------

    def group(self, depth: int, math: bool, until_dollar: bool = False) -> list[Node]:
        """The nodes of a group, and its closing ``}`` (or ``$``) consumed."""
        out = self.items(depth, math, until_dollar)
        token = self.peek()
        if token is not None and ((depth > 0 and token.group(3) == "}") or (until_dollar and token.group(4))):
            self.pos += 1
        return out

    def items(self, depth: int, math: bool, until_dollar: bool) -> list[Node]:
        """Nodes up to, not including, what closes the group."""
        out: list[Node] = []
        while (token := self.peek()) is not None:
            if token.group(3) == "}":
                if depth > 0:
                    return out
                self.pos += 1  # a stray closing brace: BibTeX would refuse the file; read on
                continue
            if token.group(4) is not None and until_dollar:
                return out
            self.pos += 1
            switched = self.one(token, depth, math, out)
            if switched is not None:  # a font switch styles the rest of its group
                rest = self.items(depth, math, until_dollar)
                out.append(Span(switched, tuple(rest)))
                return out
        return out

    def one(self, token: re.Match[str], depth: int, math: bool, out: list[Node]) -> str | None:
        """Read one token (already consumed) into ``out``; a font switch returns its style instead."""
        word, symbol, brace, dollar, ligature, active, text = token.groups()
        if text is not None:
            out.append(text)
        elif brace == "{":
            first = self.peek()
            inner = self.group(depth + 1, math)
            starts_with_command = first is not None and (first.group(1) is not None or first.group(2) is not None)
            if depth == 0 and not math and not starts_with_command and inner:
                out.append(Span("nocase", tuple(inner)))
            else:
                out.extend(inner)
        elif word is not None:
            self.spaced = token.group(0)[-1:].isspace()
            switched = self.command(word, out, depth, math)
            if math and self.spaced and switched is None:
                out.append(" ")  # TeX ignores it, but "x \leq y" reads as three words ($\cal MIN$ is one)
            return switched
        elif dollar is not None:
            out.extend(self.group(depth, math=True, until_dollar=True))
        elif symbol is not None:
            self.control_symbol(symbol, out, depth, math)
        elif ligature is not None:
            out.append(_LIGATURES[ligature] if not math else ligature.replace("--", "-"))
        elif active == "~":
            out.append("\u00a0" if not math else " ")
        elif active is not None and math:
            out.append(Span("sup" if active == "^" else "sub", tuple(self.argument(depth, math))))
        elif active is not None:
            out.append(active)
        return None

    def argument(self, depth: int, math: bool) -> list[Node]:
        """One macro argument: a braced group's contents, or the next single token."""
        self.skip_spaces()
        token = self.peek()
        if token is None or token.group(3) == "}":
            return []
        self.pos += 1
        if token.group(3) == "{":
            return self.group(depth + 1, math)
        if token.group(7) is not None and len(token.group(7)) > 1:
            self.seek(token.start() + 1)  # an argument is one character of a run: give the rest back
            return [token.group(7)[0]]
        out: list[Node] = []
        self.one(token, depth + 1, math, out)
        return out

    def raw_argument(self) -> str:
        """A braced argument's source text, unread (for ``\\url``, ``\\symbol``, dimensions)."""
        self.skip_spaces()
        token = self.peek()
        if token is None or token.group(3) != "{":
            return ""
        start, level = token.end(), 1
        self.pos += 1
        while (token := self.peek()) is not None:
            self.pos += 1
            if token.group(3) == "{":
                level += 1
            elif token.group(3) == "}":
                level -= 1
                if level == 0:
                    return self.text[start : token.start()]
        return self.text[start:]

    # -- commands --------------------------------------------------------------

    def command(self, name: str, out: list[Node], depth: int, math: bool) -> str | None:
        """Read command ``name`` (its arguments follow) into ``out``; a font switch returns its style."""
        bare = name.rstrip("*")
        if bare in ACCENTS:
            out.append(self.accent(ACCENTS[bare], depth, math))
        elif bare in LETTERS:
            out.append(LETTERS[bare])
        elif bare in SWITCHES:
            return SWITCHES[bare]
        elif bare in STYLE_COMMANDS:
            self.styled(STYLE_COMMANDS[bare], bare, out, depth, math)
        elif math and bare in MATH_SYMBOLS:
            out.append(MATH_SYMBOLS[bare])
        elif bare in SYMBOLS:
            out.append(SYMBOLS[bare])
        elif bare in LOGOS:
            out.append(LOGOS[bare])
            self.keep_space(out)
        elif bare in MATH_SYMBOLS:
            out.append(MATH_SYMBOLS[bare])
        else:
            self.special(bare, out, depth, math)
        return None

    def accent(self, mark: str, depth: int, math: bool) -> Node:
        """An accent on its argument; on an empty group (``\\^{}``) the accent itself, on anything else that
        prints nothing (``\\'{\\relax}``) nothing."""
        following = self.peek()
        if following is not None and following.group(3) == "{" and self.text.startswith("}", following.end()):
            self.pos += 2
            return SPACING_ACCENTS.get(mark, "")
        return _accented(self.argument(depth, math), mark)

    def keep_space(self, out: list[Node]) -> None:
        """A logo ate the space after it (TeX's rule), but ``\\TeX is`` is two words to a reader."""
        if self.pos and self.tokens[self.pos - 1].group(0)[-1:].isspace() and self.peek() is not None:
            out.append(" ")

    def styled(self, style: str, name: str, out: list[Node], depth: int, math: bool) -> None:
        if name in ("url", "nolinkurl", "path", "verb"):
            out.append(self.verbatim())
            return
        inner = self.argument(depth, math or name == "ensuremath")
        if name in ("uppercase", "MakeUppercase", "MakeTextUppercase"):
            inner = [_plain_of(inner).upper()]
        elif name in ("lowercase", "MakeLowercase", "MakeTextLowercase"):
            inner = [_plain_of(inner).lower()]
        elif name == "cs":
            inner = ["\\", *inner]
        out.append(Span(style, tuple(inner)))

    def verbatim(self) -> str:
        """``\\url{...}``, ``\\path|...|``, ``\\verb+...+``: the argument exactly as written."""
        token = self.peek()
        if token is None:
            return ""
        if token.group(3) == "{":
            return self.raw_argument()
        delimiter = self.text[token.start()]
        end = self.text.find(delimiter, token.start() + 1)
        if end < 0:
            return ""
        self.seek(end + 1)
        return self.text[token.start() + 1 : end]

    def special(self, name: str, out: list[Node], depth: int, math: bool) -> None:
        """Commands with rules of their own, then the unknown ones (dropped, argument kept)."""
        if name == "char":
            out.append(self.character(""))
        elif name == "symbol":
            out.append(self.character(self.raw_argument()))
        elif name == "mathbb":
            letters = _plain_of(self.argument(depth, math))
            out.append("".join(DOUBLE_STRUCK.get(letter, letter) for letter in letters))
        elif name in ("frac", "dfrac", "tfrac"):
            numerator, denominator = _plain_of(self.argument(depth, math)), _plain_of(self.argument(depth, math))
            out.append(f"{numerator}/{denominator}")
        elif name == "nth":  # \\nth{4}: 4th
            number = _plain_of(self.argument(depth, math)).strip()
            out.append(number + _ordinal(number))
        elif name == "sqrt":
            out.append("√" + _plain_of(self.argument(depth, math)))
        elif name == "ding":
            out.append(DINGBATS.get(self.raw_argument().strip(), ""))
        elif name == "hspace":
            if self.raw_argument().strip() in ("0pt", "0em", "0mm"):
                out.append("\u200b")  # how classic BibTeX export writes U+200B
        elif name in DIMENSION_COMMANDS:
            match = _DIMENSION.match(self.text, self.offset())
            if match:
                self.seek(match.end())
        elif name == "href":
            self.raw_argument()
            out.extend(self.argument(depth, math))
        elif name in ("write", "openout", "openin", "read"):
            match = _STREAM_NUMBER.match(self.text, self.offset())
            if match:
                self.seek(match.end())
            self.raw_argument()
        elif name in DROPPED:
            for _ in range(DROPPED[name]):
                self.raw_argument()
        elif name in _pylatexenc_symbols():
            out.append(_pylatexenc_symbols()[name])
        else:
            self.unknown(name, out, math)

    def unknown(self, name: str, out: list[Node], math: bool) -> None:
        """A command citetool has no table entry for: never a lost word.

        * ``{\\smc Keynote}``, at the start of its group with words after it, is a font switch: dropped;
        * ``\\acro{PERL}`` takes an argument: dropped, the argument read as text;
        * anything else (``{\\VAX}``, ``\\JTeX:``, ``\\DVItoVDU{}``, ``\\Thanh``) is a name or logo
          defined elsewhere (a style, ``tugboat.def``): its name is the word.
        """
        if math:
            return  # $\\overline$: math notation, never a word
        if len(name) == 2 and name[0] in ACCENTS and name[0].isalpha():
            out.append(_accented([name[1]], ACCENTS[name[0]]))  # \\cS, written for \\c{S}: Ş
            return
        following = self.peek()
        starts_group = not any((isinstance(node, str) and node.strip()) or isinstance(node, Span) for node in out)
        if starts_group and self.spaced and following is not None and following.group(7) is not None and (
                name.islower() or name.rstrip("0123456789").islower()):  # fmt: skip
            return  # {\\tensl Title words}: a font switch of a style file
        if following is not None and following.group(3) == "{":
            if not self.text[following.end() :].lstrip(" ").startswith("}"):
                return
            self.raw_argument()  # \DVItoVDU{}: the empty group ends the name
            out.append(name)
            return
        out.append(name)
        self.keep_space(out)

    def character(self, source: str) -> str:
        """``\\char'176``, ``\\char"7E``, ``\\char`\\x``, ``\\char126``, ``\\symbol{126}``."""
        match = _CHAR_NUMBER.match(source) if source else _CHAR_NUMBER.match(self.text, self.offset())
        if not match:
            return ""
        if not source:
            self.seek(match.end())
        octal, hexadecimal, literal, decimal = match.groups()
        if literal is not None:
            return literal
        number = int(octal, 8) if octal else int(hexadecimal, 16) if hexadecimal else int(decimal)
        return chr(number) if 32 <= number < 0x110000 and not 0xD800 <= number < 0xE000 else ""

    def control_symbol(self, char: str, out: list[Node], depth: int, math: bool) -> None:
        if char in ACCENTS:
            out.append(self.accent(ACCENTS[char], depth, math))
        elif math and char in ("{", "}", "|"):
            out.append("‖" if char == "|" else char)
        elif char in CONTROL_SYMBOLS:
            out.append(CONTROL_SYMBOLS[char])
        # Any other \<symbol> is nothing a reader would see.


def _ordinal(number: str) -> str:
    """English ordinal suffix: 1st, 2nd, 3rd, 4th, 11th, 22nd."""
    if not number.isdigit():
        return ""
    if number[-2:] in ("11", "12", "13"):
        return "th"
    return {"1": "st", "2": "nd", "3": "rd"}.get(number[-1], "th")


def _plain_of(nodes: list[Node]) -> str:
    return plain(tuple(nodes))


#: Dotless letters that take their dot back under an accent above (``\\'{\\i}`` is í).
_DOTLESS = {"ı": "i", "ȷ": "j"}
_MARKS_BELOW = frozenset({"\u0323", "\u0326", "\u0327", "\u0328", "\u0331", "\u0324", "\u0325", "\u0330"})


def _accented(argument: list[Node], mark: str) -> Node:
    """``argument`` with ``mark`` on its first character, composed (NFC) where Unicode can."""
    text = _plain_of(argument)
    if not text:
        return ""
    base = text[0]
    if base in _DOTLESS and mark not in _MARKS_BELOW:
        base = _DOTLESS[base]
    if mark == "\u0361" and len(text) >= 2:  # the tie joins the first two letters
        return unicodedata.normalize("NFC", base + mark + text[1:])
    return unicodedata.normalize("NFC", base + mark + text[1:])


def _tidy(nodes: Rich) -> Rich:
    """Drop empty strings and spans; a span of no style gives its children to its parent."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            if node:
                out.append(node)
            continue
        children = _tidy(node.children)
        if not children:
            continue
        if node.style:
            out.append(Span(node.style, children))
        else:
            out.extend(children)
    return tuple(out)


@lru_cache(maxsize=8192)
def decode(value: str) -> Rich:
    """The rich text of the LaTeX ``value`` (macros already resolved)."""
    if not _LATEX.search(value) and "{" not in value:
        return (value,) if value else ()
    return _read(value)


def _read(value: str) -> Rich:
    """The reader's rich text of ``value``, with no short cut."""
    try:
        nodes = _Reader(value).group(0, math=False)
    except RecursionError:  # 5,000 nested braces: read as plain text
        return (value.replace("{", "").replace("}", ""),)
    return _tidy(tuple(nodes))


def _parse(value: str) -> str:
    """The plain text of ``value`` read by the reader (the slow path of :func:`to_text`)."""
    return plain(_read(value))


def to_text(value: str) -> str:
    """Plain Unicode text of a LaTeX field value, white space collapsed."""
    if not _LATEX.search(value):
        if "{" in value or "}" in value:
            value = value.replace("{", "").replace("}", "")
        return " ".join(value.split())
    return plain(decode(value))
