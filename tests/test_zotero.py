"""``citetool import`` of a Zotero library: real databases from ../shared, and databases the tests build.

The expected entries are what Zotero's own item-to-CSL mapping gives for each
item, read through citetool's CSL-to-BibTeX mapping: stated here field by
field, not computed by the code under test.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from citetool.zotero import mapping as zotero_mapping

from .conftest import REPO, SHARED, need, run
from .zotero_db import ZoteroBuilder, better_bibtex

FIXTURES = SHARED / "fixtures" / "zotero"


def _fixture(name: str) -> Path:
    path = FIXTURES / name
    need(path.exists(), f"the Zotero fixtures are not at {FIXTURES}")
    return path


def _digest(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())
            if path.is_file()}


def _entries(text: str) -> dict[str, str]:
    """Each entry's text by key, as the library holds it."""
    found: dict[str, str] = {}
    for chunk in text.split("\n@")[1:]:
        header, _, _rest = chunk.partition("\n")
        found[header.split("{", 1)[1].rstrip(",")] = "@" + chunk.strip()
    return found


# -- real databases ----------------------------------------------------------------------------------------

def test_a_real_zotero_6_database_imports_every_regular_item_as_zotero_maps_it(workdir: Path) -> None:
    database = _fixture("papis-zotero.sqlite")
    before = _digest(database.parent)
    result = run("import", str(database))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["schaeffer2013efficient", "delellis2009euler", "grubb2015fractional",
                                     "morinishi1998fully", "svard2014review"]  # fmt: skip
    assert "5 items read: imported 5, unchanged 0, changed 0, left out 0; keys: 5 key_format" in result.stderr
    entries = _entries((workdir / "library.bib").read_text())
    storage = FIXTURES / "storage"
    assert entries["delellis2009euler"] == "\n".join([
        "@article{delellis2009euler,",
        "  author = {De Lellis, Camillo and Székelyhidi, László},",
        "  title = {The Euler equations as a differential inclusion},",
        "  journal = {Annals of Mathematics},",
        "  year = {2009},", "  month = nov,", "  day = {1},", "  volume = {170},", "  number = {3},",
        "  pages = {1417--1436},", "  issn = {0003-486X},", "  doi = {10.4007/annals.2009.170.1417},",
        "  url = {http://annals.math.princeton.edu/2009/170-3/p09},", "  language = {en},",
        "  shortjournal = {Ann. Math.},", "  urldate = {2023-02-26},",
        f"  file = {{{storage}/PIMHYJGK/De Lellis and Székelyhidi - 2009 - The Euler equations as a differential "
        "inclusion.pdf},", "}"])  # fmt: skip
    assert "  author = {Morinishi, Y. and Lund, T.S. and Vasilyev, O.V. and Moin, P.}," in entries[
        "morinishi1998fully"]  # fmt: skip
    assert "file = " not in entries["morinishi1998fully"]  # it has no PDF
    assert _digest(database.parent) == before


def test_better_bibtex_keys_trash_tags_and_collections_of_a_real_data_folder(workdir: Path) -> None:
    folder = _fixture("lightbridge")
    before = _digest(folder)
    result = run("import", str(folder))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["zotero-1", "silvermanBosniakClassificationCystic2019"]
    assert "left out HIRFMHYE (Bosniak Classification of Cystic Renal Masses, Ver): in Zotero's trash" in result.stderr
    assert "4 items read: imported 2, unchanged 0, changed 0, left out 2 (2 in Zotero's trash); keys: " \
           "2 Better BibTeX" in result.stderr  # fmt: skip
    entry = _entries((workdir / "library.bib").read_text())["silvermanBosniakClassificationCystic2019"]
    assert "  pmid = {31210616}," in entry and "  pmcid = {PMC6677285}," in entry  # from Extra
    assert "  keywords = {Humans, Kidney, Kidney Neoplasms, Magnetic Resonance Imaging, Needs Assessment, " \
           "Ultrasonography}," in entry  # fmt: skip
    assert "  journal = {Radiology},\n  year = {2019},\n  month = aug," in entry
    assert f"  file = {{{folder}/storage/" in entry and "note = " not in entry
    assert _digest(folder) == before
    nested = run("import", "--dry-run", "--collection", "Radiology", str(folder))  # with "renal", below it
    assert nested.exit_code == 0 and "3 items read: imported 0, unchanged 1, changed 0, left out 2" in nested.stderr


def test_an_older_zotero_5_database_with_arxiv_extra_lines_and_notes(workdir: Path) -> None:
    result = run("import", str(_fixture("straightouttacrompton.sqlite")))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["fekom2020optimal", "debock2020archimedean", "bontrager2020fully"]
    assert "3 items read: imported 3, unchanged 0, changed 0, left out 0; keys: 3 key_format; 1 note not " \
           "imported" in result.stderr  # fmt: skip
    entry = _entries((workdir / "library.bib").read_text())["bontrager2020fully"]
    assert "  eprint = {2002.05259},\n  archiveprefix = {arXiv}," in entry
    assert "  keywords = {Computer Science - Artificial Intelligence, Computer Science - Machine Learning}," in entry
    collection = run("import", "--dry-run", "--collection", "Collection 2", str(_fixture(
        "straightouttacrompton.sqlite")))  # fmt: skip
    assert collection.exit_code == 0


def test_the_bundled_csl_mapping_is_the_one_a_real_database_keeps() -> None:
    connection = sqlite3.connect(f"file:{_fixture('papis-zotero.sqlite')}?mode=ro&immutable=1", uri=True)
    blob = connection.execute("SELECT value FROM settings WHERE setting = 'globalSchema' AND key = 'data'").fetchone()
    connection.close()
    import json

    csl = json.loads(zlib.decompress(blob[0]))["csl"]
    assert csl["types"] == zotero_mapping.TYPES and csl["fields"]["text"] == zotero_mapping.TEXT
    assert csl["fields"]["date"] == zotero_mapping.DATES and csl["names"] == zotero_mapping.NAMES


def test_importing_the_real_databases_again_changes_nothing(workdir: Path) -> None:
    names = ["papis-zotero.sqlite", "lightbridge", "straightouttacrompton.sqlite"]
    for name in names:
        assert run("import", str(_fixture(name))).exit_code == 0
    first = (workdir / "library.bib").read_bytes()
    for name in names:
        again = run("import", str(_fixture(name)))
        assert again.exit_code == 0 and again.stdout == ""
        assert "imported 0, unchanged" in again.stderr
    assert (workdir / "library.bib").read_bytes() == first


# -- built databases ---------------------------------------------------------------------------------------

@pytest.fixture
def zotero(tmp_path: Path) -> ZoteroBuilder:
    folder = tmp_path / "Zotero"
    folder.mkdir()
    return ZoteroBuilder(folder / "zotero.sqlite")


def _every_type(builder: ZoteroBuilder) -> None:
    article = builder.item("journalArticle", {
        "title": '<i>Drosophila</i> genes in <span class="nocase">mRNA</span> and H<sub>2</sub>O',
        "date": "2019-07-15 15 July 2019", "publicationTitle": "Nature", "volume": "5", "issue": "2",
        "pages": "1-10", "DOI": "10.1000/xyz", "accessDate": "2024-01-02 12:30:00",
        "extra": "PMID: 123\ntex.howpublished= \\emph{x}\nOriginal Date: 1850\nSomething else: kept",
        "ISBN": "978-3-16-148410-0 0-306-40615-2"}, [("Ludwig", "van Beethoven", "author"),
        ("Jean", "de La Fontaine", "author"), (None, "World Health Organization", "author"),
        ("A.", "Editor", "editor")], tags=["b, tag", "A tag"])  # fmt: skip
    builder.attachment(article, "paper.pdf", key="PDFKEY01")
    builder.attachment(article, "page.html", content_type="text/html")
    builder.note(article)
    builder.item("bookSection", {"title": "Chapter", "bookTitle": "The Book", "publisher": "Pub", "place": "Berlin",
                                 "date": "2001-00-00 2001", "pages": "3-9"},
                 [("C", "Author", "author"), ("E", "<b>Ditor</b>", "editor"), ("B", "Ookauthor", "bookAuthor")])
    builder.item("thesis", {"title": "A thesis", "university": "MIT", "thesisType": "PhD Thesis",
                            "date": "2010-00-00 2010"}, [("T", "Student", "author")])  # fmt: skip
    builder.item("report", {"title": "A report", "institution": "NASA", "reportType": "Technical Report",
                            "reportNumber": "TR-1", "date": "2011-00-00 2011"}, [("R", "Writer", "author")])
    builder.item("preprint", {"title": "A preprint", "repository": "arXiv", "archiveID": "arXiv:2101.00001",
                              "date": "2021-01-01 2021-01-01"}, [("P", "Rint", "author")])  # fmt: skip
    builder.item("webpage", {"title": "A page", "websiteTitle": "Site", "url": "https://example.org/a",
                             "extra": "DOI: 10.1234/web"}, [("W", "Eb", "author")])  # fmt: skip
    builder.item("computerProgram", {"title": "Tool", "company": "ACME", "versionNumber": "1.2",
                                     "programmingLanguage": "Python", "date": "2022-00-00 2022",
                                     "extra": "Citation Key: acmetool"}, [("P", "Rogrammer", "programmer")])
    builder.item("dataset", {"title": "Data", "repository": "Zenodo", "identifier": "123", "DOI": "10.5281/zenodo.1",
                             "date": "2023-00-00 2023"}, [("D", "Ata", "author")])  # fmt: skip
    builder.item("patent", {"title": "Widget", "patentNumber": "US123", "issueDate": "2005-00-00 2005",
                            "citationKey": "widget2005"}, [("I", "Nventor", "inventor")])  # fmt: skip
    builder.item("conferencePaper", {"title": "Talk", "proceedingsTitle": "Proc. Conf", "publisher": "ACM",
                                     "place": "Lisbon", "date": "2018-00-00 2018"}, [("S", "Peaker", "author")])
    builder.note(text="<p>A standalone note</p>")


EXPECTED = {
    "vanbeethoven2019drosophila": [
        "@article{vanbeethoven2019drosophila,",
        "  author = {van Beethoven, Ludwig and de La Fontaine, Jean and {World Health Organization}},",
        "  editor = {Editor, A.},",
        "  title = {\\textit{Drosophila} genes in {mRNA} and H\\textsubscript{2}O},",
        "  journal = {Nature},", "  year = {2019},", "  month = jul,", "  day = {15},", "  volume = {5},",
        "  number = {2},", "  pages = {1--10},", "  isbn = {978-3-16-148410-0},", "  doi = {10.1000/xyz},",
        "  note = {Something else: kept},", "  pmid = {123},", "  urldate = {2024-01-02},", "  origdate = {1850},",
        "  howpublished = {\\emph{x}},", "  keywords = {A tag, {b, tag}},", "  file = {{STORAGE}/PDFKEY01/paper.pdf},",
        "}"],
    "author2001chapter": [
        "@incollection{author2001chapter,", "  author = {Author, C},", "  editor = {Ditor, E},",
        "  title = {Chapter},", "  booktitle = {The Book},", "  year = {2001},", "  pages = {3--9},",
        "  publisher = {Pub},", "  address = {Berlin},", "  bookauthor = {Ookauthor, B},", "}"],
    "student2010thesis": ["@phdthesis{student2010thesis,", "  author = {Student, T},", "  title = {A thesis},",
                          "  school = {MIT},", "  year = {2010},", "}"],
    "writer2011report": ["@techreport{writer2011report,", "  author = {Writer, R},", "  title = {A report},",
                         "  institution = {NASA},", "  year = {2011},", "  number = {TR-1},",
                         "  type = {Technical Report},", "}"],
    "rint2021preprint": ["@misc{rint2021preprint,", "  author = {Rint, P},", "  title = {A preprint},",
                         "  year = {2021},", "  month = jan,", "  day = {1},", "  eprint = {2101.00001},",
                         "  archiveprefix = {arXiv},", "}"],
    "ebpage": ["@online{ebpage,", "  author = {Eb, W},", "  title = {A page},", "  booktitle = {Site},",
               "  doi = {10.1234/web},", "  url = {https://example.org/a},", "}"],
    "acmetool": ["@software{acmetool,", "  author = {Rogrammer, P},", "  title = {Tool},", "  year = {2022},",
                 "  publisher = {ACME},", "  version = {1.2},", "  type = {Python},", "}"],
    "ata2023data": ["@dataset{ata2023data,", "  author = {Ata, D},", "  title = {Data},", "  year = {2023},",
                    "  number = {123},", "  publisher = {Zenodo},", "  doi = {10.5281/zenodo.1},", "}"],
    "widget2005": ["@patent{widget2005,", "  author = {Nventor, I},", "  title = {Widget},", "  year = {2005},",
                   "  number = {US123},", "}"],
    "peaker2018talk": ["@inproceedings{peaker2018talk,", "  author = {Peaker, S},", "  title = {Talk},",
                       "  booktitle = {Proc. Conf},", "  year = {2018},", "  publisher = {ACM},",
                       "  address = {Lisbon},", "  venue = {Lisbon},", "}"],
}  # fmt: skip


def test_every_item_type_becomes_what_zoteros_csl_mapping_gives(workdir: Path, zotero: ZoteroBuilder) -> None:
    _every_type(zotero)  # its access date is at 12:30 UTC: the same day in local time from UTC-11 to UTC+11
    database = zotero.close()
    result = run("import", str(database.parent))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == list(EXPECTED)
    assert "10 items read: imported 10, unchanged 0, changed 0, left out 0; keys: 8 key_format, 1 Extra, " \
           "1 Zotero; 2 notes not imported" in result.stderr  # fmt: skip
    entries = _entries((workdir / "library.bib").read_text())
    for key, lines in EXPECTED.items():
        assert entries[key] == "\n".join(lines).replace("{STORAGE}", str(database.parent / "storage")), key


def test_the_databases_own_csl_mapping_is_used_when_it_has_one(workdir: Path, tmp_path: Path) -> None:
    csl = {"types": {**zotero_mapping.TYPES, "report": [], "book": ["report"]},
           "fields": {"text": zotero_mapping.TEXT, "date": zotero_mapping.DATES}, "names": zotero_mapping.NAMES}
    builder = ZoteroBuilder(tmp_path / "zotero.sqlite", csl=csl)
    builder.item("report", {"title": "Mapped as a book", "institution": "NASA"}, [("R", "Writer", "author")])
    result = run("import", str(builder.close()))
    assert result.exit_code == 0, result.stderr
    assert "@book{writermapped," in (workdir / "library.bib").read_text()


def test_keys_from_better_bibtex_pinned_and_taken(workdir: Path, zotero: ZoteroBuilder) -> None:
    zotero.item("journalArticle", {"title": "One", "date": "2020-00-00 2020"}, [("A", "Roe", "author")], key="ITEMONE1")
    zotero.item("journalArticle", {"title": "Two", "date": "2020-00-00 2020"}, [("B", "Roe", "author")], key="ITEMTWO2")
    zotero.item("journalArticle", {"title": "Three", "date": "2020-00-00 2020"}, [("C", "Roe", "author")],
                key="ITEMTRE3")  # fmt: skip
    database = zotero.close()
    better_bibtex(database.parent, [("ITEMONE1", "RoeOne2020", True), ("ITEMTWO2", "russianational", True),
                                    ("ITEMTRE3", "belousova2025embracing", False)])  # fmt: skip
    result = run("import", str(database))
    assert result.exit_code == 0, result.stderr
    # Pinned and free: kept exactly.  Pinned and taken by another work: left out, said.  Generated and taken: made.
    assert result.stdout.split() == ["RoeOne2020", "roe2020three"]
    assert "left out russianational: its pinned key 'russianational' is taken by another entry" in result.stderr
    assert "key belousova2025embracing is taken; imported as roe2020three" in result.stderr
    assert "left out 1 (1 pinned key taken); keys: 1 Better BibTeX, 1 key_format" in result.stderr


def test_collection_and_tag_select_items(workdir: Path, zotero: ZoteroBuilder) -> None:
    thesis = zotero.collection("Thesis")
    chapter = zotero.collection("Chapter 2", parent=thesis)
    other = zotero.collection("Other")
    zotero.item("book", {"title": "In thesis"}, [("A", "Top", "author")], collections=[thesis])
    zotero.item("book", {"title": "In chapter"}, [("A", "Low", "author")], collections=[chapter], tags=["read"])
    zotero.item("book", {"title": "Elsewhere"}, [("A", "Far", "author")], collections=[other], tags=["Read"])
    database = zotero.close()
    assert run("import", "--dry-run", "--collection", "Thesis", str(database)).stdout.split() == ["topthesis",
                                                                                                "lowchapter"]
    assert run("import", "--dry-run", "--collection", "thesis/chapter 2", str(database)).stdout.split() == [
        "lowchapter"]  # fmt: skip
    assert run("import", "--dry-run", "--tag", "read", str(database)).stdout.split() == ["lowchapter",
                                                                                        "farelsewhere"]
    unknown = run("import", "--collection", "Nope", str(database))
    assert unknown.exit_code == 2 and "no collection named 'Nope' (collections: Chapter 2, Other, Thesis)" in \
        unknown.stderr  # fmt: skip
    wrong = run("import", "--tag", "x", str(REPO / "library.bib"))
    assert wrong.exit_code == 2 and "select items of a Zotero database" in wrong.stderr


def test_a_second_import_adds_only_what_is_new_and_update_applies_zoteros_changes(
        workdir: Path, zotero: ZoteroBuilder) -> None:  # fmt: skip
    first = zotero.item("journalArticle", {"title": "First title", "date": "2020-00-00 2020", "volume": "1"},
                        [("A", "Roe", "author")])  # fmt: skip
    zotero.item("journalArticle", {"title": "Second", "date": "2021-00-00 2021"}, [("B", "Doe", "author")])
    database = zotero.close()
    assert run("import", str(database)).stdout.split() == ["roe2020first", "doe2021second"]
    library = workdir / "library.bib"
    imported = library.read_bytes()
    # A hand edit in the library, then Zotero changes the same item and adds one.
    library.write_bytes(imported.replace(b"  volume = {1},", b"  volume = {1 (hand)},"))
    edited = library.read_bytes()
    builder = sqlite3.connect(database)
    builder.execute("INSERT INTO itemDataValues (value) VALUES ('First title, revised'), ('9')")
    title_field, volume_field = (builder.execute("SELECT fieldID FROM fieldsCombined WHERE fieldName = ?",
                                                 (name,)).fetchone()[0] for name in ("title", "volume"))  # fmt: skip
    builder.execute("UPDATE itemData SET valueID = (SELECT valueID FROM itemDataValues WHERE value = "
                    "'First title, revised') WHERE itemID = ? AND fieldID = ?", (first, title_field))  # fmt: skip
    builder.execute("UPDATE itemData SET valueID = (SELECT valueID FROM itemDataValues WHERE value = '9') "
                    "WHERE itemID = ? AND fieldID = ?", (first, volume_field))  # fmt: skip
    builder.execute("UPDATE items SET version = 2, dateModified = '2024-05-01 09:00:00' WHERE itemID = ?", (first,))
    builder.commit()
    builder.close()
    again = run("import", str(database))
    assert again.exit_code == 0 and again.stdout == ""
    assert "imported 0, unchanged 1, changed 1" in again.stderr
    assert "1 items changed in Zotero since they were imported; --update shows them" in again.stderr
    assert library.read_bytes() == edited
    shown = run("import", "--update", str(database))
    assert shown.exit_code == 0 and "nothing written; pass --yes to apply" in shown.stderr
    assert "-  title = {First title},\n+  title = {First title, revised}," in shown.stdout
    assert "roe2020first: kept volume (edited by hand; --force replaces it)" in shown.stderr
    assert library.read_bytes() == edited
    applied = run("import", "--update", "--yes", str(database))
    assert applied.exit_code == 0 and "updated 1 entries" in applied.stderr, applied.stderr
    text = library.read_text()
    assert "  title = {First title, revised}," in text and "  volume = {1 (hand)}," in text
    assert text.count("@article{roe2020first,") == 1 and text.count("@article{") == edited.count(b"@article{")
    settled = run("import", str(database))
    assert "imported 0, unchanged 2, changed 0" in settled.stderr and library.read_text() == text


def test_an_import_while_zotero_holds_its_exclusive_lock(workdir: Path, zotero: ZoteroBuilder) -> None:
    zotero.item("journalArticle", {"title": "Committed", "date": "2020-00-00 2020"}, [("A", "Roe", "author")])
    database = zotero.close()
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO items (itemTypeID, libraryID, key) VALUES (203, 1, 'PENDING1')")
    with pytest.raises(sqlite3.OperationalError, match="locked"):  # what any ordinary reader gets
        sqlite3.connect(database, timeout=0).execute("SELECT count(*) FROM items").fetchone()
    listing = sorted(os.listdir(database.parent))
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    result = run("import", str(database))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["roe2020committed"]
    assert sorted(os.listdir(database.parent)) == listing  # no journal or WAL of citetool's
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    holder.execute("ROLLBACK")
    holder.close()


def test_a_database_in_wal_mode_is_read_through_a_private_copy(workdir: Path, zotero: ZoteroBuilder) -> None:
    database = zotero.close()
    writer = sqlite3.connect(database)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    builder = ZoteroBuilder.__new__(ZoteroBuilder)
    builder.connection, builder.types, builder.next_key = writer, {"journalArticle": 203}, 50
    builder.fields = dict(writer.execute("SELECT fieldName, fieldID FROM fieldsCombined").fetchall())
    builder.roles = dict(writer.execute("SELECT creatorType, creatorTypeID FROM creatorTypes").fetchall())
    builder.item("journalArticle", {"title": "Only in the WAL", "date": "2020-00-00 2020"}, [("A", "Roe", "author")])
    writer.commit()  # committed, but its pages are still in zotero.sqlite-wal
    listing = sorted(os.listdir(database.parent))
    result = run("import", str(database))
    assert result.exit_code == 0 and result.stdout.split() == ["roe2020only"], result.stderr
    assert sorted(os.listdir(database.parent)) == listing
    writer.close()


@pytest.mark.parametrize(("userdata", "tables", "message"), [
    (60, None, "userdata schema 60, which citetool does not know (it reads 80-140: Zotero 5 to 8)"),
    (121, "drop", "without the table baseFieldMappingsCombined; citetool does not know this schema"),
])  # fmt: skip
def test_an_unknown_schema_stops_with_exit_2(userdata: int, tables: str | None, message: str, workdir: Path,
                                             tmp_path: Path) -> None:  # fmt: skip
    builder = ZoteroBuilder(tmp_path / "zotero.sqlite", userdata=userdata)
    if tables == "drop":
        builder.connection.execute("DROP TABLE baseFieldMappingsCombined")
    result = run("import", str(builder.close()))
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_other_sqlite_files_and_broken_ones_are_refused_in_one_line(workdir: Path, tmp_path: Path) -> None:
    plain = tmp_path / "other.sqlite"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.commit()
    result = run("import", str(plain))
    assert result.exit_code == 8 and "an SQLite database, but not Zotero's" in result.stderr
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    result = run("import", "--format", "zotero", str(broken))
    assert result.exit_code == 8 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    folder = run("import", str(tmp_path))
    assert folder.exit_code in (2, 8) and "Traceback" not in folder.stderr


def test_hostile_values_in_a_database_are_stored_safely_or_left_out(workdir: Path, zotero: ZoteroBuilder) -> None:
    zotero.item("journalArticle", {"title": "Evil}\\immediate\\write18{rm -rf ~}\u202e", "date": "2020-00-00 2020",
                                   "extra": "tex.note= \\input{/etc/passwd}"}, [("A", "Roe", "author")])
    zotero.item("journalArticle", {"title": "Bad DOI", "DOI": "10.1/{x}\\y"}, [("B", "Doe", "author")])
    result = run("import", str(zotero.close()))
    assert result.exit_code == 0, result.stderr
    entries = _entries((workdir / "library.bib").read_text())
    assert entries["roe2020evil"] == "\n".join([
        "@article{roe2020evil,", "  author = {Roe, A},",
        "  title = {Evil\\textbraceright{}\\textbackslash{}immediate\\textbackslash{}write18\\textbraceleft{}rm -rf "
        "\\textasciitilde{}\\textbraceright{}},", "  year = {2020},", "  note = {\\textbackslash{}input{/etc/passwd}},",
        "}"])  # fmt: skip
    assert entries["doebad"] == "@article{doebad,\n  author = {Doe, B},\n  title = {Bad {DOI}},\n}"  # no DOI is one


def test_the_zotero_reader_is_not_loaded_by_other_commands() -> None:
    code = "import sys; from citetool.cli.app import main; sys.argv = ['citetool', '--version']\n" \
           "try:\n    main()\nexcept SystemExit:\n    pass\nprint('sqlite3' in sys.modules)"  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


def test_title_case_titles_arrive_protected_as_add_writes_them(workdir: Path, zotero: ZoteroBuilder) -> None:
    zotero.item("journalArticle", {"title": "Bayesian Inference for Markov Chains in Europe", "date": "2020-00-00 2020",
                                   "abstractNote": "We study Markov chains with Bayesian methods across Europe."},
                [("A", "Roe", "author")])  # fmt: skip
    zotero.item("journalArticle", {"title": "Sentence case about markov chains", "date": "2021-00-00 2021"},
                [("B", "Roe", "author")])  # fmt: skip
    database = zotero.close()
    assert run("import", str(database)).exit_code == 0
    entries = _entries((workdir / "library.bib").read_text())
    # The first word keeps its capital in every style; the others need their braces.
    assert "  title = {Bayesian Inference for {Markov} Chains in {Europe}}," in entries["roe2020bayesian"]
    assert "  title = {Sentence case about markov chains}," in entries["roe2021sentence"]
    again = run("import", str(database))
    assert "imported 0, unchanged 2, changed 0" in again.stderr
    assert run("remove", "roe2020bayesian", "--yes").exit_code == 0  # gone from the library: imported again
    back = run("import", str(database))
    assert back.stdout == "roe2020bayesian\n" and "imported 1, unchanged 1" in back.stderr
    assert "  title = {Bayesian Inference for {Markov} Chains in {Europe}}," in (workdir / "library.bib").read_text()


@pytest.mark.parametrize("special", ["FIFO", "/dev/zero"])
@pytest.mark.parametrize("forced", [False, True])
def test_a_fifo_or_a_device_never_hangs_the_zotero_reader(special: str, forced: bool, workdir: Path) -> None:
    if special == "FIFO":
        special = str(workdir / "zotero.sqlite")
        os.mkfifo(special)
    result = run("import", *(["--format", "zotero"] if forced else []), special)
    assert result.exit_code == 8 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert ("is not a regular file" if forced else "cannot tell the format") in result.stderr


def test_values_of_other_types_and_broken_extra_lines_are_read_as_zotero_would(
        workdir: Path, zotero: ZoteroBuilder) -> None:  # fmt: skip
    item = zotero.item("journalArticle", {"title": "Blob beside", "date": "2020-00-00 2020",
                                          "extra": "tex.=\n: nothing\nCitation Key: has space\n" + "x" * 5000},
                       [("A", "Roe", "author")])  # fmt: skip
    pages = zotero.fields["pages"]
    blob = zotero.connection.execute("INSERT INTO itemDataValues (value) VALUES (?)", (b"\x00\xff",)).lastrowid
    zotero.connection.execute("INSERT INTO itemData VALUES (?, ?, ?)", (item, pages, blob))
    result = run("import", str(zotero.close()))
    assert result.exit_code == 0, result.stderr
    entry = _entries((workdir / "library.bib").read_text())["roe2020blob"]
    assert "pages" not in entry  # a BLOB is no value
    # No field without a name, no key with a space: the lines stay, in the note (its line breaks are spaces).
    assert f"  note = {{tex.=: nothing Citation Key: has space {'x' * 5000}}}," in entry


@pytest.mark.parametrize("name", ["papis-zotero.sqlite", "lightbridge/zotero.sqlite", "straightouttacrompton.sqlite"])
def test_the_built_databases_have_the_tables_and_columns_of_real_ones(name: str, tmp_path: Path) -> None:
    def columns(connection: sqlite3.Connection) -> dict[str, set[str]]:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')} for table in tables}

    real = sqlite3.connect(f"file:{_fixture(name)}?mode=ro&immutable=1", uri=True)
    built = sqlite3.connect(ZoteroBuilder(tmp_path / "zotero.sqlite").close())
    theirs, ours = columns(real), columns(built)
    real.close()
    built.close()
    for table, names in ours.items():
        assert table in theirs and names <= theirs[table], (table, names - theirs.get(table, set()))
