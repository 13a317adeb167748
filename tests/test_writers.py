"""Several writers at once, and writers killed mid-write: the library survives both."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from citetool import library
from citetool.cache import Cache, Record

from .conftest import REPO
from .replay import recorded_works

TEMPLATE = json.loads(recorded_works()["10.1038/srep16696"])["message"]


def _fill_cache(count: int) -> list[str]:
    """Cache ``count`` distinct synthetic records (recorded work, new DOI and title)."""
    cache = Cache(Path(os.environ["CITETOOL_CACHE_DIR"]))
    dois = []
    for number in range(count):
        doi = f"10.5555/citetool.{number}"
        message = {**TEMPLATE, "DOI": doi, "title": [f"Synthetic work number {number}"]}
        cache.put(Record(doi, "crossref", message))
        dois.append(doi)
    return dois


def _add(path: Path, dois: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "citetool", "-l", str(path), "add", "--offline", *dois],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    original = (REPO / "library.bib").read_bytes()
    path.write_bytes(original)
    dois = _fill_cache(8 * 25)
    processes = [_add(path, dois[index * 25 : (index + 1) * 25]) for index in range(8)]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    lib = library.load(path)
    assert lib.problems == []
    assert path.read_bytes().startswith(original)
    found = sorted(entry.doi or "" for entry in lib.entries.values() if entry.doi and "5555" in entry.doi)
    assert found == sorted(dois)
    assert len(lib.entries) == 2 + 200


def test_sigkill_mid_write_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_bytes((REPO / "library.bib").read_bytes())
    dois = _fill_cache(400)
    rng = random.Random(20261123)
    kills = 0
    for round_number in range(40):
        before = path.read_bytes()
        batch = dois[round_number * 10 : (round_number + 1) * 10]
        process = _add(path, batch)
        time.sleep(rng.uniform(0.05, 0.6))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        after = path.read_bytes()
        lib = library.parse_bytes(path, after)
        assert lib.problems == []
        added = [entry for entry in lib.entries.values() if entry.doi in batch]
        assert after == before or (after.startswith(before) and len(added) == len(batch))
    assert kills >= 10
    # The next run is not blocked by anything a killed run left behind.
    final = _add(path, dois[-5:])
    final.communicate(timeout=60)
    assert final.returncode == 0
