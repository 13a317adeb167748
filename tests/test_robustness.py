"""Odd Crossref content, hostile input, file-system failures, and properties that must always hold."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citetool.bib.escape import ASCII_PUNCTUATION
from citetool.bib.latex import to_text
from citetool.bib.parse import parse
from citetool.bib.source import entry_source
from citetool.crossref.mapping import to_entry
from citetool.library import file as library

from .conftest import REPO, need_programs, run
from .replay import ReplayServer, recorded_works

SEED_BYTES = (REPO / "library.bib").read_bytes()
TEMPLATE = json.loads(recorded_works()["10.1038/srep16696"])["message"]


def _serve(server: ReplayServer, message: dict[str, object]) -> str:
    doi = str(message["DOI"]).lower()
    server.works[doi] = json.dumps({"status": "ok", "message": message}).encode()
    return doi


# -- odd but valid Crossref records, over HTTP ---------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": None}, "@article{tosatto2015,"),
        ({"issued": {"date-parts": [[None]]}, "published-print": None}, "@article{tosattosingle,"),
        ({"volume": "null", "issue": "null"}, "  pages = {16696},"),
        ({"author": [{}, {"given": ""}, {"family": "Solo"}]}, "  author = {Solo},"),
        ({"author": [{"given": f"G{n}", "family": f"F{n}"} for n in range(3000)]}, "F2999, G2999},"),
    ],
    ids=["no-title", "null-date", "null-volume", "empty-authors", "3000-authors"],
)
def test_odd_records_still_give_a_correct_entry(
    changes: dict[str, object], expected: str, workdir: Path, server: ReplayServer
) -> None:
    message = {key: value for key, value in {**TEMPLATE, **changes}.items() if value is not None}
    doi = _serve(server, message)
    result = run("add", doi)
    assert result.exit_code == 0, result.stderr
    text = (workdir / "library.bib").read_text(encoding="utf-8")
    assert expected in text
    assert library.load(workdir / "library.bib").problems == []


# -- bad input and file-system failures --------------------------------------------


def test_adding_to_a_non_utf8_library_is_refused_and_changes_nothing(tmp_path: Path, server: ReplayServer) -> None:
    path = tmp_path / "l.bib"
    content = b"@misc{a, title = {Caf\xe9}}\n"
    path.write_bytes(content)
    result = run("-l", str(path), "add", "10.1038/srep16696")
    assert result.exit_code == 3
    assert "not valid UTF-8" in result.stderr and server.requests == []
    assert path.read_bytes() == content


def _as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run citetool as an unprivileged user, so file permissions apply even when the tests run as root."""
    need_programs("setpriv")
    command = [sys.executable, "-m", "citetool", *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    env = {**os.environ, "PYTHONPATH": str(REPO), "CITETOOL_CACHE_DIR": str(cwd / "cache"),
           "CITETOOL_CONFIG": str(cwd / "no-config.toml")}  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, check=False)


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's own temp root is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="citetool-test-", dir="/tmp"))
    os.chmod(folder, 0o777)
    yield folder
    os.chmod(folder, 0o777)
    shutil.rmtree(folder, ignore_errors=True)


def test_unreadable_library_is_a_clear_error(open_folder: Path) -> None:
    path = open_folder / "library.bib"
    path.write_bytes(SEED_BYTES)
    os.chmod(path, 0o000)
    result = _as_nobody("-l", str(path), "show", cwd=open_folder)
    assert result.returncode == 3
    assert result.stderr == f"citetool: error: {path}: cannot be read (permission denied)\n"


def test_read_only_folder_write_fails_cleanly_and_keeps_the_library(open_folder: Path) -> None:
    shutil.copy(REPO / "library.bib", open_folder / "library.bib")
    os.chmod(open_folder / "library.bib", 0o666)
    os.chmod(open_folder, 0o555)
    try:
        result = _as_nobody("remove", "russianational", cwd=open_folder)
    finally:
        os.chmod(open_folder, 0o777)
    assert result.returncode == 7
    assert result.stderr.startswith("citetool: error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert (open_folder / "library.bib").read_bytes() == SEED_BYTES


def test_full_disk_leaves_the_old_library_and_no_temp_file(workdir: Path) -> None:
    (workdir / "big.bib").write_text("".join(f"@misc{{k{n}, title = {{{'x' * 200} {n}}}}}\n" for n in range(200)))

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(SEED_BYTES) + 1000, len(SEED_BYTES) + 1000))

    process = subprocess.run([sys.executable, "-m", "citetool", "import", "big.bib"], cwd=workdir,
                             capture_output=True, text=True, preexec_fn=small_files, check=False)  # fmt: skip
    assert process.returncode == 7
    assert process.stderr.endswith("the old file is intact (the disk is full)\n")
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES
    assert not [name for name in os.listdir(workdir) if name.endswith(".tmp")]


def test_enormous_fields_and_deeply_nested_braces(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    nested = "{" * 5000 + "deep" + "}" * 5000
    path.write_text(f"@misc{{big, title = {{{'word ' * 400000}}}}}\n@misc{{deep, title = {nested}}}\n")
    shown = run("-l", str(path), "show", "--json")
    assert shown.exit_code == 0
    data = json.loads(shown.stdout)
    assert data[1]["title"] == "deep" and len(data[0]["title"]) == len("word " * 400000) - 1
    exported = run("-l", str(path), "export", "-f", "ris")
    assert exported.exit_code == 0 and "TI  - deep\n" in exported.stdout
    assert run("-l", str(path), "remove", "big").exit_code == 0
    assert list(library.load(path).entries) == ["deep"]


# -- properties --------------------------------------------------------------------

#: Titles and names: any Unicode but markup that Crossref strings cannot hold literally (``<``, ``&``),
#: the soft hyphen, typographic punctuation that the bibtex export spells in ASCII on purpose, and the
#: bidirectional controls that citetool.bib.safety removes from whatever a server sends (U+202E would
#: make "Evil\u202etxt.exe" read as "Evilexe.txt").
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=["Cs", "Cc", "Co", "Cn", "Zl", "Zp"],
        exclude_characters="<&\u00ad" + "".join(ASCII_PUNCTUATION) + BIDI_CONTROLS,
    ),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() != "")


def _plain(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TEXT, family=TEXT, given_name=TEXT)
def test_any_unicode_survives_add_library_biblatex_and_parse(
    title: str, family: str, given_name: str, tmp_path: Path
) -> None:
    record = {"type": "journal-article", "title": [title], "author": [{"family": family, "given": given_name}],
              "issued": {"date-parts": [[2020]]}}  # fmt: skip
    entry = to_entry(record, "10.5555/prop")
    path = tmp_path / "prop.bib"
    path.write_text(entry_source(entry) + "\n", encoding="utf-8")
    stored = library.load(path)
    assert stored.problems == []
    exported = run("-l", str(path), "export", "-f", "biblatex").stdout
    (again,) = parse(exported).entries.values()
    assert to_text(again.text("title") or "") == _plain(title)
    (name,) = json.loads(run("-l", str(path), "show", "--json").stdout)[0]["authors"]
    assert name == f"{_plain(given_name)} {_plain(family)}"
    bibtex = run("-l", str(path), "export", "-f", "bibtex")
    if "no LaTeX form" not in bibtex.stderr:
        assert bibtex.stdout.isascii()
        (ascii_entry,) = parse(bibtex.stdout).entries.values()
        assert to_text(ascii_entry.text("title") or "") == _plain(title)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(
        st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=30),
        min_size=1,
        max_size=5,
    )
)
def test_ris_values_never_contain_line_breaks(values: list[str], tmp_path: Path) -> None:
    from citetool.bib.escape import escape

    path = tmp_path / "ris.bib"
    fields = ",\n".join(f"  {name} = {{{escape(value)}}}" for name, value in zip(
        ("title", "journal", "note", "abstract", "publisher"), values, strict=False))  # fmt: skip
    path.write_text(f"@article{{k,\n{fields}\n}}\n", encoding="utf-8")
    ris = run("-l", str(path), "export", "-f", "ris").stdout
    for line in ris.splitlines():
        assert line == "" or re.match(r"^[A-Z][A-Z0-9]  - ", line), repr(line)
    assert ris.count("ER  - ") == 1


# -- security ----------------------------------------------------------------------

HOSTILE_TITLE = "Evil} @misc{pwn, title={x} \\input{/etc/passwd} \\immediate\\write18{touch PWNED} $x^2$ 100% #1 ~_&"


@pytest.mark.tex
def test_hostile_crossref_title_is_inert_in_the_library_and_a_real_latex_build(
    workdir: Path, server: ReplayServer
) -> None:
    need_programs("pdflatex", "bibtex", "pdftotext")
    doi = _serve(server, {**TEMPLATE, "title": [HOSTILE_TITLE]})
    assert run("add", doi).exit_code == 0
    lib = library.load(workdir / "library.bib")
    assert lib.problems == [] and len(lib.entries) == 3 and "pwn" not in lib.entries
    (workdir / "paper.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{lmodern}\\usepackage{textcomp}\n"
        "\\begin{document}\\nocite{*}\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n"
    )
    (workdir / "refs.bib").write_text(run("export").stdout, encoding="utf-8")
    for command in (["pdflatex", "-shell-escape", "-interaction=nonstopmode", "paper"], ["bibtex", "paper"],
                    ["pdflatex", "-shell-escape", "-interaction=nonstopmode", "paper"]):  # fmt: skip
        subprocess.run(command, cwd=workdir, capture_output=True, timeout=120, check=False)
    log = (workdir / "paper.log").read_text(encoding="latin-1")
    assert not re.search(r"^! ", log, re.M), log[-2000:]
    assert not (workdir / "PWNED").exists()
    assert "root:" not in (workdir / "paper.bbl").read_text()
    text = subprocess.run(["pdftotext", "paper.pdf", "-"], cwd=workdir, capture_output=True, text=True).stdout
    assert "\\input{/etc/passwd}" in " ".join(text.split())


def test_no_shell_eval_or_pickle_anywhere_in_the_package() -> None:
    # `.eval(` is V8's (mini-racer), which runs JavaScript, never Python: allowed in the one module that
    # loads citeproc-js and its glue, and there only on those files.
    forbidden = re.compile(
        r"(?<!\.)\beval\(|\bexec\(|\bpickle\b|shell\s*=\s*True|os\.system\(|\bmarshal\b|yaml\.load\("
    )
    lines = [
        (path, number, line)
        for path in (REPO / "citetool").rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
    ]
    assert [f"{path.name}:{number}" for path, number, line in lines if forbidden.search(line)] == []
    javascript = [(path, line.strip()) for path, _number, line in lines if ".eval(" in line]
    assert {path.relative_to(REPO).as_posix() for path, _line in javascript} == {"citetool/csl/engine.py"}
    assert all("read_text" in line or re.fullmatch(r'context\.eval\("[^"]*"\)', line) for _path, line in javascript)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ é{}  ,.;:'\"-!?()[]<>@#_^*/|=+0\n")), max_size=40))
def test_the_braces_only_short_cut_reads_as_the_latex_reader_does(text: str) -> None:
    from citetool.bib import latex

    value = "{" + text.replace("--", "-")  # dash ligatures are handled before either path; a brace needs parsing
    assert to_text(value) == " ".join(latex._parse(value).split())


_SPACEY = st.text(alphabet=st.sampled_from(list("ab ,.\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000\u200b-")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_SPACEY)
def test_white_space_is_collapsed_as_the_regular_expression_would(text: str) -> None:
    dashed = text.replace("---", "\u2014").replace("--", "\u2013")
    assert to_text(text) == re.sub(r"\s+", " ", dashed).strip()


@settings(max_examples=300, deadline=None)
@given(_SPACEY)
def test_names_without_braces_split_into_words_as_the_brace_scanner_does(text: str) -> None:
    from citetool.bib import names

    assert names._words(text) == [word for word in names._split_top(text, names._SPACE) if word]


@pytest.mark.parametrize("text", ["''", "'''", "``quoted''", "!`", "?`", "a--b", "a---b"])
def test_characters_tex_would_join_into_one_glyph_are_kept_apart(text: str, tmp_path: Path) -> None:
    record = {"type": "journal-article", "title": [text], "author": [{"family": text, "given": "A"}],
              "issued": {"date-parts": [[2020]]}}  # fmt: skip
    entry = to_entry(record, "10.5555/glyph")
    path = tmp_path / "glyph.bib"
    path.write_text(entry_source(entry) + "\n", encoding="utf-8")
    again = library.load(path).entries[entry.key]
    assert to_text(again.text("title") or "") == text
