"""``citetool import`` of a generated Zotero database: 10,000 items by default, each with creators, tags, a
PDF and the fields of its type (half the titles in Title Case, which import protects), into an empty library;
then the same import again (nothing new to add).

    .venv/bin/python benchmarks/zotero.py [--items 10000] [--runs 3]

Target: the first import under 10 s.  The database is built with the tests' builder (``tests/zotero_db.py``),
whose tables are those of real Zotero databases.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.zotero_db import ZoteroBuilder  # noqa: E402

WORDS = ("learning deep neural graph model theory data social game agent logic history network language "
         "inference bayesian markov protein cell climate energy quantum robot vision text").split()  # fmt: skip
TYPES = ["journalArticle"] * 6 + ["book", "bookSection", "conferencePaper", "thesis", "report", "preprint"]


def build(path: Path, count: int) -> None:
    rng = random.Random(7)
    builder = ZoteroBuilder(path)
    folders = [builder.collection(f"Topic {index}") for index in range(20)]
    for index in range(count):
        item_type = rng.choice(TYPES)
        year = rng.randint(1950, 2025)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10)))
        title = words.title() if index % 2 else words.capitalize()  # half in Title Case, as publishers deposit
        fields = {"title": f"{title} {index}", "date": f"{year}-{rng.randint(1, 12):02d}-00 {year}",
                  "abstractNote": " ".join(rng.choice(WORDS) for _ in range(60)), "language": "en",
                  "url": f"https://example.org/{index}", "accessDate": "2024-01-02 10:00:00"}  # fmt: skip
        if item_type == "journalArticle":
            fields.update(publicationTitle=f"Journal of {rng.choice(WORDS).title()}", volume=str(rng.randint(1, 90)),
                          issue=str(rng.randint(1, 12)), pages=f"{rng.randint(1, 500)}-{rng.randint(501, 900)}",
                          DOI=f"10.5555/bench.{index}")  # fmt: skip
        elif item_type == "bookSection":
            fields.update(bookTitle=f"Handbook of {rng.choice(WORDS)}", publisher="Springer", place="Berlin")
        elif item_type == "thesis":
            fields.update(university="MIT", thesisType="PhD Thesis")
        elif item_type == "report":
            fields.update(institution="NASA", reportNumber=f"TR-{index}")
        elif item_type == "preprint":
            fields.update(repository="arXiv", archiveID=f"arXiv:2101.{index:05d}")
        creators = [(rng.choice("ABCDEFGH") + ".", f"Author{rng.randint(1, 3000)}", "author")
                    for _ in range(rng.randint(1, 6))]  # fmt: skip
        tags = rng.sample(WORDS, rng.randint(0, 4))
        item = builder.item(item_type, fields, creators, tags=tags, collections=[rng.choice(folders)])
        builder.attachment(item, f"paper-{index}.pdf")
        if index % 5 == 0:
            builder.note(item)
    builder.close()


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    citetool = [sys.executable, "-m", "citetool"]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database = folder / "Zotero" / "zotero.sqlite"
        database.parent.mkdir()
        started = time.perf_counter()
        build(database, args.items)
        print(f"built {args.items:,} items ({database.stat().st_size / 2**20:.1f} MiB) in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        first, again = [], []
        for run in range(args.runs):
            env = {**os.environ, "CITETOOL_CACHE_DIR": str(folder / f"cache{run}"),
                   "CITETOOL_CONFIG": str(folder / "none.toml")}  # fmt: skip
            library = folder / f"library{run}.bib"
            first.append(timed([*citetool, "-l", str(library), "import", str(database.parent)], env))
            again.append(timed([*citetool, "-l", str(library), "import", str(database.parent)], env))
        size = (folder / "library0.bib").stat().st_size
        print(f"first import: median {statistics.median(first):.2f} s of {args.runs} "
              f"({', '.join(f'{value:.2f}' for value in first)}); library {size / 2**20:.1f} MiB; target 10 s")
        print(f"the same import again: median {statistics.median(again):.2f} s "
              f"({', '.join(f'{value:.2f}' for value in again)})")  # fmt: skip


if __name__ == "__main__":
    main()
