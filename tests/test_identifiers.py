"""`citetool add` for arXiv IDs, ISBNs, PMIDs, PMCIDs and PDFs, and `citetool upgrade`, over real HTTP.

The services are replayed from a loopback server (tests/ids_replay.py) holding
real recorded replies (tests/data/ids/SOURCES.md).
"""

from __future__ import annotations

import json
import re
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import pytest

from citetool.identifiers import detect

from .conftest import CLOSED_PORT_URL, DATA, need, need_programs, run
from .ids_replay import SHARED_OPEN_LIBRARY, IdsServer
from .replay import ReplayServer, Reply, recorded_works


@pytest.fixture
def ids(monkeypatch: pytest.MonkeyPatch) -> Iterator[IdsServer]:
    with IdsServer() as replay:
        for name in ("ARXIV", "OPENLIBRARY", "GOOGLEBOOKS", "NCBI", "PMC"):
            monkeypatch.setenv(f"CITETOOL_{name}_URL", replay.url)
        yield replay


def _entries(workdir: Path) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string((workdir / "library.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    return {entry.key: {field.key.lower(): field.value for field in entry.fields} | {"@type": entry.entry_type}
            for entry in library.entries}  # fmt: skip


# -- recognising ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind", "value"), [
    ("arXiv:2101.00001", "arxiv", "2101.00001"),
    ("2101.00001v2", "arxiv", "2101.00001v2"),
    ("hep-th/9901001", "arxiv", "hep-th/9901001"),
    ("math.GT/0309136", "arxiv", "math.GT/0309136"),
    ("https://arxiv.org/abs/2104.12255v1", "arxiv", "2104.12255v1"),
    ("http://arxiv.org/pdf/1312.2021.pdf", "arxiv", "1312.2021"),
    ("https://arxiv.org/pdf/quant-ph/0201082v1", "arxiv", "quant-ph/0201082v1"),
    ("10.48550/arXiv.2311.16162", "arxiv", "2311.16162"),
    ("https://doi.org/10.48550/ARXIV.2311.16162", "arxiv", "2311.16162"),
    ("0704.0001", "arxiv", "0704.0001"),
    ("978-0-00-811749-8", "isbn", "9780008117498"),
    ("978 0 00 811749 8", "isbn", "9780008117498"),
    ("0099560437", "isbn", "9780099560432"),
    ("isbn:0-09-956043-7", "isbn", "9780099560432"),
    ("ISBN 207042779X", "isbn", "9782070427796"),
    ("pmid:23121403", "pmid", "23121403"),
    ("PMID: 23121403", "pmid", "23121403"),
    ("https://pubmed.ncbi.nlm.nih.gov/23121403/", "pmid", "23121403"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/9997", "pmid", "9997"),
    ("PMC5442267", "pmcid", "PMC5442267"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC2883744/", "pmcid", "PMC2883744"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC2883744/", "pmcid", "PMC2883744"),
    ("doi:10.1038/SREP16696", "doi", "10.1038/srep16696"),
])  # fmt: skip
def test_every_form_is_recognised(text: str, kind: str, value: str) -> None:
    assert detect.parse(text) == detect.Identifier(kind, value)


@pytest.mark.parametrize("text", [
    "978-0-00-811749-9",  # check digit wrong
    "0099560438",  # ISBN-10 check digit wrong
    "notes/1234567",  # not an arXiv archive
    "12345678",  # a bare number is no PMID
    "PMC",
    "hello",
])  # fmt: skip
def test_what_is_none_of_them_is_refused_before_anything_is_fetched(text: str, workdir: Path, ids: IdsServer) -> None:
    before = (workdir / "library.bib").read_bytes()
    result = run("add", "1312.2021", text)
    assert result.exit_code == 2
    assert result.stderr.startswith("citetool: error: not an identifier:") and result.stderr.count("\n") == 1
    assert ids.requests == []
    assert (workdir / "library.bib").read_bytes() == before


@pytest.mark.parametrize(("text", "why"), [
    ("0703.1234", "the YYMM.NNNN scheme began in April 2007"),
    ("1501.0001", "IDs of 2015 have 5 digits after the dot, not 4"),
    ("0808.05394", "IDs of 2008 have 4 digits after the dot, not 5"),
    ("arXiv:2113.00001", "no month 13 in 2113"),
])  # fmt: skip
def test_an_arxiv_id_that_cannot_exist_fails_alone_and_the_others_are_added(text: str, why: str, workdir: Path,
                                                                             ids: IdsServer) -> None:  # fmt: skip
    result = run("add", "1312.2021", text)
    assert result.exit_code == 5, result.stderr
    assert result.stdout == "cooper2013living\n"
    shown = text.removeprefix("arXiv:")
    assert f"citetool: error: arXiv:{shown}: not found (no such arXiv ID: {why})" in result.stderr
    assert result.stderr.endswith("citetool: error: 1 of 2 failed; the others succeeded\n")
    (path,) = [path for route, path, _ in ids.requests if route == "arxiv"]
    assert shown not in path  # never asked about


# -- arXiv ------------------------------------------------------------------------------------------------

def test_an_arxiv_preprint_becomes_a_misc_entry_with_its_eprint_fields(workdir: Path, ids: IdsServer) -> None:
    result = run("add", "arXiv:1312.2021")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "cooper2013living\n"
    entry = _entries(workdir)["cooper2013living"]
    assert entry["@type"] == "misc"
    assert entry["author"] == "Cooper, Patrick and Dubovsky, Sergei and Mohsen, Ali"
    assert entry["title"] == "Living with the Wrong Sign"
    assert (entry["year"], entry["month"]) == ("2013", "dec")
    assert entry["eprint"] == "1312.2021" and entry["archiveprefix"] == "arXiv" and entry["primaryclass"] == "hep-th"
    assert entry["doi"] == "10.48550/arxiv.1312.2021" and entry["url"] == "https://arxiv.org/abs/1312.2021"
    assert "version" not in entry  # none was asked for: no "Version 1" in every biblatex and APA reference
    # The record names its published version: said on stderr, with the way to get it.
    assert "arXiv:1312.2021 was published (Phys. Rev. D 89, 084044 (2014), 10.1103/PhysRevD.89.084044)" in result.stderr
    assert "--published" in result.stderr
    (path,) = [path for route, path, _ in ids.requests if route == "arxiv"]
    assert "id_list=1312.2021" in path


def test_arxiv_ids_of_both_schemes_go_in_one_batched_request(workdir: Path, ids: IdsServer) -> None:
    result = run("add", "1605.08386", "math/0211159", "quant-ph/0201082v1", "https://arxiv.org/abs/2104.12255v1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "stanley2016heat\nperelman2002entropy\nblaha2002quantum\nnguyen2021\n"
    assert ids.routes() == ["arxiv"]
    entries = _entries(workdir)
    assert entries["perelman2002entropy"]["eprint"] == "math/0211159"
    assert entries["perelman2002entropy"]["primaryclass"] == "math.DG"
    assert entries["blaha2002quantum"]["version"] == "1"  # asked for as quant-ph/0201082v1
    assert "version" not in entries["stanley2016heat"]
    assert entries["nguyen2021"]["title"] == "0"
    assert "awarded \\$35,000 in total" in (workdir / "library.bib").read_text()  # a dollar, not math


def test_34_authors_and_non_ascii_names_are_kept(workdir: Path, ids: IdsServer) -> None:
    assert run("add", "1707.08567").exit_code == 0
    (entry,) = [entry for key, entry in _entries(workdir).items() if key.startswith("immink2017")]
    names = entry["author"].split(" and ")
    assert len(names) == 34 and "Wübben, Dirk" in names and "van der Putten, Joost" in names


def test_a_title_with_math_keeps_it_as_math() -> None:
    from citetool.sources import arxiv, entries, xml

    feed = xml.parse((DATA / "ids" / "arxiv" / "search-testing-start20-max10.atom.xml").read_bytes(), "t", "a feed")
    records = [arxiv.read_entry(entry) for entry in feed.iter(arxiv.ATOM + "entry")]
    (record,) = [record for record in records if record and record["number"] == "2306.03845v1"]
    entry = entries.to_entry("arxiv", record)
    assert entry.fields["title"].source() == "{$ω$Test: {WebView}-Oriented Testing for Android Applications}"


@pytest.mark.parametrize(("reply", "code", "message"), [
    (Reply(400, (DATA / "ids" / "arxiv" / "abc.error.atom.xml").read_bytes(), "application/atom+xml"), 5,
     "arXiv:1605.08386: not found on arXiv (incorrect id format for abc)"),
    (Reply(200, (DATA / "ids" / "arxiv" / "0808.05394.empty.atom.xml").read_bytes(), "application/atom+xml"), 5,
     "arXiv:1605.08386: not found on arXiv"),
    (Reply(200, b"<html><body>Service Unavailable</body></html>", "text/html"), 4,
     "arXiv:1605.08386: the server answered with a web page, not an Atom feed"),
    (Reply(200, b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><feed>&b;</feed>',
           "application/atom+xml"), 4, "arXiv:1605.08386: the server's XML declares entities; refused"),
    (Reply(200, (DATA / "ids" / "arxiv" / "1605.08386.atom.xml").read_bytes()[:900], "application/atom+xml"), 4,
     "arXiv:1605.08386: the server sent broken (truncated or invalid) XML"),
])  # fmt: skip
def test_arxiv_errors_are_one_line_and_write_nothing(
    reply: Reply, code: int, message: str, workdir: Path, ids: IdsServer
) -> None:
    before = (workdir / "library.bib").read_bytes()
    ids.queue("arxiv", reply)
    result = run("add", "--retries", "0", "1605.08386")
    assert result.exit_code == code
    assert result.stderr.startswith(f"citetool: error: {message}") and result.stderr.count("\n") == 1, result.stderr
    assert (workdir / "library.bib").read_bytes() == before


def test_arxiv_is_asked_at_most_once_every_3_seconds(workdir: Path, ids: IdsServer) -> None:
    ids.queue("arxiv", Reply(503, b"busy", "text/plain", headers={"Retry-After": "0"}))
    result = run("add", "1605.08386")
    assert result.exit_code == 0, result.stderr
    (first, second) = [when for route, _path, when in ids.requests if route == "arxiv"]
    assert second - first >= 2.9


# -- duplicates across identifiers -------------------------------------------------------------------------

def test_an_arxiv_id_already_held_is_not_added_again_in_any_form(workdir: Path, ids: IdsServer) -> None:
    assert run("add", "1312.2021").exit_code == 0
    ids.requests.clear()
    for form in ("arXiv:1312.2021v1", "10.48550/arXiv.1312.2021", "https://arxiv.org/pdf/1312.2021v2"):
        result = run("add", form)
        assert result.exit_code == 0 and result.stdout == "cooper2013living\n", form
        assert "is already in library.bib as cooper2013living" in result.stderr
    assert ids.requests == []


def test_an_isbn_held_in_either_form_and_a_pmid_held_are_found_without_the_network(workdir: Path) -> None:
    with (workdir / "library.bib").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n@book{asimov, title = {Foundation}, isbn = {0-00-811749-7}}\n"
            "@article{aspirin, title = {Low-dose aspirin}, pmid = {23121403}, pmcid = {5442267}}\n"
        )
    result = run("add", "9780008117498", "pmid:23121403", "PMC5442267")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "asimov\naspirin\naspirin\n"


def test_a_pubmed_record_whose_doi_is_held_is_that_entry(workdir: Path, ids: IdsServer) -> None:
    with (workdir / "library.bib").open("a", encoding="utf-8") as handle:
        handle.write("\n@article{held, title = {Magnetic studies}, doi = {10.1016/0005-2795(76)90109-4}}\n")
    before = (workdir / "library.bib").read_bytes()
    result = run("add", "pmid:9997")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "held\n"
    assert (workdir / "library.bib").read_bytes() == before


# -- books ------------------------------------------------------------------------------------------------

def test_google_books_answers_when_open_library_has_nothing(workdir: Path, ids: IdsServer) -> None:
    result = run("add", "isbn:0099560437")
    assert result.exit_code == 0, result.stderr
    assert ids.routes() == ["openlibrary", "googlebooks"]
    entry = _entries(workdir)[result.stdout.strip()]
    assert entry["@type"] == "book"
    assert (entry["author"], entry["title"], entry["publisher"], entry["year"]) == (
        "Cline, Ernest", "Ready Player One", "Random House", "2012")  # fmt: skip
    assert entry["isbn"] == "9780099560432" and entry["pagetotal"] == "388"
    assert entry["url"].startswith("https://books.google.com/books/about/Ready_Player_One.html")


def test_a_page_count_of_zero_is_no_page_count(workdir: Path, ids: IdsServer) -> None:
    result = run("add", "978-0-00-811749-8")
    entry = _entries(workdir)[result.stdout.strip()]
    assert (entry["title"], entry["year"], entry["month"]) == ("Foundation", "2016", "sep")
    assert "pagetotal" not in entry


def test_open_library_is_asked_first(workdir: Path, ids: IdsServer) -> None:
    need((SHARED_OPEN_LIBRARY / "openlibrary-9782070427796.json").is_file(),
         "the Open Library reply (Anti-Capitalist licence) is read in place from ../shared only")  # fmt: skip
    result = run("add", "207042779X")
    assert result.exit_code == 0, result.stderr
    assert ids.routes() == ["openlibrary"]
    entry = _entries(workdir)["quignard2002ombres"]
    assert (entry["title"], entry["publisher"], entry["address"], entry["year"]) == (
        "Les ombres errantes", "Gallimard", "Paris", "2002")  # fmt: skip
    assert entry["isbn"] == "9782070427796"
    assert entry["url"] == "https://openlibrary.org/books/OL16262504M/Les_ombres_errantes"


def test_an_isbn_nobody_knows_is_not_found(workdir: Path, ids: IdsServer) -> None:
    result = run("add", "978-3-16-148410-0")
    assert result.exit_code == 5
    assert result.stderr == "citetool: error: ISBN 9783161484100: not found on Open Library or Google Books\n"


# -- PubMed and PMC ---------------------------------------------------------------------------------------

def test_a_pubmed_article_with_a_collective_author(workdir: Path, ids: IdsServer) -> None:
    result = run("add", "PMID: 23121403")
    assert result.exit_code == 0, result.stderr
    entry = _entries(workdir)["brighton2012low"]
    assert entry["@type"] == "article"
    assert entry["author"].endswith("and Simes, John and {ASPIRE Investigators}")
    assert entry["title"] == "Low-dose aspirin for preventing recurrent venous thromboembolism"
    assert (entry["journal"], entry["volume"], entry["number"], entry["pages"]) == (
        "The New England journal of medicine", "367", "21", "1979--1987")  # fmt: skip
    assert (entry["year"], entry["month"], entry["doi"], entry["pmid"]) == (
        "2012", "nov", "10.1056/nejmoa1210384", "23121403")  # fmt: skip
    assert entry["abstract"].startswith("BACKGROUND: Patients who have had")
    assert " METHODS: We randomly assigned" in entry["abstract"]
    (path,) = [path for route, path, _ in ids.requests]
    assert "db=pubmed" in path and "id=23121403" in path and "retmode=xml" in path and "tool=citetool" in path


def test_pmids_are_fetched_in_one_request_and_a_missing_one_fails_alone(workdir: Path, ids: IdsServer) -> None:
    result = run("add", "pmid:12091962", "pmid:9997", "pmid:37909814")
    assert result.exit_code == 5
    assert result.stdout == "olivero1990treatment\nstrekas1976magnetic\n"
    assert "PMID 37909814: not found on PubMed" in result.stderr
    assert ids.routes() == ["efetch"]
    assert "id=12091962%2C9997%2C37909814" in ids.requests[0][1] or "id=12091962,9997,37909814" in ids.requests[0][1]
    entries = _entries(workdir)
    assert "doi" not in entries["olivero1990treatment"]  # the record has none, and none is invented
    assert entries["strekas1976magnetic"]["doi"] == "10.1016/0005-2795(76)90109-4"


def test_a_pmcid_goes_through_the_id_converter(workdir: Path, ids: IdsServer) -> None:
    result = run("add", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC5442267/")
    assert result.exit_code == 0, result.stderr
    assert ids.routes() == ["idconv", "efetch"]
    entry = _entries(workdir)[result.stdout.strip()]
    assert (entry["pmid"], entry["pmcid"]) == ("27797938", "PMC5442267")
    assert entry["title"].startswith("Leucocyte telomere length, genetic variants at the \\textit{{TERT}} gene")


def test_the_id_converter_error_body_is_not_found(workdir: Path, ids: IdsServer) -> None:
    result = run("add", "PMC28371833")
    assert result.exit_code == 5
    assert result.stderr.startswith("citetool: error: PMC28371833: not found by the PMC ID converter (ID type 'doi'")


def test_an_ncbi_api_key_is_sent(workdir: Path, ids: IdsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITETOOL_NCBI_API_KEY", "abc123")
    assert run("add", "pmid:20412080").exit_code == 0
    assert "api_key=abc123" in ids.requests[0][1]


# -- mixed input, cache, PDFs -----------------------------------------------------------------------------

def test_stdin_takes_any_mix_and_the_cache_serves_offline(
    workdir: Path, ids: IdsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "arXiv:1710.08557\n0099560437\n\npmid:20412080\n"
    first = run("add", "--dry-run", "-", input=lines)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.count("@") == 3
    for name in ("ARXIV", "OPENLIBRARY", "GOOGLEBOOKS", "NCBI", "PMC"):
        monkeypatch.setenv(f"CITETOOL_{name}_URL", CLOSED_PORT_URL)
    second = run("add", "--offline", "-", input=lines)
    assert second.exit_code == 0, second.stderr
    assert len(second.stdout.split()) == 3
    assert len(_entries(workdir)) == 5


def _pdf(path: Path, text: str = "", info: str = "") -> Path:
    """A one-page PDF with ``text`` on the page (Helvetica) and ``info`` as its /Subject, written by hand."""
    stream = zlib.compress(f"BT /F1 9 Tf 20 700 Td ({text}) Tj ET".encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Subject ({info}) /Producer (citetool tests) >>".encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_a_preprint_pdf_is_added_by_its_arxiv_stamp(workdir: Path, ids: IdsServer) -> None:
    pdf = _pdf(workdir / "paper.pdf", "arXiv:1605.08386v1  [math.CO]  26 May 2016  see also doi:10.1000/other")
    result = run("add", str(pdf))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "stanley2016heat\n"
    assert "paper.pdf: names arXiv:1605.08386v1" in result.stderr


def test_a_pdf_whose_metadata_names_a_doi(workdir: Path, server: ReplayServer) -> None:
    pdf = _pdf(workdir / "article", "Nothing on this page", "Scientific Reports, doi:10.1038/srep16696")
    result = run("add", str(pdf))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "tosatto2015single\n"


def test_a_pdf_naming_nothing_and_a_file_that_is_no_pdf_are_clear_errors(workdir: Path) -> None:
    result = run("add", str(_pdf(workdir / "blank.pdf", "An abstract with no identifier")))
    assert result.exit_code == 2
    assert "blank.pdf: the PDF names no DOI or arXiv ID" in result.stderr and result.stderr.count("\n") == 1
    (workdir / "fake.pdf").write_bytes(b"%PDF-1.4\n garbage")
    result = run("add", str(workdir / "fake.pdf"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr


# -- --published and upgrade ------------------------------------------------------------------------------

def _published_work(doi: str) -> bytes:
    """The recorded Crossref record of a journal article, served as the work ``doi`` names.

    No Crossref record of an arXiv fixture's published DOI was recorded; these tests check what citetool does
    with *a* published record (its type, venue, and the preprint's key and eprint fields kept), so one real
    record stands in, its DOI set to the one the arXiv record names.
    """
    body = json.loads(recorded_works()["10.1371/journal.pone.0033693"])
    body["message"]["DOI"] = doi
    return json.dumps(body).encode()


def test_published_adds_the_crossref_version_keeping_the_eprint_fields(
    workdir: Path, ids: IdsServer, server: ReplayServer
) -> None:
    server.works["10.1186/s12984-017-0305-3"] = _published_work("10.1186/s12984-017-0305-3")
    result = run("add", "--published", "1710.08557")
    assert result.exit_code == 0, result.stderr
    entry = _entries(workdir)[result.stdout.strip()]
    assert entry["@type"] == "article" and entry["doi"] == "10.1186/s12984-017-0305-3" and "journal" in entry
    assert (entry["eprint"], entry["archiveprefix"], entry["primaryclass"]) == ("1710.08557", "arXiv", "cs.RO")
    assert "added the published version 10.1186/s12984-017-0305-3" in result.stderr


def test_upgrade_replaces_an_arxiv_entry_by_the_version_its_record_names(
    workdir: Path, ids: IdsServer, server: ReplayServer
) -> None:
    assert run("add", "1710.08557").exit_code == 0
    key = next(key for key in _entries(workdir) if key.startswith("valerocuevas2017"))
    server.works["10.1186/s12984-017-0305-3"] = _published_work("10.1186/s12984-017-0305-3")
    shown = run("upgrade", "--dry-run", "--json")
    assert shown.exit_code == 0, shown.stderr
    (plan,) = json.loads(shown.stdout)
    assert (plan["key"], plan["published_doi"], plan["evidence"], plan["weak"]) == (
        key, "10.1186/s12984-017-0305-3", "arxiv-doi", False)  # fmt: skip
    assert "-@misc{" + key in plan["diff"] and "+@article{" + key in plan["diff"]
    assert _entries(workdir)[key]["@type"] == "misc"  # --dry-run wrote nothing
    applied = run("upgrade", key, "--yes")
    assert applied.exit_code == 0, applied.stderr
    entry = _entries(workdir)[key]
    assert entry["@type"] == "article" and entry["eprint"] == "1710.08557"
    again = run("upgrade", key)
    assert f"{key}: not a preprint" in again.stderr


def test_a_biorxiv_preprint_with_only_a_weak_search_match_is_not_applied(workdir: Path, server: ReplayServer) -> None:
    assert run("add", "10.1101/055319").exit_code == 0
    result = run("upgrade", "--yes")
    assert result.exit_code == 0, result.stderr
    # Crossref's relations are silent; the search's best hit (the recorded "ecology" results) scores below 0.5.
    assert "memarzadeh2016measurement: no published version found" in result.stderr
    assert [path for path, _headers, _when in server.requests if path.startswith("/works?")]
    assert _entries(workdir)["memarzadeh2016measurement"]["doi"] == "10.1101/055319"


def test_search_scores_weigh_title_and_authors() -> None:
    from citetool.actions import upgrading
    from citetool.crossref.mapping import to_entry

    preprint = json.loads((DATA / "crossref" / "items" / "10.1101_055319.json").read_text())
    entry = to_entry(preprint, "10.1101/055319")
    assert upgrading.score(entry, preprint) == pytest.approx(1.0)  # the same title and authors
    hits = json.loads((DATA / "crossref" / "works-query-ecology-rows2.json").read_text())["message"]["items"]
    assert all(upgrading.score(entry, hit) < upgrading.SHOWN for hit in hits)
    other_authors = {**preprint, "author": [{"family": "Nobody", "given": "A."}]}
    assert upgrading.STRONG > upgrading.score(entry, other_authors) >= 0.7 - 1e-9  # title alone: a weak match


# -- biblatex ----------------------------------------------------------------------------------------------

def test_biblatex_export_writes_online_with_eprinttype(workdir: Path, ids: IdsServer) -> None:
    assert run("add", "1312.2021").exit_code == 0
    text = run("export", "--format", "biblatex", "cooper2013living").stdout
    assert text.startswith("@online{cooper2013living,")
    assert "eprinttype = {arxiv}" in text and "eprintclass = {hep-th}" in text and "eprint = {1312.2021}" in text


@pytest.mark.tex
def test_arxiv_isbn_and_pubmed_entries_build_with_bibtex_and_biber(workdir: Path, ids: IdsServer) -> None:
    need_programs("pdflatex", "bibtex", "biber", "pdftotext")
    assert run("add", "1312.2021", "0099560437", "pmid:23121403").exit_code == 0
    for engine, fmt in (("bibtex", "bibtex"), ("biber", "biblatex")):
        folder = workdir / engine
        folder.mkdir()
        (folder / "refs.bib").write_text(run("export", "--format", fmt).stdout, encoding="utf-8")
        if engine == "bibtex":
            use = ("\\bibliographystyle{plain}\n", "\\bibliography{refs}")
        else:
            use = ("\\usepackage[backend=biber,maxbibnames=99]{biblatex}\\addbibresource{refs.bib}\n",
                   "\\printbibliography")  # fmt: skip
        (folder / "paper.tex").write_text(
            "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage[utf8]{inputenc}\n"
            f"{use[0]}\\begin{{document}}\\nocite{{*}}{use[1]}\\end{{document}}\n"
        )
        latex = ["pdflatex", "-interaction=nonstopmode", "paper"]
        for step in (latex, [engine, "paper"], latex, latex):
            done = subprocess.run(step, cwd=folder, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, (step, done.stdout[-2000:])
        text = subprocess.run(["pdftotext", "paper.pdf", "-"], cwd=folder, capture_output=True, text=True).stdout
        text = re.sub(r"\s+", " ", text)
        text = re.sub(r" ?([./]) ?", r"\1", text)  # a justified line spreads "1312 . 2021" in pdftotext's reading
        assert "Living with the wrong sign" in text or "Living with the Wrong Sign" in text, text
        assert "Ready Player One" in text and "ASPIRE Investigators" in text
        if engine == "biber":
            assert "arXiv: 1312.2021 [hep-th]" in text, text


# -- hostile replies ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("route", "reply", "asked", "code", "message"), [
    ("efetch", Reply(200, b"<html><body>Down for maintenance</body></html>", "text/html"), "pmid:20412080", 4,
     "PMID 20412080: the server answered with something that is not PubMed XML"),
    ("efetch", Reply(200, (DATA / "ids" / "pubmed" / "efetch-22351513.xml").read_bytes(), "text/xml"), "pmid:20412080",
     5, "PMID 20412080: not found on PubMed"),  # another PMID's record is not this one's
    ("efetch", Reply(200, b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><PubmedArticleSet/>',
                     "text/xml"), "pmid:20412080", 5, "PMID 20412080: not found on PubMed"),
    ("efetch", Reply(200, b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><PubmedArticleSet>&e;'
                     b"</PubmedArticleSet>", "text/xml"), "pmid:20412080", 4, "the server's XML declares entities"),
    ("googlebooks", Reply(200, b'{"kind": "books#volumes", "items": [{"volumeInfo": {"title": "Another Book", '
                          b'"industryIdentifiers": [{"type": "ISBN_13", "identifier": "9780008117498"}]}}]',
                          "application/json"), "0099560437", 4, "the server sent a broken (truncated or invalid) JSON"),
    ("googlebooks", Reply(200, (DATA / "ids" / "isbn" / "googlebooks-9780008117498.json").read_bytes()),
     "0099560437", 5, "ISBN 9780099560432: not found on Open Library or Google Books"),  # a hit for another ISBN
    ("openlibrary", Reply(200, b"[]"), "0099560437", 4, "Open Library answered with something that is not a book list"),
    ("idconv", Reply(200, b'{"status": "ok", "records": [{"pmcid": "PMC1", "pmid": "9997"}]}'), "PMC5442267", 5,
     "PMC5442267: not found by the PMC ID converter"),  # a record for another PMCID
])  # fmt: skip
def test_hostile_replies_fail_that_identifier_alone_in_one_line(
    route: str, reply: Reply, asked: str, code: int, message: str, workdir: Path, ids: IdsServer
) -> None:
    before = (workdir / "library.bib").read_bytes()
    ids.queue(route, reply)
    result = run("add", "--retries", "0", asked)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert (workdir / "library.bib").read_bytes() == before
    batch = run("add", "--retries", "0", asked, "1605.08386")  # the replayed replies are recorded ones again
    assert batch.exit_code == 0 and batch.stdout.strip().endswith("stanley2016heat"), batch.stderr


def test_csl_json_and_apa_treat_an_arxiv_entry_as_a_preprint_and_keep_the_pmid(workdir: Path, ids: IdsServer) -> None:
    assert run("add", "1312.2021", "pmid:23121403").exit_code == 0
    items = {item["id"]: item for item in json.loads(run("export", "-f", "csl-json").stdout)}
    preprint = items["cooper2013living"]
    assert (preprint["type"], preprint["publisher"], preprint["number"], preprint.get("version")) == (
        "article", "arXiv", "arXiv:1312.2021", None)  # fmt: skip
    assert items["brighton2012low"]["PMID"] == "23121403"
    text = run("export", "-f", "text", "--style", "apa", "cooper2013living").stdout
    assert text.startswith("Cooper, P., Dubovsky, S., & Mohsen, A. (2013). Living with the Wrong Sign "
                           "(arXiv:1312.2021). arXiv. https://doi.org/10.48550/arxiv.1312.2021")  # fmt: skip


def test_a_crossref_is_preprint_of_relation_is_evidence_enough(workdir: Path, server: ReplayServer) -> None:
    """No recorded record carries a relation; the recorded bioRxiv record is given one in Crossref's documented
    shape (``relation.is-preprint-of[].id-type/id``), naming a recorded journal article."""
    item = json.loads((DATA / "crossref" / "items" / "10.1101_055319.json").read_text())
    item["relation"] = {"is-preprint-of": [{"id-type": "doi", "id": "10.1371/journal.pone.0033693",
                                            "asserted-by": "subject"}]}  # fmt: skip
    server.works["10.1101/055319"] = json.dumps({"status": "ok", "message-type": "work", "message": item}).encode()
    assert run("add", "10.1101/055319").exit_code == 0
    result = run("upgrade", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "Crossref: 10.1101/055319 is-preprint-of 10.1371/journal.pone.0033693 (crossref-relation)" in result.stderr
    entry = _entries(workdir)["memarzadeh2016measurement"]
    assert entry["doi"] == "10.1371/journal.pone.0033693" and entry["@type"] == "article"
    assert not [path for path, _headers, _when in server.requests if path.startswith("/works?")]  # no search needed


@pytest.mark.tex
@pytest.mark.parametrize(("body", "setup", "expected"), [
    ("\\noindent arXiv:1605.08386v1 [math.CO] 26 May 2016\\par Heat-bath random walks. See doi:10.1000/182.", "",
     "stanley2016heat"),
    ("Scientific Reports.", "\\hypersetup{pdfsubject={doi:10.1038/srep16696}}", "tosatto2015single"),
])  # fmt: skip
def test_pdfs_made_by_pdflatex_name_their_identifier(
    body: str, setup: str, expected: str, workdir: Path, ids: IdsServer, server: ReplayServer
) -> None:
    need_programs("pdflatex")
    (workdir / "paper.tex").write_text(
        f"\\documentclass{{article}}\\usepackage{{hyperref}}{setup}\\begin{{document}}{body}\\end{{document}}\n"
    )
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "paper"], cwd=workdir, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    result = run("add", "paper.pdf")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected + "\n"
