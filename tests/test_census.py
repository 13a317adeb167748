"""A census over the real-world corpora: no LaTeX command name leaks into what leaves the library.

For every title, name and venue, the command names the source has *only* as
commands (``\\it`` in ``{\\it Umlaut\\/}s``, but not ``it`` in ``with``) must
not appear in what ``show --json``, CSL-JSON and RIS print for it.  Logos
whose text is their name (``\\TeX`` prints TeX) are the one exception; a
command citetool does not know prints its name on purpose, so the census is
over the commands it knows are not words.  The test prints how many values
it looked at.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from citetool.bib.texchars import (
    ACCENTS,
    DIMENSION_COMMANDS,
    DROPPED,
    LETTERS,
    LOGOS,
    MATH_SYMBOLS,
    STYLE_COMMANDS,
    SWITCHES,
    SYMBOLS,
)
from citetool.library import file as library

from .conftest import corpus_sample, need_corpora, run

# Tokens as TeX reads them, so the "let" of a literal "\\let" (a backslash, then text) is not a command.
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.S)
#: Files read through every format; the rest of the corpora through ``show --json`` (same model, less time).
EVERY_FORMAT = ("biber-etc-tugboat.bib", "bbt-unabbreviate-1436-3.bib")
SMALL = 2_000_000


#: Commands whose printed text is their own name: logos (``\\TeX``) and math operators (``\\log``, ``\\max``);
#: and letters (``\\ss``, ``\\ae``), whose names are also ordinary pairs of letters.
PRINT_THEIR_NAME = {name for name, text in {**LOGOS, **MATH_SYMBOLS}.items() if name in text} | set(LETTERS)
#: The commands citetool knows not to be words: their names must never be printed.  A command it does not
#: know (``{\\VAX}``, a style's logo) prints its name on purpose (issue #22: no word is lost), so the census
#: is over these.
NOT_WORDS = set(ACCENTS) | set(STYLE_COMMANDS) | set(SWITCHES) | set(DROPPED) | set(DIMENSION_COMMANDS) | set(
    SYMBOLS) | set(MATH_SYMBOLS) | {"char", "symbol", "url", "href", "path", "verb", "frac", "sqrt", "mathbb"}


def _only_commands(source: str) -> set[str]:
    """Command names in ``source`` that do not also stand in it as ordinary text."""
    names = {name for name in _COMMAND.findall(source) if name.isalpha() and name in NOT_WORDS}
    rest = _COMMAND.sub(" ", source)
    return {name for name in names if name not in rest and name not in PRINT_THEIR_NAME and len(name) > 1}


def _sources(path: Path) -> dict[str, dict[str, str]]:
    """key -> {"title": ..., "names": ..., "venue": ...} LaTeX source, macros resolved."""
    lib = library.load(path)
    out: dict[str, dict[str, str]] = {}
    for key, entry in lib.entries.items():
        title = entry.text("title", lib.strings) or ""
        names = " ".join(entry.text(role, lib.strings) or "" for role in ("author", "editor"))
        venue = " ".join(entry.text(name, lib.strings) or "" for name in ("journal", "journaltitle", "booktitle"))
        out[key] = {"title": title, "names": names, "venue": venue}
    return out


def _leaks(source: str, shown: str) -> list[str]:
    return sorted(name for name in _only_commands(source) if name in shown)


def census(files: list[Path]) -> tuple[int, list[str]]:
    """How many entries with LaTeX commands ``files`` hold, read through ``show --json`` (and CSL-JSON and RIS
    for the smaller files and :data:`EVERY_FORMAT`), and every command name that leaked."""
    looked, leaks = 0, []
    for path in files:
        try:
            sources = _sources(path)
        except Exception:
            continue
        if not any(_COMMAND.search(" ".join(value.values())) for value in sources.values()):
            continue
        shown = run("-l", str(path), "show", "--json")
        if shown.exit_code != 0:
            continue
        for item in json.loads(shown.stdout):
            source = sources.get(item["key"])
            if source is None:
                continue
            looked += 1
            for part, text in (
                ("title", item["title"] or ""),
                ("names", " ".join(item["authors"] + item["editors"])),
                ("venue", item["venue"] or ""),
            ):
                leaks += [f"{path.name}:{item['key']}:{part}:{name}" for name in _leaks(source[part], text)]
        if path.name not in EVERY_FORMAT and path.stat().st_size > SMALL:
            continue
        for record in json.loads(run("-l", str(path), "export", "-f", "csl-json").stdout):
            source = sources[record["id"]]
            names = " ".join(" ".join(str(value) for value in name.values()) for name in record.get("author", []))
            leaks += [f"{path.name}:{record['id']}:csl:{n}" for n in _leaks(source["title"], record.get("title", ""))]
            leaks += [f"{path.name}:{record['id']}:csl-names:{n}" for n in _leaks(source["names"], names)]
        records = run("-l", str(path), "export", "-f", "ris").stdout.split("ER  - \n")
        for key, record in zip(sources, records, strict=False):  # exports keep library order
            source = sources[key]
            title = " ".join(re.findall(r"^TI  - (.*)$", record, re.M))
            names = " ".join(re.findall(r"^A[U2]  - (.*)$", record, re.M))
            leaks += [f"{path.name}:{key}:ris:{name}" for name in _leaks(source["title"], title)]
            leaks += [f"{path.name}:{key}:ris-names:{name}" for name in _leaks(source["names"], names)]
    return looked, leaks


@pytest.mark.corpora
def test_no_command_name_leaks_into_show_csl_json_or_ris(capsys: pytest.CaptureFixture[str]) -> None:
    """Over the fixed sample of the corpora and TUGboat (every format); benchmarks/sweeps.py reads them all."""
    files = [*corpus_sample(), need_corpora() / "large" / "biber-etc-tugboat.bib"]
    looked, leaks = census(files)
    with capsys.disabled():
        print(f"\ncensus: {looked} entries with LaTeX commands read; {len(leaks)} command names leaked")
    assert looked > 3000
    assert leaks == []
