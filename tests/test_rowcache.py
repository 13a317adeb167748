"""The table cache of `show`: used only for the exact bytes (and citetool) it was made from."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from citetool import rowcache

from .conftest import need_corpora, run


def _big_library(tmp_path: Path) -> Path:
    path = tmp_path / "big.bib"
    entries = "".join(
        f'@article{{k{n},\n  author = {{M{{\\"u}}ller, J. and Doe, {n}}},\n  title = "Title {n}",\n'
        f"  journal = jt # {{ Suffix}},\n  year = {2000 + n % 20},\n  month = jan,\n}}\n\n"
        for n in range(3000)
    )
    duplicate = "@misc{k5, title = {Again}}\n"
    path.write_text('@string{jt = "Journal"}\n% comment\n\n' + entries + duplicate, encoding="utf-8")
    assert path.stat().st_size >= rowcache.THRESHOLD
    return path


def _cache_files() -> list[Path]:
    return sorted((Path(os.environ["CITETOOL_CACHE_DIR"]) / "tables").glob("*.json"))


def _show(path: Path) -> tuple[str, str]:
    result = run("-l", str(path), "show")
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


def test_a_cached_table_equals_a_fresh_one_and_is_private(tmp_path: Path) -> None:
    path = _big_library(tmp_path)
    fresh = _show(path)
    (cached_file,) = _cache_files()
    assert cached_file.stat().st_mode & 0o777 == 0o600
    assert cached_file.parent.stat().st_mode & 0o777 == 0o700
    assert "k1\tMüller and Doe\t2001\tTitle 1\tJournal Suffix\n" in fresh[0]
    assert "entry 'k5': duplicate key" in fresh[1]
    # Mark the cache file, so a hit is told from a fresh read: the marked title must show.
    data = json.loads(cached_file.read_text())
    data["rows"][1][3] = "From the cache"
    cached_file.write_text(json.dumps(data))
    stdout, stderr = _show(path)
    assert "k1\tMüller and Doe\t2001\tFrom the cache\tJournal Suffix\n" in stdout
    assert stdout.replace("From the cache", "Title 1") == fresh[0] and stderr == fresh[1]


def test_any_change_to_the_file_misses_the_cache(tmp_path: Path) -> None:
    path = _big_library(tmp_path)
    _show(path)
    path.write_text(path.read_text().replace('title = "Title 7"', 'title = "Edited by hand"'))
    assert "k7\tMüller and Doe\t2007\tEdited by hand\t" in _show(path)[0]
    assert len(_cache_files()) == 2


def test_a_new_citetool_version_misses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _big_library(tmp_path)
    _show(path)
    key = rowcache.digest(path.read_bytes())
    assert rowcache.load(key) is not None
    monkeypatch.setattr(rowcache, "__version__", "0.0.0-other")
    assert rowcache.load(key) is None


@pytest.mark.parametrize("content", ['{"format": 1, "rows": [', '{"format": 1, "version": 3}', "[]", "\x00"])
def test_a_corrupt_cache_file_is_a_miss(content: str, tmp_path: Path) -> None:
    path = _big_library(tmp_path)
    fresh = _show(path)
    (cached_file,) = _cache_files()
    cached_file.write_text(content)
    assert _show(path) == fresh


def test_small_libraries_are_not_cached(workdir: Path) -> None:
    assert run("show").exit_code == 0
    assert _cache_files() == []


def test_the_real_16k_library_shows_the_same_from_the_cache(tmp_path: Path) -> None:
    source = need_corpora() / "large" / "jgrey4296-main-all.bib"
    assert _show(source) == _show(source)
    assert len(_cache_files()) == 1
