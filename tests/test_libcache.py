"""The library caches (index and `show` table): used only for the exact bytes (and citetool) they were made from."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from citetool.bib.parse import parse
from citetool.library import caches as libcache
from citetool.library.file import Index

from .conftest import need_corpora, run
from .replay import ReplayServer


def _big_library(tmp_path: Path) -> Path:
    path = tmp_path / "big.bib"
    entries = "".join(
        f'@article{{k{n},\n  author = {{M{{\\"u}}ller, J. and Doe, {n}}},\n  title = "Title {n}",\n'
        f"  journal = jt # {{ Suffix}},\n  year = {2000 + n % 20},\n  month = jan,\n}}\n\n"
        for n in range(3000)
    )
    duplicate = "@misc{k5, title = {Again}}\n"
    path.write_text('@string{jt = "Journal"}\n% comment\n\n' + entries + duplicate, encoding="utf-8")
    assert path.stat().st_size >= libcache.THRESHOLD
    return path


def _cache_files(part: str = "tables") -> list[Path]:
    return sorted((Path(os.environ["CITETOOL_CACHE_DIR"]) / part).glob("*.json"))


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
    data["payload"][1][3] = "From the cache"
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
    key = libcache.digest(path.read_bytes())
    assert libcache.load(key, "tables") is not None and libcache.load(key, "index") is not None
    monkeypatch.setattr(libcache, "__version__", "0.0.0-other")
    assert libcache.load(key, "tables") is None and libcache.load(key, "index") is None


@pytest.mark.parametrize("part", ["tables", "index"])
@pytest.mark.parametrize(
    "content",
    [
        '{"format": 1, "rows": [',
        '{"format": 1, "version": 3}',
        "[]",
        "\x00",
        '{"payload": {"keys": 1}}',
        '{"payload": {"keys": ["k1"], "spans": [0, 1], "macros": [], "preambles": [], "dois": {}, "problems": []}}',
        '{"payload": {"keys": ["k1"], "spans": [0, 1, "2"], "macros": [], "preambles": [], "dois": {}, "problems": 0}}',
        '{"payload": {"keys": [1], "spans": [0, 1, 2], "macros": [3], "preambles": [], "dois": {}, "problems": []}}',
        '{"payload": {"keys": "k", "spans": [0, 1, 2], "macros": [], "preambles": [], "dois": {}, "problems": []}}',
    ],
)
def test_a_corrupt_cache_file_is_a_miss(part: str, content: str, tmp_path: Path) -> None:
    path = _big_library(tmp_path)
    fresh = _show(path)
    (cached_file,) = _cache_files(part)
    data = json.loads(cached_file.read_text())
    if content.startswith('{"payload"'):  # well-formed JSON of this version, with a payload of the wrong shape
        content = json.dumps({**data, "payload": json.loads(content)["payload"]})
    cached_file.write_text(content)
    assert _show(path) == fresh


def test_small_libraries_are_not_cached(workdir: Path) -> None:
    assert run("show").exit_code == 0
    assert _cache_files() == [] and _cache_files("index") == []


def test_the_real_16k_library_shows_the_same_from_the_cache(tmp_path: Path) -> None:
    source = need_corpora() / "large" / "jgrey4296-main-all.bib"
    assert _show(source) == _show(source)
    assert len(_cache_files()) == 1


def _big_writable_library(tmp_path: Path) -> Path:
    path = _big_library(tmp_path)
    extra = (
        "@misc{k5x, doi = {10.5555/k5x}}\n@preamble{{\\providecommand{\\x}{y}}}\n"
        "@inproceedings{child, crossref = {Parent}, title = {C}}\n@proceedings{parent, title = {P}, year = 2001}\n"
    )
    path.write_text(path.read_text().replace("@misc{k5, title = {Again}}\n", extra))
    return path


def test_add_uses_the_cached_index(tmp_path: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _big_writable_library(tmp_path)
    _show(path)
    from citetool.library import file

    def no_full_parse(text: str) -> object:
        raise AssertionError("add parsed the whole library although its index was cached")

    monkeypatch.setattr(file, "parse", no_full_parse)
    # k5x has the DOI in the file, and the cached index says so: answered from the index and that entry alone.
    result = run("-l", str(path), "add", "10.5555/k5x")
    assert result.exit_code == 0 and result.stdout == "k5x\n"
    assert server.requests == []


def test_a_tampered_index_is_not_believed(tmp_path: Path, server: ReplayServer) -> None:
    path = _big_writable_library(tmp_path)
    _show(path)
    # The cached index claims a DOI for an entry that does not have it: the entry is read, and the claim refuted.
    (cached_file,) = _cache_files("index")
    data = json.loads(cached_file.read_text())
    data["payload"]["dois"]["10.1038/srep16696"] = "k42"
    cached_file.write_text(json.dumps(data))
    result = run("-l", str(path), "add", "10.1038/srep16696")
    assert result.exit_code == 0 and result.stdout == "tosatto2015single\n"
    assert [request[0] for request in server.requests] == ["/works/10.1038%2Fsrep16696"]


@pytest.mark.parametrize("variant", ["plain", "bom-crlf-non-ascii"])
def test_an_append_leaves_the_index_of_the_new_bytes_cached_and_exact(
    variant: str, tmp_path: Path, server: ReplayServer
) -> None:
    path = _big_writable_library(tmp_path)
    if variant != "plain":
        # Characters of 2, 3 and 4 bytes: the index counts characters, the append works on bytes.
        text = path.read_text(encoding="utf-8").replace("Title", "Tïtle ‘q’ 𝔊").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    _show(path)
    result = run("-l", str(path), "add", "10.1038/srep16696", "10.2172/1763563")
    assert result.exit_code == 0, result.stderr
    data = path.read_bytes()
    cached = libcache.load(libcache.digest(data), "index")
    assert cached is not None
    index = Index.from_json(cached)
    assert index == Index.of(parse(data.decode("utf-8").removeprefix("\ufeff")))
    assert list(index.keys)[-2:] == result.stdout.split()
    assert index.dois["10.5555/k5x"] == "k5x"


def test_an_edit_by_hand_is_never_answered_from_the_cache(tmp_path: Path, server: ReplayServer) -> None:
    path = _big_writable_library(tmp_path)
    _show(path)
    with path.open("a", encoding="utf-8") as library:
        library.write("\n@misc{k7, title = {A second k7, added by hand}}\n")
    result = run("-l", str(path), "add", "10.1038/srep16696")
    assert result.exit_code == 3
    assert "entry 'k7': duplicate key" in result.stderr
    assert server.requests == []


def test_an_appended_text_with_problems_or_known_keys_does_not_extend_the_index() -> None:
    index = Index.of(parse("@misc{a, doi = {10.1/a}}\n"))
    assert index.extended(parse("@misc{b, title = {B}}\n"), 24, 1) is not None
    assert index.extended(parse("@misc{a, title = {again}}\n"), 24, 1) is None
    assert index.extended(parse("@misc{b, title = {B}\n"), 24, 1) is None


@pytest.mark.parametrize(
    "command",
    [
        ["show", "--json", "k1", "10.5555/k5x", "child", "k2999"],
        ["show", "k7"],
        ["export", "-f", "bibtex", "k1", "child"],
        ["export", "-f", "ris", "child", "k3"],
    ],
    ids=["show-json", "show", "export-bibtex", "export-ris"],
)
def test_named_entries_read_through_the_index_equal_a_full_parse(command: list[str], tmp_path: Path) -> None:
    path = _big_writable_library(tmp_path)
    fresh = run("-l", str(path), *command)  # no index yet: parses the whole file, and caches the index
    assert fresh.exit_code == 0, fresh.stderr
    assert _cache_files("index")
    from_index = run("-l", str(path), *command)
    assert (from_index.exit_code, from_index.stdout, from_index.stderr) == (0, fresh.stdout, fresh.stderr)


def test_show_key_reads_the_entry_where_the_index_says(tmp_path: Path) -> None:
    path = _big_writable_library(tmp_path)
    _show(path)
    (cached_file,) = _cache_files("index")
    data = json.loads(cached_file.read_text())
    position = data["payload"]["keys"].index("k1")
    data["payload"]["spans"][3 * position + 2] = 99999  # the line reported comes from the index
    cached_file.write_text(json.dumps(data))
    shown = json.loads(run("-l", str(path), "show", "--json", "k1").stdout)
    assert shown[0]["line"] == 99999 and shown[0]["venue"] == "Journal Suffix"


@pytest.mark.parametrize("format_name", ["bibtex", "biblatex", "ris", "csl-json"])
def test_a_whole_export_is_cached_with_its_warnings(format_name: str, tmp_path: Path) -> None:
    path = _big_writable_library(tmp_path)
    with path.open("a", encoding="utf-8") as library:
        library.write("\n@misc{snow, title = {Snow \u2603 man}}\n")  # no LaTeX form: a warning in bibtex
    fresh = run("-l", str(path), "export", "-f", format_name)
    assert fresh.exit_code == 0, fresh.stderr
    assert ("U+2603" in fresh.stderr) == (format_name == "bibtex")
    (cached_file,) = (Path(os.environ["CITETOOL_CACHE_DIR"]) / f"export-{format_name}-file").glob("*.txt")
    assert cached_file.stat().st_mode & 0o777 == 0o600
    again = run("-l", str(path), "export", "-f", format_name)
    assert (again.stdout, again.stderr) == (fresh.stdout, fresh.stderr)
    cached_file.write_text(cached_file.read_text().replace("Snow", "From the cache"))
    assert "From the cache" in run("-l", str(path), "export", "-f", format_name).stdout
    # Another order is another output; a selection is never served from the cache.
    assert "From the cache" not in run("-l", str(path), "export", "-f", format_name, "--sort", "year").stdout
    assert "From the cache" not in run("-l", str(path), "export", "-f", format_name, "snow").stdout


def _big_library_of_few_entries(tmp_path: Path) -> Path:
    """Few entries (citeproc-py takes milliseconds each) in a file big enough to be cached."""
    path = tmp_path / "few.bib"
    entries = "".join(
        f"@article{{k{n}, author = {{Doe, Jane{n}}}, title = {{Title {n}}}, journal = {{J}}, year = {2000 + n}}}\n"
        for n in range(12)
    )
    path.write_text("% " + "padding " * 40_000 + "\n\n" + entries, encoding="utf-8")
    assert path.stat().st_size >= libcache.THRESHOLD
    return path


@pytest.mark.parametrize("format_name", ["html", "text"])
def test_a_whole_citeproc_export_is_cached_per_style(
    format_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citetool.csl import engine as citeproc_render

    path = _big_library_of_few_entries(tmp_path)
    fresh = run("-l", str(path), "export", "-f", format_name, "--style", "apa")
    assert fresh.exit_code == 0 and "Title 3" in fresh.stdout, fresh.stderr
    (cached_file,) = (Path(os.environ["CITETOOL_CACHE_DIR"]) / f"export-{format_name}-file").glob("*.txt")
    cached_file.write_text(cached_file.read_text().replace("Title 3", "From the cache"))
    assert "From the cache" in run("-l", str(path), "export", "-f", format_name, "--style", "apa").stdout
    # Another style, locale or citeproc-js: rendered again.
    assert "From the cache" not in run("-l", str(path), "export", "-f", format_name, "--style", "ieee").stdout
    if format_name == "html":
        fragment = run("-l", str(path), "export", "-f", "html", "--style", "apa", "--fragment").stdout
        assert "From the cache" not in fragment and "<!DOCTYPE" not in fragment
    assert "From the cache" not in run("-l", str(path), "export", "-f", format_name, "--locale", "en-GB").stdout
    monkeypatch.setattr(citeproc_render, "processor_version", lambda: "another citeproc-js")
    assert "From the cache" not in run("-l", str(path), "export", "-f", format_name, "--style", "apa").stdout


def test_the_style_digest_follows_the_style_file(tmp_path: Path) -> None:
    from citetool.csl import styles

    apa, ieee = styles.find("apa"), styles.find("ieee")
    assert apa.digest != ieee.digest and apa.digest == styles.find("apa").digest
    copy = tmp_path / "mine.csl"
    copy.write_text(apa.xml.replace("<title>", "<title>My "), encoding="utf-8")
    assert styles.find(str(copy)).digest != apa.digest


@pytest.mark.parametrize(
    "change",
    [
        {"keys": "k", "spans": [0, 1, 2]},  # a string is not a list of keys, even where its length fits
        {"keys": ["k", 1]},
        {"spans": [0, 1, 2, 3, 4]},
        {"spans": [0, 1, 2, 3, 4, "5"]},
        {"spans": [0, 1, 2, 3, 4, 5.0]},
        {"macros": [0]},
        {"preambles": "01"},
    ],
)
def test_an_index_of_the_wrong_shape_is_refused(change: dict[str, object]) -> None:
    good = Index.of(parse("@misc{k, title = {A}}\n@misc{l, title = {B}}\n")).to_json()
    assert Index.from_json(good) == Index.of(parse("@misc{k, title = {A}}\n@misc{l, title = {B}}\n"))
    with pytest.raises(ValueError):
        Index.from_json({**good, **change})
