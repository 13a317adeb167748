"""The parsed-library cache: used only for the exact bytes it was made from."""

from __future__ import annotations

import os
from pathlib import Path

from citetool import library, parsecache

from .conftest import need_corpora


def _big_library(tmp_path: Path) -> Path:
    path = tmp_path / "big.bib"
    entries = "".join(
        f'@article{{k{n},\n  author = {{M{{\\"u}}ller, J. and Doe, {n}}},\n  title = "Title {n}",\n'
        f"  journal = jt # {{ Suffix}},\n  year = {2000 + n % 20},\n  month = jan,\n}}\n\n"
        for n in range(3000)
    )
    path.write_text('@string{jt = "Journal"}\n% comment\n\n' + entries, encoding="utf-8")
    assert path.stat().st_size >= library.CACHE_THRESHOLD
    return path


def _cache_files() -> list[Path]:
    return sorted((Path(os.environ["CITETOOL_CACHE_DIR"]) / "libraries").glob("*.json"))


def test_a_cached_parse_equals_a_fresh_one_and_is_private(tmp_path: Path) -> None:
    path = _big_library(tmp_path)
    first = library.load(path)
    (cached_file,) = _cache_files()
    assert cached_file.stat().st_mode & 0o777 == 0o600
    assert cached_file.parent.stat().st_mode & 0o777 == 0o700
    second = library.load(path)  # from the cache
    assert second.document.blocks == first.document.blocks
    assert second.entries == first.entries and second.strings == first.strings
    assert second.to_bytes() == path.read_bytes()


def test_any_change_to_the_file_misses_the_cache(tmp_path: Path) -> None:
    path = _big_library(tmp_path)
    library.load(path)
    path.write_text(path.read_text().replace('title = "Title 7"', 'title = "Edited by hand"'))
    assert library.load(path).entries["k7"].text("title") == "Edited by hand"
    assert len(_cache_files()) == 2


def test_a_corrupt_cache_file_is_a_miss(tmp_path: Path) -> None:
    path = _big_library(tmp_path)
    library.load(path)
    (cached_file,) = _cache_files()
    cached_file.write_text('{"format": 2, "blocks": [')
    assert library.load(path).entries["k1"].text("title") == "Title 1"
    assert parsecache.load(parsecache.digest(b"never seen"), "") is None


def test_the_real_16k_library_round_trips_through_the_cache(tmp_path: Path) -> None:
    source = need_corpora() / "large" / "jgrey4296-main-first10k.bib"
    fresh = library.load(source)
    cached = library.load(source)
    assert [block.entry for block in cached.document.blocks] == [block.entry for block in fresh.document.blocks]
    assert [(p.line, p.message) for p in cached.problems] == [(p.line, p.message) for p in fresh.problems]
