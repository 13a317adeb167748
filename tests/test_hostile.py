"""Hostile input cannot break the library, run code, hang citetool or crash it.

A loopback server sends hostile Crossref and doi.org replies; hostile files
are imported; odd paths, keys and settings are passed.  After every case the
library is checked: it parses cleanly, the entries that were there are
byte-identical, and a following ``remove`` still works.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citetool.bib.latex import to_text
from citetool.bib.parse import parse
from citetool.crossref.client import MIN_RATE, Limiter
from citetool.crossref.mapping import to_entry
from citetool.crossref.records import Cache, Record
from citetool.library import file as library

from .conftest import REPO, need_corpora, need_programs, run
from .replay import ReplayServer, Reply

SEED = (REPO / "library.bib").read_bytes()
DOI = "10.5555/hostile"


def _work(**fields: Any) -> bytes:
    message = {"DOI": DOI, "type": "journal-article", "title": ["A hostile record"], **fields}
    message.setdefault("author", [{"family": "Mallory", "given": "Eve"}])
    message.setdefault("issued", {"date-parts": [[2024, 2]]})
    return json.dumps({"status": "ok", "message-type": "work", "message": message}).encode()


def _library_is_sound(path: Path, added: int) -> library.Library:
    """The library parses cleanly, starts with the seed's bytes, and holds ``added`` new entries."""
    data = path.read_bytes()
    assert data.startswith(SEED)
    lib = library.load(path)
    assert [problem for problem in lib.problems if problem.fatal] == []
    assert len(lib.entries) == 2 + added
    return lib


def _new_entry(lib: library.Library) -> Any:
    (entry,) = [entry for key, entry in lib.entries.items() if key not in ("belousova2025embracing", "russianational")]
    return entry


# -- values: what a reply holds cannot change what the file means ---------------------------------------------------

VALUES: list[tuple[str, dict[str, Any], str, str]] = [
    ("url-injection", {"URL": "http://e/}, note = {INJECTED"}, "url", "http://e/%7D,%20note%20=%20%7BINJECTED"),
    ("page-brace", {"page": "12}"}, "pages", "12}"),
    ("page-tex", {"page": "\\immediate\\write18{touch pwned}"}, "pages", "\\immediate\\write18{touch pwned}"),
    ("issn-brace", {"ISSN": ["1234-5678}"]}, "issn", None),  # refused as a whole: an ISSN is no place for braces
    ("url-open-brace", {"URL": "http://e/{"}, "url", "http://e/%7B"),
    ("nul-title", {"title": ["Bad\u0000title"], "author": [{"family": "A\u0000B", "given": "C"}]}, "title", "Badtitle"),
    ("article-number", {"article-number": "e1}\\input{/etc/passwd}"}, "pages", "e1}\\input{/etc/passwd}"),
]  # type: ignore[list-item]


@pytest.mark.parametrize(("case", "fields", "field", "text"), VALUES, ids=[case[0] for case in VALUES])
def test_a_hostile_value_is_stored_with_its_meaning_or_refused(
    case: str, fields: dict[str, Any], field: str, text: str | None, workdir: Path, server: ReplayServer
) -> None:
    server.queue(DOI, Reply(body=_work(**fields)))
    result = run("add", DOI)
    path = workdir / "library.bib"
    if text is None:
        assert result.exit_code == 4 and "cannot be stored as it is" in result.stderr
        assert path.read_bytes() == SEED
        return
    assert result.exit_code == 0, result.stderr
    lib = _library_is_sound(path, 1)
    entry = _new_entry(lib)
    assert "note" not in entry.fields and set(entry.fields) <= {"author", "title", "journal", "year", "month",
                                                                  "pages", "doi", "url", "issn"}  # fmt: skip
    shown = entry.text(field) if field == "url" else to_text(entry.text(field) or "")
    assert shown == text
    assert b"\x00" not in path.read_bytes()
    checked = run("check")
    assert "TeX that can run programs" not in checked.stdout
    assert run("remove", entry.key, "--yes").exit_code == 0
    assert path.read_bytes() == SEED


REFUSED: list[tuple[str, Reply, str]] = [
    ("error-body", Reply(body=b'{"status":"error","message-type":"exception","message":"boom"}'), "not a work record"),
    ("empty-record", Reply(body=b'{"status":"ok","message-type":"work","message":{}}'), "not a work record"),
    ("another-doi", Reply(body=_work(DOI="10.5555/other")), "the record of another DOI"),
    ("infinity", Reply(body=_work().replace(b'"journal-article"', b'"journal-article", "volume": Infinity')),
     "holds Infinity"),
    ("surrogate", Reply(body=_work().replace(b"A hostile record", b"A \\ud800 record")), "lone surrogate"),
    ("deep", Reply(body=b'{"status":"ok","message-type":"work","message":' + b"[" * 5000 + b"]" * 5000 + b"}"),
     "nested more than"),
    ("too-big", Reply(body=_work(abstract="x" * (17 * 2**20))), "larger than 16 MiB"),
    ("gzip-bomb", Reply(body=gzip.compress(b" " * (40 * 2**20)), headers={"Content-Encoding": "gzip"}),
     "larger than 16 MiB"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "reply", "message"), REFUSED, ids=[case[0] for case in REFUSED])
def test_a_reply_that_is_not_a_work_record_is_refused_and_the_batch_goes_on(
    case: str, reply: Reply, message: str, workdir: Path, server: ReplayServer
) -> None:
    server.queue(DOI, reply, reply)
    result = run("add", "--retries", "0", DOI, "10.1038/srep16696")
    assert result.exit_code == 4, result.stderr
    assert message in result.stderr
    assert result.stdout == "tosatto2015single\n"  # the other DOI of the batch was added
    lib = _library_is_sound(workdir / "library.bib", 1)
    assert not any(entry.key.startswith("anon") for entry in lib.entries.values())
    assert run("remove", "tosatto2015single", "--yes").exit_code == 0
    assert (workdir / "library.bib").read_bytes() == SEED


def test_a_dripping_server_cannot_hold_a_lookup_past_its_deadline(
    workdir: Path, server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CITETOOL_DEADLINE", "2")
    server.queue(DOI, Reply(body=_work(), drip=0.05))  # each byte well within --timeout: only the deadline stops it
    result = run("add", "--timeout", "5", "--retries", "0", DOI)
    assert result.exit_code == 4
    assert "no complete answer within 2 s" in result.stderr
    assert (workdir / "library.bib").read_bytes() == SEED


def test_doi_org_redirects_are_followed_only_to_registration_agencies(workdir: Path, server: ReplayServer) -> None:
    server.queue("10.5555/moved", Reply(404, b"Resource not found.", "text/plain"),
                 Reply(302, b"", headers={"Location": "https://evil.example/works/10.5555/moved"}))  # fmt: skip
    result = run("add", "--retries", "0", "10.5555/moved")
    assert result.exit_code == 4
    assert "sent the request on to evil.example, which is not a registration agency's API" in result.stderr
    assert (workdir / "library.bib").read_bytes() == SEED


def test_an_announced_rate_has_a_floor_and_a_ceiling() -> None:
    limiter = Limiter(5.0, 1)
    limiter.announce({"x-rate-limit-limit": "1", "x-rate-limit-interval": "3600000000s", "x-concurrency-limit": "0"})
    assert limiter.rate == MIN_RATE and limiter.concurrency == 1
    limiter.announce({"x-rate-limit-limit": "100000", "x-rate-limit-interval": "1s", "x-concurrency-limit": "999"})
    assert limiter.rate == 50.0 and limiter.concurrency == 8


@pytest.mark.parametrize("argument", ["10.9999/ok{x", "10.9999/ok}x", "10.9999/a\\b", "10.9999/a%00b"])
def test_a_doi_no_bibtex_value_can_hold_is_not_a_doi(argument: str, workdir: Path) -> None:
    result = run("add", argument)
    assert result.exit_code == 2 and "not a DOI" in result.stderr
    assert (workdir / "library.bib").read_bytes() == SEED


# -- properties: any record, any import ----------------------------------------------------------------------------

#: Pieces of hostile strings: LaTeX specials, control characters, bidi overrides, surrogates, TeX that runs.
PIECES = [*"aZé{}\\%$#&_~^@,=\"' \n\t\x00\x01\x1b\u2028\u202e\ud800", "\\write18", "\\input{/etc/passwd}",
          "}, note = {x", "@misc{", "--", "^^5c", "\\catcode"]  # fmt: skip
HOSTILE = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)
#: What a record can hold once it is JSON read by citetool: no lone surrogates (the reader refuses them, above).
RECORD_TEXT = st.lists(st.sampled_from([piece for piece in PIECES if piece != "\ud800"]), min_size=1,
                       max_size=12).map("".join)  # fmt: skip


def _record(strings: list[str]) -> dict[str, Any]:
    title, family, given, journal, page, url, volume, issn, publisher = (strings * 9)[:9]
    return {"DOI": DOI, "type": "journal-article", "title": [title], "author": [{"family": family, "given": given}],
            "container-title": [journal], "page": page, "URL": "http://x/" + url, "volume": volume, "ISSN": [issn],
            "publisher": publisher, "issued": {"date-parts": [[2024]]}}  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(strings=st.lists(RECORD_TEXT, min_size=9, max_size=9),
       corpus=st.sampled_from(["large/aibasel-bib/crossref-short.bib", "large/plume-bib/macros.bib",
                               "tricky-bib/biber-tdata/uniqueness4.bib"]))  # fmt: skip
def test_any_hostile_record_added_to_a_real_library_is_exactly_the_entry_meant(
    strings: list[str], corpus: str, tmp_path: Path
) -> None:
    source = need_corpora() / corpus
    path = tmp_path / "library.bib"
    path.write_bytes(source.read_bytes())
    before = path.read_bytes()
    record = _record(strings)
    cache = Cache(Path(os.environ["CITETOOL_CACHE_DIR"]))
    try:
        meant = to_entry(record, DOI, {key.lower() for key in library.load(path).keys})
    except Exception:
        meant = None
    cache.put(Record(DOI, "crossref", record))
    result = run("-l", str(path), "add", "--offline", DOI)
    after = path.read_bytes()
    if meant is None:
        assert result.exit_code != 0 and after == before
        return
    assert result.exit_code == 0, result.stderr
    assert after.startswith(before)
    lib = library.load(path)
    assert [problem for problem in lib.problems if problem.fatal] == []
    added = parse(after[len(before) :].decode("utf-8"))
    (entry,) = added.entries.values()
    assert (entry.key, entry.entry_type, entry.fields) == (meant.key, meant.entry_type, meant.fields)
    assert b"\x00" not in after[len(before) :]


RIS_VALUE = HOSTILE.filter(lambda text: "\n" not in text and text.strip() != "")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=RIS_VALUE, author=RIS_VALUE, pages=RIS_VALUE, url=RIS_VALUE)
def test_any_hostile_ris_or_csl_json_import_leaves_old_entries_byte_for_byte(
    title: str, author: str, pages: str, url: str, tmp_path: Path
) -> None:
    path = tmp_path / "library.bib"
    path.write_bytes(SEED)
    ris = tmp_path / "in.ris"
    ris.write_text(f"TY  - JOUR\nTI  - {title}\nAU  - {author}\nSP  - {pages}\nUR  - {url}\nER  - \n", encoding="utf-8",
                   errors="surrogatepass")  # fmt: skip
    csl = tmp_path / "in.json"
    item = {"id": "x" + str(abs(hash(title)) % 1000), "type": "article-journal", "title": title,
            "author": [{"family": author}], "page": pages, "URL": "http://x/" + url}  # fmt: skip
    csl.write_text(json.dumps([item]), encoding="utf-8")
    for source in (ris, csl):
        result = run("-l", str(path), "import", str(source))
        data = path.read_bytes()
        assert data.startswith(SEED)
        lib = library.load(path)
        assert [problem for problem in lib.problems if problem.fatal] == [], result.stderr
        if result.exit_code == 0:
            assert b"\x00" not in data
            assert all(b"\\write18" not in line or b"\\textbackslash{}write18" in line for line in data.splitlines())


# -- TeX from hostile records runs nothing -------------------------------------------------------------------------


@pytest.mark.tex
def test_a_library_of_hostile_records_builds_with_shell_escape_and_runs_nothing(tmp_path: Path) -> None:
    need_programs("pdflatex", "bibtex")
    marker = tmp_path / "PWNED"
    payload = f"\\immediate\\write18{{touch {marker}}}\\input{{/etc/passwd}}"
    cache = Cache(Path(os.environ["CITETOOL_CACHE_DIR"]))
    dois = []
    for index, field in enumerate(["title", "page", "volume", "publisher", "container-title", "URL", "issue"]):
        doi = f"10.5555/pwn{index}"
        record: dict[str, Any] = {"DOI": doi, "type": "journal-article", "title": ["T"],
                                  "issued": {"date-parts": [[2020]]}}  # fmt: skip
        record[field] = [payload] if field in ("title", "container-title") else payload
        cache.put(Record(doi, "crossref", record))
        dois.append(doi)
    path = tmp_path / "library.bib"
    added = run("-l", str(path), "add", "--offline", *dois)
    assert added.exit_code == 0, added.stderr
    assert run("-l", str(path), "check").stdout.count("TeX that can run programs") == 0
    (tmp_path / "refs.bib").write_text(run("-l", str(path), "export", "-f", "bibtex").stdout)
    (tmp_path / "paper.tex").write_text("\\documentclass{article}\\usepackage{url}\\begin{document}\\nocite{*}"
                                        "\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n")  # fmt: skip
    for command in (["pdflatex", "-shell-escape", "-interaction=nonstopmode", "paper"], ["bibtex", "paper"],
                    ["pdflatex", "-shell-escape", "-interaction=nonstopmode", "paper"]):  # fmt: skip
        subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=300, check=False)
    assert (tmp_path / "paper.pdf").exists()
    assert not marker.exists()
    assert "root:" not in (tmp_path / "paper.log").read_text(errors="replace")


def test_check_reports_executing_tex_in_hand_written_entries(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text("@misc{a, title = {T}, note = {\\immediate\\write18{rm -rf x}}}\n"
                    "@misc{b, title = {Use of the {\\tt\\char`\\\\write18} feature}}\n")  # fmt: skip
    result = run("-l", str(path), "check")
    assert result.exit_code == 9
    assert "entry 'a' field 'note': holds \\immediate, \\write, TeX that can run programs" in result.stdout
    assert "entry 'b' field 'title'" not in result.stdout  # a title about \write18 is text, not the command
    imported = run("-l", str(tmp_path / "new.bib"), "import", str(path))
    assert imported.exit_code == 8 and "holds \\immediate, \\write" in imported.stderr


# -- the user's file stays theirs ------------------------------------------------------------------------------------


def test_a_symlinked_library_is_written_through_and_keeps_its_link(workdir: Path, server: ReplayServer) -> None:
    target = workdir / "real.bib"
    (workdir / "library.bib").rename(target)
    (workdir / "library.bib").symlink_to(target)
    assert run("add", "10.1038/srep16696").exit_code == 0
    assert (workdir / "library.bib").is_symlink()
    assert "tosatto2015single" in target.read_text()


def test_hard_links_read_only_devices_fifos_and_the_library_as_output_are_refused(workdir: Path) -> None:
    path = workdir / "library.bib"
    os.link(path, workdir / "other-name.bib")
    result = run("remove", "russianational", "--yes")
    assert result.exit_code == 7 and "hard links" in result.stderr
    os.unlink(workdir / "other-name.bib")
    os.chmod(path, 0o444)
    result = run("remove", "russianational", "--yes")
    assert result.exit_code == 7 and "is read-only" in result.stderr  # even for root, even in a writable folder
    os.chmod(path, 0o644)
    os.mkfifo(workdir / "fifo.bib")
    assert run("-l", str(workdir / "fifo.bib"), "show").exit_code == 3  # refused, never opened (it would block)
    assert run("-l", "/dev/null", "remove", "x", "--yes").exit_code == 3
    exported = run("export", "-o", "/dev/null")
    assert exported.exit_code == 7 and "is not a regular file" in exported.stderr
    onto = run("export", "-f", "ris", "-o", str(path))
    assert onto.exit_code == 2 and "that is the library itself" in onto.stderr
    assert path.read_bytes() == SEED
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_an_editors_save_during_an_edit_is_never_lost(workdir: Path) -> None:
    from citetool.library.guard import Intent

    path = workdir / "library.bib"
    saved = SEED + b"\n@misc{editor, title = {Saved by an editor}}\n"
    attempts: list[int] = []

    def remove_one(lib: library.Library) -> tuple[bytes, None, Intent]:
        attempts.append(1)
        if len(attempts) == 1:
            path.write_bytes(saved)  # the editor saves while citetool works on the old read
        return lib.removed(["russianational"]), None, Intent(removed=["russianational"])

    library.edit(path, remove_one)
    assert len(attempts) == 2
    lib = library.load(path)
    assert set(lib.entries) == {"belousova2025embracing", "editor"}


def test_keys_are_compared_without_case(workdir: Path, server: ReplayServer, tmp_path: Path) -> None:
    path = workdir / "library.bib"
    path.write_bytes(SEED + b"\n@misc{TOSATTO2015SINGLE, title = {Other}}\n")
    assert run("add", "10.1038/srep16696").stdout == "tosatto2015singlea\n"
    other = tmp_path / "in.bib"
    other.write_text("@misc{Belousova2025Embracing, title = {Different work}, year = 1999}\n")
    imported = run("import", str(other))
    assert imported.exit_code == 0 and "key Belousova2025Embracing is taken" in imported.stderr
    clash = tmp_path / "clash.bib"
    clash.write_text("@misc{smith2020, title = {A}}\n@misc{Smith2020, title = {B}}\n")
    checked = run("-l", str(clash), "check")
    assert checked.exit_code == 9 and "'smith2020' differs only in case" in checked.stdout


@pytest.mark.parametrize("key", ["@comment", "k$x", "a" * 101, "with space", "ünïcode", "-lead"])
def test_key_accepts_only_what_its_message_allows(key: str, workdir: Path, server: ReplayServer) -> None:
    result = run("add", "--key", key, "10.1038/srep16696")
    assert result.exit_code == 2 and "invalid citation key" in result.stderr
    assert len(result.stderr) < 400 and (workdir / "library.bib").read_bytes() == SEED


def test_a_library_with_a_nul_byte_can_be_read_checked_and_mended(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_bytes(b"@misc{good, title = {Good}}\n\n@misc{bad, title = {Bad\x00title}}\n")
    shown = run("-l", str(path), "show")
    assert shown.exit_code == 0 and "bad" in shown.stdout
    said = "entry 'bad': holds the control character U+0000; delete it (an editor, or citetool remove bad)"
    assert f"l.bib:3: {said}" in shown.stderr
    assert f"l.bib:3: warning: {said}" in run("-l", str(path), "check").stdout
    assert run("-l", str(path), "remove", "bad", "--yes").exit_code == 0
    assert path.read_bytes() == b"@misc{good, title = {Good}}\n"
    binary = tmp_path / "paper.pdf"
    binary.write_bytes(b"%PDF-1.5\n" + b"\x00" * 100)
    assert run("-l", str(binary), "show").exit_code == 3


# -- the cache is private and checked --------------------------------------------------------------------------------


def test_the_cache_is_private_whatever_the_umask_and_whatever_was_there(workdir: Path, server: ReplayServer) -> None:
    root = Path(os.environ["CITETOOL_CACHE_DIR"])
    works = root / "works"
    works.mkdir(parents=True, mode=0o777)
    os.chmod(root, 0o755)
    os.chmod(works, 0o777)
    stale = works / "10.1038%2Fsrep16696.json"
    stale.write_text("{}")
    os.chmod(stale, 0o644)
    old = os.umask(0)
    try:
        assert run("add", "10.1038/srep16696").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700 and stat.S_IMODE(os.stat(works).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(stale).st_mode) == 0o600


def test_a_hand_made_cache_record_is_checked_like_a_reply(workdir: Path) -> None:
    cache = Cache(Path(os.environ["CITETOOL_CACHE_DIR"]))
    cache.put(Record(DOI, "crossref", {"DOI": DOI, "type": "journal-article", "title": ["T"],
                                       "URL": "http://e/}, note = {INJECTED"}))  # fmt: skip
    cache.put(Record("10.5555/error", "crossref", {"status": "error"}))
    added = run("add", "--offline", DOI, "10.5555/error")
    assert added.exit_code == 4 and "not in the cache" in added.stderr  # the error body is no record at all
    entry = _new_entry(_library_is_sound(workdir / "library.bib", 1))
    assert "note" not in entry.fields


def test_find_results_are_not_cached_as_full_records(workdir: Path, server: ReplayServer) -> None:
    assert run("find", "ecology").exit_code == 0
    assert not (Path(os.environ["CITETOOL_CACHE_DIR"]) / "works").exists()


# -- no internal error on any input ----------------------------------------------------------------------------------


def test_no_internal_error_on_odd_input(tmp_path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases: list[tuple[list[str], int]] = []
    keys = tmp_path / "keys.bib"
    keys.write_text("@misc{a&b<c>, title = {T}}\n")
    cases.append((["-l", str(keys), "export", "-f", "html"], 0))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000)
    cases.append((["import", str(deep)], 8))
    infinite = tmp_path / "inf.json"
    infinite.write_text('[{"id": "x", "title": "T", "volume": NaN}]')
    cases.append((["import", str(infinite)], 8))
    long_name = tmp_path / ("x" * 250 + ".bib")
    shutil.copy(workdir / "library.bib", long_name)
    cases.append((["-l", str(long_name), "remove", "russianational", "--yes"], 7))
    cases.append((["export", "-f", "html", "--style", "a" * 5000], 2))
    cases.append((["add", "--timeout", "inf", "10.5555/x"], 2))
    cases.append((["-l", "a\x01b", "show"], 2))
    cases.append((["-l", "a\x00b", "show"], 2))
    cases.append((["export", "--aux", "a\x01b"], 2))
    lock = workdir / ".library.bib.lock"
    lock.mkdir()
    cases.append((["remove", "russianational", "--yes"], 7))
    for args, code in cases:
        result = run(*args)
        assert result.exit_code == code, (args[:4], result.exit_code, result.stderr[-300:])
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    lock.rmdir()
    monkeypatch.setenv("CITETOOL_CROSSREF_URL", "ht!tp://[bad")
    bad_url = run("add", "--retries", "0", "10.5555/x")  # named before any request (issue #28: exit 2, not 4)
    assert bad_url.exit_code == 2 and "CITETOOL_CROSSREF_URL='ht!tp://[bad'" in bad_url.stderr
    deep_toml = tmp_path / "deep.toml"
    deep_toml.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    monkeypatch.setenv("CITETOOL_CONFIG", str(deep_toml))
    config = run("config")
    assert config.exit_code == 6 and "internal error" not in config.stderr


def test_citetool_debug_zero_means_no_traceback(workdir: Path) -> None:
    command = [sys.executable, "-m", "citetool", "-l", "missing.bib", "show"]
    for value in ("0", "false", "no", ""):
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                                env={**os.environ, "CITETOOL_DEBUG": value})  # fmt: skip
        assert result.returncode == 1 and "Traceback" not in result.stderr, value
    loud = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "CITETOOL_DEBUG": "yes"})  # fmt: skip
    assert "Traceback" in loud.stderr


def test_owner_group_and_mode_are_kept_when_root_writes(workdir: Path, server: ReplayServer) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    path = workdir / "library.bib"
    os.chown(path, 65534, 65534)
    os.chmod(path, 0o640)
    assert run("add", "10.1038/srep16696").exit_code == 0
    info = os.stat(path)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)
    assert "tosatto2015single" in path.read_text()
