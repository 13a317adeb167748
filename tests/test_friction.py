"""The first hour of a new user: what the terminal shows, what the messages say, what completes.

Terminal behaviour is checked on a real pseudo-terminal at 80 and 120 columns.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, read_terminal, run
from .replay import ReplayServer, Reply

LONG_KEY = "belousova2025embracingthetalibandecipheringrussia"  # 49 characters, like imported keys
LONG_LIBRARY = f"""@article{{{LONG_KEY},
  author = {{Belousova, Tatiana and Sharma, Raghav}},
  title = {{Embracing the Taliban: Deciphering Russia's Afghan Policy}},
  journal = {{Journal of Asian Security and International Affairs}},
  year = {{2025}},
}}
"""


def _terminal(args: list[str], columns: int, cwd: Path, extra: dict[str, str] | None = None,
              stdin_terminal: bool = False) -> tuple[str, str, int]:  # fmt: skip
    """Run citetool with stdout (and stdin, if asked) on a pseudo-terminal of ``columns`` columns."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "LINES": "40", "NO_COLOR": "1", "TERM": "xterm",
           "PAGER": "cat", **(extra or {})}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "citetool", *args], stdout=follower, stderr=subprocess.PIPE,
                               stdin=follower if stdin_terminal else subprocess.DEVNULL, env=env, cwd=cwd)  # fmt: skip
    os.close(follower)
    screen = read_terminal(leader)
    _out, err = process.communicate(timeout=60)
    return screen.replace("\r\n", "\n"), err.decode(), process.returncode


def _library(tmp_path: Path, text: str = LONG_LIBRARY) -> Path:
    path = tmp_path / "library.bib"
    path.write_text(text)
    return path


# -- show ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [80, 120])
def test_a_long_key_is_capped_and_the_title_wraps_at_words(columns: int, tmp_path: Path) -> None:
    path = _library(tmp_path)
    screen, err, code = _terminal(["-l", str(path), "show"], columns, tmp_path)
    assert code == 0, err
    lines = [line for line in screen.splitlines() if line.strip()]
    assert all(len(line) <= columns for line in lines)
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    key_width = len(lines[0].split("┳")[0]) - 3
    assert key_width <= columns // 4 + 1  # the key column is capped: the key folds onto more lines
    assert "".join(row[0] for row in cells) == LONG_KEY
    title_words = "Embracing the Taliban: Deciphering Russia's Afghan Policy".split()
    assert " ".join(row[3] for row in cells if row[3]).split() == title_words  # every word whole: wrapped at words


def test_long_output_is_paged_on_a_terminal_and_never_when_piped_or_asked(tmp_path: Path) -> None:
    entries = "".join(f"@misc{{k{n}, title = {{Title {n}}}}}\n" for n in range(60))
    path = _library(tmp_path, entries)
    caught = tmp_path / "paged.txt"
    pager = f"{sys.executable} -c \"import sys; open('{caught}', 'w').write(sys.stdin.read())\""
    screen, _err, code = _terminal(["-l", str(path), "show"], 80, tmp_path, {"CITETOOL_PAGER": pager})
    assert code == 0 and "k59" in caught.read_text() and "k59" not in screen
    caught.unlink()
    screen, _err, code = _terminal(["-l", str(path), "show", "--no-pager"], 80, tmp_path, {"CITETOOL_PAGER": pager})
    assert code == 0 and "k59" in screen and not caught.exists()
    assert "k59" in run("-l", str(path), "show").stdout and not caught.exists()  # piped: never paged


def test_compact_shows_one_line_per_entry(workdir: Path) -> None:
    assert run("show", "--compact").stdout == (
        "belousova2025embracing  Belousova and Sharma (2025) Embracing the Taliban: Deciphering Russia’s Afghan "
        "Policy\n"
        "russianational   Russia's 2021 National Security Strategy and Its Approach to the Islamic Emirate of "
        "Afghanistan\n"
    )
    screen, _err, _code = _terminal(["show", "--compact"], 80, workdir)
    assert all(len(line) <= 80 for line in screen.splitlines())
    assert screen.splitlines()[0].endswith("…")


def test_show_json_of_a_big_library_is_cached_and_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    path = _library(tmp_path, "".join(f"@misc{{k{n}, title = {{Title {n} {'x' * 300}}}}}\n" for n in range(1200)))
    first = run("-l", str(path), "show", "--json").stdout
    assert list((Path(os.environ["CITETOOL_CACHE_DIR"]) / "show-json").glob("*.txt"))
    assert run("-l", str(path), "show", "--json").stdout == first
    assert len(json.loads(first)) == 1200
    command = f"{sys.executable} -m citetool -l {path} show --json | head -n 1"
    piped = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, cwd=REPO)
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout == "[\n"


# -- messages ------------------------------------------------------------------------------------------------------


def test_a_mistyped_key_gets_a_did_you_mean(workdir: Path) -> None:
    shown = run("show", "belousova2025embracin")
    assert shown.exit_code == 1
    assert shown.stderr == (
        "citetool: error: not in library.bib: belousova2025embracin (did you mean belousova2025embracing?)\n"
    )
    assert "did you mean belousova2025embracing?" in run("remove", "Belousova2025embracng", "--yes").stderr
    aux = workdir / "paper.aux"
    aux.write_text("\\relax\n\\citation{russianationl}\n")
    exported = run("export", "--aux", str(aux))
    assert exported.exit_code == 1 and "russianationl (did you mean russianational?)" in exported.stderr


def test_remove_names_unknown_keys_before_it_asks_and_shows_what_it_would_remove(workdir: Path) -> None:
    _screen, err, code = _terminal(["remove", "belousova2025embracing", "nosuchkey"], 80, workdir, stdin_terminal=True)
    assert code == 1 and "not in library.bib: nosuchkey" in err and "[y/N]" not in err
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "citetool", "remove", "belousova2025embracing"], stdin=follower,
                               stdout=follower, stderr=subprocess.PIPE, cwd=workdir)  # fmt: skip
    os.write(leader, b"n\n")
    os.close(follower)
    read_terminal(leader)
    _out, err_bytes = process.communicate(timeout=60)
    assert "belousova2025embracing: Belousova and Sharma (2025), Embracing the Taliban" in err_bytes.decode()
    assert (workdir / "library.bib").read_bytes() == (REPO / "library.bib").read_bytes()


def test_the_polite_pool_tip_is_said_once_and_fits_80_columns(workdir: Path, server: ReplayServer) -> None:
    first = run("add", "10.1038/srep16696")
    tips = [line for line in first.stderr.splitlines() if "tip:" in line]
    assert len(tips) == 1 and len(tips[0]) <= 80
    assert "tip:" not in run("add", "10.1126/science.169.3946.635").stderr


def test_check_finds_duplicates_without_a_doi(tmp_path: Path) -> None:
    path = _library(tmp_path, "@misc{a, author = {Doe, J}, title = {The Same Work}, year = 2001}\n"
                              "@misc{b, author = {Doe, Jane}, title = {The same work.}, year = 2001}\n")  # fmt: skip
    checked = run("-l", str(path), "check")
    assert f"{path}:2: warning: entry 'b' field 'title': looks like a second copy of entry 'a'" in checked.stdout
    assert checked.stderr == "citetool: 0 errors, 1 warning in 2 entries\n"


def test_find_says_only_crossref_was_searched(workdir: Path, server: ReplayServer) -> None:
    server.queue("", Reply(404, b"Resource not found.", "text/plain"))
    result = run("find", "nothing at all")
    assert result.exit_code == 5
    assert result.stderr.endswith("search 'nothing at all': not found on Crossref\n")


def test_config_on_a_terminal_is_an_aligned_table_with_the_real_paths(workdir: Path) -> None:
    screen, _err, code = _terminal(["config"], 120, workdir)
    lines = screen.splitlines()
    assert code == 0 and "\t" not in screen
    cache = next(line for line in lines if line.startswith("cache_dir"))
    assert os.environ["CITETOOL_CACHE_DIR"] in cache
    library_line = next(line for line in lines if line.startswith("library"))
    assert str(workdir / "library.bib") in library_line
    column = lines[0].index(lines[0].split()[1])  # where config_file's value starts: every value starts there
    assert all(line[column - 2 : column] == "  " and " " not in line[:column].strip() for line in lines)


# -- what add and update tell you -------------------------------------------------------------------------------------


def test_add_warns_at_once_about_what_check_will_ask_for(workdir: Path, server: ReplayServer) -> None:
    bare = {"status": "ok", "message-type": "work",
            "message": {"DOI": "10.5555/bare", "type": "journal-article", "title": ["Only a title"]}}  # fmt: skip
    server.queue("10.5555/bare", Reply(body=json.dumps(bare).encode()))
    result = run("add", "10.5555/bare")
    assert result.exit_code == 0
    warning = ("citetool: warning: onlytitle: the record has no author; no journal or journaltitle; no year or "
               "date; `citetool check` will report it, so add it by hand\n")  # fmt: skip
    assert warning + "citetool: added onlytitle" in result.stderr  # said before the entry is reported added


def test_update_counts_what_happened(workdir: Path, server: ReplayServer) -> None:
    assert run("add", "10.1038/srep16696", "10.1371/journal.pone.0033693").exit_code == 0
    server.queue("10.1371/journal.pone.0033693", Reply(500), Reply(500), Reply(500), Reply(500), Reply(500))
    result = run("update")
    assert result.exit_code == 4
    assert result.stderr.endswith(
        "citetool: error: would update 0, unchanged 1, skipped 1 (no DOI), failed 2\n"
    )


# -- help and completion ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [80, 120])
def test_help_lists_every_command_without_cutting_it(columns: int) -> None:
    shown = subprocess.run([sys.executable, "-m", "citetool", "--help"], capture_output=True, text=True, cwd=REPO,
                           env={**os.environ, "COLUMNS": str(columns)})  # fmt: skip
    commands = shown.stdout.split("Commands:")[1].splitlines()
    assert all(not line.rstrip().endswith("...") and len(line) <= columns for line in commands)


@pytest.mark.parametrize(
    ("words", "expected"),
    [("citetool -l lib", "file,lib"), ("citetool export --aux pap", "file,pap"), ("citetool export -o re", "file,re"),
     ("citetool export --style iee", "plain,ieee")],
)  # fmt: skip
def test_paths_and_styles_complete_in_bash(words: str, expected: str, workdir: Path) -> None:
    env = {**os.environ, "_CITETOOL_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - 1)}  # fmt: skip
    completed = subprocess.run([sys.executable, "-m", "citetool"], env=env, capture_output=True, text=True, cwd=workdir)
    assert expected in completed.stdout.splitlines()
