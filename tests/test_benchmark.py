"""The benchmark script runs end to end and measures every case the README names.

Its timings are not checked here (speed is read off the benchmark, never
asserted in tests); what is checked is that every case runs and is reported,
and that the 100-DOI case never had more requests in flight than announced.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import DATA, REPO

CASES = [
    "citetool --version",
    "citetool show (seeded library)",
    "show (cold)",
    "show --json (cold)",
    "check (cold)",
    "export -f bibtex (cold)",
    "export -f biblatex (cold)",
    "export -f ris (cold)",
    "export -f csl-json (cold)",
    "export -f html (cold, one run)",
    "export -f text (cold, one run)",
    "show (warm)",
    "show --json (warm)",
    "export (warm)",
    "show KEY (warm)",
    "add one DOI (cold)",
    "add one DOI (warm)",
]


def test_the_benchmark_runs_every_case_on_small_files(tmp_path: Path) -> None:
    big = tmp_path / "read-only.bib"  # as the corpora are: the benchmark writes its own copies
    big.write_bytes((REPO / "library.bib").read_bytes())
    big.chmod(0o444)
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--runs", "1",
         "--big", str(big), "--slice", str(DATA / "export" / "library.bibtex"),
         "--csl", str(REPO / "library.bib"), "--csl-sizes", "1,all", "--merge-entries", "50",
         "--no-warm-up", "--styles", "ieee,nlm-citation-sequence", "--dois", "12", "--rw-rows", "500"],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for label in ("16k", "10k"):
        section = out.split(f"== {label} library", 1)[1].split("\n== ", 1)[0]
        for case in CASES[2:]:
            line = next((line for line in section.splitlines() if line.startswith(case + " ")), None)
            assert line is not None, (label, case)
            assert re.search(r"\d+\.\d{3} s .* ref +\d+\.\d{3} s +\d+\.\d\dx", line), line
            assert "(exit" not in line or case.startswith("check"), line  # every command succeeded
        assert re.search(r"show on a terminal, 120 columns \(warm\) +\d+\.\d{3} s .* <= 3x", section), section
    assert re.search(r"check --retractions --offline, 500-row CSV \(warm\) +\d+\.\d{3} s .*"
                     r"(\(under 1 s\)|\(1 s target MISSED\))", out), out  # fmt: skip
    for case in CASES[:2]:
        assert re.search(re.escape(case) + r" +\d+\.\d{3} s", out), case
    if "(skipping the CSL cases" not in out:  # Node.js and npm's citeproc are there (always in CI)
        for case in ("html ieee, 1 entries", "text nlm-citation-sequence, 2 entries"):
            assert re.search(re.escape(case) + r" +\d+\.\d{3} s cpu .* citeproc-js +\d+\.\d{3} s cpu .*x", out), case
        for style in ("ieee", "nlm-citation-sequence"):
            assert re.search(rf"html {style} after one add, 3 entries +\d+\.\d{{3}} s +target <= 1\.5 s", out), style
            assert re.search(rf"html {style}, a paper's \d+ entries, unchanged +\d+\.\d{{3}} s .*<= 0\.33x", out), style
    assert re.search(r"merge-driver 50 entries +\d+\.\d{3} s .* ref +\d+\.\d{3} s", out), out[-800:]
    crowd = re.search(r"add 12 DOIs +(\d+\.\d+) s .*most requests in flight: (\d+) \(<= 3\)", out)
    assert crowd is not None, out[-500:]
    assert 1 <= int(crowd.group(2)) <= 3
