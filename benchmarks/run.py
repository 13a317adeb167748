"""citetool's speed and memory benchmark: whole commands, each next to its reference.

Run from the repository root (after the README's install command):

    .venv/bin/python benchmarks/run.py                 # the corpora in ../shared/corpora
    .venv/bin/python benchmarks/run.py --big FILE --slice FILE --runs 7

Every case is a whole process, timed as the median of --runs runs after one
warm-up, with its peak memory (max RSS, from wait4).  Each result is printed
next to a reference measured in the same run, as a ratio, with the issue's
target.  "cold" runs copy the library to a fresh file first (so no cache of a
parsed library can apply); "warm" runs reuse an unchanged file.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.replay import ReplayServer, recorded_works  # noqa: E402

PYTHON = sys.executable
#: The export formats with the 1.5x target (those not `styled` in citetool.writers.FORMATS; not imported,
#: as this process must stay small); every other read-only command has 1.2x.
CACHED = ("bibtex", "biblatex", "ris", "csl-json")
CORPORA = REPO.parent / "shared" / "corpora" / "large"
#: Whether each case first runs once uncounted (``--no-warm-up`` for the test suite's smoke run).
WARM_UP = True


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    status: int = 0  # the exit status of the last run (check exits 9 when it finds errors)
    cpu: float = 0.0  # median user + system CPU seconds of the whole process


def measure(
    command: list[str], runs: int, env: dict[str, str], before: list[str] | None = None, warm_up: bool = True
) -> Measure:
    """Median wall time and max peak RSS of ``command`` over ``runs`` runs (after one warm-up run if ``warm_up``)."""
    times: list[float] = []
    peaks: list[float] = []
    cpus: list[float] = []
    status = 0
    warm_up = warm_up and WARM_UP
    for index in range(runs + 1 if warm_up else runs):
        if before:
            subprocess.run(before, check=True, env=env)
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _pid, wait_status, usage = os.wait4(process.pid, 0)
        status = os.waitstatus_to_exitcode(wait_status)
        elapsed = time.perf_counter() - started
        if index or not warm_up:  # the first run warms the OS caches
            times.append(elapsed)
            peaks.append(usage.ru_maxrss / 1024)
            cpus.append(usage.ru_utime + usage.ru_stime)
    return Measure(statistics.median(times), max(peaks), status, statistics.median(cpus))


def measure_tty(command: list[str], runs: int, env: dict[str, str]) -> Measure:
    """:func:`measure` with stdout on a pseudo-terminal of 120 columns (read as fast as it comes, as a
    terminal would) and no pager: ``show`` as a person sees it."""
    import pty
    import threading

    tty_env = {**env, "COLUMNS": "120", "LINES": "40", "PAGER": "cat", "TERM": "xterm"}

    def once() -> tuple[float, float, int, float]:
        leader, follower = pty.openpty()
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=follower, stderr=subprocess.DEVNULL, env=tty_env)
        os.close(follower)

        def drain() -> None:
            with contextlib.suppress(OSError):
                while os.read(leader, 65536):
                    pass

        reader = threading.Thread(target=drain)
        reader.start()
        _pid, wait_status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        reader.join()
        os.close(leader)
        return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(wait_status), usage.ru_utime + usage.ru_stime

    if WARM_UP:
        once()
    results = [once() for _ in range(runs)]
    return Measure(statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2],
                   statistics.median(r[3] for r in results))  # fmt: skip


def writable_copy(source: Path, target: Path) -> int:
    """Copy ``source`` to ``target`` with repeated entry keys renamed (``key-dupN``).

    citetool refuses to write a library with duplicate keys (the 16k library
    has seven), so ``add`` is timed on a copy that differs only in those keys.
    Returns how many keys were renamed.
    """
    from citetool.library import file as library

    lib = library.load(source)
    seen: set[str] = set()
    pieces: list[str] = []
    last = renamed = 0
    for block in lib.document.blocks:
        if block.entry is None:
            continue
        key = block.entry.key
        if key in seen:
            renamed += 1
            at = lib.text.index(key, block.start)
            pieces += [lib.text[last:at], f"{key}-dup{renamed}"]
            last = at + len(key)
        seen.add(key)
    pieces.append(lib.text[last:])
    target.write_bytes(("\ufeff" if lib.bom else "").encode() + "".join(pieces).encode("utf-8"))
    return renamed


def first_key(path: Path) -> str:
    """The key of the first entry in ``path`` (read line by line: this process stays small)."""
    import re

    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            match = re.match(r"\s*@(?!string|comment|preamble)\w+\s*[{(]\s*([^,\s]+)\s*,", line, re.IGNORECASE)
            if match:
                return match.group(1)
    raise SystemExit(f"{path}: no entry found")


def row(name: str, value: Measure, reference: Measure, target: float | None, unit: str = "x") -> str:
    ratio = value.seconds / reference.seconds
    verdict = "" if target is None else ("ok" if ratio <= target else "MISSED")
    target_text = f"<= {target:g}{unit}" if target is not None else ""
    status = f" (exit {value.status})" if value.status else ""
    return (
        f"{name:<46} {value.seconds:7.3f} s {value.peak_mb:7.1f} MB   ref {reference.seconds:6.3f} s"
        f"   {ratio:5.2f}x {target_text:>8} {verdict}{status}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=Path, default=CORPORA / "jgrey4296-main-all.bib")
    parser.add_argument("--slice", type=Path, default=CORPORA / "jgrey4296-main-first10k.bib")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rw-rows", type=int, default=60_000, help="Rows of the Retraction Watch CSV made up.")
    parser.add_argument(
        "--csl",
        type=Path,
        default=CORPORA / "biber-etc-tugboat.bib",
        help="The library of the CSL cases (html, text against citeproc-js in Node.js).",
    )
    parser.add_argument("--csl-sizes", default="1000,all", help="Entries of --csl to render, comma-separated.")
    parser.add_argument(
        "--without-citeproc",
        action="store_true",
        help="Skip export -f html and -f text of the 16k and 10k libraries (minutes on the big files).",
    )
    parser.add_argument("--merge-entries", type=int, default=40000, help="Entries of the merge driver's case.")
    parser.add_argument("--no-warm-up", action="store_true", help="No uncounted first run (a smoke test's speed).")
    parser.add_argument("--styles", default="apa,ieee,chicago-author-date,modern-language-association,"
                        "nlm-citation-sequence", help="CSL styles of the CSL cases (the first two, cold).")
    parser.add_argument("--dois", type=int, default=100, help="DOIs of the concurrent add case.")
    args = parser.parse_args()
    global WARM_UP
    WARM_UP = not args.no_warm_up

    work = Path(tempfile.mkdtemp(prefix="citetool-bench-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)  # also when a case fails or ^C stops the run
    env = {**os.environ, "CITETOOL_CACHE_DIR": str(work / "cache"), "CITETOOL_CONFIG": str(work / "none.toml")}
    env.pop("CITETOOL_LIBRARY", None)
    citetool = [PYTHON, "-m", "citetool"]
    runs = args.runs
    print(f"citetool benchmark: {runs} runs per case (median), python {sys.version.split()[0]}")

    click_ref = measure([PYTHON, "-c", "import click"], runs, env)
    seeded = work / "library.bib"
    shutil.copy(REPO / "library.bib", seeded)
    print("\n== start-up (reference: python -c 'import click')")
    print(row("citetool --version", measure([*citetool, "--version"], runs, env), click_ref, 1.3))
    print(
        row(
            "citetool show (seeded library)", measure([*citetool, "-l", str(seeded), "show"], runs, env), click_ref, 2.5
        )
    )

    for label, source in (("16k", args.big), ("10k", args.slice)):
        if not source.exists():
            print(f"\n(skipping {label}: {source} not found)")
            continue
        library = work / f"{label}.bib"
        shutil.copyfile(source, library)  # not its mode: the corpora are read-only, and add writes
        # A new comment line each run: new content, so no cached parse can apply.
        fresh = ["sh", "-c", f"cp '{source}' '{library}' && printf '%% bench %s\\n' \"$(date +%s%N)\" >> '{library}'"]
        parse_ref = measure([PYTHON, "-c", f"import bibtexparser; bibtexparser.parse_file({str(source)!r})"], runs, env)
        print(
            f"\n== {label} library {source.name} (reference: bibtexparser.parse_file, "
            f"{parse_ref.seconds:.3f} s, {parse_ref.peak_mb:.0f} MB)"
        )
        base = [*citetool, "-l", str(library)]
        cases: list[tuple[str, list[str], float | None]] = [
            ("show", ["show"], 1.2), ("show --json", ["show", "--json"], 1.2), ("check", ["check"], 1.2),
        ]  # fmt: skip
        formats = ["bibtex", "biblatex", "ris", "csl-json"] + ([] if args.without_citeproc else ["html", "text"])
        cases += [(f"export -f {name}", ["export", "-f", name], 1.5 if name in CACHED else 1.2) for name in formats]
        for name, extra, target in cases:
            slow = name.endswith(("html", "text"))  # minutes each on the big files: one run, no warm-up
            cold = measure([*base, *extra], 1 if slow else runs, env, before=fresh, warm_up=not slow)
            print(row(f"{name} (cold{', one run' if slow else ''})", cold, parse_ref, target))
            print(f"{'':<46} peak {cold.peak_mb / parse_ref.peak_mb:5.2f}x bibtexparser's (target <= 1.5x)")
        piped = None
        for name, extra in (("show (warm)", ["show"]), ("show --json (warm)", ["show", "--json"]),
                            ("export (warm)", ["export"]),
                            ("show KEY (warm)", ["show", "--json", first_key(source)])):  # fmt: skip
            warm = measure([*base, *extra], runs, env)
            piped = piped or warm
            target = 4.0 if "KEY" in name else None
            print(
                row(name, warm, click_ref if "KEY" in name else parse_ref, target),
                "(under 0.5 s)" if warm.seconds < 0.5 else "(0.5 s target MISSED)",
            )
        tty = measure_tty([*base, "show"], runs, env)
        assert piped is not None
        print(row("show on a terminal, 120 columns (warm)", tty, piped, 3.0), " (reference: show piped, warm)")
        if label == "16k":
            retractions_case(args, work, env, base, source, parse_ref)
        writable = work / f"{label}-writable.bib"
        # In a child process: a forked child inherits this process's peak memory on Linux,
        # so the benchmark itself must never hold a library.
        renamed = int(subprocess.run([PYTHON, __file__, "--writable-copy", str(source), str(writable)],
                                     check=True, capture_output=True, text=True).stdout)  # fmt: skip
        with ReplayServer() as server:
            add_env = {**env, "CITETOOL_CROSSREF_URL": server.url}
            doi = "10.1038/srep16696"
            cache = work / "cache"
            # Cold: no cache at all.  Warm: the library was read before (here by `show`) and is
            # unchanged; only the DOI's record is dropped, so the lookup still goes to the server.
            cold_restore = ["sh", "-c", f"cp '{writable}' '{library}'; rm -rf '{cache}'"]
            warm_restore = ["sh", "-c", f"cp '{writable}' '{library}'; rm -rf '{cache / 'works'}'; "
                            f"{shlex.join(base)} show > /dev/null 2>&1"]  # fmt: skip
            if renamed:
                print(f"{'':<46} (add runs on a copy with {renamed} repeated keys renamed: citetool will not write")
                print(f"{'':<46}  a library with duplicate keys)")
            for name, restore in (("add one DOI (cold)", cold_restore), ("add one DOI (warm)", warm_restore)):
                add = measure([*base, "add", doi], runs, add_env, before=restore)
                verdict = "(under 0.5 s)" if add.seconds < 0.5 else "(0.5 s target MISSED)"
                print(row(name, add, parse_ref, None), verdict if "warm" in name else "")
            print(f"{'':<46} peak {add.peak_mb / parse_ref.peak_mb:5.2f}x bibtexparser's (target <= 1.5x)")

    csl_cases(args, work, env, citetool)
    merge_case(args, work, env, citetool)

    dois = args.dois
    print(f"\n== add {dois} DOIs, loopback Crossref answering after 200 ms, announcing 3 at a time and 50/s")
    template = json.loads(recorded_works()["10.1038/srep16696"])
    works = {}
    for number in range(dois):
        body = {**template, "message": {**template["message"], "DOI": f"10.5555/bench.{number}",
                                        "title": [f"Benchmark work {number}"]}}  # fmt: skip
        works[f"10.5555/bench.{number}"] = json.dumps(body).encode()
    with ReplayServer(works, delay=0.2, limits=("50", "1s", "3")) as server:
        target_library = work / "hundred.bib"
        add_env = {**env, "CITETOOL_CROSSREF_URL": server.url, "CITETOOL_MAILTO": "bench@example.org"}
        started = time.perf_counter()
        subprocess.run([*citetool, "-l", str(target_library), "add", "--refresh", *works], env=add_env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # fmt: skip
        elapsed = time.perf_counter() - started
        floor = dois * 0.2 / 3
        print(
            f"{f'add {dois} DOIs':<46} {elapsed:7.3f} s   floor {floor:.2f} s   target <= {dois * 0.08:g} s "
            f"{'ok' if elapsed <= dois * 0.08 else 'MISSED'}; most requests in flight: {server.max_in_flight} (<= 3)"
        )


RETRACTION_WATCH_HEADER = (
    "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,"
    "RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,"
    "Reason,Paywalled,Notes"
)


def retractions_case(args: argparse.Namespace, work: Path, env: dict[str, str], base: list[str], source: Path,
                     parse_ref: Measure) -> None:  # fmt: skip
    """``check --retractions --offline`` over the library with a Retraction Watch CSV of ``--rw-rows`` rows (the
    real header; one row in a hundred names a DOI of the library), warm: the library's index and the CSV's
    index are kept from a first run.  Target: under 1 s."""
    import random

    text = source.read_text(encoding="utf-8", errors="replace")
    dois = re.findall(r"\bdoi\s*=\s*[{\"]\s*(10\.[^\s{}\"]+)", text, re.IGNORECASE)
    chooser = random.Random(7)
    natures = ["Retraction", "Retraction", "Expression of concern", "Correction", "Reinstatement"]
    csv_path = work / "retraction_watch.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(RETRACTION_WATCH_HEADER + "\n")
        for number in range(args.rw_rows):
            original = dois[number // 100 % len(dois)] if dois and number % 100 == 0 else f"10.5555/rw.{number}"
            title = f'"Title {number}, a study of things"'
            stream.write(f"{number},{title},(BLS) Biology;,Some University,Journal {number % 900},Publisher,"
                         f"Country,Author {number};Other Author,,Research Article;,{number % 12 + 1}/14/2020 0:00,"
                         f"10.5555/notice.{number},0,1/1/2015 0:00,{original},{10_000_000 + number},"
                         f"{chooser.choice(natures)},+Concerns/Issues About Data;+Misconduct;,No,\n")  # fmt: skip
    rw_env = {**env, "CITETOOL_RETRACTION_WATCH": str(csv_path)}
    command = [*base, "check", "--retractions", "--offline"]
    subprocess.run(command, env=rw_env, capture_output=True, check=False)  # the indexes, kept for the warm runs
    warm = measure(command, args.runs, rw_env)
    name = f"check --retractions --offline, {args.rw_rows:,}-row CSV (warm)"
    print(row(name, warm, parse_ref, None), "(under 1 s)" if warm.seconds < 1 else "(1 s target MISSED)")


def first_entries(source: Path, target: Path, count: int) -> int:
    """Write the first ``count`` entries of ``source`` (with the macros and parents they use) to ``target``."""
    from citetool.library import file as library

    lib = library.load(source)
    keys = list(lib.entries)[:count] if count else list(lib.entries)
    text = subprocess.run([PYTHON, "-m", "citetool", "-l", str(source), "export", "-f", "biblatex", *keys],
                          check=True, capture_output=True, text=True).stdout  # fmt: skip
    target.write_text(text, encoding="utf-8")
    return len(keys)


def csl_cases(args: argparse.Namespace, work: Path, env: dict[str, str], citetool: list[str]) -> None:
    """html and text, cold, against citeproc-js in Node.js on the same items; then re-export after one add."""
    node = shutil.which("node")
    found = node and subprocess.run([node, "-e", "require('citeproc')"], capture_output=True, env=env).returncode == 0
    if not args.csl.exists() or not found:
        print(f"\n(skipping the CSL cases: {args.csl} or Node.js with the npm package citeproc not found)")
        return
    from citetool.csl import styles

    reference_script = REPO / "tests" / "reference" / "citeproc_js.js"
    cache = work / "cache"
    print(f"\n== CSL bibliographies of {args.csl.name}, cold (no cache, no memo), one run each; "
          "reference: citeproc-js in Node.js on citetool's CSL-JSON of the same entries (CPU seconds)")  # fmt: skip
    for size in args.csl_sizes.split(","):
        library = work / f"csl-{size}.bib"
        count = int(subprocess.run([PYTHON, __file__, "--first-entries", str(args.csl), str(library),
                                    "0" if size == "all" else size], check=True, capture_output=True,
                                   text=True, env=env).stdout)  # fmt: skip
        items = work / f"csl-{size}.json"
        with items.open("w") as stream:
            export = [*citetool, "-l", str(library), "export", "-f", "csl-json"]
            subprocess.run(export, stdout=stream, check=True, env=env)
        for style in args.styles.split(",")[:2]:
            style_path = styles._bundled_path(style)
            for format_name in ("html", "text"):
                clear = ["rm", "-rf", str(cache)]
                ours = measure([*citetool, "-l", str(library), "export", "-f", format_name, "--style", style],
                               1, env, before=clear, warm_up=False)  # fmt: skip
                theirs = measure([node, str(reference_script), str(items), str(style_path),  # type: ignore[list-item]
                                  str(styles._locales_folder()), format_name], 1, env, warm_up=False)  # fmt: skip
                label = f"{format_name} {style}, {count} entries"
                ratio = ours.cpu / theirs.cpu if theirs.cpu else float("inf")
                verdict = "ok" if ratio <= 1.0 else "MISSED"
                print(
                    f"{label:<46} {ours.cpu:7.3f} s cpu ({ours.seconds:.3f} s wall)   citeproc-js "
                    f"{theirs.cpu:7.3f} s cpu ({theirs.seconds:.3f} s wall)  {ratio:5.2f}x   <= 1x {verdict}"
                )
    re_export_after_add(args, work, env, citetool)
    assert node is not None
    paper_again(args, work, env, citetool, node, reference_script)


def paper_again(args: argparse.Namespace, work: Path, env: dict[str, str], citetool: list[str], node: str,
                reference_script: Path) -> None:  # fmt: skip
    """A paper's 50 entries (of a 2,000-entry library) exported to html again, nothing changed: the memo answers,
    no engine is built.  Reference: citeproc-js in Node.js rendering the same 50 items."""
    from citetool.csl import styles

    library = work / "paper-library.bib"
    subprocess.run([PYTHON, __file__, "--first-entries", str(args.csl), str(library), "2000"], check=True,
                   capture_output=True, env=env)  # fmt: skip
    listed = subprocess.run([*citetool, "-l", str(library), "show", "--json"], check=True, capture_output=True,
                            text=True, env=env).stdout  # fmt: skip
    keys = [entry["key"] for entry in json.loads(listed)][::40][:50]
    aux = work / "paper.aux"
    aux.write_text("".join(f"\\citation{{{key}}}\n" for key in keys), encoding="utf-8")
    items = work / "paper.json"
    with items.open("w") as stream:
        subprocess.run([*citetool, "-l", str(library), "export", "--aux", str(aux), "-f", "csl-json"], stdout=stream,
                       check=True, env=env)  # fmt: skip
    for style in args.styles.split(",")[:2]:
        export = [*citetool, "-l", str(library), "export", "--aux", str(aux), "-f", "html", "--style", style]
        subprocess.run(export, check=True, capture_output=True, env=env)  # the memo of this paper and style
        again = measure(export, args.runs, env)
        style_path = styles._bundled_path(style)
        theirs = measure([node, str(reference_script), str(items), str(style_path), str(styles._locales_folder()),
                          "html"], args.runs, env)  # fmt: skip
        label = f"html {style}, a paper's {len(keys)} entries, unchanged"
        print(row(label, again, theirs, 0.33), " (reference: citeproc-js in Node.js, the same items)")


def re_export_after_add(args: argparse.Namespace, work: Path, env: dict[str, str], citetool: list[str]) -> None:
    """After one add to a 2,000-entry library, the next html export (the memo of the last one in place)."""
    library = work / "csl-2000.bib"
    pristine = work / "csl-2000.pristine.bib"
    count = int(subprocess.run([PYTHON, __file__, "--first-entries", str(args.csl), str(pristine), "2000"],
                               check=True, capture_output=True, text=True, env=env).stdout)  # fmt: skip
    with ReplayServer() as server:
        add_env = {**env, "CITETOOL_CROSSREF_URL": server.url}
        base = [*citetool, "-l", str(library)]
        for style in args.styles.split(","):
            export = [*base, "export", "-f", "html", "--style", style]
            # New bytes each run (a comment), or the export after the add would be a whole-export cache hit.
            before = ["sh", "-c", f"cp '{pristine}' '{library}' && printf '%% bench %s\\n' \"$(date +%s%N)\" >> "
                      f"'{library}' && {shlex.join(export)} > /dev/null && "
                      f"{shlex.join([*base, 'add', '10.1038/srep16696'])} > /dev/null 2>&1"]  # fmt: skip
            again = measure(export, args.runs, add_env, before=before, warm_up=False)
            verdict = "ok" if again.seconds <= 1.5 else "MISSED"
            label = f"html {style} after one add, {count + 1} entries"
            print(f"{label:<46} {again.seconds:7.3f} s   target <= 1.5 s {verdict}")


def merge_case(args: argparse.Namespace, work: Path, env: dict[str, str], citetool: list[str]) -> None:
    """The git merge driver on a generated library of --merge-entries entries, each side editing and adding
    a few, against ``git merge-file`` merging the same three files as lines (the floor: git waits for both)."""
    count = args.merge_entries
    base = "".join(f"@misc{{k{n},\n  title = {{Title {n}}},\n  year = {{2001}},\n}}\n\n" for n in range(count))
    sides = {
        "base": base,
        "ours": base.replace("{Title 5}", "{Title five}") + "@misc{ours1, title = {Ours}}\n",
        "theirs": base.replace(f"{{Title {count - 5}}}", "{Title late}") + "@misc{t1, title = {A}}\n\n"
                  "@misc{t2, title = {B}}\n",
    }  # fmt: skip
    for name, text in sides.items():
        (work / f"merge-{name}.bib").write_text(text, encoding="utf-8")
    paths = [str(work / f"merge-{name}.bib") for name in ("base", "ours", "theirs")]
    restore = ["sh", "-c", f"cp '{work / 'merge-ours.bib'}' '{work / 'merge-a.bib'}'"]
    driver = measure([*citetool, "merge-driver", paths[0], str(work / "merge-a.bib"), paths[2], "refs.bib"],
                     args.runs, env, before=restore)  # fmt: skip
    git = measure(["git", "merge-file", "-p", str(work / "merge-a.bib"), paths[0], paths[2]], args.runs, env,
                  before=restore)  # fmt: skip
    print(f"\n== git merge driver, {count:,} entries (reference: git merge-file on the same files, as lines)")
    print(row(f"merge-driver {count} entries", driver, git, None))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--writable-copy"]:
        print(writable_copy(Path(sys.argv[2]), Path(sys.argv[3])))
    elif sys.argv[1:2] == ["--first-entries"]:
        print(first_entries(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
    else:
        main()

