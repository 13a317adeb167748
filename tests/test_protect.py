"""``citetool protect``: braces around exactly the title words whose capitals styles must keep, proven with
real ``bibtex`` (plain, plainnat, IEEEtran) and a biblatex build; ``add`` writes protected titles."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import need, need_programs, run
from .replay import ReplayServer

LIBRARY = """@article{bayes,
  author = {Roe, Ann},
  title = {Bayesian Inference for Markov Chains in Europe},
  journal = {Journal of Tests},
  year = {2020},
}

@article{acronyms,
    author  = "Doe, Jon",
    title   = "DNA Repair With GaN on an iPhone Using LaTeX in July",
    journal = "Journal of Tests",
    year    = 2021
}

@article{sentence,
  author = {Roe, Ann},
  title = {Effects of Parkinson's disease on gait in older adults from China},
  journal = {Journal of Tests},
  year = {2019},
}

@article{whole,
  author = {Roe, Ann},
  title = {{Learning Java in a Week}},
  journal = {Journal of Tests},
  year = {2018},
}

@article{german,
  author = {Roe, Ann},
  title = {Einführung in die Theorie der Markov Ketten},
  langid = {german},
  journal = {Journal of Tests},
  year = {2017},
}

@article{march,
  author = {Roe, Ann},
  title = {A Long March Through the Institutions},
  journal = {Journal of Tests},
  year = {2016},
}
"""

#: What plain.bst prints for each title once protected: the words with capitals of their own keep them.
PRINTED = {
    "bayes": "Bayesian inference for Markov chains in Europe",
    "acronyms": "DNA repair with GaN on an iPhone using LaTeX in July",
    "sentence": "Effects of Parkinson's disease on gait in older adults from China",
    "whole": "Learning Java in a week",
}


@pytest.fixture
def library(workdir: Path) -> Path:
    path = workdir / "library.bib"
    path.write_text(LIBRARY, encoding="utf-8")
    return path


def _decisions(stdout: str) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in json.loads(stdout)}


def test_each_word_is_braced_on_evidence_and_the_evidence_is_said(library: Path) -> None:
    shown = run("protect", "--json")
    assert shown.exit_code == 0, shown.stderr
    plans = _decisions(shown.stdout)
    title = plans["bayes"]["fields"][0]
    assert title["after"] == "Bayesian Inference for {Markov} Chains in {Europe}"
    words = {word["word"]: word for word in title["words"]}
    assert words["Markov"]["protect"] and words["Markov"]["evidence"] == ["dictionary: no English word"]
    assert words["Europe"]["protect"]
    assert not words["Chains"]["protect"] and words["Chains"]["evidence"] == ["a common English word"]
    assert "Bayesian" not in words  # the first word keeps its capital in every style
    acronyms = plans["acronyms"]["fields"][0]
    assert acronyms["after"] == "{DNA} Repair With {GaN} on an {iPhone} Using {LaTeX} in {July}"
    assert {word["word"]: word["evidence"][0] for word in acronyms["words"] if word["protect"]} == {
        "DNA": "shape: acronym", "GaN": "shape: capitals inside the word", "iPhone": "shape: capitals inside the word",
        "LaTeX": "shape: capitals inside the word", "July": "CLDR: a month"}  # fmt: skip
    sentence = plans["sentence"]["fields"][0]
    assert sentence["after"] == "Effects of {Parkinson's} disease on gait in older adults from {China}"
    assert plans["german"]["fields"][0]["skipped"].startswith("language 'german'")
    assert plans["german"]["fields"][0]["after"] == plans["german"]["fields"][0]["before"]
    whole = plans["whole"]["fields"][0]
    assert whole["whole_braced"] and whole["after"] == "Learning {Java} in a Week"
    march = plans["march"]["fields"][0]
    assert march["unsure"] == ["March"] and march["after"] == march["before"]


def test_the_diff_shows_and_yes_writes_only_the_title_text(library: Path) -> None:
    before = library.read_text(encoding="utf-8")
    shown = run("protect")
    assert shown.exit_code == 0
    assert "-  title = {Bayesian Inference for Markov Chains in Europe},\n" in shown.stdout
    assert "+  title = {Bayesian Inference for {Markov} Chains in {Europe}},\n" in shown.stdout
    assert "pass --yes to write" in shown.stderr
    assert library.read_text(encoding="utf-8") == before
    dry = run("protect", "--dry-run")
    assert "march: unsure about 'March': left as written" in dry.stderr
    assert "1 titles braced whole" in dry.stderr
    assert run("protect", "--yes").exit_code == 0
    after = library.read_text(encoding="utf-8")
    assert '    title   = "{DNA} Repair With {GaN} on an {iPhone} Using {LaTeX} in {July}",\n    journal = ' in after
    assert "title = {Learning {Java} in a Week}," in after
    # Nothing but the titles changed, byte for byte.
    strip = re.compile(r"(?m)^\s*title\s*=.*$")
    assert strip.sub("", after) == strip.sub("", before)
    again = run("protect")
    assert "every title keeps the capitals it needs" in again.stderr and again.stdout == ""


def _bibtex(folder: Path, style: str, keys: list[str]) -> str:
    (folder / "paper.aux").write_text("".join(f"\\citation{{{key}}}\n" for key in keys)
                                      + f"\\bibstyle{{{style}}}\n\\bibdata{{library}}\n")  # fmt: skip
    done = subprocess.run(["bibtex", "paper"], cwd=folder, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout
    return " ".join((folder / "paper.bbl").read_text(encoding="utf-8").split())


@pytest.mark.tex
@pytest.mark.parametrize("style", ["plain", "plainnat", "IEEEtran"])
def test_real_bibtex_prints_the_titles_with_their_capitals(style: str, library: Path) -> None:
    need_programs("bibtex", "kpsewhich")
    if style == "IEEEtran":
        found = subprocess.run(["kpsewhich", "IEEEtran.bst"], capture_output=True).stdout
        need(bool(found), "IEEEtran.bst is not installed (Debian's texlive-publishers; CI installs it)")
    keys = list(PRINTED)
    unprotected = _bibtex(library.parent, style, keys)
    assert "markov chains in europe" in unprotected.lower() and "Markov" not in unprotected  # lowered, unprotected
    assert run("protect", "--yes").exit_code == 0
    printed = re.sub(r"[{}]", "", _bibtex(library.parent, style, keys))
    for key, title in PRINTED.items():
        assert title in printed, (key, style, printed[:1500])


@pytest.mark.tex
def test_a_biblatex_build_with_sentence_case_keeps_the_capitals(library: Path) -> None:
    need_programs("pdflatex", "biber", "pdftotext")
    assert run("protect", "--yes").exit_code == 0
    folder = library.parent
    (folder / "paper.tex").write_text(
        "\\documentclass{article}\\usepackage[style=authoryear,backend=biber]{biblatex}"
        "\\DeclareFieldFormat{titlecase}{\\MakeSentenceCase*{#1}}\\addbibresource{library.bib}"
        "\\begin{document}\\nocite{bayes,acronyms,sentence,whole}\\printbibliography\\end{document}\n")  # fmt: skip
    for command in (["pdflatex", "-interaction=nonstopmode", "paper"], ["biber", "paper"],
                    ["pdflatex", "-interaction=nonstopmode", "paper"]):  # fmt: skip
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-2000:]
    text = " ".join(subprocess.run(["pdftotext", "paper.pdf", "-"], cwd=folder, capture_output=True,
                                   text=True, check=True).stdout.replace("-\n", "-").split())  # fmt: skip
    for title in PRINTED.values():
        assert title.replace("'", "’") in text or title in text, (title, text[:1500])


def test_add_writes_protected_titles(workdir: Path, server: ReplayServer) -> None:
    added = run("add", "10.1117/12.2214605", "10.2172/1763563")
    assert added.exit_code == 0, added.stderr
    text = (workdir / "library.bib").read_text(encoding="utf-8")
    assert "booktitle = {Optical Coherence Tomography and Coherence Domain Optical Methods in Biomedicine {XX}}" in text
    assert "title = {Application Note: Mixed Signal Simulation with {Xyce}™ 7.1}" in text
    # A sentence-case title is not touched.
    assert "title = {Automatic airway wall segmentation and thickness measurement" in text


def test_check_aux_names_the_words_a_style_would_lower(library: Path) -> None:
    aux = library.parent / "paper.aux"
    aux.write_text("\\citation{bayes}\n\\citation{march}\n\\bibdata{library}\n")  # no \\bibstyle yet: the model
    checked = run("check", "--aux", "paper.aux")
    assert re.search(r"warning: entry 'bayes' field 'title': Markov, Europe would print in lower case with BibTeX "
                     r"and biblatex styles; `citetool protect bayes` braces them", checked.stdout), checked.stdout
    assert "entry 'march'" not in checked.stdout
    need_programs("bibtex")
    aux.write_text("\\citation{bayes}\n\\citation{acronyms}\n\\bibstyle{plainnat}\n\\bibdata{library}\n")
    real = run("check", "--aux", "paper.aux")
    assert "entry 'bayes' field 'title': Markov, Europe would print in lower case with BibTeX with plainnat.bst" \
        in real.stdout, real.stdout  # fmt: skip
    assert "entry 'acronyms' field 'title': DNA, GaN, iPhone, LaTeX, July would print in lower case with BibTeX " \
        "with plainnat.bst" in real.stdout  # fmt: skip
    assert run("protect", "--yes").exit_code == 0
    assert "would print in lower case" not in run("check", "--aux", "paper.aux").stdout


def test_unknown_keys_and_a_broken_library_are_one_line_errors(library: Path) -> None:
    unknown = run("protect", "nosuchkey")
    assert unknown.exit_code == 1 and unknown.stderr.count("\n") == 1
    library.write_text("@article{broken, title = {Unclosed\n", encoding="utf-8")
    broken = run("protect", "--yes")
    assert broken.exit_code == 3 and "Traceback" not in broken.stderr


def test_the_librarys_sentence_case_titles_vote_for_the_words_they_capitalise(tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    path.write_text(
        "@misc{a, title = {Packaging scientific code in Python for reuse}}\n"
        "@misc{b, title = {Profiling numerical kernels written in Python and C}}\n"
        "@misc{c, title = {Markov chains, hidden Markov models and their chains of states}}\n"
        "@misc{d, title = {Mixing times of chains on graphs}}\n"
        "@misc{t, title = {Fast Chains of Numerical Code in Python for Scientists}}\n", encoding="utf-8")
    result = run("-l", str(path), "protect", "--json", "t")
    assert result.exit_code == 0, result.stderr
    words = {word["word"]: word for field in json.loads(result.stdout)[0]["fields"] for word in field["words"]}
    assert words["Python"]["protect"] is True  # a common word (the snake), but the library's field writes it so
    assert "capitalised mid-sentence in the library's sentence-case titles, more often than not" in \
        words["Python"]["evidence"]  # fmt: skip
    assert words["Chains"]["protect"] is False  # capitalised once, in lower case three times


def test_plain_check_notes_the_titles_a_style_would_lower(tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    entries = [f"@misc{{m{index}, author = {{Roe, Ann}}, year = 2020,\n  title = {{Bayesian Inference for Markov "
               f"Chains in Europe, Part {index}}}}}\n" for index in range(12)]  # fmt: skip
    path.write_text("".join(entries) + "@misc{fine, author = {Roe, Ann}, year = 2020, title = {Plain words only}}\n",
                    encoding="utf-8")  # fmt: skip
    result = run("-l", str(path), "check")
    assert result.exit_code == 0, result.stderr  # notes never fail a run, not even with --strict
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{path}:1: note: entry 'm0' field 'title': Markov, Europe would print in lower case with "
                        "BibTeX styles and biblatex's sentence case; `citetool protect m0` braces them")  # fmt: skip
    assert len(lines) == 11 and lines[-1] == (
        f"{path}: note: 2 more titles have words BibTeX styles and biblatex's sentence case would print in lower "
        "case; `citetool protect --dry-run` shows them all")  # fmt: skip
    assert result.stderr == "citetool: 0 errors, 0 warnings, 12 notes in 13 entries\n"
    assert run("-l", str(path), "check", "--strict").exit_code == 0
    found = json.loads(run("-l", str(path), "check", "--json", "m3").stdout)
    assert [(item["severity"], item["key"]) for item in found] == [("note", "m3")]
    assert run("-l", str(path), "protect", "--yes").exit_code == 0
    after = run("-l", str(path), "check")
    assert after.stdout == "" and after.stderr == "citetool: 0 errors, 0 warnings in 13 entries\n"


def test_a_sentences_first_word_in_an_abstract_is_no_evidence_of_case() -> None:
    from citetool.actions.protecting import with_record
    from citetool.bib.protection import Terms, propose

    terms = with_record(Terms(), "Here we study Markov models. Chains of events are common.")
    proposal = propose("title", "Hidden Markov Chains for Event Streams", terms)
    assert proposal.after == "Hidden {Markov} Chains for Event Streams"  # "Chains" only opens a sentence
    first_only = with_record(Terms(), "Streams matter. Streams again. Streams, always.")
    assert "Streams" not in first_only.capitalised  # only ever a sentence's first word
