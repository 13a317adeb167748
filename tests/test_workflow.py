"""The LaTeX workflow: a document's citations checked against the library (issue #16, `check --aux`)."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run


def test_check_aux_names_cited_keys_the_library_lacks_with_a_suggestion(workdir: Path) -> None:
    aux = workdir / "paper.aux"
    aux.write_text("\\relax\n\\citation{belousova2025embracng}\n\\citation{nosuch,russianational}\n")
    result = run("check", "--aux", str(aux))
    assert result.exit_code == 9
    cited = [line for line in result.stdout.splitlines() if line.startswith(str(aux))]
    assert cited == [
        f"{aux}:2: error: entry 'belousova2025embracng': is cited but not in library.bib; "
        "did you mean belousova2025embracing?",
        f"{aux}:3: error: entry 'nosuch': is cited but not in library.bib; add it, or fix the citation",
    ]
    assert result.stderr == "citetool: error: library.bib: 2 errors, 2 warnings in 2 entries\n"


def test_check_aux_unused_names_the_entries_a_document_does_not_cite(workdir: Path) -> None:
    aux = workdir / "paper.aux"
    aux.write_text("\\relax\n\\citation{RussiaNational}\n")  # keys compare without case, as BibTeX's do
    findings = json.loads(run("check", "--aux", str(aux), "--unused", "--json").stdout)
    unused = [f for f in findings if "not cited" in f["message"]]
    assert unused == [{"severity": "warning", "file": "library.bib", "line": 4, "key": "belousova2025embracing",
                       "field": None, "message": f"is not cited by {aux}"}]  # fmt: skip
    assert run("check", "--aux", str(aux), "--unused").exit_code == 0  # warnings only
    everything = workdir / "all.aux"
    everything.write_text("\\relax\n\\citation{*}\n")
    assert "not cited" not in run("check", "--aux", str(everything), "--unused").stdout
    bcf = workdir / "paper.bcf"
    bcf.write_text('<?xml version="1.0"?><bcf:controlfile xmlns:bcf="https://sourceforge.net/projects/biblatex">'
                   "<bcf:section number=\"0\"><bcf:citekey order=\"1\">nosuch</bcf:citekey></bcf:section>"
                   "</bcf:controlfile>\n")  # fmt: skip
    assert "entry 'nosuch': is cited but not in library.bib" in run("check", "--aux", str(bcf)).stdout


def test_unused_without_aux_is_a_usage_error(workdir: Path) -> None:
    result = run("check", "--unused")
    assert result.exit_code == 2 and "--unused goes with --aux" in result.stderr
