"""``citetool protect``: braces around exactly the title words whose capitals styles must keep, proven with
real ``bibtex`` (plain, plainnat, IEEEtran) and a biblatex build; ``add`` writes protected titles."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import need, need_corpora, need_programs, run
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
    assert words["Markov"]["protect"] and words["Markov"]["evidence"] == ["dictionary: written capitalised"]
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


#: A library whose sentence-case titles write the word after a colon in lower case: its way, which a Title Case
#: title (from Crossref) is brought to with an empty group that BibTeX's change.case$ reads.
COLON_LIBRARY = "".join(
    f"@article{{s{index}, author = {{Roe, Ann}}, title = {{{title}}}, journal = {{J}}, year = {{2020}}}}\n"
    for index, title in enumerate([
        "Kernels for trees: a survey", "Graph minors: an overview", "Planar graphs: the next step",
        "Vertex cover: further observations", "Tree spanners: complexity and algorithms",
        "Bucket elimination: a unifying framework", "Random separation: a new method",
    ])
) + (
    "@article{t, author = {Roe, Ann}, title = {Dynamic Programming: A Survey of Methods}, journal = {J},"
    " year = {2021}}\n"
    "@article{q, author = {Roe, Ann}, title = {Why Do We Forget? The Role of Sleep in Memory}, journal = {J},"
    " year = {2021}}\n"
    "@article{n, author = {Roe, Ann}, title = {Learning Statistics: Europe in Numbers}, journal = {J},"
    " year = {2021}}\n"
)


@pytest.mark.tex
def test_after_a_colon_the_librarys_way_and_after_a_question_mark_the_capital_reach_real_bibtex(
        tmp_path: Path) -> None:  # fmt: skip
    need_programs("bibtex")
    path = tmp_path / "library.bib"
    path.write_text(COLON_LIBRARY, encoding="utf-8")
    found = json.loads(run("-l", str(path), "protect", "--json", "t", "q", "n").stdout)
    fields = {item["key"]: item["fields"][0] for item in found}
    assert fields["t"]["after"] == "Dynamic Programming:{} A Survey of Methods"
    lowered = [word for word in fields["t"]["words"] if word["lower"]]
    assert [word["word"] for word in lowered] == ["A"] and "(7 of 7)" in lowered[0]["evidence"][0]
    assert fields["q"]["after"] == "Why Do We Forget? {The} Role of Sleep in Memory"
    assert fields["n"]["after"] == "Learning Statistics: Europe in Numbers"  # a name keeps its capital: no group
    assert run("-l", str(path), "protect", "--yes").exit_code == 0
    printed = _bibtex(tmp_path, "plain", ["t", "q", "n"]).replace("{}", "")
    assert "Dynamic programming: a survey of methods" in printed
    assert re.sub(r"[{}]", "", printed).count("Why do we forget? The role of sleep in memory") == 1
    assert "Learning statistics: Europe in numbers" in printed
    # The empty group is invisible to everything that prints titles as written.
    csl = json.loads(run("-l", str(path), "export", "--format", "csl-json", "t").stdout)
    assert csl[0]["title"] == "Dynamic Programming: A Survey of Methods"
    assert run("-l", str(path), "protect").stderr.endswith("every title keeps the capitals it needs\n")


def _terms(text: str) -> Any:
    from citetool.actions.protecting import read_terms
    from citetool.library.file import parse_bytes

    return read_terms(parse_bytes(Path("library.bib"), text.encode("utf-8")))


def test_without_a_way_of_the_librarys_own_the_letter_after_a_colon_is_left_as_written(tmp_path: Path) -> None:
    from citetool.bib.protection import propose

    split = COLON_LIBRARY.replace(": a ", ": A ").replace(": an ", ": An ")  # 3 lower, 4 capitalised: no way
    terms = _terms(split)
    assert propose("title", "Dynamic Programming: A Survey of Methods", terms).after == (
        "Dynamic Programming: A Survey of Methods")
    assert propose("title", "Dynamic programming: a survey", _terms(COLON_LIBRARY)).after == (
        "Dynamic programming: a survey")  # a sentence-case title is as its author wrote it


def test_names_months_letters_and_contractions_are_read_in_context() -> None:
    from citetool.bib.protection import Terms, propose

    terms = Terms(names=frozenset({"Don", "Knuth", "Horn", "Brown", "Peterson"}))
    cases = {
        "A Conversation with Don Knuth About Fonts": "A Conversation with {Don} {Knuth} About Fonts",
        "An Improvement on Horn's Parallel Analysis": "An Improvement on {Horn's} Parallel Analysis",
        "Models for Brown-Peterson Experiments": "Models for {Brown}-{Peterson} Experiments",
        "The Horn of Plenty and the Brown Bear": "The Horn of Plenty and the Brown Bear",  # no name beside them
        "Report of the Meeting of August 20--23, 1989": "Report of the Meeting of {August} 20--23, 1989",
        "An August Meeting of Minds": "An August Meeting of Minds",  # no date: the adjective
        "An ACT-R Model of Independence of A-B Associations": "An {ACT}-{R} Model of Independence of {A}-{B} "
                                                              "Associations",
        "Real-Time 3D Image Registration": "Real-Time {3D} Image Registration",
        "Now You See It, Now You Don't": "Now You See It, Now You Don't",
        "Graph Minors. IX. Disjoint Crossed Paths": "Graph Minors. {IX}. {Disjoint} Crossed Paths",
        "Memory and Mind: A Festschrift for Gordon H. Bower": "Memory and Mind: A {Festschrift} for {Gordon} "
                                                             "{H}. Bower",  # bower: a common word, no author
    }
    for title, expected in cases.items():
        assert propose("title", title, terms).after == expected, title


def test_words_made_from_english_words_are_common_and_names_are_not() -> None:
    from citetool.bib import wordlists
    from citetool.bib.protection import Terms, decide

    for word in ("Cutset", "Toolkit", "Approximability", "Somatosensory", "Encodings", "Quizzes", "Adding",
                 "Biomarker", "Optimisation", "Elementwise", "Eigenvector", "Quantified"):  # fmt: skip
        assert wordlists.is_common(word), word
    for word in ("Markov", "Turing", "Dijkstra", "Wasserstein", "Kuratowski", "Hermite"):
        assert not wordlists.is_common(word), word
    # Bansal is bans+al by derivation, but a derivation does not outweigh a name of the library's authors.
    assert wordlists.is_common("Bansal") and not wordlists.is_listed("Bansal")
    decision = decide("Bansal", "", False, Terms(names=frozenset({"Bansal"})))
    assert decision is not None and decision.protect and decision.evidence == ("a name of the library's authors",)
    # A field's word written in lower case in the library is common there, though no list has it.
    assert decide("Domatic", "", False, Terms()).protect  # type: ignore[union-attr]
    assert not decide("Domatic", "", False, Terms(seen=frozenset({"domatic"}))).protect  # type: ignore[union-attr]


def test_scowl_tells_the_fields_words_from_names_where_websters_second_knows_neither() -> None:
    import gzip
    import hashlib

    from citetool.bib import wordlists
    from citetool.bib.protection import Terms, propose

    shipped = Path(wordlists.__file__).parent / "vendor" / "scowl" / "additions.gz"
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == (
        "e10e12b7342d07b218711e4ad6d4c0f16bc183e8f2f07e76810db5fad494bca2")  # as its README says it was made
    words = gzip.decompress(shipped.read_bytes()).decode("utf-8").split()
    assert words == sorted(words) and all(len(word) >= 3 and "'" not in word for word in words)
    for word in ("Serotonin", "Readout", "Bytes", "Hippocampal", "Muscarinic", "Stereotaxic", "Mugshot"):
        assert wordlists.is_listed(word), word  # in no list before: braced as names
    for word in ("Alzheimer", "Google", "Linux", "Markov"):
        assert not wordlists.is_common(word) and wordlists.is_capitalised_word(word), word
    # Webster's Second's way with a word it knows stands (SCOWL has oxford shoes); a new word SCOWL writes both
    # ways is a name's; and SCOWL's two-letter abbreviations (ag) do not hide an element's symbol.
    assert not wordlists.is_listed("Oxford") and not wordlists.is_listed("Portland")
    assert wordlists.is_capitalised_word("Portland")
    assert propose("title", "Serotonin and Dopamine Readout in Alzheimer's Disease", Terms()).after == (
        "Serotonin and Dopamine Readout in {Alzheimer's} Disease")
    assert propose("title", "Photoluminescence of Ag-Doped Zinc Oxide Films Grown on Sapphire", Terms()).after == (
        "Photoluminescence of {Ag}-Doped Zinc Oxide Films Grown on Sapphire")


def test_part_numbers_and_combining_forms_are_read_in_context() -> None:
    from citetool.bib.protection import Terms, propose

    cases = {
        # A part's number opens a sentence after it, a single-letter one too (BibTeX lowers the next word).
        "The Labile Brain. I. Neuronal Transients and Coupling": "The Labile Brain. {I}. {Neuronal} Transients and "
                                                                 "Coupling",
        "Gordon H. Bower and the Study of Memory": "Gordon {H}. Bower and the Study of Memory",  # an initial
        "The Monadic Second-Order Logic of Graphs V: On Closing the Gap": "The Monadic Second-Order Logic of "
                                                                          "Graphs {V}: On Closing the Gap",
        # A combining form joined to a word is no name, though no list has it alone.
        "Visuo-Spatial Memory and Sensori-Motor Learning": "Visuo-Spatial Memory and Sensori-Motor Learning",
        "Cerebro-Cerebellar Loops in Learning": "Cerebro-Cerebellar Loops in Learning",
        "Recall and the Rizzo-Lombardi Effect": "Recall and the {Rizzo}-{Lombardi} Effect",  # no word closed up
        "Recall and the Pareto-Optimal Front": "Recall and the {Pareto}-Optimal Front",
    }
    for title, expected in cases.items():
        assert propose("title", title, Terms()).after == expected, title


def test_a_dictionary_word_the_library_writes_only_as_a_name_is_a_name_there() -> None:
    from citetool.bib.protection import propose

    library = ("@article{a, author = {Steiner, Jakob and Roe, Ann},\n"
               "  title = {On the rectilinear Steiner tree problem}}\n"
               "@article{b, author = {Franco-Watkins, Ana}, title = {A reply on heuristics}}\n")  # fmt: skip
    terms = _terms(library)
    assert {"Franco", "Watkins"} <= terms.names  # a hyphenated family name is two names
    title = "Approximations for the Steiner Tree Problem"
    # steiner is in the dictionary; but the library's author is named so and its titles capitalise it.
    assert propose("title", title, terms).after == "Approximations for the {Steiner} Tree Problem"
    lowered = _terms(library + "@book{c, title = {Die steiner Wege der Geometrie im Lehrbuch}}\n")
    assert propose("title", title, lowered).after == title  # written in lower case too: a common word there
    named_only = _terms(library.replace("rectilinear Steiner tree", "rectilinear tree"))
    assert propose("title", title, named_only).after == title  # one kind of evidence does not outweigh the list


def test_after_a_colon_a_word_the_library_is_unsure_of_follows_its_way() -> None:
    from citetool.bib.protection import Terms, propose

    terms = Terms(votes=frozenset({"Memory"}), after_colon=(12, 1))
    title = "Thinking Can Cause Forgetting: Memory Dynamics in Problem Solving"
    # Unbraced mid-sentence (a vote against the dictionary is no evidence), so lowered after a colon as well.
    assert propose("title", title, terms).after == "Thinking Can Cause Forgetting:{} Memory Dynamics in Problem Solving"
    assert propose("title", title.replace(": Memory", ": Europe"), terms).after == title.replace(": Memory",
                                                                                                ": Europe")


def test_the_librarys_terms_are_read_from_quoted_and_braced_values_alike() -> None:
    terms = _terms(
        '@inproceedings{a,\n  author = "Maria Fox and Derek {L}ong",\n  title = "The Detection of Symmetry in'
        ' Planning",\n}\n@article{b, author = {Ann {van} Roe and Kim {O}ne}, title = {Planning as search:'
        ' {Solving} the {Markov} puzzle with {Python}}}\n'
    )
    assert {"Maria", "Fox", "Derek"} <= terms.names and "Detection" not in terms.names  # the quote ends the value
    assert terms.votes == frozenset({"Markov", "Python"})  # {Solving} keeps a subtitle's first capital: no vote
    assert "puzzle" in terms.seen and "Planning" not in terms.cased


def test_the_librarys_terms_come_back_whole_from_its_caches() -> None:
    from citetool.actions.protecting import _stored, _terms_from

    surveys = "".join(f"@article{{c{n}, title = {{Graphs number {n}: a survey of methods}}}}\n" for n in range(5))
    made = _terms(COLON_LIBRARY + surveys + "@article{s, author = {Steiner, Jakob},\n"
                  "  title = {On the Steiner tree problem}}\n")  # fmt: skip
    assert made.only_capitalised and made.colon_words and made.names and made.after_colon != (0, 0)
    assert _terms_from(json.loads(json.dumps(_stored(made)))) == made
    assert _terms_from({"names": ["Roe"]}) is None  # a cache of another shape is read again


def test_an_abstracts_evidence_is_the_same_read_fast_or_as_tex() -> None:
    from citetool.bib.protection import capitalised_mid_sentence

    plain = "We fit Markov models to data. Chains of events: Poisson counts, as in Europe and in the US."
    tex = plain.replace("data.", "data {\\em here}.")
    assert capitalised_mid_sentence(plain) == capitalised_mid_sentence(tex)
    capitalised, lowered = capitalised_mid_sentence(plain)
    assert capitalised == {"Markov", "Europe"} and "Chains" not in capitalised and "Poisson" not in capitalised
    assert {"models", "data", "events", "counts"} <= lowered


def test_import_protect_writes_title_case_titles_of_a_file_protected(tmp_path: Path) -> None:
    ris = tmp_path / "in.ris"
    ris.write_text("TY  - JOUR\nTI  - Bayesian Inference for Markov Chains in Europe\nAU  - Roe, Ann\nPY  - 2020\n"
                   "ER  - \n\nTY  - JOUR\nTI  - Sentence case about markov chains\nAU  - Roe, Bob\nPY  - 2021\n"
                   "ER  - \n", encoding="utf-8")  # fmt: skip
    bib = tmp_path / "in.bib"
    bib.write_text("@article{k, author = {Doe, Jon}, title = {DNA Repair in July: A Survey}, year = 2019}\n",
                   encoding="utf-8")  # fmt: skip
    plain, protected = tmp_path / "plain.bib", tmp_path / "protected.bib"
    for target, extra in ((plain, []), (protected, ["--protect"])):
        target.write_text("", encoding="utf-8")
        result = run("-l", str(target), "import", *extra, str(ris), str(bib))
        assert result.exit_code == 0, result.stderr
    assert "title = {Bayesian Inference for Markov Chains in Europe}" in plain.read_text()  # as the file has it
    text = protected.read_text()
    assert "title = {Bayesian Inference for {Markov} Chains in {Europe}}" in text
    assert "title = {Sentence case about markov chains}" in text  # not Title Case: as its author wrote it
    assert "title = {{DNA} Repair in {July}: A Survey}" in text
    again = run("-l", str(protected), "protect")
    assert again.stderr == "citetool: every title keeps the capitals it needs\n"


def test_protect_is_settled_after_one_run_on_a_real_library(tmp_path: Path) -> None:
    """The braces one entry gets are votes for the others once written: one run settles them all."""
    path = tmp_path / "library.bib"
    path.write_bytes((need_corpora() / "large" / "biber-etc-papers.bib").read_bytes())
    first = run("-l", str(path), "protect", "--yes")
    assert first.exit_code == 0 and re.search(r"protected the titles of \d{2,} entries", first.stderr), first.stderr
    again = run("-l", str(path), "protect")
    assert again.stdout == "" and again.stderr == "citetool: every title keeps the capitals it needs\n"


def test_hostile_titles_are_decided_without_recursion_or_quadratic_slices() -> None:
    from citetool.bib.protection import Terms, propose, whole_group

    deep = "{" * 5000 + "Markov Chains" + "}" * 5000
    proposal = propose("title", deep, Terms(), unbrace=True)  # no RecursionError: eight layers at most are peeled
    assert proposal.whole_braced and proposal.after.startswith("{" * 4992) and proposal.after.endswith("}" * 4992)
    assert whole_group("{A \\} B}") == "A \\} B" and whole_group("{A} {B}") is None
    many = propose("title", "Meetings of August 20 and of March " * 5000, Terms())
    assert many.after.count("{August}") == 5000 and "{March}" not in many.after


def test_a_hostile_long_word_is_not_taken_apart() -> None:
    """Every way to cut a word into derivations is tried, and their number grows with the word's length cubed (a
    6,400-letter word took 45 s); no English word is longer than LONGEST, so a longer one is not taken apart."""
    from citetool.bib import wordlists
    from citetool.bib.protection import Terms, propose

    for letters in ("cdefghij", "klmnopqr"):  # the second title's short words are decided already
        word = "Ab" + letters * 50  # 402 letters
        before = wordlists._derived.cache_info().currsize
        proposal = propose("title", f"The {word} of Visuo-{word.lower()} Things", Terms())
        assert proposal.after == f"The {{{word}}} of {{Visuo}}-{word.lower()} Things"  # no word: a name's braces
    assert wordlists._derived.cache_info().currsize == before  # thousands of pieces when cut up
    assert not wordlists.is_common("pneumonoultramicroscopicsilicovolcanoconiosis" * 2)
    # Nor do a hostile library's many made-up words grow the answers kept without end.
    for test in (wordlists.is_listed, wordlists.is_common, wordlists.is_known, wordlists._derived):
        assert test.cache_info().maxsize == wordlists.WORDS_KEPT


def test_a_title_braced_whole_is_reported_only_when_the_diff_frees_it(tmp_path: Path) -> None:
    path = tmp_path / "library.bib"
    path.write_text("@misc{one, title = {{TreewidthLIB}}}\n@misc{two, title = {{Learning Java in a Week}}}\n",
                    encoding="utf-8")  # fmt: skip
    result = run("-l", str(path), "protect")
    assert "1 titles braced whole, which no style can case (two)" in result.stderr  # one keeps its braces as they are
    assert "+@misc{two, title = {Learning {Java} in a Week}}" in result.stdout
    assert " @misc{one, title = {{TreewidthLIB}}}" in result.stdout.splitlines()  # context, not a change



#: Libraries whose one run must plan what its own braces make evidence for, and a title as that run writes it.
#: Drum is braced beside the name Senegalese; once written, {Drum} is a vote, and with an author named Drum it is
#: a name by its own evidence, which names the unsure Language beside it.  County is braced for the library's
#: sentence-case titles; once written, {County} is a vote, and with an author named County it is braced as a
#: name, which names the unsure Budget beside it.
SETTLING = {
    "neighbour": ("@article{a, author = {Drum, Ann and Language, Bob}, title = {Notes on talking},\n"
                  "  journal = {J}, year = 2020}\n@article{b, author = {Roe, Kim},\n"
                  "  title = {On the Grammar of a Senegalese Drum Language}, journal = {J}, year = 2014}\n",
                  "title = {On the Grammar of a {Senegalese} {Drum} {Language}}"),
    "named": ("@article{a, author = {County, Ann and Budget, Bob}, journal = {J}, year = 2020,\n"
              "  title = {Reports from the County office and from the County clerk on taxes and roads}}\n"
              "@article{b, author = {Roe, Kim}, title = {A note on county roads in winter weather}}\n"
              "@article{c, author = {Roe, Kim}, title = {Annual County Budget Executive Summary}}\n",
              "title = {Annual {County} {Budget} Executive Summary}"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SETTLING))
def test_one_run_settles_what_its_own_braces_make_evidence_for(case: str, tmp_path: Path) -> None:
    text, written = SETTLING[case]
    path = tmp_path / "library.bib"
    path.write_text(text, encoding="utf-8")
    first = run("-l", str(path), "protect", "--yes")
    assert first.exit_code == 0, first.stderr
    assert written in path.read_text(encoding="utf-8")
    again = run("-l", str(path), "protect")
    assert again.stdout == "" and again.stderr == "citetool: every title keeps the capitals it needs\n"
