"""Nothing a document, a cache folder or an argument names makes citetool write outside its place.

``watch`` writes only ``.bib`` files in the document's folder (TeX's
``openout_any=p`` rules) and replaces only files it wrote; cache files are
new files renamed into place, never written through a planted symlink;
``rename`` reads what TeX reads but writes only inside the document's folder
unless ``--tex`` names the file.  Each case is one of issue #28's probes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from citetool.identifiers import doi as doi_module

from .conftest import REPO, run
from .replay import ReplayServer

SEED = (REPO / "library.bib").read_bytes()
VICTIM = b"precious: not a bibliography\n"


def _aux(folder: Path, bibdata: str, key: str = "belousova2025embracing") -> Path:
    aux = folder / "paper.aux"
    aux.write_text(f"\\relax\n\\citation{{{key}}}\n\\bibdata{{{bibdata}}}\n")
    return aux


def _bcf(folder: Path, resource: str) -> Path:
    bcf = folder / "paper.bcf"
    bcf.write_text('<?xml version="1.0"?>\n<bcf:controlfile xmlns:bcf="https://sourceforge.net/projects/biblatex">\n'
                   f'<bcf:bibdata section="0"><bcf:datasource type="file" datatype="bibtex">{resource}'
                   "</bcf:datasource></bcf:bibdata>\n<bcf:section number=\"0\"><bcf:citekey order=\"1\">"
                   "belousova2025embracing</bcf:citekey></bcf:section>\n</bcf:controlfile>\n")  # fmt: skip
    return bcf


@pytest.fixture
def victims(tmp_path: Path) -> Path:
    folder = tmp_path / "victims"
    folder.mkdir()
    for name in ("notes.bib", "notes", ".bashrc", "outside.bib"):
        (folder / name).write_bytes(VICTIM)
    return folder


# -- watch ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("bibdata", "why"), [
    ("../victims/notes", "goes up with '..'"),
    ("ABSOLUTE/notes", "is an absolute path"),
    (".bashrc", "names a hidden (dot) file or folder"),
    ("sub/../../victims/notes", "goes up with '..'"),
    ("http://example.org/refs", "is not a plain relative file name"),
])  # fmt: skip
def test_watch_refuses_a_bibdata_that_leaves_the_document_folder(
    bibdata: str, why: str, workdir: Path, victims: Path
) -> None:
    _aux(workdir, bibdata.replace("ABSOLUTE", str(victims)))
    result = run("watch", "--once", "paper.aux")
    assert result.exit_code == 2, result.stderr
    assert why in result.stderr and "openout_any=p" in result.stderr and len(result.stderr.splitlines()) == 1
    assert all(path.read_bytes() == VICTIM for path in victims.iterdir())


@pytest.mark.parametrize("resource", ["ABSOLUTE/.bashrc", "ABSOLUTE/notes", "../victims/notes.bib", "refs.txt"])
def test_watch_refuses_a_bcf_datasource_outside_the_folder_or_not_a_bib(
    resource: str, workdir: Path, victims: Path
) -> None:
    _bcf(workdir, resource.replace("ABSOLUTE", str(victims)))
    result = run("watch", "--once", "paper.bcf")
    assert result.exit_code == 2 and "openout_any=p" in result.stderr, result.stderr
    assert all(path.read_bytes() == VICTIM for path in victims.iterdir())
    assert not (workdir / "refs.txt").exists()


def test_watch_refuses_a_symlink_that_leads_out_of_the_folder(workdir: Path, victims: Path) -> None:
    (workdir / "refs.bib").symlink_to(victims / "outside.bib")
    (workdir / "linked").symlink_to(victims)
    for bibdata in ("refs", "linked/notes"):
        _aux(workdir, bibdata)
        result = run("watch", "--once", "paper.aux")
        assert result.exit_code == 2 and "leads out of the document's folder" in result.stderr, result.stderr
    assert all(path.read_bytes() == VICTIM for path in victims.iterdir())


def test_watch_writes_a_subfolder_and_replaces_only_what_it_wrote(workdir: Path) -> None:
    (workdir / "bib").mkdir()
    _aux(workdir, "bib/refs")
    first = run("watch", "--once", "paper.aux")
    assert first.exit_code == 0, first.stderr
    written = (workdir / "bib" / "refs.bib").read_text()
    assert written.startswith("% citetool watch: the entries paper.aux cites, from library.bib; edit the library, "
                              "not this file\n@article{belousova2025embracing,")  # fmt: skip
    _aux(workdir, "bib/refs", "russianational")
    assert run("watch", "--once", "paper.aux").exit_code == 0  # its own file: replaced
    assert "@misc{russianational," in (workdir / "bib" / "refs.bib").read_text()
    # A hand-written refs.bib is the user's: kept, and the build stops saying why.
    hand = b"@book{mine, title = {Mine}, year = 2001}\n"
    (workdir / "refs.bib").write_bytes(hand)
    _aux(workdir, "refs")
    refused = run("watch", "--once", "paper.aux")
    assert refused.exit_code == 1 and "was not written by citetool" in refused.stderr and "--force" in refused.stderr
    assert (workdir / "refs.bib").read_bytes() == hand
    assert run("watch", "--once", "-o", "refs.bib", "paper.aux").exit_code == 0  # -o is the user's own choice
    (workdir / "refs.bib").write_bytes(hand)
    forced = run("watch", "--once", "--force", "paper.aux")
    assert forced.exit_code == 0 and "@article{belousova2025embracing," in (workdir / "refs.bib").read_text()


def test_watch_refuses_an_input_that_never_ends(workdir: Path) -> None:
    for special in ("/dev/zero", "/dev/urandom"):
        aux = workdir / "paper.aux"
        aux.write_text(f"\\relax\n\\@input{{{special}}}\n\\bibdata{{refs}}\n")
        result = run("watch", "--once", "paper.aux")
        assert result.exit_code == 1 and "not a regular file" in result.stderr, result.stderr
    fifo = workdir / "chapter.aux"
    os.mkfifo(fifo)
    (workdir / "paper.aux").write_text("\\relax\n\\@input{chapter.aux}\n\\bibdata{refs}\n")
    result = run("watch", "--once", "paper.aux")
    assert result.exit_code == 1 and "not a regular file" in result.stderr


# -- cache files ------------------------------------------------------------------------------------------------

def test_a_symlink_planted_in_the_cache_is_replaced_never_written_through(
    workdir: Path, server: ReplayServer, tmp_path: Path, victims: Path
) -> None:
    doi = "10.1038/srep16696"
    works = tmp_path / "cache" / "works"
    works.mkdir(parents=True)
    planted = works / (doi_module.url_path(doi) + ".json")
    planted.symlink_to(victims / "notes")
    os.chmod(victims / "notes", 0o644)
    result = run("add", doi)
    assert result.exit_code == 0, result.stderr
    assert (victims / "notes").read_bytes() == VICTIM and os.stat(victims / "notes").st_mode & 0o777 == 0o644
    assert not planted.is_symlink() and b'"message"' in planted.read_bytes()  # the link itself was replaced


def test_a_symlinked_cache_folder_is_not_written_into(workdir: Path, server: ReplayServer, tmp_path: Path,
                                                      victims: Path) -> None:  # fmt: skip
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "works").symlink_to(victims)
    os.chmod(victims, 0o755)
    before = sorted(os.listdir(victims))
    assert run("add", "10.1038/srep16696").exit_code == 0
    assert sorted(os.listdir(victims)) == before and os.stat(victims).st_mode & 0o777 == 0o755


def test_the_library_index_is_not_written_through_a_symlink(workdir: Path, tmp_path: Path, victims: Path) -> None:
    big = workdir / "big.bib"
    big.write_text("".join(f"@misc{{k{n}, title = {{{'x' * 300} {n}}}}}\n" for n in range(1000)))
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    index = tmp_path / "cache" / "index"
    index.mkdir(parents=True)
    (index / f"{digest}.json").symlink_to(victims / "notes")
    (tmp_path / "cache" / "tables").mkdir()
    (tmp_path / "cache" / "tables" / f"{digest}.json").symlink_to("/dev/zero")  # read back: never hangs
    result = run("-l", str(big), "show", "--compact")
    assert result.exit_code == 0, result.stderr
    assert (victims / "notes").read_bytes() == VICTIM
    assert len(result.stdout.splitlines()) == 1000


# -- rename -----------------------------------------------------------------------------------------------------

def _paper(workdir: Path, body: str) -> Path:
    paper = workdir / "paper.tex"
    paper.write_text("\\documentclass{article}\\begin{document}\n" + body + "\n\\end{document}\n")
    return paper


def test_rename_reads_but_never_writes_a_file_outside_the_document(workdir: Path, victims: Path) -> None:
    outside = victims / "chapter.tex"
    outside.write_text("Outside \\cite{belousova2025embracing}.\n")
    original = outside.read_bytes()
    for include in ("../victims/chapter", str(outside)):
        paper = _paper(workdir, f"\\cite{{belousova2025embracing}}\n\\input{{{include}}}")
        shown = run("rename", "belousova2025embracing", "b2025", "--tex", "paper.tex")
        assert shown.exit_code == 1, shown.stderr
        assert "chapter.tex:1: cites a renamed key but lies outside the document's folder" in shown.stderr
        assert "pass --yes to rename anyway" in shown.stderr
        assert (workdir / "library.bib").read_bytes() == SEED and outside.read_bytes() == original
    done = run("rename", "belousova2025embracing", "b2025", "--tex", "paper.tex", "--yes")
    assert done.exit_code == 0, done.stderr
    assert outside.read_bytes() == original and "\\cite{b2025}" in paper.read_text()
    # Named with --tex, the file is the user's to change.
    outside.write_text("Outside \\cite{b2025}.\n")
    named = run("rename", "b2025", "c2025", "--tex", "paper.tex", "--tex", str(outside), "--yes")
    assert named.exit_code == 0 and "\\cite{c2025}" in outside.read_text()
    assert "\\cite{belousova2025embracing}" not in paper.read_text()


def test_rename_keeps_every_byte_but_the_key(workdir: Path) -> None:
    body = (b"\\documentclass{article}\r\n\\begin{document}\r\nCaf\xe9 \\cite{belousova2025embracing} \xff\xfe\r\n"
            b"\\end{document}\r\n")  # fmt: skip
    (workdir / "paper.tex").write_bytes(body)
    shown = run("rename", "belousova2025embracing", "b2025", "--tex", "paper.tex")
    assert shown.exit_code == 0, shown.stderr
    assert b"\n+Caf\xe9 \\cite{b2025} \xff\xfe\r\n" in shown.stdout_bytes  # the diff shows the file's own bytes
    assert run("rename", "belousova2025embracing", "b2025", "--tex", "paper.tex", "--yes").exit_code == 0
    assert (workdir / "paper.tex").read_bytes() == body.replace(b"belousova2025embracing", b"b2025")


def test_rename_refuses_a_binary_tex_file(workdir: Path) -> None:
    (workdir / "paper.tex").write_bytes(b"\\cite{belousova2025embracing}\n\x00\x01\x02 binary\n")
    result = run("rename", "belousova2025embracing", "b2025", "--tex", "paper.tex", "--yes")
    assert result.exit_code == 1 and "holds NUL bytes" in result.stderr
    assert (workdir / "library.bib").read_bytes() == SEED


def test_rename_follows_tex_and_leaves_what_is_no_citation(workdir: Path) -> None:
    key = "belousova2025embracing"
    text = (f"x\\\\% \\cite{{{key}}}\n"
            f"\\cite{{russianational,\n  {key}}} \\cite{{russianational,% why\n{key}}}\n"
            f"\\verb|\\cite{{{key}}}| \\begin{{verbatim}}\n\\cite{{{key}}}\n\\end{{verbatim}}\n"
            f"\\iffalse \\cite{{{key}}} \\fi\n\\begin{{comment}}\n\\cite{{{key}}}\n\\end{{comment}}\n"
            f"\\newcommand{{\\wk}}{{\\cite{{{key}}}}}\n\\input chapter\n")  # fmt: skip
    paper = _paper(workdir, text)
    (workdir / "chapter.tex").write_text(f"In a chapter \\citep{{{key}}}.\n")
    shown = run("rename", key, "b2025", "--tex", "paper.tex")
    assert shown.exit_code == 0, shown.stderr
    assert "3 citations in 2 .tex files" in shown.stderr
    for line, what in ((2, "a comment"), (6, "verbatim text"), (9, "an \\iffalse block"), (10, "verbatim text"),
                       (13, "a macro definition")):  # fmt: skip
        assert f"paper.tex:{line}: {what} names {key}" in shown.stderr, (line, shown.stderr)
    assert run("rename", key, "b2025", "--tex", "paper.tex", "--yes").exit_code == 0
    after = paper.read_text()
    assert after == _paper_text(text.replace(f"russianational,\n  {key}", "russianational,\n  b2025").replace(
        f"% why\n{key}", "% why\nb2025"))  # fmt: skip
    assert (workdir / "chapter.tex").read_text() == "In a chapter \\citep{b2025}.\n"


def _paper_text(body: str) -> str:
    return "\\documentclass{article}\\begin{document}\n" + body + "\n\\end{document}\n"


def test_an_input_that_cannot_be_found_stops_the_rename_unless_yes(workdir: Path) -> None:
    (workdir / "chapters").mkdir()
    (workdir / "chapters" / "one.tex").write_text("\\input{chapters/three.tex}\\input{chapters/missing}\n")
    (workdir / "chapters" / "three.tex").write_text("\\cite{belousova2025embracing}\n")
    _paper(workdir, "\\input{chapters/one}")
    shown = run("rename", "belousova2025embracing", "b2025", "--tex", "paper.tex")
    assert shown.exit_code == 1
    assert "one.tex:1: \\input{chapters/missing} is not found" in shown.stderr
    assert "chapters/three.tex" in shown.stdout  # found from the main file's folder, as TeX finds it
    done = run("rename", "belousova2025embracing", "b2025", "--tex", "paper.tex", "--yes")
    assert done.exit_code == 0 and (workdir / "chapters" / "three.tex").read_text() == "\\cite{b2025}\n"


def test_rename_keeps_the_owner_and_refuses_a_file_changed_meanwhile(workdir: Path) -> None:
    from citetool.actions import renaming

    paper = _paper(workdir, "\\cite{belousova2025embracing}")
    if os.geteuid() == 0:
        os.chown(paper, 65534, 65534)
    plan = renaming.plan(workdir / "library.bib", [("belousova2025embracing", "b2025")], [paper])
    paper.write_text(paper.read_text() + "% saved by the editor meanwhile\n")
    edited = paper.read_bytes()
    with pytest.raises(renaming.storage.ChangedMeanwhile):
        renaming.apply(plan)
    assert paper.read_bytes() == edited and (workdir / "library.bib").read_bytes() == SEED
    assert not [name for name in os.listdir(workdir) if name.endswith(".tmp")]
    renaming.apply(renaming.plan(workdir / "library.bib", [("belousova2025embracing", "b2025")], [paper]))
    assert "\\cite{b2025}" in paper.read_text()
    if os.geteuid() == 0:
        assert (os.stat(paper).st_uid, os.stat(paper).st_gid) == (65534, 65534)


def test_the_diff_of_a_huge_one_line_file_stays_small(workdir: Path) -> None:
    paper = workdir / "paper.tex"
    paper.write_text("x" * 5_000_000 + " \\cite{belousova2025embracing} " + "y" * 5_000_000 + "\n")
    shown = run("rename", "belousova2025embracing", "b2025", "--tex", "paper.tex")
    assert shown.exit_code == 0
    assert len(shown.stdout) < 10_000 and "+...xxx" in shown.stdout and "\\cite{b2025}" in shown.stdout


def test_rekey_renames_every_key_or_none(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITETOOL_KEY_FORMAT", "[auth][year]")
    paper = _paper(workdir, "\\cite{belousova2025embracing}\\input{chapter}")
    chapter = workdir / "chapter.tex"
    chapter.write_text("\\cite{russianational}\n")
    chapter.chmod(0o444)
    before = {path: path.read_bytes() for path in (workdir / "library.bib", paper, chapter)}
    failed = run("rekey", "--tex", "paper.tex", "--yes")
    assert failed.exit_code == 7 and "is read-only" in failed.stderr, failed.stderr
    assert failed.stdout == ""  # nothing listed as renamed
    assert {path: path.read_bytes() for path in before} == before
    chapter.chmod(0o644)
    done = run("rekey", "--tex", "paper.tex", "--yes")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == "belousova2025embracing\tBelousova2025\nrussianational\tanon\n"
    assert chapter.read_text() == "\\cite{anon}\n" and "\\cite{Belousova2025}" in paper.read_text()


def test_rekey_keeps_keys_that_end_in_lowercase_words(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(REPO / "library.bib", workdir / "library.bib")
    with (workdir / "library.bib").open("a") as library:
        library.write("\n@article{brighton2012low,\n  author = {Brighton, Henry},\n  title = {Low things},\n"
                      "  year = {2012},\n}\n")  # fmt: skip
    monkeypatch.setenv("CITETOOL_KEY_FORMAT", "[auth][year]")
    result = run("rekey", "brighton2012low", "--dry-run")
    assert result.stdout == "brighton2012low\tBrighton2012\n", result.stderr
