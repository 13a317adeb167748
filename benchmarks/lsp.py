"""Completion latency of ``citetool lsp`` on a big library: the first answer (the library read) and the median of
later ones (the index in memory), through a real server process over stdio.

    .venv/bin/python benchmarks/lsp.py [--library ../shared/corpora/large/jgrey4296-main-all.bib] [--cold]

Targets: the first answer under 2 s, every later one under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.lsp_client import Client  # noqa: E402

QUERIES = ["smith", "2019", "learning", "game", "10.1", "agent", "history", "theory", "know", "rule", "plan", "war",
           "social", "logic", "model", "story", "mind", "art", "law", "data"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path,
                        default=REPO.parent / "shared" / "corpora" / "large" / "jgrey4296-main-all.bib")
    parser.add_argument("--cold", action="store_true", help="An empty cache folder: the library's table is made.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        env = dict(os.environ)
        if args.cold:
            env["CITETOOL_CACHE_DIR"] = str(folder / "cache")
        client = Client(folder, "-l", str(args.library.resolve()), env=env)
        try:
            client.initialize(folder)
            paper = folder / "paper.tex"
            lines = [f"\\cite{{{query}" for query in QUERIES]
            uri = client.open(paper, "\n".join(lines) + "\n")
            timings = []
            for number, line in enumerate(lines):
                started = time.perf_counter()
                position = {"line": number, "character": len(line)}
                answer = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": position})
                timings.append(time.perf_counter() - started)
                assert answer.get("result") is not None, answer
        finally:
            client.close()
    later = timings[1:]
    print(f"library: {args.library.name}{' (cold cache)' if args.cold else ' (warm cache)'}")
    print(f"first completion:  {timings[0] * 1000:7.1f} ms  (target < 2000 ms)")
    print(f"later completions: median {statistics.median(later) * 1000:6.1f} ms, max {max(later) * 1000:6.1f} ms "
          f"over {len(later)}  (target < 100 ms)")


if __name__ == "__main__":
    main()
