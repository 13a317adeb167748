"""Name splitting: BibTeX's rules, checked against bibtexparser's implementation of them.

citetool splits names with its own code (:mod:`citetool.bib.names`) because
``show`` must not import bibtexparser (26 ms of start-up); this test holds it
to bibtexparser's ``parse_single_name_into_parts`` on every name in the
corpora.  Where the two differ, BibTeX agrees with citetool, and the test
names each case: a name of two words whose first is lower case (``van
Beethoven``) is von + Last, where bibtexparser makes it a First name; a
lower-case last word (``the Arts National Endowment for``) is always the
Last part, which bibtexparser lets end the von part; and bibtexparser's own
slips (it reads the ``~`` of ``\\~`` as a tie, drops a leading ``\\'`` or
``\\"``, and reads ``{\\'{E}}`` as lower case).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citetool.bib.names import Name, parse_name, parse_names
from citetool.library import file as library

from .conftest import corpus_sample, need_corpora


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Donald E. Knuth", Name("Knuth", "Donald E.")),
        ("Brinch Hansen, Per", Name("Brinch Hansen", "Per")),
        ("Beeblebrox, IV, Zaphod", Name("Beeblebrox", "Zaphod", suffix="IV")),
        ("Ludwig van Beethoven", Name("Beethoven", "Ludwig", "van")),
        ("van Beethoven", Name("Beethoven", particle="van")),
        ("Jean de La Fontaine", Name("La Fontaine", "Jean", "de")),
        ("Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin",
         Name("Vall{\\'e}e Poussin", "Charles Louis Xavier Joseph", "de la")),
        ("{\\'{E}}douard Masterly", Name("Masterly", "{\\'{E}}douard")),
        ("Smith de Jones, Z.", Name("Jones", "Z.", "Smith de")),
        ("{Barnes and Noble, Inc.}", Name("Barnes and Noble, Inc.", literal=True)),
    ],
)  # fmt: skip
def test_names_split_as_bibtex_splits_them(text: str, expected: Name) -> None:
    assert parse_name(text) == expected


def _theirs(text: str) -> list[tuple[str, str, str, str]]:
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    out = []
    for piece in split_multiple_persons_names(text):
        parts = parse_single_name_into_parts(piece, strict=False)
        out.append(tuple(" ".join(words) for words in (parts.last, parts.first, parts.von, parts.jr)))
    return out  # type: ignore[return-value]


def _ours(text: str) -> list[tuple[str, str, str, str]]:
    return [(name.family, name.given, name.particle, name.suffix) for name in parse_names(text)]


def _same(ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    def norm(value: str) -> str:
        return " ".join(value.replace("~", " ").split())

    return [norm(part) for part in ours] == [norm(part) for part in theirs]


_LETTERS = re.compile(r"[^\W_]")
_ESCAPE = re.compile(r"\\[^A-Za-z\s]")  # bibtexparser drops a leading \' or \" of a name
_GLUED_AND = re.compile(r"[a-z]and[A-Z]|\band[A-Z]")
# A special character with a group inside (``{\\'{E}}``): bibtexparser reads its case from the text after it.
_NESTED_SPECIAL = re.compile(r"\{\\[^A-Za-z{}]\{")
# BibTeX's own letters (``{\\AA}ke``, ``{\\aa}.``): BibTeX's von test takes the command's case (bibtex.web,
# von_token_found: \\OE \\AE \\AA \\O \\L upper, their lower-case forms and \\i \\j \\ss lower); bibtexparser
# reads the letters after the group.
_COMMAND_CASED = re.compile(r"\{\\(?:OE|AE|AA|O|L|oe|ae|aa|o|l|i|j|ss)\}")


def _bibtexparser_slips(ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """Where bibtexparser, not BibTeX, is wrong: it lost or moved text (``\\~`` read as a tie, a leading
    ``\\'`` dropped, sections past the third comma dropped), or misread a nested special character."""
    unescaped = tuple(_ESCAPE.sub("", part) for part in ours)
    return (
        _letters(*ours) != _letters(*theirs)
        or (_same(unescaped, tuple(_ESCAPE.sub("", part) for part in theirs)) and not _same(ours, theirs))
        or (theirs[0].islower() and " " not in theirs[0] and theirs[2].startswith(ours[2]))  # a lower-case last word
        or any(_NESTED_SPECIAL.search(part) or "\\~" in part or _COMMAND_CASED.search(part) for part in ours)
        or bool(_GLUED_AND.search(" ".join(ours)))  # "DonatiandMontemanni": a list with its spaces lost
    )


def _letters(*parts: str) -> list[str]:
    return sorted(_LETTERS.findall("".join(parts)))


def name_sweep(files: list[Path]) -> tuple[int, list[str]]:
    """How many names of ``files`` were compared with bibtexparser's split, and where the two differ (but for
    the named cases where BibTeX agrees with citetool)."""
    compared, different = 0, []
    for path in files:
        try:
            lib = library.load(path)
            entries = list(lib.entries.values())
        except Exception:
            continue
        for entry in entries:
            for role in ("author", "editor"):
                text = entry.text(role, lib.strings)
                if not text:
                    continue
                pieces = parse_names(text)
                theirs = _theirs(text)
                if len(pieces) != len(theirs):
                    different.append(f"{path.name}:{entry.key}: {len(pieces)} names, bibtexparser {len(theirs)}")
                    continue
                for name, ours, other in zip(pieces, _ours(text), theirs, strict=True):
                    compared += 1
                    two_words = not name.given and name.particle and _letters(other[1]) == _letters(name.particle)
                    if name.literal or two_words:
                        continue  # an organisation, or BibTeX's "von Last" of two words (see the docstring)
                    if _bibtexparser_slips(ours, other):
                        continue
                    if not _same(ours, other):
                        different.append(f"{path.name}:{entry.key}: {ours} != {other}")
    return compared, different


@pytest.mark.corpora
def test_every_corpus_name_splits_as_bibtexparser_splits_it() -> None:
    """The fixed sample of the corpora and bbt's library; benchmarks/sweeps.py reads every file."""
    compared, different = name_sweep([*corpus_sample(), need_corpora() / "large" / "bbt-unabbreviate-1436-3.bib"])
    assert compared > 40000
    assert different == []
