"""``check --retractions``, and the retraction warnings of ``add``, ``watch``, latexmk and ``check --aux``.

Every reply comes from a loopback server.  The Crossref records of Wakefield
1998 and its retraction notice (tests/data/notices) are constructed in the
live API's shape (see the README there); so are the Retraction Watch sample
CSV and the PubMed record.  Tests that build a record of their own (another
kind of update, a hostile reply) say so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import DATA, need_programs, run
from .ids_replay import IdsServer
from .replay import ReplayServer, Reply

NOTICES = DATA / "notices"
PAPER_DOI = "10.1016/s0140-6736(97)11096-0"
NOTICE_DOI = "10.1016/s0140-6736(10)60175-4"
CORRECTION_DOI = "10.1016/s0140-6736(04)15715-2"
CSV = NOTICES / "retraction-watch-sample.csv"


def _record(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((NOTICES / name).read_text())
    return data


def paper() -> dict[str, Any]:
    return _record("10.1016_s0140-6736_97_11096-0.json")


def notice() -> dict[str, Any]:
    return _record("10.1016_s0140-6736_10_60175-4.json")


def serve(server: ReplayServer, record: dict[str, Any]) -> None:
    server.works[str(record["DOI"]).lower()] = json.dumps(
        {"status": "ok", "message-type": "work", "message": record}).encode("utf-8")


@pytest.fixture
def lancet(server: ReplayServer) -> ReplayServer:
    """The replay server holding Wakefield 1998 (constructed, as the live record) and its retraction notice."""
    serve(server, paper())
    server.add_notice(notice())
    return server


def _entry(key: str, doi: str | None = None, pmid: str | None = None, title: str = "A paper") -> str:
    fields = [f"  author = {{Roe, Ann}},\n  title = {{{title}}},\n  journal = {{J}},\n  year = {{2020}},\n"]
    fields += [f"  doi = {{{doi}}},\n"] if doi else []
    fields += [f"  pmid = {{{pmid}}},\n"] if pmid else []
    return f"@article{{{key},\n{''.join(fields)}}}\n\n"


def _findings(stdout: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(stdout)
    return found


def _paths(server: ReplayServer) -> list[str]:
    return [request[0] for request in server.requests]


# -- Crossref: both directions ------------------------------------------------------------------------------------

def test_add_warns_and_check_reports_the_retraction_with_its_notice_and_date(workdir: Path,
                                                                             lancet: ReplayServer) -> None:  # fmt: skip
    added = run("add", PAPER_DOI)
    assert added.exit_code == 0
    key = added.stdout.strip()
    assert key.startswith("wakefield1998") and "retracted" not in key  # made from the title without RETRACTED:
    assert f"{key}: retracted: notice {NOTICE_DOI} (2010-02-06; Retraction Watch)" in added.stderr
    checked = run("check", "--retractions")
    assert checked.exit_code == 9
    lines = checked.stdout.splitlines()
    assert lines[0].endswith(f"error: entry '{key}': retracted: notice {NOTICE_DOI} (2010-02-06; publisher, "
                             "Retraction Watch)")  # fmt: skip
    assert lines[1].endswith(f"note: entry '{key}': corrected: notice {CORRECTION_DOI} (2004-03-06; "
                             "Retraction Watch)")  # fmt: skip
    assert "1 error, 0 warnings, 1 note in 2 works checked" in checked.stderr  # the seeded entry too
    as_json = _findings(run("check", "--retractions", "--json").stdout)
    retraction = next(item for item in as_json if item["kind"] == "retraction")
    assert (retraction["severity"], retraction["notice"], retraction["date"]) == ("error", NOTICE_DOI, "2010-02-06")
    assert retraction["source"] == "publisher" and retraction["sources"] == ["publisher", "retraction-watch"]
    assert retraction["key"] == key and retraction["doi"] == PAPER_DOI
    assert len([item for item in as_json if item["kind"] == "retraction"]) == 1  # seen twice, one finding


def test_a_notice_the_papers_record_does_not_link_is_found_from_its_side(workdir: Path,
                                                                         server: ReplayServer) -> None:  # fmt: skip
    unlinked = paper()
    del unlinked["updated-by"]  # constructed: a paper whose record was never re-deposited
    serve(server, unlinked)
    server.add_notice(notice())
    (workdir / "library.bib").write_text(_entry("wakefield", PAPER_DOI))
    checked = run("check", "--retractions", "--json")
    assert checked.exit_code == 9
    (found,) = _findings(checked.stdout)
    assert (found["kind"], found["notice"], found["source"], found["date"]) == ("retraction", NOTICE_DOI,
                                                                                 "publisher", "2010-02-06")  # fmt: skip
    assert any("filter=updates" in path for path in _paths(server))


def test_a_retraction_notice_in_the_library_is_not_itself_retracted(workdir: Path, lancet: ReplayServer) -> None:
    (workdir / "library.bib").write_text(_entry("lancet2010", NOTICE_DOI, title="Retraction"))
    checked = run("check", "--retractions", "--json")
    assert checked.exit_code == 0, checked.stderr
    assert _findings(checked.stdout) == []


@pytest.mark.parametrize(("kind", "severity", "code", "strict_code"), [
    ("retraction", "error", 9, 9),
    ("withdrawal", "error", 9, 9),
    ("removal", "error", 9, 9),
    ("partial_retraction", "warning", 0, 9),
    ("expression_of_concern", "warning", 0, 9),
    ("correction", "note", 0, 0),
    ("erratum", "note", 0, 0),
    ("new_version", "note", 0, 0),
    ("some_new_kind", "note", 0, 0),  # a type Crossref may add one day
])  # fmt: skip
def test_each_kind_of_update_has_its_severity_and_exit_code(kind: str, severity: str, code: int, strict_code: int,
                                                            workdir: Path, server: ReplayServer) -> None:  # fmt: skip
    record = paper()  # constructed: the paper's record with one update of the kind
    record["updated-by"] = [{"DOI": "10.5555/notice.1", "type": kind, "label": kind.title(), "source": "publisher",
                             "updated": {"date-parts": [[2021, 3, 4]]}}]  # fmt: skip
    serve(server, record)
    (workdir / "library.bib").write_text(_entry("paper", PAPER_DOI))
    checked = run("check", "--retractions", "--json")
    assert checked.exit_code == code, checked.stderr
    (found,) = _findings(checked.stdout)
    assert (found["kind"], found["severity"], found["date"]) == (kind, severity, "2021-03-04")
    assert run("check", "--retractions", "--strict", "--offline").exit_code == strict_code


def test_a_preprint_whose_published_version_is_known_is_a_note(workdir: Path, server: ReplayServer) -> None:
    record = paper()  # constructed: a preprint's record with Crossref's is-preprint-of relation
    del record["updated-by"]
    record["relation"] = {"is-preprint-of": [{"id-type": "doi", "id": "10.5555/published.1",
                                              "asserted-by": "subject"}]}  # fmt: skip
    serve(server, record)
    (workdir / "library.bib").write_text(_entry("preprint", PAPER_DOI))
    checked = run("check", "--retractions")
    assert checked.exit_code == 0
    assert "note: entry 'preprint': published as 10.5555/published.1 (publisher)" in checked.stdout


# -- hostile and odd replies ----------------------------------------------------------------------------------------

def test_hostile_updates_are_cut_cleaned_or_skipped(workdir: Path, server: ReplayServer) -> None:
    record = paper()  # constructed: a hostile record
    record["updated-by"] = (
        [{"DOI": PAPER_DOI, "type": "retraction", "source": "publisher"}]  # a notice pointing at the paper itself
        + [{"DOI": "10.5555/x\u2028y", "type": "retraction\n\x1b[31mred", "label": "L" * 10_000,
            "source": "evil", "updated": {"date-parts": [[99999, 13, 40]]}}]
        + [{"DOI": f"10.5555/n.{number}", "type": "correction", "source": "publisher"} for number in range(5000)]
        + ["not an object", {"type": "retraction"}, {"DOI": 7, "type": None}]
    )  # fmt: skip
    serve(server, record)
    (workdir / "library.bib").write_text(_entry("paper", PAPER_DOI))
    before = (workdir / "library.bib").read_bytes()
    checked = run("check", "--retractions", "--json")
    found = _findings(checked.stdout)
    assert len(found) <= 100
    assert all(item["notice"] != PAPER_DOI for item in found)
    text = run("check", "--retractions", "--offline").stdout
    assert "\x1b" not in text and "\u2028" not in text and all(len(line) < 1000 for line in text.splitlines())
    assert (workdir / "library.bib").read_bytes() == before


def test_an_unknown_doi_and_a_failing_server_stop_only_their_entry(workdir: Path, lancet: ReplayServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("CITETOOL_DEADLINE", "1")  # retries of the 503s end within a second
    (workdir / "library.bib").write_text(_entry("wakefield", PAPER_DOI) + _entry("elsewhere", "10.5555/not-there")
                                         + _entry("flaky", "10.5555/flaky"))  # fmt: skip
    lancet.queue("10.5555/flaky", *[Reply(503)] * 10)
    before = (workdir / "library.bib").read_bytes()
    checked = run("check", "--retractions", "--timeout", "2")
    assert checked.exit_code == 9  # the retraction found outweighs the failure
    assert "entry 'wakefield': retracted" in checked.stdout
    assert "elsewhere: DOI not registered with Crossref" in checked.stderr
    assert "flaky: not checked (" in checked.stderr and "Traceback" not in checked.stderr
    assert (workdir / "library.bib").read_bytes() == before
    (workdir / "library.bib").write_text(_entry("flaky", "10.5555/flaky"))
    lancet.queue("10.5555/flaky", *[Reply(503)] * 10)
    failed = run("check", "--retractions", "--timeout", "2")
    assert failed.exit_code == 4 and len(failed.stderr.strip().splitlines()) <= 3, failed.stderr


# -- the cache, offline, --aux ------------------------------------------------------------------------------------

def test_answers_are_kept_for_their_lifetime_and_offline_reads_them_without_the_network(
        workdir: Path, lancet: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    (workdir / "library.bib").write_text(_entry("wakefield", PAPER_DOI))
    assert run("check", "--retractions").exit_code == 9
    asked = len(lancet.requests)
    assert run("check", "--retractions").exit_code == 9
    assert len(lancet.requests) == asked  # a fresh answer is not asked again
    assert run("check", "--retractions", "--refresh").exit_code == 9
    assert len(lancet.requests) == asked + 2  # the record and the notices naming it
    monkeypatch.setenv("CITETOOL_RETRACTIONS_MAX_AGE", "0")
    assert run("check", "--retractions").exit_code == 9
    assert len(lancet.requests) == asked + 4
    offline = run("check", "--retractions", "--offline")
    assert offline.exit_code == 9 and len(lancet.requests) == asked + 4
    monkeypatch.setenv("CITETOOL_RETRACTIONS_MAX_AGE", "forever")
    assert run("check", "--retractions").exit_code == 6


def test_offline_with_nothing_kept_says_what_was_not_checked(workdir: Path) -> None:
    (workdir / "library.bib").write_text(_entry("wakefield", PAPER_DOI))
    checked = run("check", "--retractions", "--offline")
    assert checked.exit_code == 0
    assert "wakefield: no kept answer (--offline) and no Retraction Watch database" in checked.stderr


def test_with_aux_only_the_cited_works_are_asked(workdir: Path, lancet: ReplayServer) -> None:
    (workdir / "library.bib").write_text(_entry("wakefield", PAPER_DOI) + _entry("other", "10.5555/other"))
    (workdir / "paper.aux").write_text("\\citation{Wakefield}\n\\bibdata{refs}\n")
    checked = run("check", "--retractions", "--aux", "paper.aux")
    assert checked.exit_code == 9
    assert not any("other" in path for path in _paths(lancet))
    assert any("11096" in path for path in _paths(lancet))


def test_check_aux_includes_the_kept_findings_of_cited_works(workdir: Path, lancet: ReplayServer) -> None:
    (workdir / "library.bib").write_text(_entry("wakefield", PAPER_DOI))
    (workdir / "paper.aux").write_text("\\citation{wakefield}\n")
    assert run("check", "--aux", "paper.aux").exit_code == 0  # nothing kept yet: a plain lint
    assert run("check", "--retractions").exit_code == 9
    asked = len(lancet.requests)
    checked = run("check", "--aux", "paper.aux")
    assert checked.exit_code == 9 and len(lancet.requests) == asked
    assert f"error: entry 'wakefield': retracted: notice {NOTICE_DOI}" in checked.stdout


# -- the Retraction Watch database --------------------------------------------------------------------------------

def test_the_retraction_watch_csv_alone_is_enough_offline(workdir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    csv = tmp_path / "retraction_watch.csv"
    shutil.copy(CSV, csv)
    monkeypatch.setenv("CITETOOL_RETRACTION_WATCH", str(csv))
    (workdir / "library.bib").write_text(
        _entry("wakefield", PAPER_DOI.upper()) + _entry("concern", "10.5555/concern.1")
        + _entry("corrected", "10.5555/corrected.1") + _entry("reinstated", "10.5555/reinstated.1")
        + _entry("bypmid", pmid="22222222") + _entry("clean", "10.5555/clean.1"))  # fmt: skip
    checked = run("check", "--retractions", "--offline", "--json")
    assert checked.exit_code == 9, checked.stderr
    found = {(item["key"], item["kind"]): item for item in _findings(checked.stdout)}
    wakefield = found[("wakefield", "retraction")]
    assert wakefield["source"] == "retraction-watch" and wakefield["date"] == "2010-02-06"
    assert wakefield["reason"] == "Concerns/Issues About Data; Ethical Violations by Author"
    assert wakefield["notice"] == NOTICE_DOI and wakefield["notice_pmid"] == "20137807"
    assert found[("concern", "expression_of_concern")]["severity"] == "warning"
    assert found[("corrected", "correction")]["severity"] == "note"
    assert found[("reinstated", "retraction")]["severity"] == "note"  # reinstated afterwards
    assert found[("reinstated", "retraction")]["reinstated"] == "2021-06-01"
    assert found[("bypmid", "retraction")]["reason"] == "Paper Mill; Fake Peer Review"
    assert not any(key == "clean" for key, _kind in found)
    # The index is kept in the cache folder and used while the file is unchanged; a new download is read again.
    indexes = list((tmp_path / "cache" / "retraction-watch").glob("*.txt"))
    assert len(indexes) == 1
    with csv.open("a") as stream:
        stream.write("9100,New,,,,,,,,,1/1/2025 0:00,10.5555/new-notice,0,1/1/2024 0:00,10.5555/clean.1,0,"
                     "Retraction,+Plagiarism;,No,\n")  # fmt: skip
    again = _findings(run("check", "--retractions", "--offline", "--json").stdout)
    assert any(item["key"] == "clean" and item["kind"] == "retraction" for item in again)


def test_a_file_that_is_not_the_database_is_a_one_line_error(workdir: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    (workdir / "library.bib").write_text(_entry("wakefield", PAPER_DOI))
    wrong = tmp_path / "other.csv"
    wrong.write_text("a,b,c\n1,2,3\n")
    monkeypatch.setenv("CITETOOL_RETRACTION_WATCH", str(wrong))
    checked = run("check", "--retractions", "--offline")
    assert checked.exit_code == 6
    assert checked.stderr.count("\n") == 1 and "CITETOOL_RETRACTION_WATCH" in checked.stderr
    monkeypatch.setenv("CITETOOL_RETRACTION_WATCH", str(tmp_path / "missing.csv"))
    assert run("check", "--retractions", "--offline").exit_code == 6


# -- PubMed ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def pubmed(monkeypatch: pytest.MonkeyPatch) -> Iterator[IdsServer]:
    with IdsServer() as replay:
        replay.articles["9500320"] = (NOTICES / "pubmed-9500320.xml").read_bytes().split(b"<PubmedArticleSet>")[1] \
            .split(b"</PubmedArticleSet>")[0].strip()  # fmt: skip
        monkeypatch.setenv("CITETOOL_NCBI_URL", replay.url)
        yield replay


def test_pubmed_says_retracted_for_an_entry_with_a_pmid(workdir: Path, pubmed: IdsServer) -> None:
    (workdir / "library.bib").write_text(_entry("wakefield", pmid="9500320"))
    checked = run("check", "--retractions", "--json")
    assert checked.exit_code == 9, checked.stderr
    found = {item["kind"]: item for item in _findings(checked.stdout)}
    assert found["retraction"]["source"] == "pubmed" and found["retraction"]["notice"] == "PMID 20137807"
    assert found["erratum"]["severity"] == "note"
    assert set(found) == {"retraction", "erratum"}  # a CommentIn is no notice
    assert any(route == "efetch" for route, _path, _time in pubmed.requests)


def test_add_of_a_pmid_warns(workdir: Path, pubmed: IdsServer) -> None:
    added = run("add", "pmid:9500320")
    assert added.exit_code == 0, added.stderr
    assert "retracted: notice PMID 20137807 (PubMed)" in added.stderr


# -- the build ------------------------------------------------------------------------------------------------------

def _document(folder: Path) -> None:
    (folder / "paper.tex").write_text("\\documentclass{article}\\begin{document}\\cite{wakefield}"
                                      "\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n")  # fmt: skip


def test_watch_warns_about_a_cited_retracted_work_without_the_network(workdir: Path, lancet: ReplayServer) -> None:
    (workdir / "library.bib").write_text(_entry("wakefield", PAPER_DOI))
    (workdir / "paper.aux").write_text("\\citation{wakefield}\n\\bibdata{refs}\n")
    quiet = run("watch", "--once", "paper.aux")
    assert quiet.exit_code == 0 and "retracted" not in quiet.stderr  # nothing kept yet
    assert run("check", "--retractions").exit_code == 9
    asked = len(lancet.requests)
    synced = run("watch", "--once", "paper.aux")
    assert synced.exit_code == 0  # a warning does not stop the build
    assert f"warning: paper.aux cites wakefield, retracted: notice {NOTICE_DOI}" in synced.stderr
    assert len(lancet.requests) == asked


def test_a_real_latexmk_build_prints_the_warning(workdir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    need_programs("latexmk", "pdflatex", "bibtex")
    shutil.copy(CSV, tmp_path / "rw.csv")
    monkeypatch.setenv("CITETOOL_RETRACTION_WATCH", str(tmp_path / "rw.csv"))
    (workdir / "library.bib").write_text(_entry("wakefield", PAPER_DOI))
    _document(workdir)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    launcher = bindir / "citetool"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} -m citetool \"$@\"\n")
    launcher.chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}"}
    snippet = subprocess.run([str(launcher), "--library", str(workdir / "library.bib"), "latexmkrc"], env=env,
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    (workdir / ".latexmkrc").write_text(snippet)
    build = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "paper"], cwd=workdir, env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    assert "citetool: warning: paper.aux cites wakefield, retracted: notice" in build.stdout + build.stderr
    assert (workdir / "paper.pdf").exists()


# -- the model ------------------------------------------------------------------------------------------------------

def test_a_kept_answers_file_that_is_hostile_is_read_as_empty_or_cleaned(workdir: Path, tmp_path: Path) -> None:
    from citetool.notices.store import Store

    folder = tmp_path / "cache" / "notices"
    folder.mkdir(parents=True, mode=0o700)
    answers = {"doi:" + PAPER_DOI: {"asked": 1e12, "notices": [
        {"kind": "retraction\x1b[2J", "notice": "10.5555/x", "date": "not a date", "sources": ["publisher"]},
        {"kind": "retraction", "sources": ["somewhere else"]}, "junk"]}}  # fmt: skip
    (folder / "answers.json").write_text(json.dumps({"format": 1, "answers": answers}))
    (folder / "answers.json").chmod(0o600)
    kept = Store(tmp_path / "cache").get("doi:" + PAPER_DOI)
    assert kept is not None
    (only,) = kept.notices
    assert only.kind == "retraction_2j" and only.date == ""
    (folder / "answers.json").write_text("{not json")
    assert Store(tmp_path / "cache").get("doi:" + PAPER_DOI) is None
