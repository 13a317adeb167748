"""The Crossref -> BibTeX mapping on the odd records real data contains, and citation keys."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from citetool.bib import keys
from citetool.bib.entry import Value
from citetool.bib.escape import escape
from citetool.bib.latex import to_text
from citetool.bib.names import parse_names
from citetool.bib.source import entry_source
from citetool.crossref.mapping import to_entry


def _entry(**record: Any) -> str:
    return entry_source(to_entry({"type": "journal-article", **record}, "10.5555/x"))


def test_subtitle_joins_the_title_and_is_not_repeated() -> None:
    assert "title = {Deep Work: Rules for Focused Success}," in _entry(
        title=["Deep Work"], subtitle=["Rules for Focused Success"]
    )
    assert "title = {Deep Work: Rules}," in _entry(title=["Deep Work: Rules"], subtitle=["Rules"])


def test_names_suffix_organisation_family_only_and_empty_objects() -> None:
    source = _entry(
        author=[
            {"given": "Donald", "family": "Hora", "suffix": "Jr."},
            {"name": "Concrete Technology Associates"},
            {"family": "Aristotle"},
            {},
            {"given": "", "family": ""},
            {"given": "Ludwig", "family": "Beethoven", "non-dropping-particle": "van"},
        ]
    )
    line = next(line for line in source.splitlines() if line.startswith("  author"))
    assert line == (
        "  author = {Hora, Jr., Donald and {Concrete Technology Associates} and Aristotle and van Beethoven, Ludwig},"
    )
    names = parse_names(line.split("= {", 1)[1].rstrip("},") + "")
    assert [name.display() for name in names][:3] == ["Donald Hora, Jr.", "Concrete Technology Associates", "Aristotle"]


def test_null_dates_null_strings_and_thousands_of_authors_do_not_crash() -> None:
    source = _entry(
        title=["T"],
        issued={"date-parts": [[None]]},
        volume="null",
        issue="None",
        author=[{"given": f"G{number}", "family": f"F{number}"} for number in range(3000)],
    )
    assert "year" not in source and "volume" not in source and "number" not in source
    assert source.count(" and ") == 2999
    assert to_entry({"type": "journal-article", "issued": {"date-parts": [[2020, 13]]}}, "10.5555/x").text("year") == (
        "2020"
    )


def test_pages_ranges_get_en_dashes_and_identifiers_stay() -> None:
    for page, expected in [("515-537", "515--537"), ("e33693", "e33693"), ("96973B", "96973B"),
                           ("1308-1309.e1", "1308--1309.e1"), ("i-ii", "i--ii")]:  # fmt: skip
        assert f"pages = {{{expected}}}," in _entry(page=page)
    assert "pages = {16696}," in _entry(**{"article-number": "16696"})


def test_markup_entities_escapes_and_acronyms_in_titles() -> None:
    source = _entry(title=["Effect of<i>in vivo</i>CO<sub>2</sub> &amp; 50% of $x_1$ on ~iPhone #1 users"])
    assert (
        "title = {Effect of \\textit{in vivo} {CO}\\textsubscript{2} \\& 50\\% of \\$x\\_1\\$ on "
        "\\textasciitilde{}{iPhone} \\#1 users}," in source
    )
    assert "doi = {10.5555/x}," in source


def test_url_is_kept_verbatim_and_dropped_when_it_only_repeats_the_doi() -> None:
    assert "url" not in _entry(URL="https://doi.org/10.5555/X")
    assert "url = {https://example.org/a_b%20c}," in _entry(URL="https://example.org/a_b%20c")


def test_keys_follow_the_scheme() -> None:
    def key(**record: Any) -> str:
        return to_entry({"type": "journal-article", **record}, "10.5555/x").key

    assert key(author=[{"family": "Belousova"}], issued={"date-parts": [[2025]]},
               title=["Embracing the Taliban"]) == "belousova2025embracing"  # fmt: skip
    assert key(author=[{"family": "Müller-Łukasz"}], issued={"date-parts": [[2001]]}, title=["Über Alles"]) == (
        "mullerlukasz2001uber"
    )
    assert key(author=[{"family": "王"}], issued={"date-parts": [[2019]]}, title=["深度学习"]) == "wang2019shenduxuexi"
    assert key(author=[{"name": "The World Health Organization"}], title=["Report"]) == "worldreport"
    assert key(title=["The Structure of Water"], issued={"date-parts": [[1970]]}) == "structure1970water"
    taken = {"belousova2025embracing", "belousova2025embracinga"}
    entry = to_entry(
        {"author": [{"family": "Belousova"}], "issued": {"date-parts": [[2025]]}, "title": ["Embracing"]},
        "10.5555/x",
        taken,
    )
    assert entry.key == "belousova2025embracingb"


@given(st.text(max_size=60), st.text(max_size=30))
def test_generated_keys_are_valid_bibtex_keys(title: str, family: str) -> None:
    entry = to_entry({"type": "other", "title": [title], "author": [{"family": family}]}, "10.5555/x")
    assert keys.validate(entry.key) == entry.key
    assert entry.key.isascii() and entry.key.isalnum()


@given(st.text(max_size=80))
def test_escaping_never_unbalances_braces_and_round_trips_as_a_value(text: str) -> None:
    escaped = escape(text)
    value = Value.parse("{" + escaped + "}")
    assert value.resolve({}) == escaped


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="-\x00"), max_size=80))
def test_escaped_text_reads_back_as_the_same_text(text: str) -> None:
    assert to_text(escape(text)) == " ".join(text.replace("\xa0", " ").split())


@given(st.sets(st.text(alphabet="ab", min_size=1, max_size=3), max_size=40))
def test_unique_key_never_returns_a_taken_key(taken: set[str]) -> None:
    key = keys.unique_key("a", taken)
    assert key not in taken and key.startswith("a")
