"""Shared fixtures: an isolated environment per test and the real-world corpora.

Every test runs with its own config file and cache folder and with the
Crossref and doi.org URLs pointing at a closed loopback port, so no test can
reach anything but 127.0.0.1 by accident.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from citetool.cli.app import cli

from .replay import ReplayServer

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
SEEDS = SHARED / "seeds"
REQUIRE_TOOLS = bool(os.environ.get("CITETOOL_REQUIRE_TOOLS"))
CLOSED_PORT_URL = "http://127.0.0.1:9"


def need(condition: bool, reason: str) -> None:
    """Skip when ``condition`` is false, unless CI demands the tools be present."""
    if condition:
        return
    if REQUIRE_TOOLS:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def need_corpora() -> Path:
    need(CORPORA.is_dir(), f"the real-world corpora are not at {CORPORA}")
    return CORPORA


#: The largest corpus file the sweeps over every file read; the big libraries have tests of their own, and
#: ``benchmarks/sweeps.py`` reads every file (its figures are in the README).
SWEEP_LIMIT = 600 * 1024


def corpus_sample() -> list[Path]:
    """The corpus files the tests sweep: every ``.bib`` file up to :data:`SWEEP_LIMIT`, in name order."""
    return [path for path in sorted(need_corpora().rglob("*.bib")) if path.stat().st_size <= SWEEP_LIMIT]


def need_programs(*names: str) -> None:
    missing = [name for name in names if shutil.which(name) is None]
    need(not missing, f"programs not installed: {', '.join(missing)}")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``corpora`` needs the corpora: without them it skips with the reason (fails in CI)."""
    if item.get_closest_marker("corpora") is not None:
        need_corpora()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("CITETOOL_") and name != "CITETOOL_REQUIRE_TOOLS":
            monkeypatch.delenv(name)
    monkeypatch.setenv("CITETOOL_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("CITETOOL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CITETOOL_CROSSREF_URL", CLOSED_PORT_URL)
    monkeypatch.setenv("CITETOOL_DOI_URL", CLOSED_PORT_URL)
    monkeypatch.delenv("NO_COLOR", raising=False)
    from citetool import config

    config._read_config.cache_clear()
    yield
    config._read_config.cache_clear()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding a copy of the seeded library, made the current directory."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(REPO / "library.bib", folder / "library.bib")
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ReplayServer]:
    """A loopback replay of the recorded Crossref and doi.org responses, which citetool is pointed at."""
    with ReplayServer() as replay:
        monkeypatch.setenv("CITETOOL_CROSSREF_URL", replay.url)
        monkeypatch.setenv("CITETOOL_DOI_URL", replay.url + "/cn")
        yield replay


def read_terminal(leader: int) -> str:
    """Everything written to a pseudo-terminal until its other end closes."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def run(*args: str, input: str | None = None) -> Result:
    """Run citetool in-process with stdout and stderr kept apart."""
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def pytest_configure(config: pytest.Config) -> None:
    """One file for the run's citeproc-js match rates, named before the workers start (they inherit it)."""
    if "PYTEST_CITEPROC_JS_RATES" not in os.environ:
        import tempfile

        handle, name = tempfile.mkstemp(prefix="citetool-citeproc-js-", suffix=".txt")
        os.close(handle)
        os.environ["PYTEST_CITEPROC_JS_RATES"] = name
        config.stash[_RATES] = Path(name)


_RATES = pytest.StashKey[Path]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The match rates against citeproc-js (tests/test_citeproc_js.py), one line per corpus, style and format."""
    path = config.stash.get(_RATES, None)
    if path is None:
        return
    lines = sorted(path.read_text(encoding="utf-8").splitlines()) if path.exists() else []
    path.unlink(missing_ok=True)
    if lines:
        terminalreporter.section("citeproc-js match rates")
        for line in lines:
            terminalreporter.write_line(line)
