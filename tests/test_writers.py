"""Several writers at once, and writers killed mid-write: the library survives both.

Every writing command (add, remove, import, update) is killed with SIGKILL
at random moments, 60 rounds each; after every kill the library is exactly
the old or the new version and parses cleanly, and the next run is not
blocked by anything the killed one left behind.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from citetool.crossref.records import Cache, Record
from citetool.library import file as library

from .conftest import REPO
from .replay import ReplayServer, recorded_works

TEMPLATE = json.loads(recorded_works()["10.1038/srep16696"])["message"]
ROUNDS = 75
KILLS = 50  # per command, so at least 200 kills in all


def _record(number: int, title: str = "Synthetic work number") -> dict[str, object]:
    return {**TEMPLATE, "DOI": f"10.5555/citetool.{number}", "title": [f"{title} {number}"]}


def _fill_cache(count: int) -> list[str]:
    """Cache ``count`` distinct synthetic records (recorded work, new DOI and title)."""
    cache = Cache(Path(os.environ["CITETOOL_CACHE_DIR"]))
    dois = []
    for number in range(count):
        record = _record(number)
        cache.put(Record(str(record["DOI"]), "crossref", record))
        dois.append(str(record["DOI"]))
    return dois


def _citetool(path: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "citetool", "-l", str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    original = (REPO / "library.bib").read_bytes()
    path.write_bytes(original)
    dois = _fill_cache(8 * 25)
    processes = [_citetool(path, "add", "--offline", *dois[index * 25 : (index + 1) * 25]) for index in range(8)]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    lib = library.load(path)
    assert lib.problems == []
    assert path.read_bytes().startswith(original)
    found = sorted(entry.doi or "" for entry in lib.entries.values() if entry.doi and "5555" in entry.doi)
    assert found == sorted(dois)
    assert len(lib.entries) == 2 + 200


def _kill_rounds(
    path: Path,
    start: Callable[[int], subprocess.Popen[bytes]],
    is_new: Callable[[bytes, bytes, int], bool],
    seed: int,
    rounds: int = ROUNDS,
) -> int:
    """Run ``start(round)`` ROUNDS times, killing it at a random moment of its run (the first, unkilled
    round measures how long a run takes, and a run that ends before its kill shortens that); check
    old-or-new each time."""
    rng = random.Random(seed)
    kills = 0
    duration = 0.0
    for round_number in range(rounds):
        before = path.read_bytes()
        started = time.monotonic()
        process = start(round_number)
        if round_number == 0:
            process.wait()
            duration = time.monotonic() - started
        wait = rng.uniform(0.0, 0.9 * duration)
        time.sleep(wait)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        elif round_number:
            # It finished within `wait`: runs are faster now than the first was (a machine less loaded), so the
            # window shrinks to keep killing mid-run.
            duration = min(duration, wait)
        process.communicate()
        after = path.read_bytes()
        assert library.parse_bytes(path, after).problems == []
        assert after == before or is_new(before, after, round_number), round_number
    return kills


def test_sigkill_during_add(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_bytes((REPO / "library.bib").read_bytes())
    dois = _fill_cache(ROUNDS * 5)

    def added_all(before: bytes, after: bytes, number: int) -> bool:
        present = {entry.doi for entry in library.parse_bytes(path, after).entries.values()}
        return after.startswith(before) and set(dois[number * 5 : (number + 1) * 5]) <= present

    kills = _kill_rounds(path, lambda n: _citetool(path, "add", "--offline", *dois[n * 5 : (n + 1) * 5]), added_all, 1)
    assert kills >= KILLS
    # Whatever a killed run left behind (a lock file, a temp file) does not block the next one.
    assert _citetool(path, "add", "--offline", *dois[:2]).wait(timeout=60) == 0


def test_sigkill_during_remove(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_bytes((REPO / "library.bib").read_bytes())
    dois = _fill_cache(ROUNDS * 5)
    assert _citetool(path, "add", "--offline", *dois).wait(timeout=120) == 0
    keys = [entry.key for entry in library.load(path).entries.values() if entry.doi in set(dois)]

    def removed_all(before: bytes, after: bytes, number: int) -> bool:
        present = set(library.parse_bytes(path, after).entries)
        return (
            not set(keys[number * 5 : (number + 1) * 5]) & present
            and len(present) == len(library.parse_bytes(path, before).entries) - 5
        )

    kills = _kill_rounds(path, lambda n: _citetool(path, "remove", "--yes", *keys[n * 5 : (n + 1) * 5]), removed_all, 2)
    assert kills >= KILLS


def test_sigkill_during_import(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_bytes((REPO / "library.bib").read_bytes())
    sources = []
    for number in range(ROUNDS):
        source = tmp_path / f"in{number}.bib"
        source.write_text(
            "".join(
                f"@misc{{imp{number}x{item}, title = {{Imported {number} {item}}}, year = 2020}}\n\n"
                for item in range(10)
            )
        )
        sources.append(source)

    def imported_all(before: bytes, after: bytes, number: int) -> bool:
        present = set(library.parse_bytes(path, after).entries)
        return after.startswith(before) and {f"imp{number}x{item}" for item in range(10)} <= present

    kills = _kill_rounds(path, lambda n: _citetool(path, "import", str(sources[n])), imported_all, 3)
    assert kills >= KILLS


def test_sigkill_during_update(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "library.bib"
    path.write_bytes((REPO / "library.bib").read_bytes())
    dois = _fill_cache(ROUNDS)
    assert _citetool(path, "add", "--offline", *dois).wait(timeout=120) == 0
    keys = {entry.doi: entry.key for entry in library.load(path).entries.values()}
    works = {}
    for number in range(ROUNDS):
        message = _record(number, "Corrected title")
        works[str(message["DOI"])] = json.dumps({"status": "ok", "message": message}).encode()
    with ReplayServer(works) as server:
        monkeypatch.setenv("CITETOOL_CROSSREF_URL", server.url)

        def updated(before: bytes, after: bytes, number: int) -> bool:
            entry = library.parse_bytes(path, after).entries[keys[dois[number]]]
            return f"Corrected title {number}" in (entry.text("title") or "")

        kills = _kill_rounds(path, lambda n: _citetool(path, "update", "--yes", keys[dois[n]]), updated, 4)
    assert kills >= KILLS


def test_sigkill_during_add_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "library.bib"
    target.parent.mkdir()
    target.write_bytes((REPO / "library.bib").read_bytes())
    link = tmp_path / "library.bib"
    link.symlink_to(target)
    dois = _fill_cache(30 * 3)

    def added_through_the_link(before: bytes, after: bytes, number: int) -> bool:
        present = {entry.doi for entry in library.parse_bytes(link, after).entries.values()}
        return link.is_symlink() and after.startswith(before) and set(dois[number * 3 : (number + 1) * 3]) <= present

    kills = _kill_rounds(link, lambda n: _citetool(link, "add", "--offline", *dois[n * 3 : (n + 1) * 3]),
                         added_through_the_link, 5, rounds=30)  # fmt: skip
    assert kills >= 10
    assert link.is_symlink() and link.resolve() == target.resolve()


def test_concurrent_adds_through_a_symlink_beside_exports_lose_nothing(tmp_path: Path) -> None:
    target = tmp_path / "real.bib"
    target.write_bytes((REPO / "library.bib").read_bytes())
    link = tmp_path / "library.bib"
    link.symlink_to(target)
    dois = _fill_cache(4 * 20)
    adders = [_citetool(link, "add", "--offline", *dois[index * 20 : (index + 1) * 20]) for index in range(4)]
    exports = []
    while any(process.poll() is None for process in adders):
        exports.append(_citetool(link, "export", "-f", "ris", "-o", str(tmp_path / "out.ris")))
        exports.append(_citetool(link, "export", "-f", "bibtex", "-o", str(link)))  # onto the library: refused
        for process in exports[-2:]:
            process.wait(timeout=60)
    for process in adders:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    assert {process.returncode for process in exports[1::2]} == {2}
    lib = library.load(link)
    assert lib.problems == [] and link.is_symlink()
    assert sorted(entry.doi or "" for entry in lib.entries.values() if "5555" in (entry.doi or "")) == sorted(dois)


def test_sigterm_leaves_no_temporary_file_and_the_library_old_or_new(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    big = "".join(f"@misc{{k{n}, title = {{Entry number {n} {'words ' * 40}}}}}\n\n" for n in range(6000))
    path.write_text(big)
    rng = random.Random(6)
    terminated = 0
    started = time.monotonic()
    assert _citetool(path, "remove", "--yes", "k5999").wait(timeout=60) == 0
    duration = time.monotonic() - started
    for number in range(15):
        before = path.read_bytes()
        process = _citetool(path, "remove", "--yes", f"k{number}")
        time.sleep(rng.uniform(0.1, 0.95) * duration)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
        # -15: the signal came while Python was still starting, before citetool could open anything.
        assert process.returncode in (0, 143, -signal.SIGTERM), err.decode()
        terminated += process.returncode == 143
        if process.returncode == 143:
            assert err.decode().endswith("citetool: terminated\n")
        assert [name for name in os.listdir(tmp_path) if name.endswith(".tmp")] == []
        after = path.read_bytes()
        assert after == before or f"@misc{{k{number}," not in after.decode()
    assert terminated >= 3
