"""The entry model: LaTeX read with its structure, Unicode written for pdflatex, one reading for every writer."""

from __future__ import annotations

import json
import subprocess
import unicodedata
from pathlib import Path

import pytest

from citetool.bib.escape import _canonical, cluster_to_ascii, to_ascii
from citetool.bib.latex import decode, to_text
from citetool.bib.richtext import csl_markup
from citetool.crossref.markup import to_latex

from .conftest import DATA, need_programs, run

# -- LaTeX -> text -------------------------------------------------------------------------------------------------

#: The leaks measured on real libraries (issue #12), and what a reader sees.
READ_AS: list[tuple[str, str, str]] = [
    (r"{\it Umlaut\/}s", "Umlauts", "<i>Umlaut</i>s"),
    (r'\AmSTeX\Dash "A very friendly product"', 'AMS-TeX — "A very friendly product"', None),
    (r"{\tt\bs strut}", "\\strut", None),
    (r"In{$\slash$}GaN", "In/GaN", None),
    (r"\texttt{Davos}: A Python package", "Davos: A Python package", None),
    (r'W{\"a}rmen \textit{c}\textsubscript{\textit{p}}', "Wärmen cp", "Wärmen <i>c</i><sub><i>p</i></sub>"),
    (r"$^{13}$C NMR of H$_2$O", "¹³C NMR of H₂O", "<sup>13</sup>C NMR of H<sub>2</sub>O"),
    (r"The {FRET} of \emph{ctDNA}", "The FRET of ctDNA", 'The <span class="nocase">FRET</span> of <i>ctDNA</i>'),
    (r"{\sc Small} caps", "Small caps", '<span style="font-variant:small-caps;">Small</span> caps'),
    (r"{\bf Bold {\em and italic}} rest", "Bold and italic rest", "<b>Bold <i>and italic</i></b> rest"),
    (r"Stra\ss e, \TeX{} is \LaTeX\ fun, \LaTeXe, \MF", "Straße, TeX is LaTeX fun, LaTeX2ε, METAFONT", None),
    (r"a\kern.1em b\hskip 2pt plus 1pt c\vphantom{X}d\hbox{e}", "abcde", None),
    (r"a\char'176b\char126c\char`\%d", "a~b~c%d", None),
    (r"\url{http://x.org/~a_b} \path|a~b|", "http://x.org/~a_b a~b", None),
    (r"\ding{51} ok", "✓ ok", None),
    (r"\immediate\write18{touch pwned}", "", None),
    (r"$\alpha$-helix $x^2 \leq y$", "α-helix x² ≤ y", "α-helix x<sup>2</sup> ≤ y"),
    # An unknown command with an argument gives way to it; alone, it is a word (issue #22: no lost words).
    (r"\unknownmacro{kept} \othermacro text", "kept othermacro text", None),
    (r"The status of {\VAX}/{\TeX} at Brown", "The status of VAX/TeX at Brown", None),
    (r"{\smc mf medley} and {\ninesmc Keynote}", "mf medley and Keynote", None),
    (r"\DVItoVDU{} 3.0 and \NetBibTeX{}ing", "DVItoVDU 3.0 and NetBibTeXing", None),
    (r"The {\TeX} Live Guide, \nth{4} edition", "The TeX Live Guide, 4th edition", None),
    (r"{\'{\i}} \v{s}\'{c}\H{o} \d{o}\textcommabelow{S} \c{a}", "í šćő ọȘ a\u0327", None),
    (r"-{}- and --- and ``quoted''", "-- and — and “quoted”", None),
    (r"\href{http://x.org}{Link text} and \textperiodcentered", "Link text and ·", None),
]


@pytest.mark.parametrize(("latex", "text", "markup"), READ_AS, ids=[case[0][:30] for case in READ_AS])
def test_latex_reads_as_a_person_reads_it(latex: str, text: str, markup: str | None) -> None:
    assert to_text(latex) == text
    if markup is not None:
        assert csl_markup(decode(latex)) == markup


def test_a_value_without_latex_is_its_own_text() -> None:
    assert decode("Plain title") == ("Plain title",)
    assert to_text("  two\n words ") == "two words"


# -- Unicode -> LaTeX ----------------------------------------------------------------------------------------------

#: What classic BibTeX export writes for the letters the measurement found missing (issue #12).
WRITTEN_AS: list[tuple[str, str]] = [
    ("Ẇ", r"{\.W}"), ("ọ", r"{\d{o}}"), ("ụ", r"{\d{u}}"), ("ı\u0301", r"{\'{\i}}"), ("a\u0327", r"{\c{a}}"),
    ("8\u0303", r"{\~8}"), ("\u200b", r"{\hspace{0pt}}"), ("ǎ", r"{\v{a}}"), ("ǐ", r"{\v{\i}}"),
    ("ṣ", r"{\d{s}}"), ("Ș", r"{\textcommabelow{S}}"), ("ș", r"{\textcommabelow{s}}"),
    ("·", r"{\textperiodcentered}"), ("Å", r"{\r{A}}"), ("ǘ", r"{\'{\"u}}"), ("ő", r"{\H{o}}"),
]  # fmt: skip


@pytest.mark.parametrize(("char", "latex"), WRITTEN_AS)
def test_letters_are_written_in_their_standard_latex_form(char: str, latex: str) -> None:
    assert to_ascii(char) == (latex, [])
    assert _canonical(to_text(latex)) == _canonical(char)


def test_characters_without_a_form_are_kept_and_named() -> None:
    assert to_ascii("王 and ʾ") == ("王 and ʾ", ["ʾ", "王"])


def test_one_warning_per_export_and_verbose_lists_them(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text("@misc{a, title = {中 and 😀}}\n@misc{b, title = {文}}\n", encoding="utf-8")
    quiet = run("-l", str(path), "export", "-f", "bibtex")
    assert quiet.stderr == (
        "citetool: warning: 3 characters with no LaTeX form ('中' (U+4E2D), '😀' (U+1F600), '文' (U+6587)) kept as "
        "UTF-8 in 2 entries (a, b); pdflatex cannot typeset them; --verbose lists them\n"
    )
    loud = run("-l", str(path), "export", "-f", "bibtex", "--verbose")
    assert loud.stderr.splitlines()[1:] == [
        "citetool: warning: '中' (U+4E2D) has no LaTeX form: a.title",
        "citetool: warning: '😀' (U+1F600) has no LaTeX form: a.title",
        "citetool: warning: '文' (U+6587) has no LaTeX form: b.title",
    ]


_BLOCKS = [(0xC0, 0x100), (0x100, 0x180), (0x180, 0x250), (0x1E00, 0x1F00)]  # Latin-1 Sup., Ext-A, Ext-B, Ext Add.
_BELOW = frozenset({"\u0323", "\u0326", "\u0327", "\u0328", "\u0331"})
#: T1 draws Đ (``\\DJ``) with the glyph of Ð, so pdftotext reads it as Ð.
_SAME_GLYPH = {"Đ": "Ð"}


@pytest.mark.tex
def test_every_latin_letter_latex_can_write_builds_with_pdflatex_in_nfc_and_nfd(tmp_path: Path) -> None:
    need_programs("pdflatex", "bibtex", "pdftotext")
    letters = [chr(code) for start, end in _BLOCKS for code in range(start, end)
               if unicodedata.category(chr(code)).startswith("L") and cluster_to_ascii(chr(code))]  # fmt: skip
    assert len(letters) > 400
    nfc = " ".join(letters)
    nfd = unicodedata.normalize("NFD", nfc)
    library = tmp_path / "library.bib"  # double braces: the plain style would lower-case a title
    library.write_text(f"@misc{{nfc, title = {{{{{nfc}}}}}, year = 2020}}\n\n@misc{{nfd, title = {{{{{nfd}}}}}}}\n")
    exported = run("-l", str(library), "export", "-f", "bibtex")
    assert exported.exit_code == 0 and exported.stderr == ""
    assert exported.stdout.isascii()
    (tmp_path / "refs.bib").write_text(exported.stdout)
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{lmodern}\\begin{document}"
        "\\nocite{nfc,nfd}\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n"
    )
    for command in (["pdflatex", "-interaction=nonstopmode", "paper"], ["bibtex", "paper"],
                    ["pdflatex", "-interaction=nonstopmode", "paper"]):  # fmt: skip
        subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=300, check=False)
    log = (tmp_path / "paper.log").read_text(errors="replace")
    assert "not set up for use with LaTeX" not in log
    assert "Undefined control sequence" not in log
    pdf = subprocess.run(["pdftotext", str(tmp_path / "paper.pdf"), "-"], capture_output=True, text=True, check=True)
    words = " ".join(_canonical(word) for word in pdf.stdout.split())
    for letter in letters:
        decomposed = unicodedata.normalize("NFD", letter)
        if len(decomposed) <= 2 and not set(decomposed[1:]) & _BELOW:  # one accent above: pdftotext composes it
            assert _SAME_GLYPH.get(letter, _canonical(letter)) in words, letter
        else:  # marks below or stacked accents: pdftotext gives the letter and its marks apart
            base = _canonical(decomposed[0])
            assert base.lower() in words.lower(), letter


# -- one model, every writer ---------------------------------------------------------------------------------------

HAND = r"""@proceedings{Parent,
  title = {Proceedings of the {\it Meeting}},
  year = 2001,
  month = mar,
  publisher = {Pub},
}

@inproceedings{child,
  author = {{\'E}douard Masterly and Smith de Jones, Z.},
  title = {Spin dynamics of H$_2$O in \textit{E. coli}},
  crossref = {parent},
  pages = {20--20},
  day = {5},
}

@article{dated,
  author = {A, B},
  title = {T},
  journal = {J},
  year = {2020},
  month = {September},
  pages = {1-48},
  pdf = {papers/smith~2020--draft.pdf},
}

@misc{loop1, title = {One}, crossref = {loop2}}

@misc{loop2, title = {Two}, crossref = {LOOP1}}
"""


def _hand(tmp_path: Path) -> Path:
    path = tmp_path / "library.bib"
    path.write_text(HAND, encoding="utf-8")
    return path


def test_ris_carries_month_and_day_and_rispy_reads_them(tmp_path: Path) -> None:
    import rispy

    records = rispy.loads(run("-l", str(_hand(tmp_path)), "export", "-f", "ris").stdout)
    by_title = {record["title"]: record for record in records}
    child = by_title["Spin dynamics of H₂O in E. coli"]
    assert child["date"] == "2001/03/05/" and child["year"] == "2001"
    # A conference paper is CONF with its proceedings in C3 (Zotero's and citation-js's reading; issue #22).
    assert child["type_of_reference"] == "CONF" and child["custom3"] == "Proceedings of the Meeting"
    assert child["start_page"] == "20" and child["end_page"] == "20"  # 20--20, as written
    assert by_title["T"]["date"] == "2020/09//" and by_title["T"]["end_page"] == "48"


def test_csl_json_validates_and_carries_rich_text(tmp_path: Path) -> None:
    import jsonschema

    items = json.loads(run("-l", str(_hand(tmp_path)), "export", "-f", "csl-json").stdout)
    jsonschema.validate(items, json.loads((DATA / "csl-data.json").read_text()))
    child = next(item for item in items if item["id"] == "child")
    assert child["title"] == "Spin dynamics of H<sub>2</sub>O in <i>E. coli</i>"
    assert child["container-title"] == "Proceedings of the <i>Meeting</i>"
    assert child["issued"] == {"date-parts": [[2001, 3, 5]]}
    assert child["page"] == "20-20"  # as written (20--20), as citation-js and pandoc read it (issue #22)
    assert child["publisher"] == "Pub"
    dated = next(item for item in items if item["id"] == "dated")
    assert dated["page"] == "1-48" and dated["issued"] == {"date-parts": [[2020, 9]]}


def test_a_crossref_cycle_exports_and_is_reported(tmp_path: Path) -> None:
    path = _hand(tmp_path)
    for format_name in ("ris", "csl-json", "bibtex", "biblatex", "text"):
        result = run("-l", str(path), "export", "-f", format_name, "loop1", "loop2")
        assert result.exit_code == 0, (format_name, result.stderr)
        if format_name not in ("bibtex", "biblatex"):  # BibTeX source keeps the crossref field for bibtex to see
            assert "crossref cycle loop1 -> loop2 -> loop1" in result.stderr
    checked = run("-l", str(path), "check")
    assert checked.exit_code == 9
    assert "entry 'loop1' field 'crossref': crossref cycle loop1 -> loop2 -> loop1" in checked.stdout


def test_show_json_reads_the_model(tmp_path: Path) -> None:
    shown = {item["key"]: item for item in json.loads(run("-l", str(_hand(tmp_path)), "show", "--json").stdout)}
    assert shown["child"]["year"] == "2001" and shown["child"]["venue"] == "Proceedings of the Meeting"
    assert shown["child"]["authors"] == ["Édouard Masterly", "Z. Smith de Jones"]
    assert shown["dated"]["fields"]["pdf"] == "papers/smith~2020--draft.pdf"  # verbatim, never LaTeX-decoded


def test_biblatex_export_writes_langid_not_language(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text("@article{a, title = {T}, language = {en}}\n@article{b, title = {T}, language = {Klingon}}\n")
    exported = run("-l", str(path), "export", "-f", "biblatex").stdout
    assert "  langid = {english},\n" in exported and "language = {en}" not in exported
    assert "  language = {Klingon},\n" in exported  # no babel name known: left for biblatex to print


def test_add_keeps_the_spacing_the_record_has_around_markup() -> None:
    assert to_latex("5,7-Dimethyl-1<i>H</i>-indole") == r"5,7-Dimethyl-1\textit{H}-indole"
    assert to_latex("(<i>E. coli</i>), 3<i>p</i>-2") == r"(\textit{E. coli}), 3\textit{p}-2"
    assert to_latex("of<i>in vivo</i>CO") == r"of \textit{in vivo} CO"  # two words glued: the lost space is back


def test_the_config_files_cache_dir_is_where_the_library_index_goes(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CITETOOL_CACHE_DIR")
    folder = tmp_path / "from-config"
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(exist_ok=True)
    config.write_text(f'cache_dir = "{folder}"\n')
    path = tmp_path / "big.bib"
    path.write_text("".join(f"@misc{{k{n}, title = {{Title number {n} {'x' * 200}}}}}\n" for n in range(1500)))
    assert run("-l", str(path), "show", "--json").exit_code == 0
    assert list((folder / "index").glob("*.json"))


def test_html_keeps_italics_and_subscripts_and_text_is_plain(tmp_path: Path) -> None:
    path = tmp_path / "l.bib"
    path.write_text(
        "@article{m, author = {X, Y}, title = {Spin of H$_2$O in \\textit{E. coli} \\textless script\\textgreater},"
        " journal = {J}, year = 2020}\n"
    )
    html = run("-l", str(path), "export", "-f", "html", "--fragment").stdout
    assert "Spin of H<sub>2</sub>O in <i>E. coli</i> &lt;script&gt;" in html
    assert "Spin of H2O in E. coli <script>" in run("-l", str(path), "export", "-f", "text").stdout
