"""`citetool show`, `config`, exit codes and errors, through the CLI."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import click
import pytest

from citetool.cli.app import cli

from .conftest import REPO, read_terminal, run

BELOUSOVA_ROW = (
    "belousova2025embracing\tBelousova and Sharma\t2025\t"
    "Embracing the Taliban: Deciphering Russia’s Afghan Policy\tJournal of Asian Security and International Affairs\n"
)
RUSSIA_ROW = (
    "russianational\t\t\tRussia's 2021 National Security Strategy and Its Approach to the Islamic Emirate of "
    "Afghanistan\t\n"
)


def test_show_lists_both_seeded_papers_as_tab_separated_lines(workdir: Path) -> None:
    result = run("show")
    assert result.exit_code == 0
    assert result.stdout == BELOUSOVA_ROW + RUSSIA_ROW
    assert result.stderr == ""


def test_show_json_is_a_stable_documented_array(workdir: Path) -> None:
    result = run("show", "--json")
    data = json.loads(result.stdout)
    assert [item["key"] for item in data] == ["belousova2025embracing", "russianational"]
    first = data[0]
    assert list(first) == ["key", "type", "line", "authors", "editors", "year", "title", "venue", "doi", "fields"]
    assert first["authors"] == ["Tatiana Belousova", "Raghav Sharma"]
    assert first["doi"] == "10.1177/23477970251383994"
    assert first["line"] == 4
    assert first["fields"]["pages"] == "515–537"
    assert data[1]["year"] is None and data[1]["authors"] == []


def test_show_key_prints_every_field(workdir: Path) -> None:
    result = run("show", "russianational")
    lines = result.stdout.splitlines()
    assert lines[0] == "russianational\tmisc"
    assert [line.split()[0] for line in lines[1:]] == ["title", "note", "abstract", "keywords"]
    assert lines[4] == "  keywords  Moscow Format, Security Strategy, Unilateralism, Geopolitics, Political Engagement"


def test_show_accepts_a_doi_in_any_form(workdir: Path) -> None:
    result = run("show", "https://doi.org/10.1177/23477970251383994", "--json")
    assert [item["key"] for item in json.loads(result.stdout)] == ["belousova2025embracing"]


def test_show_query_matches_case_insensitively(workdir: Path) -> None:
    assert run("show", "--query", "UNILATERALISM").stdout == RUSSIA_ROW
    assert run("show", "-q", "sharma").stdout == BELOUSOVA_ROW
    assert run("show", "-q", "2025").stdout == BELOUSOVA_ROW
    assert run("show", "-q", "10.1177/2347").stdout == BELOUSOVA_ROW
    assert run("show", "-q", "nothing-like-this").stdout == ""


def test_latex_reads_as_text(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text(
        '@article{k, author = {M{\\"u}ller, J{\\"o}rg},\n'
        "  title = {Salt \\& \\textit{Pepper}}, journal = {J}, year = 2001}\n"
    )
    result = run("--library", str(path), "show")
    assert result.stdout == "k\tMüller\t2001\tSalt & Pepper\tJ\n"


def test_unknown_key_is_an_error_with_exit_1(workdir: Path) -> None:
    result = run("show", "nope", "belousova2025embracing", "alsonot")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "citetool: error: not in library.bib: nope, alsonot\n"


def test_missing_library_says_so_and_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("show")
    assert result.exit_code == 1
    assert result.stderr.startswith("citetool: error: library.bib: no such library;")


def test_library_option_env_and_config_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("flag", "env", "conf"):
        (tmp_path / f"{name}.bib").write_text(f"@misc{{{name}, title = {{{name}}}}}\n")
    config_file = Path(os.environ["CITETOOL_CONFIG"])
    config_file.parent.mkdir(parents=True)
    config_file.write_text(f'library = "{tmp_path / "conf.bib"}"\n')
    assert run("show").stdout.startswith("conf\t")
    monkeypatch.setenv("CITETOOL_LIBRARY", str(tmp_path / "env.bib"))
    assert run("show").stdout.startswith("env\t")
    assert run("-l", str(tmp_path / "flag.bib"), "show").stdout.startswith("flag\t")
    lines = run("-l", str(tmp_path / "flag.bib"), "config").stdout.splitlines()
    assert f"library\t{tmp_path / 'flag.bib'}\tcommand-line option" in lines
    assert "style\tapa\tdefault" in lines
    assert lines[0] == f"config_file\t{config_file}"


def test_broken_config_file_is_a_one_line_error(tmp_path: Path) -> None:
    config_file = Path(os.environ["CITETOOL_CONFIG"])
    config_file.parent.mkdir(parents=True)
    config_file.write_text("library = [unclosed\n")
    result = run("config")
    assert result.exit_code == 6
    assert result.stderr.startswith(f"citetool: error: {config_file}: invalid TOML")
    assert len(result.stderr.splitlines()) == 1


def test_reading_a_broken_library_warns_and_shows_what_parsed(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text("@misc{good, title = {Good}}\n@misc{bad, title = {Bad\n\n@misc{later, title = {Later}}\n")
    result = run("-l", str(path), "show")
    assert result.exit_code == 0
    assert result.stdout == "good\t\t\tGood\t\nlater\t\t\tLater\t\n"
    assert f"citetool: warning: {path}:2: " in result.stderr
    assert "will not write this file" in result.stderr


@pytest.mark.parametrize(
    ("setup", "code", "fragment"),
    [
        (lambda p: p.mkdir(), 3, "is a directory"),
        (lambda p: p.write_bytes(b"\x00\x01\x02garbage\xff" * 100), 3, "is a binary file"),
    ],
)
def test_unreadable_libraries_fail_cleanly_through_the_real_executable(
    tmp_path: Path, setup: object, code: int, fragment: str
) -> None:
    path = tmp_path / "lib.bib"
    setup(path)  # type: ignore[operator]
    proc = subprocess.run(
        [sys.executable, "-m", "citetool", "-l", str(path), "show"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == code
    assert proc.stdout == ""
    assert fragment in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


def _run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "citetool", *args], stdout=follower, stderr=subprocess.PIPE, env=env, cwd=REPO
    )
    os.close(follower)
    screen = read_terminal(leader)
    proc.wait()
    return screen


def test_on_a_terminal_show_draws_a_table_within_the_width(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "xterm"}
    screen = _run_on_terminal(["show"], env)
    lines = [line for line in screen.splitlines() if line.strip()]
    assert "Key" in lines[1] and "Title" in lines[1]
    assert any("belousova2025embra" in line for line in lines)
    assert all(len(line) <= 80 for line in lines)
    assert "\x1b[" not in screen  # NO_COLOR: no colour or style codes


def test_every_command_has_help_with_an_example() -> None:
    names = cli.list_commands(click.Context(cli))
    assert {"add", "show", "export", "check", "import", "remove", "update", "find", "config"} <= set(names)
    for name in names:
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.help and "Example" in command.help, name
        result = run(name, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout, name


def test_version() -> None:
    result = run("--version")
    assert result.stdout.startswith("citetool, version ")
