"""Differential test: citetool's html and text bibliographies against citeproc-js in Node.js.

The reference is npm's ``citeproc`` package run by ``tests/reference/citeproc_js.js``
on citetool's own CSL items, with the same style and locale files; ``.ci/run``
installs Node.js and the package (found through ``NODE_PATH``).  Entries are
compared one by one, in order, after collapsing whitespace; for HTML, after
removing the links and ids citetool adds and reading both sides' markup the same
way (tags and attributes as parsed, text unescaped).  Each test prints its match
rate and fails below :data:`BAR`; the rates of a run are summed up at its end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from citetool.bib.source import entry_source
from citetool.crossref.mapping import to_entry
from citetool.csl import styles
from citetool.csl.items import item
from citetool.library import file as library
from citetool.writers import Context, writer

from .conftest import DATA, need, need_corpora
from .replay import recorded_works

REFERENCE = Path(__file__).parent / "reference" / "citeproc_js.js"
STYLES = {  # the five, by the files that render them
    "apa": "apa",
    "ieee": "ieee",
    "chicago-author-date": "chicago-author-date",
    "modern-language-association": "modern-language-association",
    "vancouver": "nlm-citation-sequence",
}
BAR = 0.95


def _node() -> str:
    node = shutil.which("node")
    need(node is not None, "Node.js is not installed (the reference citeproc-js runs in it)")
    assert node is not None
    found = subprocess.run([node, "-e", "require('citeproc')"], capture_output=True, check=False)
    need(found.returncode == 0, "npm package citeproc not found (npm install citeproc; NODE_PATH=.../node_modules)")
    return node


def _reference(items: list[dict[str, Any]], style: str, html: bool, folder: Path) -> list[tuple[str, str]]:
    path = folder / "items.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    style_path = styles._bundled_path(style)
    assert style_path is not None
    result = subprocess.run(
        [_node(), str(REFERENCE), str(path), str(style_path), str(styles._locales_folder()), ["text", "html"][html]],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return [(key, text) for key, text in json.loads(result.stdout)]


class _Canonical(HTMLParser):
    """Markup as a list of tags (with sorted attributes) and text, whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = sorted((name, value or "") for name, value in attrs if name != "id")
        if tag != "a":  # the links are citetool's own, checked apart
            self.parts.append(f"<{tag} {kept}>")

    def handle_endtag(self, tag: str) -> None:
        if tag != "a":
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _canonical(text: str, html: bool) -> str:
    if html:
        parser = _Canonical()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _ours(items_works: list[Any], style: str, html: bool) -> list[tuple[str, str]]:
    output = writer("html" if html else "text")(items_works, Context(style=style, fragment=True))
    if not html:
        keys = [work.key for work in items_works]
        return list(zip(keys, output.splitlines(), strict=True))  # text has no ids: the order is checked by html
    blocks = output.split('\n  <div class="csl-entry" id="')[1:]
    found = []
    for block in blocks:
        key, rest = block.split('"', 1)
        found.append((key, '<div class="csl-entry"' + rest.removesuffix("\n</div>\n")))
    return found


def _compare(label: str, works: list[Any], style: str, html: bool, folder: Path) -> None:
    items = [item(work) for work in works]
    reference = _reference(items, STYLES[style], html, folder)
    ours = _ours(works, STYLES[style], html)
    assert len(ours) == len(reference), f"{label} {style}: {len(ours)} entries, citeproc-js {len(reference)}"
    if not html:  # text carries no keys: take citeproc-js's order for ours
        ours = [(key, text) for (key, _), (_, text) in zip(reference, ours, strict=True)]
    same = [
        key_a == key_b and _canonical(a, html) == _canonical(b, html)
        for (key_a, a), (key_b, b) in zip(ours, reference, strict=True)
    ]
    rate = sum(same) / len(same)
    first = next((index for index, ok in enumerate(same) if not ok), None)
    detail = "" if first is None else f"; first difference: {ours[first]!r} vs {reference[first]!r}"
    line = f"{label} {style} {'html' if html else 'text'}: {sum(same)}/{len(same)} identical ({rate:.1%})"
    print(line)
    if os.environ.get("PYTEST_CITEPROC_JS_RATES"):  # summed up at the end of the run (conftest)
        with open(os.environ["PYTEST_CITEPROC_JS_RATES"], "a", encoding="utf-8") as rates:
            rates.write(line + "\n")
    assert rate >= BAR, line + detail


def _crossref_works(tmp_path: Path) -> list[Any]:
    path = tmp_path / "crossref.bib"
    records = {doi: json.loads(data)["message"] for doi, data in recorded_works().items()}
    for path_of_item in sorted((DATA / "crossref" / "items").glob("*.json")):  # single items of searches
        record = json.loads(path_of_item.read_text(encoding="utf-8"))
        records.setdefault(record["DOI"], record)
    taken: set[str] = set()
    sources = []
    for doi, record in sorted(records.items()):
        entry = to_entry(record, doi, taken)
        taken.add(entry.key.lower())
        sources.append(entry_source(entry))
    path.write_text("\n".join(sources), encoding="utf-8")
    lib = library.load(path)
    resolver = lib.resolver()
    return [resolver.work(entry) for entry in lib.entries.values()]


def _corpus_works(name: str, count: int = 300) -> list[Any]:
    lib = library.load(need_corpora() / "large" / name)
    resolver = lib.resolver()
    return [resolver.work(entry) for entry in list(lib.entries.values())[:count]]


@pytest.mark.parametrize("html", [False, True], ids=["text", "html"])
@pytest.mark.parametrize("style", list(STYLES))
def test_recorded_crossref_records_render_as_citeproc_js_renders_them(style: str, html: bool, tmp_path: Path) -> None:
    works = _crossref_works(tmp_path)
    assert len(works) >= 10
    _compare("crossref", works, style, html, tmp_path)


@pytest.mark.corpora
@pytest.mark.parametrize("html", [False, True], ids=["text", "html"])
@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("corpus", ["biber-etc-tugboat.bib", "contextlab-cdl.bib"])
def test_real_libraries_render_as_citeproc_js_renders_them(corpus: str, style: str, html: bool, tmp_path: Path) -> None:
    _compare(corpus, _corpus_works(corpus), style, html, tmp_path)
