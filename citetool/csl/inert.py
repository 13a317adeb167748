"""citeproc-js's HTML for one entry, rebuilt from a short list of allowed tags, with its DOI and URL linked.

citeproc-js escapes every value it prints, so its HTML holds only the markup
its HTML format writes.  This module does not rely on that: it parses the
entry and writes it again, keeping only those tags (``<i>``, ``<b>``,
``<em>``, ``<sup>``, ``<sub>``, the ``<span style>`` of its format, and the
``csl-*`` layout ``<div>``\\ s) and escaping all text anew.  Anything else
(a tag, an attribute, a comment) is dropped and its text kept as text.

The only links are ones it makes: where the entry prints its DOI, a link to
``https://doi.org/``; where it prints its URL and the URL is ``http`` or
``https``, a link to it.  A style that prints neither gets no link.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import quote

#: Tags kept as they are, with no attributes.
PLAIN_TAGS = frozenset({"i", "b", "em", "strong", "sup", "sub"})
#: The ``style`` values of citeproc-js's ``<span>``\ s.
SPAN_STYLES = frozenset({
    "font-style:normal;", "font-variant:small-caps;", "font-variant:normal;", "font-weight:normal;",
    "text-decoration:none;", "text-decoration:underline;", "baseline",
})  # fmt: skip
#: The ``class`` values of citeproc-js's layout ``<div>``\ s.
DIV_CLASSES = frozenset({"csl-entry", "csl-left-margin", "csl-right-inline", "csl-indent", "csl-block"})
_SAFE_URL = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)


#: Bidirectional overrides, embeddings and isolates: in a hand-written title they would reorder what a reader sees.
_BIDI_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")


def doi_href(doi: str) -> str:
    return "https://doi.org/" + quote(doi, safe="/:;()[]-._~")


class _Rebuilder(HTMLParser):
    def __init__(self, key: str, links: list[tuple[str, str]]) -> None:
        super().__init__(convert_charrefs=True)
        self.key = key
        self.links = links  # (text as printed, href): one link to each href at most
        self.out: list[str] = []
        self.open: list[str | None] = []
        self.entry_seen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        kept: str | None = None
        if tag in PLAIN_TAGS:
            kept = f"<{tag}>"
        elif tag == "span" and attributes.get("style") in SPAN_STYLES:
            kept = f'<span style="{attributes["style"]}">'
        elif tag == "div" and attributes.get("class") in DIV_CLASSES:
            css = attributes["class"]
            if css == "csl-entry" and not self.entry_seen:
                self.entry_seen = True
                kept = f'<div class="csl-entry" id="{escape(self.key)}">'
            else:
                kept = f'<div class="{css}">'
        if kept is not None:
            self.out.append(kept)
        self.open.append(tag if kept is not None else None)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                if last is not None:
                    self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        data = _BIDI_OVERRIDES.sub("", data)  # "Evil\u202etxt.exe" would read as "Evilexe.txt"
        position = 0
        while position < len(data):
            found = None
            for shown, href in self.links:  # the first text printed; of two starting there, the longer
                at = data.find(shown, position)
                if at >= 0 and (found is None or (at, -len(shown)) < (found[0], -len(found[1]))):
                    found = (at, shown, href)
            if found is None:
                break
            at, shown, href = found
            self.out.append(escape(data[position:at], quote=False))
            self.out.append(f'<a href="{escape(href)}">{escape(shown, quote=False)}</a>')
            self.links = [link for link in self.links if link[1] != href]
            position = at + len(shown)
        self.out.append(escape(data[position:], quote=False))

    def close(self) -> None:
        super().close()
        while self.open:
            last = self.open.pop()
            if last is not None:
                self.out.append(f"</{last}>")


def rebuild(entry: str, key: str, doi: str | None = None, url: str | None = None) -> str:
    """``entry`` (citeproc-js HTML) with only allowed markup, ``id="key"``, and its DOI and URL linked."""
    links: list[tuple[str, str]] = []
    if doi:
        href = doi_href(doi)
        links.append(("https://doi.org/" + doi, href))
        links.append((doi, href))
    if url and _SAFE_URL.match(url):
        links.append((url, url))
    rebuilder = _Rebuilder(key, links)
    rebuilder.feed(entry)
    rebuilder.close()
    return "".join(rebuilder.out)
