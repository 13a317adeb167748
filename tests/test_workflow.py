"""The LaTeX workflow: a document's citations checked against the library (issue #16, `check --aux`)."""

from __future__ import annotations

import json
import os
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


PAPER = r"""\documentclass{article}
\begin{document}
See \cite{belousova2025embracing} and \citep[p.~3]{russianational,belousova2025embracing}.
\input{chapters/one}
% old note: belousova2025embracing is great
\textcite*{belousova2025embracing} \cites(pre)(post)[p.~1]{russianational}[p.~2]{Belousova2025Embracing}
The key belousova2025embracing in prose stays.
\end{document}
"""
CHAPTER = r"Chapter \parencite{belousova2025embracing}\nocite{belousova2025embracing} \citetext{belousova2025embracing}"


def _document(workdir: Path) -> Path:
    (workdir / "chapters").mkdir()
    (workdir / "chapters" / "one.tex").write_text(CHAPTER + "\n")
    (workdir / "paper.tex").write_text(PAPER)
    with (workdir / "library.bib").open("a") as library:
        library.write("\n@inproceedings{child,\n  title = {A paper},\n  crossref = {Belousova2025Embracing},\n}\n")
    return workdir / "paper.tex"


def test_rename_changes_the_key_its_references_and_every_citation_but_no_prose_or_comment(workdir: Path) -> None:
    paper = _document(workdir)
    before = {path: path.read_bytes() for path in (workdir / "library.bib", paper, workdir / "chapters/one.tex")}
    shown = run("rename", "belousova2025embracing", "belousova2025taliban", "--tex", str(paper))
    assert shown.exit_code == 0
    assert "-See \\cite{belousova2025embracing} and" in shown.stdout
    assert "+  crossref = {belousova2025taliban}," in shown.stdout
    assert f"{paper}:5: a comment names belousova2025embracing; comments are left as they are" in shown.stderr
    assert "6 citations in 2 .tex files; nothing written" in shown.stderr
    assert {path: path.read_bytes() for path in before} == before  # nothing written without --yes
    done = run("rename", "belousova2025embracing", "belousova2025taliban", "--tex", str(paper), "--yes")
    assert done.exit_code == 0, done.stderr
    text = paper.read_text()
    assert "\\cite{belousova2025taliban}" in text and "\\citep[p.~3]{russianational,belousova2025taliban}" in text
    assert "\\cites(pre)(post)[p.~1]{russianational}[p.~2]{belousova2025taliban}" in text
    assert "% old note: belousova2025embracing is great" in text
    assert "The key belousova2025embracing in prose stays." in text
    chapter = (workdir / "chapters/one.tex").read_text()
    assert chapter == CHAPTER.replace("parencite{belousova2025embracing}", "parencite{belousova2025taliban}").replace(
        "nocite{belousova2025embracing}", "nocite{belousova2025taliban}") + "\n"  # fmt: skip
    library_text = (workdir / "library.bib").read_text()
    assert "@article{belousova2025taliban," in library_text and "crossref = {belousova2025taliban}" in library_text
    assert "belousova2025embracing" not in library_text.lower()
    assert run("check").exit_code == 0


def test_rename_refuses_a_taken_or_invalid_key_and_names_an_unknown_one(workdir: Path) -> None:
    taken = run("rename", "belousova2025embracing", "RussiaNational")
    assert taken.exit_code == 2 and "already in library.bib (keys are compared without case)" in taken.stderr
    assert run("rename", "belousova2025embracing", "bad key").exit_code == 2
    unknown = run("rename", "belousova2025embracin", "x2025")
    assert unknown.exit_code == 1 and "did you mean belousova2025embracing?" in unknown.stderr
    assert run("rename", "belousova2025embracing", "BELOUSOVA2025EMBRACING", "--yes").exit_code == 0  # case only


def test_rename_writes_every_file_or_none(workdir: Path) -> None:
    paper = _document(workdir)
    chapter = workdir / "chapters" / "one.tex"
    before = {path: path.read_bytes() for path in (workdir / "library.bib", paper, chapter)}
    chapter.chmod(0o444)
    failed = run("rename", "belousova2025embracing", "belousova2025taliban", "--tex", str(paper), "--yes")
    assert failed.exit_code == 7 and "is read-only" in failed.stderr
    assert {path: path.read_bytes() for path in before} == before
    assert not [name for name in os.listdir(workdir) if name.endswith(".tmp")]
