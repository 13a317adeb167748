"""The project's front door: README commands, CI script, packaging."""

from __future__ import annotations

import re

from .conftest import REPO


def _readme_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set-up on a fresh clone", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_gives_exactly_two_setup_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("citetool show")
    assert commands[1].endswith("pytest")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_commands()[1] in ci


def test_readme_documents_every_exit_code() -> None:
    from citetool.errors import ExitCode

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert re.search(rf"^\| {int(code)} \| ", readme, re.M), code


def test_a_non_editable_install_ships_every_subpackage() -> None:
    import tomllib

    from setuptools import find_namespace_packages

    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    shipped = set(find_namespace_packages(str(REPO), include=config["include"]))
    on_disk = {".".join(init.parent.relative_to(REPO).parts) for init in (REPO / "citetool").rglob("__init__.py")}
    assert on_disk <= shipped, f"not installed by `pip install .`: {sorted(on_disk - shipped)}"
