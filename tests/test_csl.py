"""CSL bibliographies: the bundled citeproc-js, styles and locales, rendering again from the memo, inert HTML."""

from __future__ import annotations

import hashlib
import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from citetool.csl import bibliography, engine, inert, styles
from citetool.csl.items import item
from citetool.library import file as library

from .conftest import DATA, REPO, need_corpora, run

GOLDEN = DATA / "export" / "styles"
FIVE = ["apa", "ieee", "chicago-author-date", "modern-language-association", "nlm-citation-sequence"]


def test_the_bundled_citeproc_js_is_the_npm_release_unmodified() -> None:
    digest = hashlib.sha256(engine.PROCESSOR.read_bytes()).hexdigest()
    assert digest == "55abba1a8b8b48c14323fd053f9646013b4b7a0c977938064ecf5195a502b9f1"
    assert engine.processor_version() == "1.4.61"
    notice = (engine.PROCESSOR.parent / "LICENSE").read_text()
    assert "Common Public Attribution License" in notice and "Frank Bennett" in notice


def test_the_cpal_text_ships_with_the_bundled_source() -> None:
    """The CPAL-1.0's section 3.1: a copy of the licence with every copy of the source, so in the package
    data and in the installed distribution's licence files."""
    import importlib.metadata

    text = (engine.PROCESSOR.parent / "LICENSE.CPAL-1.0").read_text(encoding="utf-8")
    assert text.startswith("Common Public Attribution License Version 1.0 (CPAL)")
    for heading in ("3.1 Application of License.", "14. ADDITIONAL TERM: ATTRIBUTION",
                    "15. ADDITIONAL TERM: NETWORK USE.", "EXHIBIT B. Attribution Information"):  # fmt: skip
        assert heading in text
    shipped = importlib.metadata.metadata("citetool").get_all("License-File") or []
    assert "citetool/csl/vendor/citeproc-js/LICENSE.CPAL-1.0" in shipped


class _Memo:
    def __init__(self) -> None:
        self.slots: dict[str, str] = {}

    def load(self, slot: str) -> Any:
        return json.loads(self.slots[slot]) if slot in self.slots else None

    def store(self, slot: str, payload: Any) -> None:
        self.slots[slot] = json.dumps(payload)


def _items(name: str, count: int) -> list[dict[str, Any]]:
    lib = library.load(need_corpora() / "large" / name)
    resolver = lib.resolver()
    return [item(resolver.work(entry)) for entry in list(lib.entries.values())[:count]]


def _edit(items: list[dict[str, Any]], rng: random.Random, round_: int) -> list[dict[str, Any]]:
    """One random change: an append (as ``add`` does), a twin of an entry (a year-suffix), an edit, a removal."""
    changed = list(items)
    operation = rng.choice(["append", "twin", "edit", "remove"])
    index = rng.randrange(len(changed))
    if operation == "append":
        changed.append(dict(items[index], id=f"new{round_}"))
    elif operation == "twin":
        changed.insert(index, dict(items[index], id=f"twin{round_}", title=f"{items[index].get('title', '')} II"))
    elif operation == "edit":
        edited = dict(changed[index], title="Aa " + str(changed[index].get("title", "")))
        if rng.random() < 0.5:
            edited["author"] = [{"family": "Anonymous"}]
        changed[index] = edited
    else:
        changed.pop(index)
    return changed


@pytest.mark.corpora
@pytest.mark.parametrize("style_name", FIVE)
@pytest.mark.parametrize("corpus", ["contextlab-cdl.bib"])  # TUGboat's many "Anonymous 1981": below
def test_rendering_again_from_the_memo_equals_a_whole_rendering(corpus: str, style_name: str) -> None:
    style = styles.find(style_name)
    items = _items(corpus, 150)
    memo = _memo = _Memo()
    first = bibliography.render(items, style, None, True, memo)
    assert first.entries == engine.render(items, style, None, True).entries
    rng = random.Random(f"{corpus} {style_name}")
    for round_ in range(3):
        items = _edit(items, rng, round_)
        again = bibliography.render(items, style, None, True, _memo)
        assert again.entries == engine.render(items, style, None, True).entries, (style_name, round_)


def test_an_unchanged_library_renders_from_the_memo_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [{"id": f"k{n}", "type": "book", "title": f"T{n}", "author": [{"family": "Same", "given": "A"}],
              "issued": {"date-parts": [[2020]]}} for n in range(4)]  # fmt: skip
    memo = _Memo()
    style = styles.find("apa")
    first = bibliography.render(items, style, None, False, memo)
    assert [text.split(" (")[1][:5] for _key, text in first.entries] == ["2020a", "2020b", "2020c", "2020d"]
    with monkeypatch.context() as patched:
        patched.setattr(engine.Engine, "__init__", lambda *args: pytest.fail("no engine needed"))
        assert bibliography.render(items, style, None, False, memo).entries == first.entries
    fewer = bibliography.render(items[1:], style, None, False, memo).entries  # the suffixes move up
    assert fewer == [(key, text.replace("2020b", "2020a").replace("2020c", "2020b").replace("2020d", "2020c"))
                     for key, text in first.entries[1:]]  # fmt: skip


BROKEN_MEMOS = [
    None, {}, {"format": 1}, {"format": 1, "order": ["x"], "items": {}, "params": {}},
    {"format": 1, "order": [], "items": {"a": [1]}, "params": {}}, "junk",
]  # fmt: skip


@pytest.mark.parametrize("payload", BROKEN_MEMOS)
def test_a_broken_memo_is_a_whole_rendering(payload: Any) -> None:
    items = [{"id": "a", "type": "book", "title": "T", "issued": {"date-parts": [[2020]]}}]
    memo = _Memo()
    style = styles.find("ieee")
    lang = engine.language(style, None)[0]
    memo.slots[f"{style.digest}-{lang}-text-{engine.processor_version()}"] = json.dumps(payload)
    assert bibliography.render(items, style, None, False, memo).entries == engine.render(items, style).entries


def test_year_suffixes_and_pages_are_right_where_citeproc_py_got_them_wrong() -> None:
    items = [
        {"id": "a", "type": "article-journal", "title": "One", "author": [{"literal": "Anonymous"}],
         "issued": {"date-parts": [[1981]]}, "page": "20", "container-title": "TUGboat"},
        {"id": "b", "type": "article-journal", "title": "Two", "author": [{"literal": "Anonymous"}],
         "issued": {"date-parts": [[1981]]}, "page": "137-137", "container-title": "TUGboat"},
        {"id": "c", "type": "article-journal", "title": "Three", "author": [{"family": "Díaz", "given": "Ana"}],
         "issued": {"date-parts": [[1990]]}, "page": "1-48", "container-title": "J"},
        {"id": "d", "type": "article-journal", "title": "Four", "author": [{"family": "Doherty", "given": "Bo"}],
         "issued": {"date-parts": [[1990]]}, "page": "i-ii", "container-title": "J"},
    ]  # fmt: skip
    apa = dict(engine.render(items, styles.find("apa")).entries)
    assert "(1981a)" in apa["a"] and "(1981b)" in apa["b"]
    assert "20." in apa["a"] and "137–137" in apa["b"] and "1–48" in apa["c"] and "i–ii" in apa["d"]
    assert list(apa) == ["a", "b", "c", "d"]  # Díaz before Doherty
    mla = engine.render(items, styles.find("modern-language-association")).entries
    assert mla[1][1].startswith("———.") and "Ana" in dict(mla)["c"]  # repeated author; full given names
    vancouver = engine.render(items, styles.find("nlm-citation-sequence")).entries
    assert [text[:3] for _key, text in vancouver] == ["1. ", "2. ", "3. ", "4. "]


def test_a_dependent_style_renders_with_its_parent_and_its_own_locale(tmp_path: Path) -> None:
    dependent = styles.find("2d-materials")
    assert dependent.xml == styles.find("institute-of-physics-numeric").xml and dependent.default_locale == "en-US"
    british = tmp_path / "british.csl"
    british.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" '
        'default-locale="de-DE"><info><title>Mine</title><id>x</id>'
        '<link href="http://www.zotero.org/styles/apa" rel="independent-parent"/></info></style>\n',
        encoding="utf-8",
    )
    found = styles.find(str(british))
    assert found.xml == styles.find("apa").xml and engine.language(found, None) == ("de-DE", True)
    text = engine.render([{"id": "a", "type": "book", "title": "T"}], found).entries[0][1]
    assert "o.\u00a0J." in text  # German for "n.d."
    assert engine.language(found, "en-gb") == ("en-GB", True)


def test_style_paths_and_locales_from_the_command_line(workdir: Path) -> None:
    mine = workdir / "mine.csl"
    mine.write_text(styles.find("ieee").xml, encoding="utf-8")
    assert (
        run("export", "-f", "text", "--style", str(mine)).stdout
        == run("export", "-f", "text", "--style", "ieee").stdout
    )
    german = run("export", "-f", "text", "--locale", "de").stdout
    assert "(o.\u00a0J.)" in german and "(n.d.)" in run("export", "-f", "text").stdout
    assert '<html lang="de-DE">' in run("export", "-f", "html", "--locale", "de-DE").stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no style file"),
        ("<style", "is not well-formed XML"),
        ("<html/>", "is not a CSL style"),
        ('<style xmlns="http://purl.org/net/xbiblio/csl"><info/></style>', "has no bibliography"),
        (
            '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><info/><citation><layout><text '
            'variable="title"/></layout></citation><bibliography><layout><text term="no-term" form="zzz"/><group>'
            '<names variable="author"><name and="bogus"/></names></group></layout></bibliography></style>',
            "cannot be rendered by citeproc-js",
        ),
        (
            '<style xmlns="http://purl.org/net/xbiblio/csl"><info><link rel="independent-parent" '
            'href="http://www.zotero.org/styles/no-such-parent"/></info></style>',
            "not a bundled independent style",
        ),
    ],
)
def test_a_bad_style_file_is_a_one_line_error(workdir: Path, content: str | None, message: str) -> None:
    path = workdir / "bad.csl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run("export", "-f", "html", "--style", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("citetool: error: ") and message in result.stderr and result.stderr.count("\n") == 1


def test_an_unknown_locale_is_an_error_with_close_names(workdir: Path) -> None:
    result = run("export", "-f", "text", "--locale", "en-XX")
    assert result.exit_code == 0 and "(n.d.)" in result.stdout  # a dialect there is no file for: its language's
    result = run("export", "-f", "text", "--locale", "zz-ZZ")
    assert result.exit_code == 2 and result.stderr.startswith("citetool: error: no locale 'zz-ZZ'")
    result = run("export", "-f", "text", "--locale", "<script>")
    assert result.exit_code == 2 and "is not a locale name" in result.stderr


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_hostile_values_stay_text_and_only_safe_links_are_made() -> None:
    entry = (
        '<div class="csl-entry" onclick="x()">A <script>alert(1)</script><img src=x onerror=alert(1)>'
        '<span style="background:url(javascript:x)">s</span><span style="font-variant:small-caps;">c</span>'
        "<i>t</i> 10.1/a&quot;b javascript:alert(2) <!-- c --></div>"
    )
    rebuilt = inert.rebuild(entry, 'k"<', doi='10.1/a"b', url="javascript:alert(2)")
    parser = _Tags()
    parser.feed(rebuilt)
    assert [tag for tag, _ in parser.tags] == ["div", "span", "i", "a"]
    assert parser.tags[0][1] == {"class": "csl-entry", "id": 'k"<'}
    assert parser.tags[3][1] == {"href": "https://doi.org/10.1/a%22b"}
    assert "&lt;script&gt;" not in rebuilt and "alert(1)" in rebuilt  # the tag dropped, its text kept as text
    assert "<!--" not in rebuilt and "javascript:alert(2)" in rebuilt and 'href="javascript' not in rebuilt


def test_a_url_and_a_doi_each_get_one_link() -> None:
    entry = '<div class="csl-entry">X. https://doi.org/10.1/x. https://example.org/a?b=1&amp;c=2 10.1/x</div>'
    rebuilt = inert.rebuild(entry, "k", doi="10.1/x", url="https://example.org/a?b=1&c=2")
    assert rebuilt.count("<a ") == 2
    assert '<a href="https://doi.org/10.1/x">https://doi.org/10.1/x</a>' in rebuilt
    assert '<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>' in rebuilt


def _golden_library(workdir: Path) -> Path:
    parts = [(REPO / "library.bib").read_text(encoding="utf-8")]
    parts += [path.read_text(encoding="utf-8") for path in sorted((DATA / "golden").glob("*.bib"))]
    path = workdir / "golden.bib"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


@pytest.mark.parametrize("format_name", ["text", "html"])
@pytest.mark.parametrize("style_name", FIVE)
def test_each_style_renders_the_golden_entries_as_recorded(workdir: Path, style_name: str, format_name: str) -> None:
    """Golden files, checked against citeproc-js by tests/test_citeproc_js.py when they were made."""
    path = _golden_library(workdir)
    result = run("-l", str(path), "export", "-f", format_name, "--style", style_name)
    assert result.exit_code == 0, result.stderr
    suffix = "txt" if format_name == "text" else "html"
    assert result.stdout == (GOLDEN / f"{style_name}.{suffix}").read_text(encoding="utf-8")
    assert not re.search(r"\\[a-zA-Z]+", result.stdout)  # no LaTeX command leaks into a bibliography


@pytest.mark.corpora
def test_many_changes_are_sorted_again_and_few_are_put_in_place() -> None:
    """Both ways of ordering after a change (see bibliography.FEW) give the whole rendering's order.

    On TUGboat, whose "Anonymous 1981" groups put the year-suffixes to work.
    """
    style = styles.find("apa")
    items = _items("biber-etc-tugboat.bib", 150)
    for count in (3, bibliography.FEW + 5):
        memo = _Memo()
        bibliography.render(items, style, None, False, memo)
        changed = [dict(entry, title=f"{count} {entry.get('title', '')}") for entry in items[:count]] + items[count:]
        again = bibliography.render(changed, style, None, False, memo)
        assert again.entries == engine.render(changed, style).entries, count
