"""What a new user trips over (issue #23): brace typos, repeated keys, style names, rendered details.

Each test failed on the main branch before the fix it goes with.
"""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import DATA, read_terminal, run
from .replay import ReplayServer

GOOD = "@book{first2001, author = {Roe, Ann}, title = {First}, year = 2001, publisher = {P}}\n\n"
LAST = "\n\n@book{last2003, author = {Doe, Jon}, title = {Last}, year = 2003, publisher = {P}}\n"


# -- a brace typo is named where it is ------------------------------------------------------------------------

@pytest.mark.parametrize(("broken", "said"), [
    ("@book{asimov2016foundation,\n  author = {Asimov, Isaac},\n  title = {Foundation {and Empire},\n  year = 2016,\n"
     "  publisher = {Spectra}\n}", "field 'title' (line 5): 1 '{' not closed before line 6, where field 'year' seems "
                                  "to start"),
    ("@book{asimov2016foundation,\n  title = {Foundation}\n  year = 2016\n}",
     "no ',' between field 'title' and field 'year' at line 5"),
    ("@book{asimov2016foundation,\n  title = \"Foundation,\n  year = 2016\n}",
     "field 'title' (line 4): its '\"' is never closed before the next entry at line 8"),
    ("@book{asimov2016foundation,\n  title = {Foundation},\n  year = 2016\n",
     "the entry is not closed: no '}' before the next entry at line 8"),
    ("@book{asimov2016foundation,\n  title {Foundation},\n}", "field 'title' (line 4): no '=' after its name"),
    ("@book{asimov2016foundation,\n  title = {Foundation} and Empire}},\n}",
     "text after the value of field 'title': 'and' at line 4 (a ',' missing before it, or a '}' too many in the "
     "value)"),
])  # fmt: skip
def test_a_brace_typo_is_named_by_file_line_and_what_is_unbalanced(broken: str, said: str, tmp_path: Path) -> None:
    library = tmp_path / "library.bib"
    library.write_text(GOOD + broken + LAST)
    check = run("-l", str(library), "check")
    assert check.exit_code == 9
    assert f"{library}:3: error: entry 'asimov2016foundation': {said}" in check.stdout, check.stdout
    (tmp_path / "paper.aux").write_text("\\relax\n\\citation{asimov2016foundation}\n\\citation{last2003}\n"
                                        "\\bibdata{refs}\n")  # fmt: skip
    because = f"asimov2016foundation (its entry at {library}:3 does not parse: {said})"
    export = run("-l", str(library), "export", "--aux", str(tmp_path / "paper.aux"))
    assert export.exit_code == 1 and export.stderr.endswith(f"citetool: error: not in {library}: {because}\n")
    watch = run("-l", str(library), "watch", "--once", str(tmp_path / "paper.aux"))
    assert watch.exit_code == 1 and because in watch.stderr and not (tmp_path / "refs.bib").exists()
    assert run("-l", str(library), "show", "asimov2016foundation").stderr.endswith(
        f"citetool: error: not in {library}: {because}\n")  # fmt: skip


# -- a repeated key is fixed with rename or remove ------------------------------------------------------------

REPEATED = ("@misc{smith2020, author = {Smith, A}, title = {First}, year = 2020}\n\n"
            "@misc{other, title = {O}, crossref = {smith2020}}\n\n"
            "@misc{smith2020, author = {Smith, B}, title = {Second}, year = 2020}\n")  # fmt: skip


def test_a_repeated_key_is_renamed_in_the_entry_its_line_names(tmp_path: Path) -> None:
    library = tmp_path / "library.bib"
    library.write_text(REPEATED)
    (tmp_path / "paper.tex").write_text("\\cite{smith2020}\n")
    refused = run("-l", str(library), "rename", "smith2020", "smith2020b", "--yes")
    assert refused.exit_code == 2 and refused.stderr == (
        f"citetool: error: entry 'smith2020' is in {library} 2 times (lines 1, 5); BibTeX uses the first. Name the one "
        "to change: citetool rename smith2020 smith2020b --line 5\n")  # fmt: skip
    wrong = run("-l", str(library), "rename", "smith2020", "smith2020b", "--line", "3", "--yes")
    assert wrong.exit_code == 2 and "no entry 'smith2020' starts at line 3" in wrong.stderr
    assert "lines 1, 5" in wrong.stderr
    done = run("-l", str(library), "rename", "smith2020", "smith2020b", "--line", "5", "--tex",
               str(tmp_path / "paper.tex"), "--yes")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert library.read_text() == REPEATED.replace("@misc{smith2020, author = {Smith, B}", "@misc{smith2020b, author = "
                                                                                            "{Smith, B}")  # fmt: skip
    assert (tmp_path / "paper.tex").read_text() == "\\cite{smith2020}\n"  # the citation meant the first all along
    assert "only this entry's key changes" in done.stderr
    assert run("-l", str(library), "check").exit_code == 0


def test_a_repeated_key_is_removed_where_its_line_says_and_the_other_stays(tmp_path: Path) -> None:
    library = tmp_path / "library.bib"
    library.write_text(REPEATED)
    check = run("-l", str(library), "check")
    assert "duplicate key; rename or remove one of the entries (citetool rename smith2020 NEWKEY --line 5)" \
           in check.stdout  # fmt: skip
    refused = run("-l", str(library), "remove", "smith2020", "--yes")
    assert refused.exit_code == 2 and "citetool remove smith2020 --line 5" in refused.stderr
    assert library.read_text() == REPEATED
    done = run("-l", str(library), "remove", "smith2020", "--line", "1", "--yes")
    assert done.exit_code == 0 and done.stdout == "smith2020\n", done.stderr
    assert library.read_text() == REPEATED.split("\n\n", 1)[1]
    assert [entry["title"] for entry in json.loads(run("-l", str(library), "show", "--json").stdout)] == ["O", "Second"]


def test_a_library_with_a_repeated_key_is_changed_only_to_fix_it(tmp_path: Path) -> None:
    library = tmp_path / "library.bib"
    library.write_text(REPEATED + "\n@misc{Twice, title = {T}}\n\n@misc{twice, title = {t}}\n")
    before = library.read_bytes()
    for args in (["remove", "other", "--yes"], ["rename", "other", "another", "--yes"]):
        result = run("-l", str(library), *args)
        assert result.exit_code == 3 and "duplicate key" in result.stderr and library.read_bytes() == before
    # One repeat fixed while another stays: allowed, and the other is still reported.
    fixed = run("-l", str(library), "rename", "twice", "twice2", "--yes")
    assert fixed.exit_code == 0, fixed.stderr
    assert "@misc{twice2, title = {t}}" in library.read_text()
    assert run("-l", str(library), "check").stdout.count("duplicate key") == 1


# -- Ctrl-C ends every long command at once ---------------------------------------------------------------------

def _interrupted(args: list[str], cwd: Path, ready: Callable[[], bool]) -> tuple[int, str, str, float]:
    """Run citetool, send SIGINT once ``ready()`` (or after 10 s), and return its exit code, stdout, stderr and
    the seconds it took to end after the signal."""
    process = subprocess.Popen([sys.executable, "-m", "citetool", *args], cwd=cwd, env=dict(os.environ),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 10
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.05)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    return process.returncode, stdout, stderr, time.monotonic() - sent


def _ris(count: int) -> str:
    return "".join(f"TY  - JOUR\nAU  - Roe, Ann{n}\nTI  - Title number {n}\nT2  - Journal {n % 50}\nPY  - "
                   f"{1990 + n % 30}\nSP  - {n}\nER  - \n\n" for n in range(count))  # fmt: skip


@pytest.mark.parametrize("command", ["update", "upgrade", "import", "export"])
def test_ctrl_c_ends_a_long_command_within_a_second_and_writes_nothing(command: str, workdir: Path,
                                                                       server: ReplayServer) -> None:  # fmt: skip
    library = workdir / "library.bib"
    ready: Callable[[], bool] = lambda: len(server.requests) > asked  # noqa: E731
    if command in ("update", "upgrade"):
        doi = "10.1038/srep16696" if command == "update" else "10.1101/055319"
        assert run("add", doi).exit_code == 0
        server.delay = 30  # every lookup is slow now: the record's relations, the search
        args = [command, "--yes"] if command == "upgrade" else [command]
    elif command == "import":
        (workdir / "big.ris").write_text(_ris(30000))
        args = ["import", "big.ris"]
        started = time.monotonic()
        ready = lambda: time.monotonic() - started > 1.0  # noqa: E731  (reading 30,000 records takes seconds)
    else:
        (workdir / "big.bib").write_text(_ris(0) + "".join(
            f"@article{{k{n}, author = {{Roe, Ann{n} and Doe, Jon}}, title = {{Title {n}}}, journal = {{J}}, "
            f"year = {1990 + n % 30}}}\n" for n in range(3000)))  # fmt: skip
        args = ["-l", "big.bib", "export", "-f", "html", "--style", "apa"]
        started = time.monotonic()
        ready = lambda: time.monotonic() - started > 1.5  # noqa: E731  (citeproc-js renders for seconds)
    before = library.read_bytes()
    asked = len(server.requests)
    code, stdout, stderr, took = _interrupted(args, workdir, ready)
    assert code == 130, stderr
    assert took < 1.0, took
    assert stderr.strip().splitlines()[-1] == "citetool: interrupted" and "Traceback" not in stderr
    assert "Aborted" not in stderr and stdout == ""
    assert library.read_bytes() == before
    assert [name for name in os.listdir(workdir) if name.endswith(".tmp")] == []


# -- update's counts add up -----------------------------------------------------------------------------------

def test_an_update_that_would_only_undo_hand_edits_counts_as_kept(workdir: Path, server: ReplayServer) -> None:
    assert run("add", "10.1038/srep16696").exit_code == 0
    library = workdir / "library.bib"
    edited = library.read_text().replace("title = {Single", "title = {My own title: Single", 1)
    assert edited != library.read_text()
    library.write_text(edited)
    for args, done in ((["update", "tosatto2015single"], "would update 0"),
                       (["update", "tosatto2015single", "--yes"], "updated 0")):  # fmt: skip
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert "tosatto2015single: kept title (edited by hand; --force replaces it)" in result.stderr
        assert "pass --yes" not in result.stderr and "---" not in result.stderr  # no diff: nothing would change
        assert result.stderr.endswith(f"citetool: {done}, unchanged 0, kept 1 (edited by hand; --force replaces), "
                                      "skipped 0 (no DOI), failed 0\n"), result.stderr  # fmt: skip
        assert library.read_text() == edited
    forced = run("update", "tosatto2015single", "--force", "--yes")
    assert forced.stderr.endswith("citetool: updated 1, unchanged 0, skipped 0 (no DOI), failed 0\n"), forced.stderr
    assert "My own title" not in library.read_text()


# -- the style names people type -------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "style"), [
    ("mla", "modern-language-association"), ("MLA", "modern-language-association"),
    ("chicago", "chicago-author-date"), ("vancouver", "nlm-citation-sequence"),
    ("harvard", "harvard-cite-them-right"), ("ama", "american-medical-association"),
])  # fmt: skip
def test_the_style_names_people_type_render_as_the_style_they_mean(typed: str, style: str, workdir: Path) -> None:
    aliased = run("export", "-f", "text", "--style", typed)
    assert aliased.exit_code == 0, aliased.stderr
    assert aliased.stdout == run("export", "-f", "text", "--style", style).stdout


def test_every_alias_is_a_bundled_style_and_named_in_the_help() -> None:
    from citetool.csl import styles

    shown = " ".join(run("export", "--help").stdout.split())
    bundled = set(styles.style_names())
    for alias, name in styles.ALIASES.items():
        assert name in bundled and alias not in bundled, alias  # never hides a real style of that name
        assert alias in shown, alias
    assert "did you mean mla" in run("export", "-f", "text", "--style", "mlaa").stderr


# -- rendered details -----------------------------------------------------------------------------------------

NOTICES = DATA / "notices"


def test_a_journal_articles_academic_editor_is_not_its_editor(workdir: Path, server: ReplayServer) -> None:
    """PLOS deposits the handling editor as the article's ``editor``: no style prints "edited by" for it."""
    assert run("add", "10.1371/journal.pone.0033693").exit_code == 0
    assert "Borlongan" not in (workdir / "library.bib").read_text()
    for style in ("vancouver", "mla"):
        text = run("export", "-f", "text", "--style", style, "sadasivan2012methylphenidate").stdout
        assert "Borlongan" not in text and "edited" not in text and "editor" not in text, text


def test_an_old_arxiv_number_keeps_its_case_in_apa_and_chicago(tmp_path: Path) -> None:
    library = tmp_path / "library.bib"
    library.write_text("@misc{x, author = {Roe, Ann}, title = {Dark matter}, year = 2006, eprint = {astro-ph/0601001},"
                       " archiveprefix = {arXiv}, primaryclass = {astro-ph}}\n")  # fmt: skip
    for style, expected in (("apa", "Roe, A. (2006). Dark matter (arXiv:astro-ph/0601001). arXiv.\n"),
                            ("chicago", "Roe, Ann. 2006. “Dark Matter.” arXiv:astro-ph/0601001. Preprint, arXiv.\n")):
        assert run("-l", str(library), "export", "-f", "text", "--style", style).stdout == expected
    html = run("-l", str(library), "export", "-f", "html", "--style", "apa", "--fragment").stdout
    assert "arXiv:astro-ph/0601001" in html and "\ue011" not in html


def test_a_retracted_papers_key_is_made_from_its_own_title(workdir: Path, server: ReplayServer) -> None:
    """The paper's record (constructed in Crossref's shape: see tests/data/notices/README.md) has the title
    ``RETRACTED: Ileal-lymphoid-nodular hyperplasia, ...``."""
    item = json.loads((NOTICES / "10.1016_s0140-6736_97_11096-0.json").read_text())
    server.works[item["DOI"].lower()] = json.dumps({"status": "ok", "message-type": "work", "message": item}).encode()
    result = run("add", item["DOI"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "wakefield1998ileal\n"
    assert "title = {{RETRACTED}: Ileal-lymphoid-nodular" in (workdir / "library.bib").read_text()  # as the record says


# -- a signal at any moment leaves no temporary file ----------------------------------------------------------

def test_a_signal_just_after_the_temporary_file_is_made_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C arriving between ``open`` creating the temporary file and its name being kept (the gap before
    the ``try`` that removes it): the file must still go."""
    from citetool.library import storage

    target = tmp_path / "library.bib"
    target.write_bytes(b"old\n")
    real_open = os.open

    def open_then_interrupt(name: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        handle = real_open(name, flags, *args, **kwargs)
        if flags & os.O_CREAT and str(name).endswith(".tmp"):
            os.close(handle)
            raise KeyboardInterrupt
        return handle

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        storage.write_atomic(target, b"new\n")
    with pytest.raises(KeyboardInterrupt):
        storage.Staged(target, b"new\n")
    monkeypatch.undo()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["library.bib"]
    assert target.read_bytes() == b"old\n"


# -- progress and speed on a terminal --------------------------------------------------------------------------

def _library(path: Path, count: int) -> Path:
    path.write_text("".join(f"@article{{k{n}, author = {{Roe, Ann{n} and Doe, Jon}}, title = {{Title {n}}}, "
                            f"journal = {{J}}, year = {1990 + n % 30}}}\n" for n in range(count)))  # fmt: skip
    return path


def test_an_html_export_shows_its_progress_on_a_terminal_and_only_there(tmp_path: Path) -> None:
    library = _library(tmp_path / "big.bib", 400)
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "citetool", "-l", str(library), "export", "-f", "html",
                                "--style", "ieee", "-o", str(tmp_path / "out.html")], stderr=follower,
                               stdout=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "100"})  # fmt: skip
    os.close(follower)
    screen = read_terminal(leader)
    assert process.wait(timeout=120) == 0, screen
    assert "making CSL items" in screen and "rendering with citeproc-js (ieee), 400 entries" in screen, screen
    assert (tmp_path / "out.html").read_text().count('class="csl-entry"') == 400
    piped = run("-l", str(library), "export", "-f", "html", "--style", "ieee")
    assert piped.exit_code == 0 and piped.stderr == ""


def test_the_library_table_streams_into_the_pager_in_rows_of_the_same_width(tmp_path: Path) -> None:
    from citetool.actions.listing import Summary
    from citetool.cli import tables

    rows = [Summary("k" * 60, "Smith and Jones", "2020", "Ein sehr langer Titel " * 6, "J"),
            Summary("wang2020", "王小明", "2020", "中文标题" * 10, "期刊"),
            Summary("x", "", "", "A" * 150, "")]  # fmt: skip
    for total in (80, 120):
        lines = list(tables.summary_lines(rows, total))
        shown = [tables._cells(re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip("\n")) for line in lines]
        assert len(set(shown)) == 1 and shown[0] <= total, (total, shown)
        text = "".join(lines)
        for word in ("Smith", "Jones", "Titel", "王小明", "期刊"):
            assert word in text
        assert text.count("A") >= 150  # a word longer than its column folds, nothing is cut


def test_a_reader_who_quits_the_pager_at_once_ends_show_quietly(tmp_path: Path) -> None:
    library = _library(tmp_path / "big.bib", 3000)
    leader, follower = pty.openpty()
    env = {**os.environ, "PAGER": "head -n 5", "LINES": "20"}
    process = subprocess.Popen([sys.executable, "-m", "citetool", "-l", str(library), "show"], stdout=follower,
                               stderr=subprocess.PIPE, env=env)  # fmt: skip
    os.close(follower)
    screen = read_terminal(leader)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert err == b"" and screen.count("\n") <= 6 and "Key" in screen


def test_an_unchanged_papers_html_is_made_again_without_starting_citeproc_js(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = _library(tmp_path / "lib.bib", 300)
    aux = tmp_path / "paper.aux"
    aux.write_text("".join(f"\\citation{{k{n}}}\n" for n in range(0, 300, 6)))
    first = run("-l", str(library), "export", "--aux", str(aux), "-f", "html")
    assert first.exit_code == 0, first.stderr
    from citetool.csl import engine

    def refuse(*args: Any) -> None:
        raise AssertionError("citeproc-js was started for an export its memo answers")

    with monkeypatch.context() as patched:
        patched.setattr(engine, "load", refuse)
        patched.setattr(engine.Engine, "__init__", refuse)
        again = run("-l", str(library), "export", "--aux", str(aux), "-f", "html")
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.stdout and again.stdout.count('class="csl-entry"') == 50


def test_zotero_csl_json_gets_keys_of_its_own_and_keeps_the_accessed_date(tmp_path: Path) -> None:
    """Zotero's CSL-JSON export names each item by its URL; that is no citation key."""
    exported = tmp_path / "zotero.json"
    exported.write_text(json.dumps([
        {"id": "http://zotero.org/users/12345/items/ABCD1234", "type": "webpage", "title": "Citation styles",
         "URL": "https://citationstyles.org", "accessed": {"date-parts": [[2024, 3, 5]]},
         "issued": {"date-parts": [[2020]]}, "author": [{"family": "Roe", "given": "Ann"}]},
        {"id": "smith2020", "type": "article-journal", "title": "Kept key", "issued": {"date-parts": [[2020]]},
         "author": [{"family": "Smith", "given": "A"}]},
    ]))  # fmt: skip
    library = tmp_path / "library.bib"
    result = run("-l", str(library), "import", str(exported))
    assert result.exit_code == 0 and result.stdout == "roe2020citation\nsmith2020\n", result.stderr
    text = library.read_text()
    assert "@online{roe2020citation," in text and "urldate = {2024-03-05}" in text and "zotero.org" not in text


def test_a_signal_wrapped_by_python_still_ends_as_that_signal() -> None:
    """SIGTERM raised while a class is being made reaches main() as a RuntimeError (Python 3.11 wraps what
    __set_name__ raises): it is still "terminated", exit 143, never an internal error (seen once in CI)."""
    from citetool.cli import app
    from citetool.errors import ExitCode

    def wrapped(signal_exception: BaseException) -> RuntimeError:
        try:
            try:
                raise signal_exception
            except BaseException as exc:
                raise RuntimeError("Error calling __set_name__") from exc
        except RuntimeError as outer:
            return outer

    assert app._signal_inside(wrapped(app._Terminated())) == ("terminated", ExitCode.TERMINATED)
    assert app._signal_inside(wrapped(KeyboardInterrupt())) == ("interrupted", ExitCode.INTERRUPTED)
    assert app._signal_inside(RuntimeError("a bug")) is None
