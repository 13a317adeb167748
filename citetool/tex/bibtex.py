"""Real BibTeX, run on entries to see what a document's ``.bst`` prints: ``check --aux`` asks it which title
words a style lowers.

The entries go into a private temporary folder with a generated ``.aux``
citing them and naming the document's style; ``bibtex`` runs there (with
``openout_any=p``: it may write only there), its ``.bst`` looked for in the
document's folder and then TeX's own tree, and its ``.bbl`` is read back,
one block per ``\\bibitem``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Seconds BibTeX may take: it formats thousands of entries in well under one.
TIMEOUT = 60
_ITEM = re.compile(r"\\bibitem(?:\[[^\]]*\])?\{([^}]*)\}")


def available() -> bool:
    return shutil.which("bibtex") is not None


def printed(source: str, keys: list[str], style: str, document_folder: Path) -> dict[str, str] | None:
    """What ``style`` prints for each of ``keys`` (their ``.bbl`` blocks, white space collapsed, braces gone),
    from the BibTeX ``source`` of those entries; None when BibTeX cannot run or fails."""
    with tempfile.TemporaryDirectory(prefix="citetool-bibtex-") as name:
        folder = Path(name)
        (folder / "entries.bib").write_text(source, encoding="utf-8")
        aux = "".join(f"\\citation{{{key}}}\n" for key in keys) + f"\\bibstyle{{{style}}}\n\\bibdata{{entries}}\n"
        (folder / "check.aux").write_text(aux, encoding="utf-8")
        env = {**os.environ, "openout_any": "p", "openin_any": "p",
               "BSTINPUTS": f"{document_folder}{os.pathsep}"}  # fmt: skip
        try:
            done = subprocess.run(["bibtex", "-terse", "check"], cwd=folder, env=env, capture_output=True,
                                  timeout=TIMEOUT, check=False)  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return None
        bbl = folder / "check.bbl"
        if done.returncode > 1 or not bbl.exists():  # 1: warnings (a missing field) are no failure here
            return None
        text = bbl.read_text(encoding="utf-8", errors="replace")
    blocks: dict[str, str] = {}
    matches = list(_ITEM.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        blocks[match.group(1)] = " ".join(text[match.end() : end].replace("{", "").replace("}", "").split())
    return blocks
