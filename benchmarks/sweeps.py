"""The full sweeps over every file of the corpora, whose fixed samples the tests run.

    .venv/bin/python benchmarks/sweeps.py

The test suite reads a fixed sample of ../shared/corpora (the files up to
600 KiB, plus one large library each: see ``tests/conftest.py``), so that it
runs in minutes; this script runs the same checks over every file and prints
what they found, for the README's figures:

* both readers (citetool's scanner and bibtexparser's splitter) agree;
* no LaTeX command name citetool knows leaks into show, CSL-JSON or RIS;
* every name splits as bibtexparser splits it, but for the cases where BibTeX agrees with citetool;
* every file imports, or is refused with one clear line.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import CORPORA  # noqa: E402


def main() -> None:
    os.environ["CITETOOL_CACHE_DIR"] = tempfile.mkdtemp(prefix="citetool-sweeps-")
    os.environ["CITETOOL_CONFIG"] = os.path.join(os.environ["CITETOOL_CACHE_DIR"], "none.toml")
    from tests.test_bibscan import agreement
    from tests.test_census import census
    from tests.test_manage import import_sweep
    from tests.test_names import name_sweep

    files = sorted(CORPORA.rglob("*.bib"))
    if not files:
        raise SystemExit(f"no corpora at {CORPORA}")
    size = sum(path.stat().st_size for path in files) >> 20
    print(f"citetool sweeps over {len(files)} .bib files of {CORPORA} ({size} MiB)")
    started = time.perf_counter()
    left, different = agreement(files)
    print(f"readers: {len(files) - len(left)} files read by the scanner, {len(left)} left to bibtexparser, "
          f"{len(different)} disagreeing {different[:5]}")  # fmt: skip
    looked, leaks = census(files)
    print(f"census: {looked} entries with LaTeX commands read, {len(leaks)} command names leaked {leaks[:5]}")
    compared, wrong = name_sweep(files)
    print(f"names: {compared} names compared with bibtexparser, {len(wrong)} split differently {wrong[:5]}")
    with tempfile.TemporaryDirectory() as folder:
        refused, failed = import_sweep(files, Path(folder))
    print(f"import: {len(files) - refused} files imported, {refused} refused with one line, {len(failed)} wrong "
          f"{failed[:5]}")  # fmt: skip
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
