"""Library management: remove, import, check, update, find and shell completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import CORPORA, REPO, corpus_sample, need_corpora, run
from .replay import ReplayServer, Reply, recorded_works

SEED_BYTES = (REPO / "library.bib").read_bytes()


# -- remove ------------------------------------------------------------------------


def test_remove_undoes_add_byte_for_byte(workdir: Path, server: ReplayServer) -> None:
    run("add", "10.1038/srep16696", "10.2172/1763563")
    result = run("remove", "tosatto2015single", "sholander2020application")
    assert result.exit_code == 0
    assert result.stdout == "tosatto2015single\nsholander2020application\n"
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES


def test_remove_takes_only_that_entrys_bytes(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_bytes(b"% c\r\n@misc{a, title={A}}\r\n\r\n@misc{b,\r\n title={B}}\r\n\r\n@misc{c, title={C}}\r\n")
    assert run("-l", str(path), "remove", "b").exit_code == 0
    assert path.read_bytes() == b"% c\r\n@misc{a, title={A}}\r\n\r\n@misc{c, title={C}}\r\n"


def test_remove_unknown_key_removes_nothing(workdir: Path) -> None:
    result = run("remove", "russianational", "nokey")
    assert result.exit_code == 1
    assert result.stderr == "citetool: error: not in library.bib: nokey\n"
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES


def test_remove_asks_on_a_terminal(workdir: Path) -> None:
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "citetool", "remove", "russianational"], stdin=follower,
                            stdout=subprocess.PIPE, stderr=follower, cwd=workdir)  # fmt: skip
    os.write(leader, b"n\n")
    proc.communicate(timeout=30)
    os.close(follower)
    os.close(leader)
    assert proc.returncode == 1
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES


# -- import ------------------------------------------------------------------------

RIS = """\ufeff
TY  - JOUR
AU  - Müller, Jörg
AU  - Doe, Jane
TI  - Salt & Pepper: a
  continued title
T2  - Journal of Tests
PY  - 2021
DA  - 2021/03/04/
SP  - 10
EP  - 20
VL  - 3
IS  - 1
SN  - 1234-5678
DO  - https://doi.org/10.5555/RIS.1
KW  - salt
KW  - pepper
XX  - an unknown tag
ER  -

TY  - BOOK
AU  - Roe, Richard
TI  - A Book
PY  - 1999
PB  - Pub
"""


def test_import_ris_with_bom_continuations_unknown_tags_and_missing_er(workdir: Path) -> None:
    (workdir / "in.ris").write_text(RIS, encoding="utf-8")
    result = run("import", "in.ris")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "muller2021salt\nroe1999book\n"
    assert result.stderr == "citetool: imported 2 entries, skipped 0 duplicates\n"
    added = (workdir / "library.bib").read_text(encoding="utf-8")[len(SEED_BYTES.decode()) :]
    assert added == (
        "\n@article{muller2021salt,\n  author = {Müller, Jörg and Doe, Jane},\n"
        "  title = {Salt \\& Pepper: a continued title},\n  journal = {Journal of Tests},\n  year = {2021},\n"
        "  month = mar,\n  day = {4},\n  volume = {3},\n  number = {1},\n  pages = {10--20},\n  issn = {1234-5678},\n"
        "  doi = {10.5555/ris.1},\n  keywords = {salt, pepper},\n}\n\n"
        "@book{roe1999book,\n  author = {Roe, Richard},\n  title = {A Book},\n  year = {1999},\n"
        "  publisher = {Pub},\n}\n"
    )
    again = run("import", "in.ris")
    assert again.stdout == ""
    assert "skipped 10.5555/ris.1: already in the library as muller2021salt" in again.stderr
    assert again.stderr.endswith("imported 0 entries, skipped 2 duplicates\n")


def test_import_bibtex_keeps_text_keys_macros_and_crossref(workdir: Path) -> None:
    (workdir / "in.bib").write_text(
        '@string{jt = "Journal of Tests"}\n@string{unused = "x"}\n\n'
        "@article{belousova2025embracing,\n\tauthor = {Someone, Else},\n\ttitle = {Another paper},\n"
        "\tjournal = jt, year = 2020, crossref = {parent}\n}\n\n"
        "@proceedings{parent, title = {Proc}, year = 2020}\n\n"
        "@misc{dup, title = {Embracing the {Taliban}: Deciphering {Russia’s} {Afghan} Policy},"
        " author = {Belousova, T.}, year = 2025}\n",
        encoding="utf-8",
    )
    result = run("import", "in.bib")
    assert result.exit_code == 0
    # dup shares only title, year and first author with an entry: a near-duplicate, imported and said (issue #22).
    assert result.stdout == "someone2020another\nparent\ndup\n"
    assert "key belousova2025embracing is taken; imported as someone2020another" in result.stderr
    assert ("dup looks like a second copy of belousova2025embracing (same title, year and first author); "
            "imported, `citetool check` names both") in result.stderr  # fmt: skip
    added = (workdir / "library.bib").read_text(encoding="utf-8")[len(SEED_BYTES.decode()) :]
    assert added == (
        '\n@string{jt = "Journal of Tests"}\n\n'
        "@article{someone2020another,\n\tauthor = {Someone, Else},\n\ttitle = {Another paper},\n"
        "\tjournal = jt, year = 2020, crossref = {parent}\n}\n\n"
        "@proceedings{parent, title = {Proc}, year = 2020}\n\n"
        "@misc{dup, title = {Embracing the {Taliban}: Deciphering {Russia’s} {Afghan} Policy},"
        " author = {Belousova, T.}, year = 2025}\n"
    )


def test_import_csl_json_and_dry_run(workdir: Path) -> None:
    items = [{"id": "item1", "type": "article-journal", "title": "CSL <i>Title</i>", "DOI": "10.5555/CSL",
              "author": [{"family": "Zed", "given": "Ann"}], "issued": {"date-parts": [[2018, 5]]},
              "container-title": "J"}]  # fmt: skip
    (workdir / "in.json").write_text(json.dumps(items))
    dry = run("import", "--dry-run", "in.json")
    assert dry.stdout == "item1\n" and "would import 1 entries" in dry.stderr
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES
    assert run("import", "in.json").stdout == "item1\n"
    # The title as the item says it (no braces added: its CSL-JSON export must give the item back, issue #22).
    assert (
        "@article{item1,\n  author = {Zed, Ann},\n  title = {CSL \\textit{Title}},"
        in (workdir / "library.bib").read_text()
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("wos.ris", "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n", "is a Web of Science tagged export"),
        ("bad.ris", "hello\n", "not a RIS file"),
        ("bad.json", "{not json", "not valid JSON"),
        ("bad.bib", "@misc{a, title = {A}}\n@article{b,\n title = {unclosed\n", "bad.bib:2: entry 'b'"),
        ("latin1.bib", "@misc{a, title = {Caf\xe9}}\n", "not valid UTF-8"),
        ("notes.txt", "x", "cannot tell the format"),
    ],
)
def test_a_bad_input_file_imports_nothing(workdir: Path, name: str, content: str, message: str) -> None:
    (workdir / "good.ris").write_text(RIS, encoding="utf-8")
    (workdir / name).write_bytes(content.encode("latin-1") if name == "latin1.bib" else content.encode())
    result = run("import", "good.ris", name)
    assert result.exit_code == 8
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES


def test_import_from_stdin_needs_a_format(workdir: Path) -> None:
    assert run("import", "-", input=RIS).exit_code == 2
    assert run("import", "--format", "ris", "-", input=RIS).stdout == "muller2021salt\nroe1999book\n"


@pytest.mark.corpora
def test_every_real_ris_file_imports_or_is_named_for_what_it_is(tmp_path: Path) -> None:
    files = sorted((need_corpora() / "ris").rglob("*.ris"))
    assert len(files) >= 15
    for path in files:
        library = tmp_path / f"{path.stem}.bib"
        result = run("-l", str(library), "import", str(path))
        if path.name == "example_wos.ris":
            assert result.exit_code == 8 and "Web of Science" in result.stderr
            continue
        assert result.exit_code == 0, (path, result.stderr)
        assert result.stdout.strip(), path
        assert run("-l", str(library), "check").exit_code in (0, 9)  # readable, clean library


def import_sweep(files: list[Path], folder: Path) -> tuple[int, list[str]]:
    """Import each file into an empty library: how many were refused, and what went wrong (a refusal that is not
    one clear line, a failure, a library left with problems)."""
    from citetool.library import file as library

    refused, wrong = 0, []
    for number, path in enumerate(files):
        target = folder / f"lib{number}.bib"
        result = run("-l", str(target), "import", str(path))
        if result.exit_code == 8:
            refused += 1
            if not (result.stderr.startswith(f"citetool: error: {path}") and len(result.stderr.splitlines()) == 1
                    and not target.exists()):  # fmt: skip
                wrong.append(f"{path}: {result.stderr[:200]}")
            continue
        if result.exit_code != 0:
            wrong.append(f"{path}: exit {result.exit_code} {result.stderr[:200]}")
        elif target.exists() and [p for p in library.load(target).problems if p.fatal]:
            wrong.append(f"{path}: the imported library has problems")
    return refused, wrong


@pytest.mark.corpora
def test_every_real_bib_file_imports_or_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    """The fixed sample of the corpora; benchmarks/sweeps.py imports every file."""
    files = corpus_sample()
    assert len(files) > 400
    refused, wrong = import_sweep(files, tmp_path)
    assert wrong == [] and refused <= 25


@pytest.mark.corpora
@pytest.mark.parametrize(
    "name", ["large/biber-etc-papers.bib", "large/contextlab-cdl.bib", "large/plume-bib/crossrefs.bib",
             "tricky-bib/bibtexparser-v1-testdata/article_start_with_bom.bib"],
)  # fmt: skip
def test_real_bib_files_import_completely(name: str, tmp_path: Path) -> None:
    from citetool.library import file as library

    source = library.load(need_corpora() / name)
    target = tmp_path / "library.bib"
    result = run("-l", str(target), "import", str(need_corpora() / name))
    assert result.exit_code == 0, result.stderr
    imported = library.load(target)
    assert imported.problems == [] or all(not p.fatal for p in imported.problems)
    skipped = result.stderr.count("skipped ") - 1
    assert len(imported.entries) + skipped == len(source.entries)


# -- check -------------------------------------------------------------------------

BROKEN = r"""@string{j = "Journal"}
@article{a, author = {A, B}, title = {R&D and 50% # costs}, journal = j, year = 3030, pages = {20--10},
  doi = {10.5555/x}, url = {https://doi.org/10.5555/X}}
@article{b, author = {C, D}, title = {T}, journal = undefinedmacro, year = 2020, doi = {10.5555/X}}
@inproceedings{c, author = {E, F}, title = {U}, crossref = {nowhere}}
@article{d, title = {No author}, journal = {J}, year = 2020, doi = {not-a-doi}}
@misc{e, title = {Fine}, author = {G, H}, year = 2001}
"""


def test_check_finds_each_kind_of_problem_with_file_line_key_field(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text(BROKEN)
    result = run("-l", str(path), "check")
    assert result.exit_code == 9
    lines = result.stdout.splitlines()
    expected = [
        f"{path}:2: error: entry 'a' field 'title': unescaped # % & breaks LaTeX; write \\# \\% \\& instead",
        f"{path}:2: error: entry 'a' field 'year': year 3030 is impossible; correct it",
        f"{path}:2: error: entry 'a' field 'pages': page range '20--10' ends before it starts",
        f"{path}:2: warning: entry 'a' field 'url': only repeats the DOI; drop the url field",
        f"{path}:4: error: entry 'b' field 'doi': the same DOI (10.5555/x) as entry 'a'; remove one of the two",
        f"{path}:4: error: entry 'b' field 'journal': uses the undefined @string macro 'undefinedmacro'; "
        "define it or brace the value",
        f"{path}:5: error: entry 'c' field 'crossref': points to 'nowhere', which is not in the library; "
        "add it or drop the field",
        f"{path}:6: error: entry 'd' field 'author': @article needs author; BibTeX styles will warn or leave a gap",
        f"{path}:6: error: entry 'd' field 'doi': 'not-a-doi' is not a DOI; it should look like 10.1234/abc",
        # R&D prints as R&d when a style lowers the title (issue #25): a note, which never fails a run.
        f"{path}:2: note: entry 'a' field 'title': D would print in lower case with BibTeX styles and biblatex's "
        "sentence case; `citetool protect a` braces them",
    ]
    assert sorted(lines) == sorted(expected)
    assert result.stderr.endswith(f"citetool: error: {path}: 8 errors, 1 warning, 1 note in 5 entries\n")
    assert result.stderr.count("8 errors") == 1  # one summary line, not two


def test_check_json_keys_and_strict(workdir: Path) -> None:
    clean = run("check")
    assert clean.exit_code == 0  # the seeded library has warnings only
    findings = json.loads(run("check", "--json").stdout)
    assert {f["severity"] for f in findings} == {"warning"}
    assert findings[0] == {
        "severity": "warning", "file": "library.bib", "line": 18, "key": "russianational", "field": "author",
        "message": "biblatex's @misc needs author or editor",
    }  # fmt: skip
    assert run("check", "--strict").exit_code == 9
    assert run("check", "belousova2025embracing", "--strict").exit_code == 0


@pytest.mark.corpora
@pytest.mark.parametrize(
    ("main", "companions"),
    [
        ("iridia-references/articles.bib", ["abbrev", "authors", "journals", "crossref"]),
        ("iridia-references/biblio.bib", ["abbrev", "authors", "journals", "crossref"]),
        ("aibasel-bib/literatur.bib", ["abbrv", "crossref"]),
        ("cryptobib/crypto_misc.bib", ["abbrev3"]),
    ],
)
def test_check_raises_no_false_alarms_on_valid_real_libraries(main: str, companions: list[str], tmp_path: Path) -> None:
    folder = need_corpora() / "large" / main.split("/")[0]
    arguments = [arg for name in companions for arg in ("--with", str(folder / f"{name}.bib"))]
    result = run("-l", str(need_corpora() / "large" / main), "check", "--json", *arguments)
    errors = [f for f in json.loads(result.stdout) if f["severity"] == "error"]
    assert errors == []
    assert result.exit_code == 0


@pytest.mark.corpora
def test_check_finds_the_known_real_problems() -> None:
    nime = json.loads(run("-l", str(CORPORA / "large/nime-paper-proceedings-2001-2026.bib"), "check", "--json").stdout)
    assert any(f["key"] == "nime2011_Tseng" and f["line"] == 11384
               and f["message"] == "no ',' between field 'url' and field 'keywords' at line 11394" for f in nime)
    assert any(f["key"] == "nime2003_Young" and "duplicate key" in f["message"] for f in nime)
    plume = json.loads(run("-l", str(CORPORA / "large/plume-bib/concurrency.bib"), "check", "--json").stdout)
    assert any("Lea99" in f["message"] for f in plume)


# -- update ------------------------------------------------------------------------


def test_update_shows_a_diff_keeps_hand_edits_and_applies_with_yes(workdir: Path, server: ReplayServer) -> None:
    run("add", "10.1038/srep16696")
    library = workdir / "library.bib"
    text = library.read_text()
    library.write_text(text.replace("  volume = {5},", "  volume = {Five (edited)},"))
    record = json.loads(recorded_works()["10.1038/srep16696"])
    record["message"]["volume"] = "6"
    record["message"]["issue"] = "2"
    record["message"]["title"] = ["A corrected title"]
    server.works["10.1038/srep16696"] = json.dumps(record).encode()
    shown = run("update", "tosatto2015single")
    assert shown.exit_code == 0
    assert "-  number = {1},\n+  number = {2},\n" in shown.stdout
    assert "+  title = {A corrected title},\n" in shown.stdout
    assert not [line for line in shown.stdout.splitlines() if line.startswith(("-  volume", "+  volume"))]
    assert "tosatto2015single: kept volume (edited by hand; --force replaces it)" in shown.stderr
    assert "skipped russianational: no DOI" in run("update", "russianational").stderr
    assert library.read_text().count("number = {1}") == 1  # nothing written without --yes
    applied = run("update", "--yes", "tosatto2015single")
    assert "updated tosatto2015single" in applied.stderr
    after = library.read_text()
    assert "number = {2}" in after and "volume = {Five (edited)}" in after and "{A corrected title}" in after
    assert "@article{tosatto2015single," in after and after.startswith(SEED_BYTES.decode())
    forced = run("update", "--yes", "--force", "tosatto2015single")
    assert forced.exit_code == 0 and "volume = {6}" in library.read_text()


# -- find --------------------------------------------------------------------------


def test_find_lists_ranked_results_json_and_adds_one(workdir: Path, server: ReplayServer) -> None:
    result = run("find", "ecology")
    assert result.stdout == (
        "1\t10.1093/obo/9780199830060-0238\t2022\t\tCommunicating Ecology\tEcology\n"
        "2\t10.1093/obo/9780199830060-0023\t2012\tKessler\tChemical Ecology\tEcology\n"
    )
    assert server.requests[0][0] == "/works?query=ecology&rows=5"
    hits = json.loads(run("find", "ecology", "--json", "-n", "2").stdout)
    assert [hit["rank"] for hit in hits] == [1, 2] and hits[1]["score"] == pytest.approx(10.913344)
    # A search hit is an abridged record: --add fetches the whole work (here replayed from the hit itself).
    hit = json.loads(server.search_body)["message"]["items"][1]
    whole = {"status": "ok", "message-type": "work", "message": hit}
    server.queue(hit["DOI"], Reply(body=json.dumps(whole).encode()))
    added = run("find", "ecology", "--add", "2")
    assert added.stdout == "kessler2012chemical\n"
    assert server.requests[-1][0] == "/works/" + quote(hit["DOI"], safe="")
    assert "@incollection{kessler2012chemical," in (workdir / "library.bib").read_text() or (
        "{kessler2012chemical," in (workdir / "library.bib").read_text()
    )
    assert run("find", "ecology", "--add", "9").exit_code == 2


# -- completion --------------------------------------------------------------------


def test_shell_completion_offers_commands_and_keys(workdir: Path) -> None:
    env = {**os.environ, "_CITETOOL_COMPLETE": "bash_complete", "COMP_WORDS": "citetool show bel", "COMP_CWORD": "2"}
    keys = subprocess.run([sys.executable, "-m", "citetool"], env=env, capture_output=True, text=True, cwd=workdir)
    assert "plain,belousova2025embracing" in keys.stdout.splitlines()
    env.update(COMP_WORDS="citetool ex", COMP_CWORD="1")
    commands = subprocess.run([sys.executable, "-m", "citetool"], env=env, capture_output=True, text=True)
    assert "plain,export" in commands.stdout.splitlines()
    for shell in ("bash", "zsh", "fish"):
        source = subprocess.run([sys.executable, "-m", "citetool"], env={**os.environ, "_CITETOOL_COMPLETE":
                                f"{shell}_source"}, capture_output=True, text=True)  # fmt: skip
        assert "_CITETOOL_COMPLETE" in source.stdout, shell
