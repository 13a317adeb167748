"""The library file is the user's: unchanged bytes stay unchanged, real-world files included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from citetool.bib.entry import Entry, Value
from citetool.errors import LibraryInvalid
from citetool.library import file as library
from citetool.library.guard import Intent

from .conftest import CORPORA, need_corpora

#: Files in the corpora that citetool refuses to write, and why (the README lists these kinds).
REFUSED_KINDS = (
    "not valid UTF-8",
    "duplicate key",
    "field '",
    "@string value",
    "unbalanced",
    "syntax error",
    "missing a comma",
    "Expected",
    "does not end where it should",
    "no ','",
    "not closed",
    "never closed",
    "too many",
    "no '='",
    "where a field name should be",
    "the key is not followed by",
)


def _corpus_files() -> list[Path]:
    if not CORPORA.is_dir():
        return []
    return sorted(CORPORA.rglob("*.bib"))


def test_corpora_are_present() -> None:
    files = need_corpora().rglob("*.bib")
    assert sum(1 for _ in files) > 300


@pytest.mark.corpora
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: str(p.relative_to(CORPORA)))
def test_every_corpus_file_round_trips_or_is_refused(path: Path, tmp_path: Path) -> None:
    data = path.read_bytes()
    lib = library.parse_bytes(path, data)
    fatal = [problem for problem in lib.problems if problem.fatal]
    if fatal:
        with pytest.raises(LibraryInvalid) as refused:
            lib.check_writable()
        message = str(refused.value)
        assert message.startswith(f"{path}:{fatal[0].line}: ")
        assert "fix the file" in message
        assert any(kind in message for kind in REFUSED_KINDS), message
        return
    assert lib.to_bytes() == data
    # Loading and saving through the real edit path writes the very same bytes.
    copy = tmp_path / path.name
    copy.write_bytes(data)
    library.edit(copy, lambda lib: (lib.to_bytes(), None, Intent()))
    assert copy.read_bytes() == data


@pytest.mark.corpora
def test_most_corpus_files_are_writable() -> None:
    files = [path for path in need_corpora().rglob("*.bib")]
    refused = [path for path in files if any(p.fatal for p in library.parse_bytes(path, path.read_bytes()).problems)]
    assert len(refused) <= 25, [str(path) for path in refused]


def _replace_first_entry(path: Path, tmp_path: Path) -> tuple[bytes, bytes, str]:
    data = path.read_bytes()
    copy = tmp_path / path.name
    copy.write_bytes(data)
    lib = library.load(copy)
    key = next(iter(lib.entries))
    new_source = f"@misc{{{key},\n  title = {{Replaced}},\n}}"
    meant = Entry(key, "misc", {"title": Value.braced("Replaced")})
    library.edit(copy, lambda lib: (lib.replaced({key: new_source}), None, Intent(replaced={key: meant})))
    return data, copy.read_bytes(), key


@pytest.mark.corpora
@pytest.mark.parametrize(
    "name",
    [
        "large/biber-etc-tugboat.bib",
        "large/contextlab-cdl.bib",
        "tricky-bib/bibtexparser-v1-testdata/article_start_with_bom.bib",
        "tricky-bib/bibtex-tidy/better-bibtex/Better_BibTeX.001.bib",
    ],
)
def test_changing_one_entry_rewrites_only_its_bytes(name: str, tmp_path: Path) -> None:
    path = need_corpora() / name
    before, after, key = _replace_first_entry(path, tmp_path)
    lib = library.parse_bytes(path, before)
    block = lib.block_of(key)
    prefix = (library.BOM if lib.bom else "") + lib.text[: block.start]
    suffix = lib.text[block.end :]
    newline = lib.newline
    expected = prefix + f"@misc{{{key},{newline}  title = {{Replaced}},{newline}}}" + suffix
    assert after == expected.encode("utf-8")
    assert after.startswith(prefix.encode("utf-8")) and after.endswith(suffix.encode("utf-8"))


def test_appending_keeps_bom_crlf_and_every_old_byte(tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    original = '\ufeff% my notes\r\n@string{ j = "J. Foo" }\r\n\r\n@article{a,\r\n\tauthor="A",journal=j}'.encode()
    path.write_bytes(original)
    added = Intent(added=[Entry("b", "misc", {"title": Value.braced("B")})])
    library.edit(path, lambda lib: (lib.appended("@misc{b,\n  title = {B},\n}\n"), None, added))
    # The file had no final line break, and keeps that shape (removing b gives back its bytes: see below).
    assert path.read_bytes() == original + b"\r\n\r\n@misc{b,\r\n  title = {B},\r\n}"


@pytest.mark.parametrize("original", [
    b"@misc{a, title={A}}",  # no final line break
    b"@misc{a, title={A}}\r\r@misc{c, title={C}}\r",  # old Mac line ends, CR alone
    b"@misc{a, title={A}}\r\n\r\n",
    b"\xef\xbb\xbf@misc{a, title={A}}\n",
])  # fmt: skip
def test_add_then_remove_gives_back_every_byte(tmp_path: Path, original: bytes) -> None:
    path = tmp_path / "lib.bib"
    path.write_bytes(original)
    added = Intent(added=[Entry("b", "misc", {"title": Value.braced("B")})])
    library.edit(path, lambda lib: (lib.appended("@misc{b,\n  title = {B},\n}\n"), None, added))
    assert b"@misc{b," in path.read_bytes()
    if b"\r" in original and b"\n" not in original:
        assert b"\n" not in path.read_bytes()  # CR alone stays CR alone
    library.edit(path, lambda lib: (lib.removed(["b"]), None, Intent(removed=["b"])))
    assert path.read_bytes() == original


def _appended_as_text(text: str, source: str) -> str:
    """What appending means, said on the decoded text: the bytes path must give the same."""
    newline = "\r\n" if "\r\n" in text else "\r" if "\r" in text and "\n" not in text else "\n"
    chunk = source.strip("\n").replace("\n", newline)
    if not text or text.isspace():
        return text + chunk + newline
    if not text.endswith(("\n", "\r")):  # no final line break: none after the new entry either
        return text + newline * 2 + chunk
    return text + newline + chunk + newline


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        " \t\r\n",
        "\u00a0\u2003\n",  # white space only, but not ASCII
        "\x1c\x1d",  # ASCII that str.isspace counts as space and bytes.isspace does not
        "\u00a0% a comment with no line end",
        "@misc{a, title={Caf\u00e9}}",
        "@misc{a, title={A}}\n",
        "@misc{a, title={A}}\r\n",
        "@misc{a, title={A}}\r",
        "% \U0001d50a\r\n@misc{a, title={\u2018A\u2019}}",
    ],
)
@pytest.mark.parametrize("bom", [False, True])
def test_appending_on_bytes_equals_appending_on_text(text: str, bom: bool) -> None:
    source = "@misc{b,\n  title = {B \u00e9},\n}\n"
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    lib = library.parse_bytes(Path("lib.bib"), data)
    expected = ("\ufeff" if bom else "") + _appended_as_text(text, source)
    assert lib.appended(source) == expected.encode("utf-8")


def test_file_mode_is_kept_on_write(tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    path.write_text("@misc{a, title={A}}\n")
    os.chmod(path, 0o640)
    added = Intent(added=[Entry("b", "misc", {"title": Value.braced("B")})])
    library.edit(path, lambda lib: (lib.appended("@misc{b, title={B}}"), None, added))
    assert (path.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"@misc{a, title={A}}\n\n@misc{a, title={B}}\n", 3, "entry 'a': duplicate key"),
        (b"@misc{ok, title={A}}\n@article{bad,\n  title = {Unclosed,\n  year = 2020\n}\n", 2, "entry 'bad': "),
        (b"@misc{a, title={A}}\n@misc{b, title={Caf\xe9}}\n", 2, "not valid UTF-8"),
        (b"@misc{a,\n  url = {x}\n  note = {y}\n}\n", 1, "no ',' between field 'url' and field 'note' at line 3"),
    ],
)
def test_a_library_that_does_not_parse_cleanly_is_never_written(
    tmp_path: Path, content: bytes, line: int, fragment: str
) -> None:
    path = tmp_path / "lib.bib"
    path.write_bytes(content)
    with pytest.raises(LibraryInvalid) as refused:
        library.edit(path, lambda lib: (lib.appended("@misc{new, title={N}}"), None, Intent()))
    assert str(refused.value).startswith(f"{path}:{line}: ")
    assert fragment in str(refused.value)
    assert path.read_bytes() == content
