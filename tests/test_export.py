"""`citetool export`: formats, selection, --aux, dependencies, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DATA, run

EXPORT = DATA / "export"
FORMATS = ["bibtex", "biblatex", "ris", "csl-json", "html", "text"]


@pytest.mark.parametrize("format_name", FORMATS)
def test_seeded_library_matches_its_golden_file_byte_for_byte(format_name: str, workdir: Path) -> None:
    first = run("export", "--format", format_name)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == (EXPORT / f"library.{format_name}").read_text(encoding="utf-8")
    assert run("export", "--format", format_name).stdout == first.stdout  # deterministic


def test_output_file_is_written_atomically_and_stdout_stays_empty(workdir: Path) -> None:
    result = run("export", "-f", "ris", "-o", "out.ris")
    assert result.exit_code == 0 and result.stdout == ""
    assert (workdir / "out.ris").read_text(encoding="utf-8") == (EXPORT / "library.ris").read_text(encoding="utf-8")


def test_named_keys_dois_and_unknown_keys(workdir: Path) -> None:
    result = run("export", "-f", "ris", "10.1177/23477970251383994")
    assert result.stdout.startswith("TY  - JOUR\nID  - belousova2025embracing\nAU  - Belousova, Tatiana\n")
    assert result.stdout.count("ER  - ") == 1
    missing = run("export", "russianational", "nokey")
    assert missing.exit_code == 1
    assert missing.stdout.startswith("@misc{russianational,")
    assert missing.stderr == "citetool: error: not in library.bib: nokey\n"


def test_query_and_sort(workdir: Path) -> None:
    assert run("export", "-f", "ris", "-q", "moscow format").stdout.startswith("TY  - GEN\n")
    keys = [line for line in run("export", "--sort", "key").stdout.splitlines() if line.startswith("@")]
    assert keys == ["@article{belousova2025embracing,", "@misc{russianational,"]
    by_year = [line for line in run("export", "--sort", "year").stdout.splitlines() if line.startswith("@")]
    assert by_year == ["@misc{russianational,", "@article{belousova2025embracing,"]


AUX = r"""\relax
\citation{belousova2025embracing}
\@input{chap1.aux}
\@input{notyet.aux}
\bibstyle{plain}
\bibdata{refs}
"""


def test_aux_with_included_chapters_and_missing_keys(workdir: Path) -> None:
    (workdir / "paper.aux").write_text(AUX)
    (workdir / "chap1.aux").write_text(
        "\\relax\n\\citation{russianational,ghost}\n\\citation{belousova2025embracing}\n"
    )
    result = run("export", "--aux", "paper.aux")
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if line.startswith("@")] == [
        "@article{belousova2025embracing,",
        "@misc{russianational,",
    ]
    assert result.stderr == "citetool: error: not in library.bib: ghost\n"


def test_aux_star_means_everything_and_bcf_is_read(workdir: Path) -> None:
    (workdir / "all.aux").write_text("\\relax\n\\citation{*}\n")
    assert run("export", "--aux", "all.aux").stdout == (EXPORT / "library.bibtex").read_text(encoding="utf-8")
    (workdir / "paper.bcf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<bcf:controlfile xmlns:bcf="https://sourceforge.net/projects/biblatex">'
        '<bcf:section number="0"><bcf:citekey order="1" intorder="1">russianational</bcf:citekey>'
        "</bcf:section></bcf:controlfile>\n"
    )
    result = run("export", "--aux", "paper.bcf", "-f", "biblatex")
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if line.startswith("@")] == ["@misc{russianational,"]
    (workdir / "all.bcf").write_text(
        '<bcf:controlfile xmlns:bcf="https://sourceforge.net/projects/biblatex"><bcf:citekey order="1">*</bcf:citekey>'
        "</bcf:controlfile>"
    )
    assert run("export", "--aux", "all.bcf").stdout == (EXPORT / "library.bibtex").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [("missing.aux", None, "no such file; run LaTeX"), ("bad.bcf", "<not xml", "not a valid biblatex .bcf")],
)
def test_missing_or_corrupt_aux_is_a_clear_error(workdir: Path, name: str, content: str | None, fragment: str) -> None:
    if content is not None:
        (workdir / name).write_text(content)
    result = run("export", "--aux", name)
    assert result.exit_code == 1
    assert fragment in result.stderr and len(result.stderr.splitlines()) == 1


HAND_WRITTEN = r"""@string{tug = "TUGboat"}
@string{tugfull = tug # " Journal"}
@preamble{"\providecommand{\TUG}{TUG}"}

@inproceedings{child,
  author = {M{\"u}ller, J{\"o}rg and {\v{S}}imon, Ana},
  title = {On {\TUG} and Braces},
  crossref = {parent},
  pages = {1--2},
}

@article{art,
  author = "Åkerblom, Nils",
  title = "Smörgåsbord of 中文",
  journal = tugfull,
  year = 1999,
  month = sep,
}

@proceedings{parent,
  title = {Proceedings of the Meeting},
  year = {2001},
  publisher = {Pub},
}
"""


def test_hand_written_entries_bring_their_macros_and_crossref_parents(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    result = run("-l", str(path), "export", "child", "art")
    assert result.exit_code == 0
    blocks = result.stdout.split("\n\n")
    assert blocks[0] == '@preamble{"\\providecommand{\\TUG}{TUG}"}'
    assert blocks[1:3] == ['@string{tug = "TUGboat"}', '@string{tugfull = tug # " Journal"}']
    assert [block.split(",")[0] for block in blocks[3:]] == [
        "@inproceedings{child",
        "@article{art",
        "@proceedings{parent",
    ]
    assert '  author = "{\\r{A}}kerblom, Nils",' in result.stdout
    assert "  journal = tugfull," in result.stdout and "  month = sep," in result.stdout
    assert result.stderr == (
        "citetool: warning: 2 characters with no LaTeX form ('中' (U+4E2D), '文' (U+6587)) kept as UTF-8 in 1 entry "
        "(art); pdflatex cannot typeset them; --verbose lists them\n"
    )


def test_other_formats_get_resolved_macros_and_inherited_fields(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    ris = run("-l", str(path), "export", "-f", "ris", "child", "art").stdout
    # A conference paper's proceedings are C3 (Zotero's and citation-js's reading, issue #22).
    assert "AU  - Müller, Jörg\nAU  - Šimon, Ana\nTI  - On TUG and Braces\nC3  - Proceedings of the Meeting\n" in ris
    assert "PB  - Pub\n" in ris and "PY  - 2001\n" in ris
    assert "T2  - TUGboat Journal\nPY  - 1999\n" in ris


def test_bibtex_and_biblatex_map_types_and_fields_both_ways(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text(
        "@online{web, title = {Site}, url = {https://example.org/a_b}, date = {2021-03-04}}\n"
        "@thesis{th, author = {A, B}, title = {T}, type = {mathesis}, institution = {Uni}, date = {2019}}\n"
        "@article{a, title = {X}, journaltitle = {J}, location = {Paris}, date = {2020-11}}\n"
        "@phdthesis{p, author = {C, D}, title = {P}, school = {S}, year = 2018, month = jun}\n"
        "@techreport{r, title = {R}, institution = {I}, year = {2017}, address = {Rome}, journal = {JJ},\n"
        "  pages = {3-9}}\n",
        encoding="utf-8",
    )
    bibtex = run("-l", str(path), "export", "-f", "bibtex").stdout
    assert (
        "@misc{web,\n  title = {Site},\n  url = {https://example.org/a_b},\n  year = {2021},\n  month = mar,\n"
        "  howpublished = {\\url{https://example.org/a_b}},\n}" in bibtex
    )
    assert "@mastersthesis{th,\n  author = {A, B},\n  title = {T},\n  school = {Uni},\n  year = {2019},\n}" in bibtex
    assert (
        "@article{a,\n  title = {X},\n  journal = {J},\n  address = {Paris},\n  year = {2020},\n  month = nov,\n}"
        in bibtex
    )
    assert "  pages = {3--9},\n" in bibtex
    biblatex = run("-l", str(path), "export", "-f", "biblatex").stdout
    assert (
        "@thesis{p,\n  author = {C, D},\n  title = {P},\n  institution = {S},\n  date = {2018-06},\n"
        "  type = {phdthesis},\n}" in biblatex
    )
    assert (
        "@report{r,\n  title = {R},\n  institution = {I},\n  date = {2017},\n  location = {Rome},\n"
        "  journaltitle = {JJ},\n  pages = {3-9},\n  type = {techreport},\n}" in biblatex
    )


def test_html_is_a_page_with_anchors_doi_links_and_styles(workdir: Path) -> None:
    page = run("export", "-f", "html", "--style", "ieee").stdout
    assert page.startswith('<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="utf-8">')
    assert "<h1>Bibliography</h1>" in page and "<style>" in page and "@media print" in page
    entry = page[page.index('<div class="csl-entry" id="belousova2025embracing">') :].split("\n  </div>")[0]
    # One numbering, the style's own label; one DOI link, where the style prints the DOI.
    assert '<div class="csl-left-margin">[1]</div><div class="csl-right-inline">T. Belousova and R. Sharma,' in entry
    assert "<ol" not in page and "<li" not in page
    assert entry.count("<a ") == 1 and entry.count("10.1177/23477970251383994") == 2  # the href and the text
    assert 'doi: <a href="https://doi.org/10.1177/23477970251383994">10.1177/23477970251383994</a>.' in entry
    assert ".csl-left-margin { float: left; width: 4ch; }" in page  # "[1]" and a space
    apa = run("export", "-f", "html").stdout
    assert ".csl-entry { padding-left: 2em; text-indent: -2em; }" in apa  # APA's hanging indent
    assert '<a href="https://doi.org/10.1177/23477970251383994">https://doi.org/10.1177/23477970251383994</a>' in apa
    fragment = run("export", "-f", "html", "--fragment").stdout
    assert fragment.startswith('<div class="csl-bib-body">\n') and fragment.endswith("</div>\n")
    assert "<html" not in fragment and fragment.count('<div class="csl-entry" id=') == 2


def test_unknown_style_lists_close_matches(workdir: Path) -> None:
    result = run("export", "-f", "text", "--style", "chicago-author")
    assert result.exit_code == 2
    assert result.stderr.startswith("citetool: error: unknown style 'chicago-author'; did you mean chicago-author-date")


def test_style_comes_from_the_config_setting(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITETOOL_STYLE", "ieee")
    assert run("export", "-f", "text").stdout.startswith("[1] T. Belousova and R. Sharma, ")
