"""citeproc-py as citetool drives it: remembered lookups, shielding as read, the library released first."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from citetool.actions import exporting
from citetool.csl import engine as citeproc_render
from citetool.csl.items import item
from citetool.library import file as library

from .conftest import REPO, need_corpora

STYLES = ["apa", "ieee", "chicago-author-date", "modern-language-association", "nature"]


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    """Forty real entries of many types, as CSL items (macros resolved, crossref parents inherited)."""
    lib = library.load(need_corpora() / "large" / "jgrey4296-main-first10k.bib")
    entries = list(lib.entries.values())[::250][:40]
    assert len({entry.entry_type for entry in entries}) >= 3
    resolver = lib.resolver()
    return [item(resolver.work(entry)) for entry in entries]


@pytest.mark.corpora
@pytest.mark.parametrize("html", [False, True], ids=["plain", "html"])
@pytest.mark.parametrize("style_name", STYLES)
def test_remembered_lookups_render_the_same_bibliography(
    style_name: str, html: bool, items: list[dict[str, Any]]
) -> None:
    style = citeproc_render._style(style_name)
    alone = citeproc_render._bibliography(items, style, html)
    with citeproc_render._lookups_remembered():
        remembered = citeproc_render._bibliography(items, style, html)
    assert remembered == alone
    assert len(alone) == len(items) and all(text for _key, text in alone)


@pytest.mark.corpora
def test_the_order_alone_is_the_order_of_the_rendering(items: list[dict[str, Any]]) -> None:
    style = citeproc_render._style("apa")
    with citeproc_render._lookups_remembered():
        order = citeproc_render._bibliography(items, style, html=False, rendered=False)
        full = citeproc_render._bibliography(items, style, html=False)
    assert [key for key, _ in order] == [key for key, _ in full]
    assert {text for _, text in order} == {""}


def test_citeproc_is_left_as_it_was() -> None:
    from citeproc import model

    before = model.CitationStylesElement.xpath_search
    with citeproc_render._lookups_remembered():
        assert model.CitationStylesElement.xpath_search is not before
    assert model.CitationStylesElement.xpath_search is before


@pytest.mark.corpora
def test_shielding_each_item_as_it_is_read_equals_shielding_the_list(items: list[dict[str, Any]]) -> None:
    style = citeproc_render._style("apa")
    hostile = [{**item, "title": f'{item.get("title", "")} & <b>"x"</b>'} for item in items]
    whole_list = citeproc_render._bibliography([citeproc_render._shield(item) for item in hostile], style, True)
    as_read = citeproc_render._bibliography(hostile, style, True, shielded=True)
    assert as_read == whole_list
    assert all("\ue100" in text for _key, text in as_read)  # still shielded: render() turns them into entities


@pytest.mark.parametrize("format_name", ["html", "text", "ris", "csl-json"])
def test_the_parsed_library_is_released_before_a_self_contained_format_is_written(
    format_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citetool import writers as formats

    path = tmp_path / "library.bib"
    path.write_bytes((REPO / "library.bib").read_bytes())
    lib = library.load(path)
    before = {key: entry.fields for key, entry in lib.entries.items()}
    write = formats.writer(format_name)
    seen: list[bool] = []

    def watching(entries: Iterable[Any], context: formats.Context) -> str:
        items = list(entries)  # what a writer keeps of the entries
        seen.append(lib._document is None and lib._text is None)
        return write(items, context)

    monkeypatch.setattr(formats, "writer", lambda name: watching)
    result = exporting.export(lib, format_name)
    assert seen == [True]
    assert result.text == (REPO / "tests" / "data" / "export" / f"library.{format_name}").read_text(encoding="utf-8")
    # Anything that asks again reads the file again, and gets the same entries.
    assert {key: entry.fields for key, entry in lib.entries.items()} == before
