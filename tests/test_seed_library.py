"""The seeded library.bib holds the two source papers, every field from the seed texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citetool.bib.latex import to_text
from citetool.bib.names import parse_names
from citetool.library import file as library

from .conftest import REPO, SEEDS, need

SEEDED = REPO / "library.bib"


def _seed(prefix: str) -> str:
    need(SEEDS.is_dir(), f"seed texts are not at {SEEDS}")
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _flat(text: str) -> str:
    """Seed text with line-break hyphenation undone and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"-\s*\n\s*", "", text)).strip()


@pytest.fixture(scope="module")
def seeded() -> library.Library:
    lib = library.load(SEEDED)
    assert lib.problems == []
    return lib


def test_library_holds_exactly_the_two_seed_papers(seeded: library.Library) -> None:
    assert list(seeded.entries) == ["belousova2025embracing", "russianational"]


def test_belousova_every_field_matches_seed_003(seeded: library.Library) -> None:
    seed = _seed("003")
    lines = seed.splitlines()
    entry = seeded.entries["belousova2025embracing"]
    text = {name: to_text(value.resolve({})) for name, value in entry.fields.items()}
    assert entry.entry_type == "article"
    assert set(text) == {
        "author",
        "title",
        "journal",
        "year",
        "volume",
        "number",
        "pages",
        "publisher",
        "doi",
        "abstract",
        "keywords",
    }
    assert text["title"] == lines[0] == "Embracing the Taliban: Deciphering Russia’s Afghan Policy"
    names = parse_names(entry.text("author") or "")
    assert [name.display() for name in names] == ["Tatiana Belousova", "Raghav Sharma"]
    assert "Tatiana Belousova and" in seed and "Raghav Sharma" in seed
    venue = re.match(r"(.+), (\d{4}), vol\. (\d+), issue (\d+), (\d+)-(\d+)$", lines[3])
    assert venue is not None
    journal, year, volume, issue, first, last = venue.groups()
    assert (text["journal"], text["year"], text["volume"], text["number"]) == (journal, year, volume, issue)
    assert entry.text("pages") == f"{first}--{last}"
    assert text["doi"] == re.search(r"^DOI: (\S+)$", seed, re.M).group(1)  # type: ignore[union-attr]
    assert "maintained by SAGE Publications" in seed and text["publisher"] == "SAGE Publications"
    abstract = seed.split("Abstract:\n", 1)[1].split("\nKeywords:", 1)[0].strip()
    assert text["abstract"] == abstract
    keywords = re.search(r"^Keywords: (.+?) \(search", seed, re.M).group(1).split("; ")  # type: ignore[union-attr]
    assert text["keywords"].split(", ") == keywords


def test_introduction_paper_records_only_what_seed_000_states(seeded: library.Library) -> None:
    seed = _seed("000")
    flat = _flat(seed)
    entry = seeded.entries["russianational"]
    text = {name: to_text(value.resolve({})) for name, value in entry.fields.items()}
    assert entry.entry_type == "misc"
    # No author, year, venue or publisher: the text names none.
    assert set(text) == {"title", "note", "abstract", "keywords"}
    assert text["note"].startswith("Title supplied")
    for subject in ("2021 National Security Strategy", "Islamic Emirate", "Afghanistan", "Russia's"):
        assert subject in text["title"] and subject in flat
    for sentence in re.split(r"(?<=\.) ", text["abstract"]):
        assert sentence in flat, sentence
    key_words = re.search(r"Key Words: (.+?)\.\s*$", flat).group(1)  # type: ignore[union-attr]
    assert text["keywords"] == key_words


def test_seeded_library_is_what_the_default_path_finds(seeded: library.Library) -> None:
    assert Path(SEEDED).read_bytes() == seeded.to_bytes()
