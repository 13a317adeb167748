"""The LaTeX and team workflow: latexmk with the latexmkrc snippet, `watch`, the git merge driver with real
git, `git-setup`, key patterns and `rekey`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import bibtexparser
import pytest

from citetool.actions.merging import merge_texts

from .conftest import REPO, need_corpora, need_programs, run

SEED = (REPO / "library.bib").read_text(encoding="utf-8")
ENV_GIT = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1"}  # fmt: skip


def _entries(text: str) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(text)
    return {entry.key: {field.key.lower(): field.value for field in entry.fields} for entry in library.entries}


# -- latexmk ----------------------------------------------------------------------------------------------

DOCUMENTS = {
    "bibtex": "\\documentclass{article}\\begin{document}\nSee \\cite{belousova2025embracing}.\n"
              "\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n",
    "biber": "\\documentclass{article}\\usepackage[backend=biber]{biblatex}\\addbibresource{refs.bib}\n"
             "\\begin{document}\nSee \\cite{belousova2025embracing}.\n\\printbibliography\\end{document}\n",
}  # fmt: skip


def _latexmk(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "paper"], cwd=folder, capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def _pdf(folder: Path) -> str:
    text = subprocess.run(["pdftotext", "paper.pdf", "-"], cwd=folder, capture_output=True, text=True).stdout
    return " ".join(text.split())


@pytest.mark.tex
@pytest.mark.parametrize("backend", ["bibtex", "biber"])
def test_latexmk_builds_from_the_library_rebuilds_on_edits_and_stops_on_a_missing_key(
    backend: str, workdir: Path
) -> None:
    need_programs("latexmk", "pdflatex", backend, "pdftotext")
    (workdir / "paper.tex").write_text(DOCUMENTS[backend])
    snippet = run("latexmkrc")
    assert snippet.exit_code == 0, snippet.stderr
    (workdir / ".latexmkrc").write_text(snippet.stdout)
    first = _latexmk(workdir)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "Embracing the Taliban" in _pdf(workdir)
    assert set(_entries((workdir / "refs.bib").read_text())) == {"belousova2025embracing"}
    # An edit of the library: the next latexmk rebuilds with it.
    library = workdir / "library.bib"
    library.write_text(library.read_text().replace("Embracing the {Taliban}", "Hugging the {Taliban}"))
    second = _latexmk(workdir)
    assert second.returncode == 0, second.stdout[-3000:]
    assert "Hugging the Taliban" in _pdf(workdir)
    # Nothing changed: nothing runs (refs.bib is not rewritten, so latexmk does not loop).
    third = _latexmk(workdir)
    assert third.returncode == 0 and "Run number" not in third.stdout + third.stderr
    # A brace typo in the cited entry stops the build, naming the file, the entry's line and the brace.
    good = library.read_text()
    library.write_text(good.replace("Hugging the {Taliban}", "Hugging the {Taliban"))
    typo = _latexmk(workdir)
    said = typo.stdout + typo.stderr
    assert typo.returncode != 0
    assert f"belousova2025embracing (its entry at {library}:4 does not parse: field 'title' (line 6): 1 '{{' not " \
           "closed before line 7, where field 'journal' seems to start)" in said, said[-3000:]
    library.write_text(good)
    # A key the library lacks stops the build, naming it.
    cited = DOCUMENTS[backend].replace("{belousova2025embracing}", "{belousova2025embracing,nosuchkey2020}")
    (workdir / "paper.tex").write_text(cited)
    fourth = _latexmk(workdir)
    assert fourth.returncode != 0
    assert "not in" in fourth.stdout + fourth.stderr and "nosuchkey2020" in fourth.stdout + fourth.stderr


def test_latexmkrc_refuses_a_library_path_tex_cannot_open(tmp_path: Path) -> None:
    odd = tmp_path / "my papers" / "library.bib"
    odd.parent.mkdir()
    odd.write_text(SEED)
    result = run("--library", str(odd), "latexmkrc")
    assert result.exit_code == 2 and "TeX cannot open a path with spaces" in result.stderr


# -- watch ------------------------------------------------------------------------------------------------

def _aux(folder: Path, *keys: str) -> Path:
    aux = folder / "paper.aux"
    aux.write_text("\\relax\n" + "".join(f"\\citation{{{key}}}\n" for key in keys) + "\\bibdata{refs}\n")
    return aux


def test_watch_once_writes_the_named_bib_only_when_it_changes(workdir: Path) -> None:
    _aux(workdir, "belousova2025embracing")
    first = run("watch", "--once", "paper.aux")
    assert first.exit_code == 0 and first.stderr == "citetool: wrote 1 entries to refs.bib\n", first.stderr
    refs = workdir / "refs.bib"
    assert set(_entries(refs.read_text())) == {"belousova2025embracing"}
    stamp = refs.stat().st_mtime_ns
    time.sleep(0.01)
    again = run("watch", "--once", "paper.aux")
    assert again.exit_code == 0 and again.stderr == "" and refs.stat().st_mtime_ns == stamp
    _aux(workdir, "belousova2025embracing", "missing2020")
    missing = run("watch", "--once", "paper.aux")
    assert missing.exit_code == 1 and "missing2020" in missing.stderr and "refs.bib not written" in missing.stderr
    assert refs.stat().st_mtime_ns == stamp


def test_watch_follows_the_library_and_ends_cleanly_on_ctrl_c(workdir: Path) -> None:
    _aux(workdir, "belousova2025embracing")
    process = subprocess.Popen([sys.executable, "-m", "citetool", "watch", "paper.aux", "-o", "out.bib"],
                               cwd=workdir, stderr=subprocess.PIPE, text=True)  # fmt: skip
    out = workdir / "out.bib"
    try:
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Embracing the {Taliban}" in out.read_text()
        stamp = out.stat().st_mtime_ns
        library = workdir / "library.bib"
        os.utime(library)  # touched, not changed: nothing is written
        time.sleep(1.0)
        assert out.stat().st_mtime_ns == stamp
        library.write_text(library.read_text().replace("Embracing the {Taliban}", "Hugging the {Taliban}"))
        while "Hugging" not in out.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Hugging the {Taliban}" in out.read_text()
        time.sleep(0.5)  # the file is renamed into place just before its line goes to stderr
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "stopped watching" in stderr and "Traceback" not in stderr
    assert stderr.count("wrote 1 entries to out.bib") == 2


# -- merging ----------------------------------------------------------------------------------------------

A = "@article{a,\n  title = {Alpha},\n  year = {2001},\n}\n"
B = "@book{b,\n  title = {Beta},\n  year = {2002},\n}\n"
C = "@misc{c,\n  title = {Gamma},\n}\n"
D = "@misc{d,\n  title = {Delta},\n}\n"


def test_independent_additions_removals_and_edits_merge_cleanly() -> None:
    base = "% shared comment\n" + A + "\n" + B + "\n" + C
    ours = "% shared comment\n" + A.replace("2001", "2011") + "\n" + C + "\n" + D  # edit a, remove b, add d
    theirs = "% shared comment\n" + A + "\n" + B + "\n" + C.replace("Gamma", "Gamma Ray") + "\n" + (
        "@misc{e, title = {Epsilon}}\n")  # fmt: skip
    result = merge_texts(base, ours, theirs)
    assert result.conflicts == [] and not result.text_conflicts
    merged = _entries(result.text)
    assert set(merged) == {"a", "c", "d", "e"}
    assert merged["a"]["year"] == "2011" and merged["c"]["title"] == "Gamma Ray"
    assert "% shared comment" in result.text
    assert "@misc{e, title = {Epsilon}}" in result.text  # each side's bytes as written


def test_edits_of_different_fields_of_one_entry_merge() -> None:
    ours = A.replace("2001", "2011")
    theirs = A.replace("Alpha", "Alpha Centauri")
    result = merge_texts(A, ours, theirs)
    assert result.conflicts == []
    assert _entries(result.text)["a"] == {"title": "Alpha Centauri", "year": "2011"}


@pytest.mark.parametrize(("ours", "theirs"), [
    (A.replace("2001", "2011"), A.replace("2001", "2021")),  # the same field two ways
    (A.replace("2001", "2011"), ""),  # edited here, removed there
    ("", A.replace("Alpha", "Omega")),  # removed here, edited there
])  # fmt: skip
def test_a_true_conflict_is_marked_around_that_entry_only(ours: str, theirs: str) -> None:
    base = A + "\n" + B
    result = merge_texts(base, ours + "\n" + B, theirs + "\n" + B.replace("Beta", "Beta Test"))
    assert result.conflicts == ["a"]
    assert result.text.count("<<<<<<< ours (a)") == 1 and result.text.count(">>>>>>> theirs (a)") == 1
    outside = re.sub(r"<<<<<<<.*?>>>>>>> theirs \(a\)", "", result.text, flags=re.S)
    assert _entries(outside) == {"b": {"title": "Beta Test", "year": "2002"}}


def test_string_and_comment_changes_merge_as_lines() -> None:
    base = "@string{jas = {J. Asian Sec.}}\n% one\n\n" + A + "\n% two\n" + B
    ours = "@string{jas = {Journal of Asian Security}}\n% one\n\n" + A + "\n% two\n" + B
    theirs = "@string{jas = {J. Asian Sec.}}\n% one\n\n" + A + "\n% two, edited\n" + B
    result = merge_texts(base, ours, theirs)
    assert not result.text_conflicts and result.conflicts == []
    assert "Journal of Asian Security" in result.text and "% two, edited" in result.text


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env={**os.environ, **ENV_GIT},
                          timeout=120)  # fmt: skip


def _branch_edits(text: str, keys: list[str], branch: str) -> str:
    """Edit the given entries' titles (a field each branch changes for its own entries only)."""
    for key in keys:
        pattern = re.compile(r"(@\w+\s*\{\s*" + re.escape(key) + r"\s*,)", re.IGNORECASE)
        text = pattern.sub(lambda match: match.group(1) + f"\n  note = {{edited on {branch}}},", text, count=1)
    return text


def _remove(text: str, key: str) -> str:
    document = bibtexparser.parse_string(text)
    (block,) = [entry for entry in document.entries if entry.key == key]
    return text.replace(block.raw, "", 1)


def _merge_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    need_programs("git")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "refs.bib").write_text(text, encoding="utf-8")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("HOME", str(tmp_path))  # git-setup writes this repository's config, never the user's
    setup = run("git-setup")
    assert setup.exit_code == 0, setup.stderr
    assert (repo / ".gitattributes").read_text() == "*.bib merge=citetool\n"
    assert "merge-driver %O %A %B" in _git(repo, "config", "merge.citetool.driver").stdout
    assert _git(repo, "add", ".").returncode == 0 and _git(repo, "commit", "-qm", "base").returncode == 0
    return repo


@pytest.mark.corpora
@pytest.mark.parametrize("name", ["biber-etc-tugboat.bib"])
def test_real_git_merges_branches_of_a_real_library_entry_by_entry(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (need_corpora() / "large" / name).read_text(encoding="utf-8")
    keys = [entry.key for entry in bibtexparser.parse_string(text).entries]
    repo = _merge_repository(tmp_path, monkeypatch, text)
    ours_edit, theirs_edit, both = keys[10:20], keys[-20:-10], keys[30]
    _git(repo, "checkout", "-qb", "theirs")
    theirs = _branch_edits(_remove(text, keys[5]), theirs_edit, "theirs")
    theirs = _branch_edits(theirs, [both], "theirs").replace("@", "@misc{theirsnew, title = {Added there}}\n\n@", 1)
    (repo / "refs.bib").write_text(theirs, encoding="utf-8")
    _git(repo, "commit", "-qam", "theirs")
    _git(repo, "checkout", "-q", "main")
    ours = _branch_edits(_remove(text, keys[7]), ours_edit, "ours") + "\n@misc{oursnew, title = {Added here}}\n"
    ours = re.sub(r"(@\w+\s*\{\s*" + re.escape(both) + r"\s*,)", r"\1\n  keywords = {ours},", ours, count=1)
    (repo / "refs.bib").write_text(ours, encoding="utf-8")
    _git(repo, "commit", "-qam", "ours")
    merged = _git(repo, "merge", "-q", "--no-edit", "theirs")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    result = _entries((repo / "refs.bib").read_text(encoding="utf-8"))
    expected = (set(keys) - {keys[5], keys[7]}) | {"oursnew", "theirsnew"}
    assert set(result) == expected
    for key in ours_edit:
        assert result[key]["note"] == "edited on ours"
    for key in theirs_edit:
        assert result[key]["note"] == "edited on theirs"
    assert result[both]["note"] == "edited on theirs" and result[both]["keywords"] == "ours"
    untouched = _entries(text)
    for key in expected - {*ours_edit, *theirs_edit, both, "oursnew", "theirsnew"}:
        assert result[key] == untouched[key], key


def test_real_git_reports_a_conflict_and_keeps_every_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _merge_repository(tmp_path, monkeypatch, SEED)
    _git(repo, "checkout", "-qb", "theirs")
    (repo / "refs.bib").write_text(SEED.replace("year = {2025}", "year = {2026}"), encoding="utf-8")
    _git(repo, "commit", "-qam", "theirs")
    _git(repo, "checkout", "-q", "main")
    (repo / "refs.bib").write_text(SEED.replace("year = {2025}", "year = {2024}"), encoding="utf-8")
    _git(repo, "commit", "-qam", "ours")
    merged = _git(repo, "merge", "--no-edit", "theirs")
    assert merged.returncode != 0 and "CONFLICT" in merged.stdout
    # The message names the .bib being merged (git's %P), not git's temporary file.
    assert "citetool: error: refs.bib: 1 entries conflict (belousova2025embracing)" in merged.stderr, merged.stderr
    assert ".merge_file" not in merged.stderr
    checked = run("-l", "refs.bib", "check")
    assert checked.exit_code == 9 and "an unresolved merge conflict (git's <<<<<<<" in checked.stdout
    assert "duplicate key" not in checked.stdout
    text = (repo / "refs.bib").read_text(encoding="utf-8")
    assert text.count("<<<<<<< ours (belousova2025embracing)") == 1
    assert "year = {2024}" in text and "year = {2026}" in text
    outside = re.sub(r"<<<<<<<.*?>>>>>>> theirs \(belousova2025embracing\)\n?", "", text, flags=re.S)
    assert set(_entries(outside)) == set(_entries(SEED)) - {"belousova2025embracing"}


# -- key patterns -------------------------------------------------------------------------------------------

def test_rekey_shows_and_applies_the_pattern_through_rename(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (workdir / "paper.tex").write_text("See \\citep[p.~3]{belousova2025embracing}. % belousova2025embracing\n")
    monkeypatch.setenv("CITETOOL_KEY_FORMAT", "[auth][year]")
    shown = run("rekey", "--dry-run")
    assert shown.exit_code == 0, shown.stderr
    assert "belousova2025embracing\tBelousova2025\n" in shown.stdout
    assert "would rename" in shown.stderr
    assert "belousova2025embracing" in (workdir / "library.bib").read_text()
    applied = run("rekey", "belousova2025embracing", "--tex", "paper.tex", "--yes")
    assert applied.exit_code == 0, applied.stderr
    assert "Belousova2025" in _entries((workdir / "library.bib").read_text())
    assert (workdir / "paper.tex").read_text() == "See \\citep[p.~3]{Belousova2025}. % belousova2025embracing\n"
    assert run("rekey", "Belousova2025").stderr.startswith("citetool: every key is already")


def test_add_and_import_follow_the_key_format_and_config_shows_it(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITETOOL_KEY_FORMAT", "[authEtAl:lower]_[shortyear]_[shorttitle]")
    (workdir / "in.ris").write_text("TY  - JOUR\nAU  - Smith, Jane\nAU  - Doe, John\nAU  - Roe, Richard\n"
                                    "TI  - Deep learning of the things\nPY  - 2020\nER  - \n")  # fmt: skip
    imported = run("import", "in.ris")
    assert imported.exit_code == 0, imported.stderr
    assert imported.stdout == "smithetal_20_DeepLearningThings\n"
    shown = run("config")
    assert "key_format" in shown.stdout and "[authEtAl:lower]_[shortyear]_[shorttitle]" in shown.stdout


def test_a_bad_key_format_is_a_config_error(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITETOOL_KEY_FORMAT", "[auth][bogus]")
    result = run("rekey")
    assert result.exit_code == 6
    assert "unknown token [bogus]" in result.stderr and result.stderr.count("\n") == 1




def test_git_setup_global_writes_the_users_attributes_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_programs("git")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # a second run changes nothing
        result = run("git-setup", "--global")
        assert result.exit_code == 0, result.stderr
    assert (tmp_path / "xdg" / "git" / "attributes").read_text() == "*.bib merge=citetool\n"
    config = subprocess.run(["git", "config", "--global", "merge.citetool.driver"], capture_output=True, text=True)
    assert config.stdout.strip().endswith("-m citetool merge-driver %O %A %B %P")


def test_the_same_entry_added_on_both_sides_is_there_once() -> None:
    result = merge_texts(A, A + "\n" + C, A + "\n" + C)
    assert result.conflicts == [] and result.text.count("@misc{c,") == 1
    different = merge_texts(A, A + "\n" + C, A + "\n" + C.replace("Gamma", "Other"))
    assert different.conflicts == ["c"] and different.text.count("<<<<<<< ours (c)") == 1


def test_random_edits_of_both_sides_never_lose_an_entry() -> None:
    import random

    golden = sorted((REPO / "tests" / "data" / "golden").glob("*.bib"))
    base = "% a library\n\n" + "\n".join(path.read_text(encoding="utf-8") for path in golden)
    keys = list(_entries(base))
    for trial in range(40):
        chooser = random.Random(trial)
        sides = []
        for name in ("ours", "theirs"):
            text = base
            removed = set(chooser.sample(keys, 2))
            for key in removed:
                text = _remove(text, key)
            edited = set(chooser.sample([key for key in keys if key not in removed], 3))
            text = _branch_edits(text, sorted(edited), name)
            text += f"\n@misc{{{name}{trial}, title = {{Added}}}}\n"
            sides.append((text, removed, edited))
        (ours, ours_removed, ours_edited), (theirs, theirs_removed, theirs_edited) = sides
        result = merge_texts(base, ours, theirs)
        outside = re.sub(r"<<<<<<< ours \((\S+)\).*?>>>>>>> theirs \(\1\)", "", result.text, flags=re.S)
        merged = set(_entries(outside)) | set(result.conflicts)
        gone = (ours_removed - theirs_edited) | (theirs_removed - ours_edited)
        assert merged == (set(keys) - gone) | {f"ours{trial}", f"theirs{trial}"}, trial
        assert set(result.conflicts) == (ours_removed & theirs_edited) | (theirs_removed & ours_edited) | (
            ours_edited & theirs_edited), trial  # fmt: skip


def test_additions_of_different_lengths_at_the_end_merge_with_real_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _merge_repository(tmp_path, monkeypatch, SEED)
    _git(repo, "checkout", "-qb", "theirs")
    (repo / "refs.bib").write_text(SEED + "\n" + C + "\n" + D, encoding="utf-8")
    _git(repo, "commit", "-qam", "theirs adds two")
    _git(repo, "checkout", "-q", "main")
    (repo / "refs.bib").write_text(SEED + "\n" + B, encoding="utf-8")
    _git(repo, "commit", "-qam", "ours adds one")
    merged = _git(repo, "merge", "--no-edit", "theirs")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    text = (repo / "refs.bib").read_text(encoding="utf-8")
    assert "<<<<<<<" not in text and set(_entries(text)) == {"belousova2025embracing", "russianational", "b", "c",
                                                              "d"}  # fmt: skip


def test_keys_that_differ_only_in_case_conflict() -> None:
    result = merge_texts(A, A + "\n" + C.replace("{c,", "{New1,"), A + "\n" + D.replace("{d,", "{new1,"))
    assert result.conflicts == ["New1"]
    assert result.text.count("<<<<<<< ours (New1 / new1: keys that differ only in case)") == 1
    assert "Gamma" in result.text and "Delta" in result.text


def test_crlf_and_a_byte_order_mark_are_kept(tmp_path: Path) -> None:
    crlf = {name: text.replace("\n", "\r\n") for name, text in (("a", A), ("b", B), ("c", C), ("d", D))}
    base, ours, theirs = tmp_path / "base", tmp_path / "ours", tmp_path / "theirs"
    base.write_bytes(b"\xef\xbb\xbf" + (crlf["a"] + "\r\n" + crlf["b"]).encode())
    ours.write_bytes(b"\xef\xbb\xbf" + (crlf["a"].replace("2001", "2011") + "\r\n" + crlf["b"] + "\r\n"
                                        + crlf["c"]).encode())  # fmt: skip
    theirs.write_bytes(b"\xef\xbb\xbf" + (crlf["a"] + "\r\n" + crlf["b"].replace("Beta", "Beta Test") + "\r\n"
                                          + crlf["d"]).encode())  # fmt: skip
    result = run("merge-driver", str(base), str(ours), str(theirs), "refs.bib")
    assert result.exit_code == 0, result.stderr
    data = ours.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and re.search(rb"(?<!\r)\n", data) is None
    assert set(_entries(data.decode("utf-8-sig"))) == {"a", "b", "c", "d"}


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text(A)
    result = run("merge-driver", str(tmp_path / "missing.bib"), str(tmp_path / "a.bib"), str(tmp_path / "a.bib"))
    assert result.exit_code == 1 and "missing.bib does not exist" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and (tmp_path / "a.bib").read_text() == A
