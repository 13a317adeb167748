"""How well ``citetool protect`` gives back the capitals of real titles, printed by real BibTeX.

Titles that their authors wrote in sentence case are taken from the
corpora in ``../shared/corpora`` (plain text only: no commands, math or
accents, four words or more, English; the first ``2 * limit`` in path order,
every other one measured), turned into Title Case as publishers deposit
them, protected by ``citetool protect --yes``, and printed by ``bibtex`` with
``plain.bst``.  Two layouts:

* each title in its own library (the figures of record): the corpus file it
  came from, its entry replaced by one with the title in Title Case, as when
  a user adds a paper from Crossref to the library they have;
* all in one library of the sampled titles alone, the unmeasured half as
  written (no library's braces or names; unrelated projects' ways mixed).

Three figures for each:

* titles printed exactly as their authors wrote them (target >= 90 %);
* the words the authors capitalised mid-sentence (proper nouns, acronyms)
  that keep their capitals (target >= 95 %);
* the words the authors wrote in lower case that stay capitalised (target <= 1 %).

    .venv/bin/python benchmarks/casing.py [--limit 3000] [--verbose]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from citetool.bib import protection, wordlists  # noqa: E402
from citetool.library import file as library  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
_PLAIN = re.compile(r"^[A-Za-z0-9 ,.:;'()?!/&-]+$")


def title_case(text: str) -> str:
    """``text`` as publishers deposit titles: every word capitalised but the small ones (the first always)."""
    out = []
    start = True
    for word in text.split(" "):
        parts = word.split("-")
        for index, part in enumerate(parts):
            capital = start or index > 0 or part.lower() not in wordlists.SMALL_WORDS
            lead = len(part) - len(part.lstrip("('\"`"))  # (un)consciousness, 'small-world': the word's letter
            if part[lead:] and capital and part[lead].islower() and not any(char.isupper() for char in part):
                parts[index] = part[:lead] + part[lead].upper() + part[lead + 1 :]
        out.append("-".join(parts))
        start = word.endswith(":")
    return " ".join(out)


def sample(limit: int) -> list[tuple[str, str, str, str]]:
    """(key, title, authors, source) for titles written in sentence case, from every .bib of the corpora, in a
    fixed order; the authors as the entry gives them (they are evidence too: the library's names); the source
    as the file and the key, tab-separated."""
    found: list[tuple[str, str, str, str]] = []
    seen: set[str] = set()
    for path in sorted(CORPORA.rglob("*.bib")):
        try:
            lib = library.load(path)
            entries = list(lib.entries.values())
        except Exception:  # a file citetool refuses is no source of titles
            continue
        for entry in entries:
            raw = entry.text("title", lib.strings) or ""
            text = " ".join(raw.replace("{", "").replace("}", "").split())
            if (len(text.split()) < 4 or not _PLAIN.match(text) or text in seen or "  " in text
                    or not protection.looks_english(text) or protection.is_title_case(text)):  # fmt: skip
                continue
            if not any(word[:1].islower() for word in text.split()[1:]):
                continue
            seen.add(text)
            authors = entry.text("author", lib.strings) or "Roe, Ann"
            found.append((f"t{len(found)}", text, authors if _PLAIN.match(authors) else "Roe, Ann",
                          f"{path.relative_to(CORPORA)}\t{entry.key}"))
            if len(found) >= limit:
                return found
    return found


def _after_colon_folded(text: str) -> str:
    """``text`` with the first letter after each colon in lower case."""
    return re.sub(r"(:\s+)(\w)", lambda match: match.group(1) + match.group(2).lower(), text)


def _entry(key: str, title: str, authors: str) -> str:
    return (f"@article{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n  journal = {{J}},\n"
            "  year = {2020},\n}\n\n")


def printed_titles(folder: Path, keys: list[str]) -> dict[str, str]:
    """What ``bibtex`` with ``plain.bst`` prints as each entry's title (braces gone)."""
    (folder / "paper.aux").write_text("".join(f"\\citation{{{key}}}\n" for key in keys)
                                      + "\\bibstyle{plain}\n\\bibdata{library}\n")  # fmt: skip
    subprocess.run(["bibtex", "-terse", "paper"], cwd=folder, capture_output=True, check=False)
    bbl = (folder / "paper.bbl").read_text(encoding="utf-8", errors="replace")
    titles = {}
    for block in re.split(r"\\bibitem\{", bbl)[1:]:
        key, _, rest = block.partition("}")
        parts = re.split(r"\\newblock\s+", rest)
        if len(parts) >= 2:
            titles[key] = " ".join(parts[1].replace("{", "").replace("}", "").split()).rstrip(".")
    return titles


Sampled = list[tuple[str, str, str, str]]


def protected_and_printed(libraries: list[tuple[str, Sampled]]) -> dict[str, str]:
    """Each library (its text, and the sampled titles to Title Case in it: their entries are taken out of the
    text and written again with the title in Title Case, as if they had come from Crossref) protected by
    ``citetool protect --yes``; the Title Cased titles as BibTeX's plain.bst prints them, by key."""
    printed: dict[str, str] = {}
    for text, titles in libraries:
        with tempfile.TemporaryDirectory() as folder_name:
            folder = Path(folder_name)
            entries = "".join(_entry(key, title_case(title), authors) for key, title, authors, _ in titles)
            (folder / "library.bib").write_text(text + "\n" + entries, encoding="utf-8")
            env = {**os.environ, "CITETOOL_CACHE_DIR": str(folder / "cache")}
            subprocess.run([sys.executable, "-m", "citetool", "-l", str(folder / "library.bib"), "protect", "--yes"],
                           env=env, capture_output=True, check=True)  # fmt: skip
            printed.update(printed_titles(folder, [key for key, *_ in titles]))
    return printed


def _without(path: Path, keys: set[str]) -> str:
    """The text of the library at ``path`` without the entries ``keys``."""
    lib = library.load(path)
    text = lib.text
    for block in sorted((lib.block_of(key) for key in keys), key=lambda block: block.start, reverse=True):
        text = text[: block.start] + text[block.end :]
    return text


def measure(titles: Sampled, printed: dict[str, str], verbose: bool) -> None:
    """Print the three figures for the Title Cased ``titles``, as BibTeX printed them."""
    exact = kept = names = wrong = common = proper = proper_kept = fair = fair_exact = colon_exact = 0
    lost: list[str] = []
    stayed: list[str] = []
    for key, original, _authors, _source in titles:
        got = printed.get(key, "")
        exact += got == original
        colon_exact += _after_colon_folded(got) == _after_colon_folded(original)
        # Word by word, a hyphenated word's parts one by one (styles case each part).
        mine, theirs = original.replace("-", " - ").split(), got.replace("-", " - ").split()
        capitals = [re.sub(r"[^A-Za-z0-9']", "", word).split("'")[0] for index, word in enumerate(mine)
                    if index and not mine[index - 1].endswith(":") and any(char.isupper() for char in word)]
        if all(any(char.isupper() for char in core[1:]) or not wordlists.is_common(core) for core in capitals):
            fair += 1  # every capital its author put mid-sentence is a name's or an acronym's
            fair_exact += got == original
        if len(mine) != len(theirs):
            continue
        for index, (word, shown) in enumerate(zip(mine, theirs, strict=True)):
            after_colon = index > 0 and mine[index - 1].endswith(":")
            if index == 0 or after_colon or not any(char.isalpha() for char in word):
                continue
            if any(char.isupper() for char in word):
                names += 1
                kept += shown == word
                core = re.sub(r"[^A-Za-z0-9'-]", "", word).split("'")[0]
                if any(char.isupper() for char in core[1:]) or not wordlists.is_common(core):
                    proper += 1  # a proper noun or an acronym, not a common word its author capitalised
                    proper_kept += shown == word
                if shown != word:
                    lost.append(word)
            else:
                common += 1
                wrong += shown != word and shown.lower() == word.lower()
                if shown != word and shown.lower() == word.lower():
                    stayed.append(word)
    print(f"exactly as written:            {exact / len(titles):6.1%}  (target >= 90 %)")
    print(f"  of those whose capitals are all names' and acronyms': {fair_exact / max(fair, 1):6.1%} of {fair}")
    print(f"  the first letter after a colon set aside:             {colon_exact / len(titles):6.1%}")
    print(f"proper nouns, acronyms kept:   {proper_kept / max(proper, 1):6.1%}  of {proper} (target >= 95 %)")
    print(f"all capitalised words kept:    {kept / max(names, 1):6.1%}  of {names} (common words their authors "
          "capitalised mid-sentence included)")
    print(f"common words left capitalised: {wrong / max(common, 1):6.2%}  of {common} (target <= 1 %)")
    if verbose:
        from collections import Counter

        print("capitals lost, most often:", Counter(lost).most_common(40))
        print("common words left capitalised, most often:", Counter(stayed).most_common(60))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--verbose", action="store_true", help="Also name the words most often wrong.")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"{CORPORA} not found")
    found = sample(2 * args.limit)
    # Every other title is Title Cased and measured; the others stay as their authors wrote them.
    measured, rest = found[0::2], found[1::2]
    files = sorted({source.partition("\t")[0] for *_, source in found})
    print(f"titles: {len(measured)} sentence-case titles of {len(files)} corpus files, Title Cased, protected, "
          f"printed by plain.bst")
    own = []
    for name in files:
        titles = [item for item in measured if item[3].partition("\t")[0] == name]
        own.append((_without(CORPORA / name, {item[3].partition("\t")[2] for item in titles}), titles))
    print("\neach in its own library: the corpus file it came from, where its entry is replaced by one with the "
          "title in Title Case (the figures of record):")
    measure(measured, protected_and_printed(own), args.verbose)
    print(f"\nall in one library of the sampled titles alone, with the other {len(rest)} as written (the "
          "conventions of unrelated projects mixed, and no library's braces, names or terms):")
    mixed = "".join(_entry(key, title, authors) for key, title, authors, _ in rest)
    measure(measured, protected_and_printed([(mixed, measured)]), args.verbose)


if __name__ == "__main__":
    main()
