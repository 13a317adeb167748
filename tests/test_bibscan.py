"""citetool's own scanner reads exactly what bibtexparser's splitter reads, only faster.

Every corpus file is read both ways; where the scanner answers at all, blocks,
spans, lines, keys, types, fields, values, macros and problems must be equal.
It may leave a file to bibtexparser only when that file has a syntax error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from citetool.bib import scanner as bibscan
from citetool.bib.blocks import Document
from citetool.bib.parse import parse
from citetool.bib.splitter import split_with_bibtexparser

from .conftest import corpus_sample, need_corpora


def _signature(document: Document) -> tuple[object, ...]:
    blocks = [
        (b.kind, b.start, b.end, b.line, b.name, b.value,
         None if b.entry is None else (b.entry.key, b.entry.entry_type, list(b.entry.fields.items()), b.entry.line))
        for b in document.blocks
    ]  # fmt: skip
    problems = [(p.line, p.key, p.message, p.fatal) for p in document.problems]
    return blocks, problems, list(document.entries), list(document.strings.items())


def _both(text: str) -> tuple[Document | None, Document]:
    return bibscan.scan(text), split_with_bibtexparser(text)


def agreement(files: list[Path]) -> tuple[list[Path], list[Path]]:
    """Read each file both ways: the files left to bibtexparser, and those where the two readers differ."""
    left_to_bibtexparser, different = [], []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff")
        fast, reference = _both(text)
        if fast is None:
            left_to_bibtexparser.append(path)
            if not any(problem.fatal for problem in reference.problems):
                different.append(path)  # valid, yet left to bibtexparser
        elif _signature(fast) != _signature(reference):
            different.append(path)
    return left_to_bibtexparser, different


@pytest.mark.corpora
def test_both_readers_agree_on_the_corpus_sample() -> None:
    """The fixed sample of the corpora and TUGboat; benchmarks/sweeps.py reads every file."""
    left, different = agreement([*corpus_sample(), need_corpora() / "large" / "biber-etc-tugboat.bib"])
    assert different == []
    # Only the few files with syntax errors take the slow path.
    assert len(left) <= 5, left


@pytest.mark.parametrize(
    "text",
    [
        '@article(k1, title = "A (b) c", year = 2001)\n@string(s = "x)y")\n@preamble("a)" # {b})\n',
        '@misc{k, title = "He said {"}hi{"}", note = {a \\{ b}}\n',
        "@misc{@handle_key, author = {{\\\\@someone}}, title = {LeQua @ {CLEF}}}\n",
        "@misc{k,\n  title = {A},\n  Title = {B},\n  title = {C},\n}\n",
        "@string{jt = {J}}\n@STRING{JT = {K}}\n@misc{k, journal = jt # { x}}\n",
        "@misc{k, title = {A}}\n@misc{k, title = {B}}\n@misc{K, title = {C}}\n",
        "@misc{k, title = {A} {B}}\n@misc{j, title = {fine}}\n",
        "% text before\n@comment{a {nested} comment}\nemail@example.org\n@misc{k,}\n@misc{e}\n",
        '@misc{k, title = {line\\\\\nbreak}, year = 2001}\n\n@misc{j, title = "x"}',
        "\ufeff@misc{k, title = {A}}",
    ],
    ids=[
        "parentheses",
        "quote-escapes",
        "at-signs",
        "repeated-fields",
        "macros",
        "duplicate-keys",
        "bad-value",
        "comments",
        "backslash-newline",
        "odd-start",
    ],
)
def test_both_readers_agree_on_tricky_input(text: str) -> None:
    fast, reference = _both(text)
    assert fast is not None
    assert _signature(fast) == _signature(reference)


@pytest.mark.parametrize(
    "text",
    [
        "@misc{k, title = {unclosed}\n@misc{j, title = {B}}\n",
        "@misc{k title = {A}}\n",
        "@misc{k, title = {A}, junk}\n",
        "@misc{k, title = " + "{" * (bibscan.MAX_DEPTH + 1) + "x" + "}" * (bibscan.MAX_DEPTH + 1) + "}\n",
        "@misc{k, title = {A\n@misc{j, title = {B}}\n}}\n",
    ],
    ids=["unclosed", "missing-comma", "dangling-name", "too-deep", "block-start-inside"],
)
def test_what_the_scanner_is_not_sure_of_goes_to_bibtexparser(text: str) -> None:
    assert bibscan.scan(text) is None
    assert parse(text).problems == split_with_bibtexparser(text).problems


def test_lines_count_every_line_break() -> None:
    # bibtexparser does not count a line break after a backslash; citetool does, in both readers.
    text = "@misc{a, note = {x\\\n y}}\n@misc{b, title = {B}}\n"
    fast, reference = _both(text)
    assert fast is not None
    assert [b.line for b in fast.blocks] == [b.line for b in reference.blocks] == [1, 3]
