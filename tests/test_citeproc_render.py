"""citeproc-py with remembered style lookups renders exactly what citeproc-py alone renders."""

from __future__ import annotations

from typing import Any

import pytest

from citetool import citeproc_render, exporting, library
from citetool.csl import item

from .conftest import need_corpora

STYLES = ["apa", "ieee", "chicago-author-date", "modern-language-association", "nature"]


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    """Forty real entries of many types, as CSL items (macros resolved, crossref parents inherited)."""
    lib = library.load(need_corpora() / "large" / "jgrey4296-main-first10k.bib")
    entries = list(lib.entries.values())[::250][:40]
    assert len({entry.entry_type for entry in entries}) >= 3
    return [item(exporting.resolved(exporting.inherit(entry, lib), lib)) for entry in entries]


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
