"""Issue #28's third round of hostile input: servers, styles, files, arguments and signals.

Every probe ends in a one-line error and its documented exit code (never
exit 70, never a traceback, never a hang), and the library as it was; or,
for deceptive input that is kept, in text that can no longer deceive.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from citetool.csl import engine

from .conftest import REPO, run
from .replay import ReplayServer, Reply

SEED = (REPO / "library.bib").read_bytes()


def _one_line(stderr: str) -> None:
    assert len(stderr.splitlines()) == 1, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr


def _search(items: str = "[]", extra: str = "") -> bytes:
    return f'{{"status":"ok","message-type":"work-list","message":{{"items":{items}{extra}}}}}'.encode()


# -- find has add's defences ----------------------------------------------------------------------------------

FIND_REPLIES: list[tuple[str, Reply, str]] = [
    ("infinity", Reply(body=_search('[{"DOI": "10.1/x", "score": Infinity}]')), "holds Infinity"),
    ("surrogate", Reply(body=_search('[{"DOI": "10.1/x", "title": ["A \\ud800 B"]}]')), "lone surrogate"),
    ("deep", Reply(body=b'{"status":"ok","message":{"items":' + b"[" * 50000 + b"]" * 50000 + b"}}"),
     "nested more than"),
    ("too-big", Reply(body=_search('[{"DOI": "10.1/x", "abstract": "' + "x" * (17 * 2**20) + '"}]')),
     "larger than 16 MiB"),
    ("gzip-bomb", Reply(body=gzip.compress(b" " * (40 * 2**20)), headers={"Content-Encoding": "gzip"}),
     "larger than 16 MiB"),
    ("not-a-list", Reply(body=b'{"status":"ok","message":{"total": 3}}'), "not a work list"),
    ("html", Reply(body=b"<html>busy</html>", content_type="text/html"), "web page"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "reply", "message"), FIND_REPLIES, ids=[case[0] for case in FIND_REPLIES])
def test_find_reads_a_reply_as_carefully_as_add(case: str, reply: Reply, message: str, workdir: Path,
                                                server: ReplayServer) -> None:  # fmt: skip
    server.queue("", reply)
    result = run("find", "--timeout", "5", "ecology")
    assert result.exit_code == 4, result.stderr
    assert message in result.stderr and result.stdout == ""
    _one_line(result.stderr)


def test_find_without_total_results_lists_what_it_has(workdir: Path, server: ReplayServer) -> None:
    server.queue("", Reply(body=_search('[{"DOI": "10.1038/srep16696", "title": ["T"], "issued": '
                                        '{"date-parts": [[2015]]}}]')))  # fmt: skip
    result = run("find", "anything")
    assert result.exit_code == 0 and result.stdout.startswith("1\t10.1038/srep16696\t2015\t"), result.stderr


def test_a_dripping_search_stops_at_the_deadline(workdir: Path, server: ReplayServer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("CITETOOL_DEADLINE", "2")
    server.queue("", Reply(body=_search() + b" " * 400, drip=0.02))
    started = time.monotonic()
    result = run("find", "slow")
    assert result.exit_code == 4 and "within 2 s" in result.stderr and time.monotonic() - started < 8


# -- one identifier fails alone --------------------------------------------------------------------------------

def _work(doi: str, title: str) -> bytes:
    message = {"DOI": doi, "type": "journal-article", "title": [title], "author": [{"family": "Roe", "given": "A"}],
               "issued": {"date-parts": [[2020]]}}  # fmt: skip
    return json.dumps({"status": "ok", "message-type": "work", "message": message}).encode()


def test_a_slow_doi_fails_alone_in_the_public_pool(workdir: Path, server: ReplayServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("CITETOOL_DEADLINE", "2")
    server.queue("10.5555/drip", Reply(body=_work("10.5555/drip", "Drip") + b" " * 300, drip=0.02))
    server.queue("10.5555/ok", Reply(body=_work("10.5555/ok", "Quick one")))
    server.queue("10.5555/two", Reply(body=_work("10.5555/two", "Quick two")))
    result = run("add", "--retries", "0", "10.5555/drip", "10.5555/ok", "10.5555/two")
    assert result.exit_code == 4, result.stderr
    assert result.stdout.splitlines() == ["roe2020quick", "roe2020quicka"]
    assert "10.5555/drip: no complete answer within 2 s" in result.stderr


def test_a_pubmed_title_nested_100000_deep_is_read_as_text() -> None:
    from citetool.sources import pubmed, xml

    title = b"<i>" * 100_000 + b"Deep" + b"</i>" * 100_000
    body = (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><Journal><Title>J</Title>"
            b"<JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue></Journal><ArticleTitle>" + title +
            b"</ArticleTitle><AuthorList><Author><LastName>Roe</LastName></Author></AuthorList></Article>"
            b"</MedlineCitation></PubmedArticle></PubmedArticleSet>")  # fmt: skip
    root = xml.parse(body, "PMID 1", "PubMed XML")
    record = pubmed.read_article(next(root.iter("PubmedArticle")))
    assert record is not None and record["title"] == "<i>" * 32 + "Deep" + "</i>" * 32  # deeper tags dropped


# -- identifiers and arguments --------------------------------------------------------------------------------

@pytest.mark.parametrize(("argument", "message"), [
    ("10.5555/" + "x" * 120_000, "no identifier is that long"),
    ("(" * 1_000_000 + "10.5555/x", "no identifier is that long"),
    ("２１０１.００００１", "not an identifier"),
    ("pmid:1٢٣", "not an identifier"),
    ("10.٥٥٥٥/x", "not a DOI"),
])  # fmt: skip
def test_arguments_that_only_look_like_identifiers(argument: str, message: str, workdir: Path) -> None:
    started = time.monotonic()
    result = run("add", argument)
    assert result.exit_code == 2 and message in result.stderr, result.stderr[:300]
    _one_line(result.stderr)
    assert time.monotonic() - started < 10
    assert (workdir / "library.bib").read_bytes() == SEED


def test_stdin_with_a_nul_or_a_bom(workdir: Path, server: ReplayServer) -> None:
    nul = run("add", "-", input="10.9999/ok\x00x\n")
    assert nul.exit_code == 2 and "control characters" in nul.stderr
    _one_line(nul.stderr)
    bom = run("add", "-", input="\ufeff10.1038/srep16696\n")
    assert bom.exit_code == 0 and bom.stdout == "tosatto2015single\n", bom.stderr


def test_invisible_characters_do_not_make_a_second_entry(workdir: Path, server: ReplayServer) -> None:
    assert run("add", "10.1038/srep16696").exit_code == 0
    for disguised in ("10.1038/\u200bsrep16696", "\ufeff10.1038/srep16696", "10.1038/srep\u00ad16696"):
        again = run("add", disguised)
        assert again.exit_code == 0 and again.stdout == "tosatto2015single\n", disguised
        assert "already in" in again.stderr
    assert (workdir / "library.bib").read_text().count("@article{") == 2


def test_a_megabyte_title_makes_a_key_of_sensible_length(workdir: Path, server: ReplayServer) -> None:
    server.queue("10.5555/long", Reply(body=_work("10.5555/long", "Supercalifragilistic" * 50_000)))
    result = run("add", "10.5555/long")
    assert result.exit_code == 0, result.stderr[-300:]
    assert len(result.stdout.strip()) <= 90 and result.stdout.startswith("roe2020supercal")


@pytest.mark.parametrize(("variable", "value"), [
    ("CITETOOL_CROSSREF_URL", "http://[::1"), ("CITETOOL_ARXIV_URL", "ftp://example.org"),
    ("CITETOOL_MAILTO", "me@example.org\nsurprise\trow"),
])  # fmt: skip
def test_a_malformed_setting_is_named(variable: str, value: str, workdir: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv(variable, value)
    result = run("add", "10.1038/srep16696")
    assert result.exit_code == 2 and result.stderr.startswith(f"citetool: error: {variable}="), result.stderr
    _one_line(result.stderr)
    shown = run("config")
    assert shown.exit_code == 0 and len(shown.stdout.splitlines()) == 1 + len(__import__("citetool.config").config
                                                                               .SETTINGS)  # fmt: skip


@pytest.mark.parametrize(("library", "message"), [
    ("-", "not stdin"), ("https://example.org/refs.bib", "is a URL"), ("no/such/dir/lib.bib", "does not exist"),
])  # fmt: skip
def test_library_paths_that_are_no_file_are_refused(library: str, message: str, workdir: Path,
                                                     server: ReplayServer) -> None:  # fmt: skip
    result = run("-l", library, "add", "10.1038/srep16696")
    assert result.exit_code in (2, 7) and message in result.stderr, result.stderr
    _one_line(result.stderr)
    assert sorted(os.listdir(workdir)) == ["library.bib"]


def test_a_year_of_ten_to_the_thirty_is_impossible(tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    path.write_text("@misc{a, author = {A, B}, title = {T}, year = {1" + "0" * 30 + "}}\n")
    result = run("-l", str(path), "check")
    assert "year 100000000000... is impossible" in result.stdout


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "FIFO"])
def test_endless_or_blocking_files_are_refused(special: str, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if special == "FIFO":
        special = str(workdir / "fifo")
        os.mkfifo(special)
    imported = run("import", "--format", "bibtex", special)
    assert imported.exit_code == 8 and "not a regular file" in imported.stderr
    added = run("add", special)
    assert added.exit_code == 2
    monkeypatch.setenv("CITETOOL_CONFIG", special)
    configured = run("show")
    assert configured.exit_code == 6 and "not a regular file" in configured.stderr
    assert (workdir / "library.bib").read_bytes() == SEED


# -- the CSL engine ------------------------------------------------------------------------------------------

def _bomb(path: Path, depth: int, output: str) -> Path:
    macros = "".join(
        f'<macro name="m{level}">' + (output if level == 0 else f'<text macro="m{level - 1}"/>' * 2) + "</macro>"
        for level in range(depth)
    )
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" '
                    'class="in-text" version="1.0"><info><title>Bomb</title><id>bomb</id><updated>2024-01-01T00:00:00'
                    f'+00:00</updated></info>{macros}<citation><layout><text macro="m{depth - 1}"/></layout>'
                    f'</citation><bibliography><layout><text macro="m{depth - 1}"/></layout></bibliography></style>')
    return path


@pytest.fixture
def small_engine(monkeypatch: pytest.MonkeyPatch) -> Any:
    """V8 with a small heap and a short time, so that hitting them takes a second, not a minute."""
    engine._reset()
    monkeypatch.setattr(engine, "HEAP_LIMIT", 96 * 2**20)
    monkeypatch.setattr(engine, "SECONDS_BASE", 2.0)
    yield
    engine._reset()


def test_a_style_whose_macros_multiply_fails_in_one_line(workdir: Path, small_engine: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # Each limit alone: on a loaded machine 2 s can pass before 96 MiB are filled (CI saw it).
    monkeypatch.setattr(engine, "SECONDS_BASE", 300.0)
    memory = run("export", "-f", "text", "--style", str(_bomb(workdir / "bomb.csl", 26, '<text variable="title"/>')))
    assert memory.exit_code == 2 and "style 'bomb': citeproc-js ran out of memory" in memory.stderr, memory.stderr
    _one_line(memory.stderr)
    engine._reset()
    monkeypatch.setattr(engine, "SECONDS_BASE", 2.0)
    slow = run("export", "-f", "text", "--style", str(_bomb(workdir / "slow.csl", 40, '<text value=""/>')))
    assert slow.exit_code == 2 and "citeproc-js ran longer than" in slow.stderr, slow.stderr
    engine._reset()
    assert run("export", "-f", "text", "--style", "ieee").exit_code == 0  # a new engine after a bad one


# -- deceptive text ------------------------------------------------------------------------------------------

def test_bidi_controls_from_a_server_never_reach_the_library(workdir: Path, server: ReplayServer) -> None:
    server.queue("10.5555/bidi", Reply(body=_work("10.5555/bidi", "Evil\u202etxt.exe and \u2066more\u2069\u200f")))
    result = run("add", "10.5555/bidi")
    assert result.exit_code == 0, result.stderr
    text = (workdir / "library.bib").read_text()
    assert "Eviltxt.exe and more" in text
    assert not any(char in text for char in "\u202e\u2066\u2069\u200f")


def test_terminal_escapes_in_a_hand_written_title_are_shown_not_obeyed(tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    path.write_text("@misc{a, author = {Roe, A}, title = {Clear\x1b[2J screen \x1b]0;owned\x07 and \u202eeno}}\n")
    for args in (["show"], ["show", "a"], ["show", "--compact"], ["check"]):
        result = run("-l", str(path), *args)
        assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout, args
        assert "\u202e" not in result.stdout, args
    assert "Clear␛[2J screen ␛]0;owned␇" in run("-l", str(path), "show").stdout


# -- signals -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("signals", "code", "said"), [
    ([signal.SIGINT], 130, "interrupted"),
    ([signal.SIGINT, signal.SIGINT, signal.SIGINT], 130, "interrupted"),
    ([signal.SIGTERM], 143, "terminated"),
])  # fmt: skip
def test_a_signal_during_a_slow_lookup_ends_add_at_once(signals: list[int], code: int, said: str, workdir: Path,
                                                        server: ReplayServer) -> None:  # fmt: skip
    for doi in ("10.5555/slow1", "10.5555/slow2"):
        server.queue(doi, Reply(body=_work(doi, "Slow"), delay=30))
    env = {**os.environ, "CITETOOL_CROSSREF_URL": server.url, "CITETOOL_MAILTO": "t@example.org"}
    process = subprocess.Popen([sys.executable, "-m", "citetool", "add", "10.5555/slow1", "10.5555/slow2",
                                "10.1038/srep16696"], cwd=workdir, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 20
    while len(server.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    for each in signals:
        process.send_signal(each)
        time.sleep(0.05)
    stdout, stderr = process.communicate(timeout=20)
    assert process.returncode == code, stderr
    assert time.monotonic() - started < 3
    assert stderr.strip().splitlines()[-1] == f"citetool: {said}" and "Traceback" not in stderr
    assert "Aborted" not in stderr and stdout == ""
    assert (workdir / "library.bib").read_bytes() == SEED
    assert not [name for name in os.listdir(workdir) if name.endswith(".tmp")]


def test_an_html_export_shows_no_bidi_override(tmp_path: Path) -> None:
    path = tmp_path / "lib.bib"
    path.write_text("@misc{a, author = {Roe, A}, title = {Evil\u202etxt.exe and \u2066isolated\u2069}, year = 2020}\n")
    result = run("-l", str(path), "export", "-f", "html", "--style", "ieee")
    assert result.exit_code == 0, result.stderr
    assert "Eviltxt.exe and isolated" in result.stdout and "\u202e" not in result.stdout
