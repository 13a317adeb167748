"""Entries citetool writes compile with real pdflatex + bibtex, and read right in the PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import DATA, REPO, need_programs

DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{textcomp}
\usepackage{lmodern}
\begin{document}
Everything: \nocite{*}
\bibliographystyle{plain}
\bibliography{refs}
\end{document}
"""


def _build(folder: Path) -> str:
    for command in (["pdflatex", "-interaction=nonstopmode", "paper"], ["bibtex", "paper"]):
        subprocess.run(command, cwd=folder, capture_output=True, check=False, timeout=120)
    for _ in range(2):
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "paper"], cwd=folder, capture_output=True, timeout=120)
    return (folder / "paper.log").read_text(encoding="latin-1")


@pytest.mark.tex
def test_seeded_library_and_every_golden_entry_build_with_pdflatex_and_bibtex(tmp_path: Path) -> None:
    need_programs("pdflatex", "bibtex", "pdftotext")
    sources = [(REPO / "library.bib").read_text(encoding="utf-8")]
    sources += [path.read_text(encoding="utf-8") for path in sorted((DATA / "golden").glob("*.bib"))]
    (tmp_path / "refs.bib").write_text("\n".join(sources), encoding="utf-8")
    (tmp_path / "paper.tex").write_text(DOCUMENT, encoding="utf-8")
    log = _build(tmp_path)
    blg = (tmp_path / "paper.blg").read_text(encoding="latin-1")
    assert "error message" not in blg, blg
    assert "! " not in log, log[-3000:]
    assert "undefined" not in log, log[-3000:]
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "paper.pdf", "-"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split()).replace(" /", "/")
    for expected in (
        "Tatiana Belousova and Raghav Sharma. Embracing the Taliban: Deciphering Russia’s Afghan policy",
        "Journal of Asian Security and International Affairs, 12(4):515–537, 2025",
        "Die Straße als politische Arena und Medium der Masse",  # non-English: case kept
        "Concrete Technology Associates. CTA #17.",
        "R interface to ’FishBase’",
        "KRAS/NRAS/EGFR/BRAF/MET mutations in plasma ctDNA",
        "Donald Hora, Jr.",
        "7(3):e33693, March 2012",
        "page 96973B",
        "Measurement uncertainty matters: ecological management using POMDPs",
    ):
        assert expected in flat, expected
