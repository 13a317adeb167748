"""`citetool add` over real HTTP against a loopback replay of recorded Crossref responses."""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from pathlib import Path

import bibtexparser
import pytest

from citetool.bib.source import entry_source
from citetool.crossref import mapping as crossref_entry

from .conftest import DATA, REPO, read_terminal, run
from .replay import ReplayServer, Reply, recorded_works

GOLDEN = DATA / "golden"
SEED_BYTES = (REPO / "library.bib").read_bytes()


def _golden_name(doi: str) -> str:
    return "".join(char if char.isalnum() or char in ".-" else "_" for char in doi)


def _library(workdir: Path) -> str:
    return (workdir / "library.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize("doi", sorted(recorded_works()))
def test_each_recorded_work_is_appended_as_its_golden_entry(doi: str, workdir: Path, server: ReplayServer) -> None:
    golden = (GOLDEN / f"{_golden_name(doi)}.bib").read_text(encoding="utf-8")
    result = run("add", doi)
    key = re.match(r"@\w+\{([^,]+),", golden).group(1)  # type: ignore[union-attr]
    assert result.exit_code == 0, result.stderr
    assert result.stdout == key + "\n"
    assert result.stderr.endswith(f"citetool: added {key} ({doi}) to library.bib\n")
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES + b"\n" + golden.encode("utf-8")


@pytest.mark.parametrize("doi", sorted(recorded_works()))
def test_every_entry_reads_back_with_the_same_values(doi: str) -> None:
    record = json.loads(recorded_works()[doi])["message"]
    entry = crossref_entry.to_entry(record, doi)
    parsed = bibtexparser.parse_string(entry_source(entry))
    assert parsed.failed_blocks == []
    (read,) = parsed.entries
    assert read.key == entry.key
    assert {field.key: field.value for field in read.fields} == {
        name: value.source() if name == "month" else value.resolve({}) for name, value in entry.fields.items()
    }


def test_every_crossref_type_is_mapped() -> None:
    types = json.loads((DATA / "crossref" / "types.200.json").read_text())["message"]["items"]
    assert len(types) == 30
    standard = {"article", "book", "incollection", "inproceedings", "phdthesis", "techreport", "misc", "proceedings"}
    for item in types:
        assert crossref_entry.ENTRY_TYPES[item["id"]] in standard, item["id"]


def test_doi_forms_and_user_agent(workdir: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITETOOL_MAILTO", "someone@example.org")
    result = run("add", "doi:10.1038/SREP16696.", "https://doi.org/10.1016%2Fs1532-0464(03)00128-x")
    assert result.stdout == "tosatto2015single\ntable2003contents\n"
    paths = [path for path, _headers, _when in server.requests]
    assert sorted(paths) == ["/works/10.1016%2Fs1532-0464%2803%2900128-x", "/works/10.1038%2Fsrep16696"]
    agent = server.requests[0][1]["User-Agent"]
    assert "citetool/" in agent and "mailto:someone@example.org" in agent


def test_without_mailto_a_tip_says_how_to_set_it_once(workdir: Path, server: ReplayServer) -> None:
    result = run("add", "10.1038/srep16696", "10.2172/1763563")
    assert result.stderr.count("CITETOOL_MAILTO") == 1


def test_stdin_dash_reads_one_doi_per_line(workdir: Path, server: ReplayServer) -> None:
    result = run("add", "-", input="10.1038/srep16696\n\n  https://doi.org/10.2172/1763563  \n")
    assert result.stdout == "tosatto2015single\nsholander2020application\n"


def test_not_a_doi_exits_2_and_fetches_nothing(workdir: Path, server: ReplayServer) -> None:
    result = run("add", "10.1038/srep16696", "not-a-doi")
    assert result.exit_code == 2
    assert result.stderr == (
        "citetool: error: not an identifier: 'not-a-doi' "
        "(expected a DOI, an arXiv ID, an ISBN, pmid:N, PMCN or a PDF file)\n"
    )
    assert server.requests == []
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES


def test_a_doi_already_in_the_library_needs_no_network(workdir: Path) -> None:
    # CITETOOL_CROSSREF_URL points at a closed port: any request would fail.
    result = run("add", "HTTPS://DOI.ORG/10.1177/23477970251383994")
    assert result.exit_code == 0
    assert result.stdout == "belousova2025embracing\n"
    assert "already in library.bib as belousova2025embracing" in result.stderr
    assert "tip:" not in result.stderr
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES


def test_doi_found_only_as_a_doi_org_url_counts_as_present(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text("@misc{mine, title = {T}, url = {https://doi.org/10.1038/SREP16696}}\n")
    result = run("-l", str(path), "add", "10.1038/srep16696")
    assert result.stdout == "mine\n"


def test_crossref_404_falls_back_to_doi_org_content_negotiation(workdir: Path, server: ReplayServer) -> None:
    doi = "10.1126/science.169.3946.635"
    server.csl[doi] = (DATA / "crossref" / "content-negotiation" / f"{_golden_name(doi)}.citeproc.json").read_bytes()
    result = run("add", doi)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "frank1970structure\n"
    golden = (GOLDEN / f"{_golden_name(doi)}.bib").read_bytes()
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES + b"\n" + golden
    assert [path for path, _h, _t in server.requests] == [
        "/works/10.1126%2Fscience.169.3946.635",
        f"/cn/{doi.replace('/', '%2F')}",
    ]
    assert server.requests[1][1]["Accept"] == "application/vnd.citationstyles.csl+json"


def test_not_found_anywhere_exits_5_and_the_rest_is_still_added(workdir: Path, server: ReplayServer) -> None:
    result = run("add", "10.1371/notarealdoi", "10.1038/srep16696")
    assert result.exit_code == 5
    assert result.stdout == "tosatto2015single\n"
    assert "citetool: error: 10.1371/notarealdoi: not found on Crossref or doi.org\n" in result.stderr
    assert result.stderr.endswith("citetool: error: 1 of 2 failed; the others succeeded\n")
    assert "@article{tosatto2015single," in _library(workdir)


def test_429_with_retry_after_is_honoured(workdir: Path, server: ReplayServer) -> None:
    server.queue("10.1038/srep16696", Reply(429, b'{"status":"error"}', headers={"Retry-After": "1"}))
    result = run("add", "10.1038/srep16696")
    assert result.exit_code == 0, result.stderr
    (first, second) = [when for _p, _h, when in server.requests]
    assert second - first >= 0.95


@pytest.mark.parametrize(
    "fault",
    [
        Reply(500, b"oops", "text/plain"),
        Reply(503, b"busy", "text/plain"),
        Reply(drop=True),
        Reply(delay=1.5),
    ],
    ids=["500", "503", "dropped", "slow"],
)
def test_transient_faults_are_retried(fault: Reply, workdir: Path, server: ReplayServer) -> None:
    server.queue("10.1038/srep16696", fault)
    result = run("add", "--timeout", "0.5", "10.1038/srep16696")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "tosatto2015single\n"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Reply(500, b"oops", "text/plain"), "10.1038/srep16696: the server kept failing (HTTP 500)"),
        (Reply(drop=True), "10.1038/srep16696: the connection was dropped"),
        (Reply(delay=1.0), "10.1038/srep16696: no answer within 0.3 s (timed out)"),
        (Reply(200, b"<html><body>Maintenance</body></html>", "text/html"), "answered with a web page, not JSON"),
        (Reply(200, recorded_works()["10.1038/srep16696"][:300]), "broken (truncated or invalid) JSON body"),
        (Reply(400, b'{"status":"failed","message":[{"message":"bad"}]}'), "refused the request (HTTP 400)"),
    ],
    ids=["500", "dropped", "timeout", "html", "truncated", "400"],
)
def test_persistent_faults_give_one_line_and_leave_the_library_alone(
    fault: Reply, message: str, workdir: Path, server: ReplayServer
) -> None:
    server.queue("10.1038/srep16696", fault, fault)
    result = run("add", "--timeout", "0.3", "--retries", "1", "10.1038/srep16696")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES


def test_connection_refused_is_a_network_error(workdir: Path) -> None:
    result = run("add", "--retries", "0", "10.1038/srep16696")
    assert result.exit_code == 4
    assert "10.1038/srep16696: cannot connect" in result.stderr
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES


def test_cache_allows_offline_add_and_refresh_skips_it(workdir: Path, tmp_path: Path, server: ReplayServer) -> None:
    assert run("-l", str(tmp_path / "first.bib"), "add", "10.1038/srep16696").exit_code == 0
    assert len(server.requests) == 1
    second = tmp_path / "second.bib"
    result = run("-l", str(second), "add", "--offline", "10.1038/srep16696")
    assert result.exit_code == 0 and len(server.requests) == 1
    assert second.read_text() == (GOLDEN / "10.1038_srep16696.bib").read_text()
    cached = next(Path(os.environ["CITETOOL_CACHE_DIR"]).rglob("*.json"))
    assert cached.stat().st_mode & 0o777 == 0o600
    run("-l", str(tmp_path / "third.bib"), "add", "--refresh", "10.1038/srep16696")
    assert len(server.requests) == 2
    missing = run("add", "--offline", "10.2172/1763563")
    assert missing.exit_code == 4 and "not in the cache and --offline" in missing.stderr


def test_dry_run_prints_bibtex_and_writes_nothing(workdir: Path, server: ReplayServer) -> None:
    result = run("add", "--dry-run", "10.1038/srep16696")
    assert result.stdout == (GOLDEN / "10.1038_srep16696.bib").read_text() + "\n"
    assert (workdir / "library.bib").read_bytes() == SEED_BYTES


def test_key_override_clash_suffixes_and_invalid_keys(workdir: Path, server: ReplayServer) -> None:
    assert run("add", "--key", "tosatto", "10.1038/srep16696").stdout == "tosatto\n"
    bad = run("add", "--key", "has space", "10.2172/1763563")
    assert bad.exit_code == 2 and "invalid citation key 'has space'" in bad.stderr
    library = workdir / "library.bib"
    library.write_text(library.read_text() + "\n@misc{sholander2020application, title = {Taken}}\n")
    assert run("add", "10.2172/1763563").stdout == "sholander2020applicationa\n"


def test_lookups_run_concurrently_within_the_polite_pool_limit(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    works = recorded_works()
    with ReplayServer(works, delay=0.3) as replay:
        monkeypatch.setenv("CITETOOL_CROSSREF_URL", replay.url)
        monkeypatch.setenv("CITETOOL_MAILTO", "someone@example.org")
        started = time.monotonic()
        result = run("add", *sorted(works)[:9])
        elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 9
    assert replay.max_in_flight == 3
    assert elapsed < 9 * 0.3


def _add_many(replay: ReplayServer, monkeypatch: pytest.MonkeyPatch, count: int, mailto: bool = True) -> None:
    monkeypatch.setenv("CITETOOL_CROSSREF_URL", replay.url)
    if mailto:
        monkeypatch.setenv("CITETOOL_MAILTO", "someone@example.org")
    result = run("add", *sorted(replay.works)[:count])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == count


def test_the_public_pool_asks_one_at_a_time(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with ReplayServer(delay=0.1) as replay:
        _add_many(replay, monkeypatch, 4, mailto=False)
    assert replay.max_in_flight == 1
    assert "mailto:" not in replay.requests[0][1]["User-Agent"]


@pytest.mark.parametrize("announced", [2, 5])
def test_the_concurrency_a_reply_announces_is_followed(
    announced: int, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The polite pool starts 3 at a time; once a reply is back, what it announced holds.
    with ReplayServer(delay=0.4, limits=("50", "1s", str(announced))) as replay:
        _add_many(replay, monkeypatch, 9)
    assert replay.in_flight_on_arrival[:3] == [1, 2, 3]
    assert max(replay.in_flight_on_arrival[3:]) == announced


def test_the_rate_a_reply_announces_spaces_the_requests(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 2 requests per second, announced as 120 per minute.
    with ReplayServer(limits=("120", "1m", "3")) as replay:
        _add_many(replay, monkeypatch, 6)
    starts = [when for _path, _headers, when in replay.requests]
    # The first three were spaced at the starting 10/s, before any reply had come back.
    assert starts[2] - starts[0] < 0.45
    assert all(later - earlier >= 0.45 for earlier, later in itertools.pairwise(starts[3:]))


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-rate-limit-limit": "50", "x-rate-limit-interval": "1s", "x-concurrency-limit": "5"}, (50.0, 5)),
        ({"x-rate-limit-limit": "30", "x-rate-limit-interval": "1m"}, (0.5, 3)),
        ({"x-rate-limit-limit": "1000", "x-rate-limit-interval": "1s", "x-concurrency-limit": "100"}, (50.0, 8)),
        ({"x-rate-limit-limit": "ten", "x-rate-limit-interval": "soon", "x-concurrency-limit": "0"}, (10.0, 3)),
        ({}, (10.0, 3)),
    ],
    ids=["seconds", "minutes", "capped", "malformed", "absent"],
)
def test_announced_limits_are_read_and_capped(headers: dict[str, str], expected: tuple[float, int]) -> None:
    from citetool.crossref.client import Limiter

    limiter = Limiter(10.0, 3)
    limiter.announce(headers)
    assert (limiter.rate, limiter.concurrency) == expected


def test_a_broken_library_is_refused_before_any_lookup(tmp_path: Path, server: ReplayServer) -> None:
    path = tmp_path / "l.bib"
    content = b"@misc{a, title = {A}}\n@misc{a, title = {B}}\n"
    path.write_bytes(content)
    result = run("-l", str(path), "add", "10.1038/srep16696")
    assert result.exit_code == 3
    assert result.stderr == (
        f"citetool: error: {path}:2: entry 'a': duplicate key; rename or remove one of the entries (citetool rename "
        "a NEWKEY --line 2); "
        "fix the file (or pass --library) before changing it\n"
    )
    assert server.requests == []
    assert path.read_bytes() == content


def test_progress_bar_goes_to_stderr_on_a_terminal(workdir: Path, server: ReplayServer) -> None:
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "citetool", "add", "10.1038/srep16696", "10.2172/1763563"],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        cwd=workdir,
    )
    os.close(follower)
    screen = read_terminal(leader)
    stdout = proc.communicate()[0].decode()
    assert stdout == "tosatto2015single\nsholander2020application\n"
    assert "looking up DOIs" in screen
