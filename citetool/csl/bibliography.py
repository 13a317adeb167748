"""A bibliography rendered again after a change, re-rendering only the entries the change can touch.

citeproc-js takes seconds for a few thousand entries (about 1 ms an entry
to render, and as much again to sort and disambiguate in author-date
styles).  After ``add`` put one entry into a 2,000-entry library, nearly all
of that work would give what it gave last time.  So each rendering leaves
a *memo* (per library, style, locale and output format): for every entry a
hash of its CSL item, its disambiguation key, its sort keys and its text,
and the bibliography's order.

The next rendering takes from the memo every entry that nothing changed can
affect, and renders the rest in one citeproc-js engine.  What an entry's text
depends on besides its own item, in citeproc-js:

* the other entries of its *disambiguation group* (same key: "Smith, 2020"),
  for the year-suffix ("2020a") and added names (in a numbered style, whose
  cites differ by their numbers, there are no groups);
* its place, where the style prints ``citation-number``;
* the entry before it, where the style has ``subsequent-author-substitute``
  ("———." for a repeated author).

So the entries rendered again are: the new and changed ones; every entry of
a group that gained, lost or changed a member; where the style numbers, every
entry whose place moved; where it substitutes, every entry whose predecessor
changed; and the whole groups of all these.  They are rendered together, in
the library's order, with each one's predecessor (for the substitution) and
with the citation numbers of the whole bibliography.  When that is more than
half of the entries, or the style's order depends on its own numbers, the
whole bibliography is rendered instead.  A test renders random edits of real
libraries both ways in five styles and requires identical results.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from citetool.csl.engine import Engine, Rendered, processor_version
from citetool.csl.styles import Style

MEMO_FORMAT = 1
#: Above this share of entries to render again, rendering the whole bibliography is as fast.
MOST = 0.5
#: Up to this many new or changed entries are put in place one by one, not by sorting all again.
FEW = 20


class Memo(Protocol):
    """Where a rendering's memo is kept between runs (the caller picks the place and its lifetime)."""

    def load(self, slot: str) -> Any: ...

    def store(self, slot: str, payload: Any) -> None: ...


@dataclass(frozen=True)
class Features:
    """What of the style makes an entry's text depend on other entries."""

    sorted: bool  # the bibliography has a <sort>
    numbered: bool  # citation-number is printed
    substitutes: bool  # subsequent-author-substitute
    renumbers: bool  # its order depends on citation numbers: only a whole rendering is right


def features(style: Style) -> Features:
    bibliography = style.xml[style.xml.find("<bibliography") :]
    sort = re.search(r"<sort\b.*?</sort>", bibliography, re.DOTALL)
    return Features(
        sorted=sort is not None,
        numbered="citation-number" in style.xml,
        substitutes="subsequent-author-substitute" in bibliography,
        renumbers=sort is not None and "citation-number" in sort.group(),
    )


@dataclass
class _Known:
    digest: str
    ambig: str | None
    keys: list[Any]
    text: str


def _digest(item: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _read(payload: Any) -> tuple[list[str], dict[str, _Known], dict[str, Any]] | None:
    try:
        if payload["format"] != MEMO_FORMAT:
            return None
        known = {key: _Known(str(d), None if a is None else str(a), list(k), str(t))
                 for key, (d, a, k, t) in payload["items"].items()}  # fmt: skip
        order = [str(key) for key in payload["order"]]
        if set(order) != set(known) or not isinstance(payload["params"], dict):
            return None
        return order, known, payload["params"]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def render(
    items: list[dict[str, Any]],
    style: Style,
    locale: str | None,
    html: bool,
    memo: Memo | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Rendered:
    """``items`` rendered as a bibliography, re-using what ``memo`` remembers of the last rendering.

    ``progress`` hears when citeproc-js starts on a whole rendering (it answers only at the end).
    """
    engine = _AHEAD.pop((style.digest, locale, html), None) or _LazyEngine(style, locale, html)
    slot = f"{style.digest}-{engine.lang}-{'html' if html else 'text'}-{processor_version()}"
    digests = {item["id"]: _digest(item) for item in items}
    previous = _read(memo.load(slot)) if memo is not None else None
    style_features = features(style)
    result = None
    if previous is not None and not style_features.renumbers:
        result = _again(engine, items, digests, previous, style_features)
    if result is None:
        if progress is not None:
            progress(f"rendering with citeproc-js ({style.name})", 0, len(items))
        rendered = engine.get().bibliography(items, state=True)
        texts = dict(rendered.entries)
        known = {
            key: _Known(digests[key], ambig, keys, texts.get(key, "")) for key, (ambig, keys) in rendered.state.items()
        }
        result = rendered, known
    rendered, known = result
    if memo is not None:
        memo.store(slot, {
            "format": MEMO_FORMAT, "order": [key for key in rendered.order if key in known], "params": rendered.params,
            "items": {key: [k.digest, k.ambig, k.keys, k.text] for key, k in known.items()},
        })  # fmt: skip
    return rendered


class _LazyEngine:
    """The engine, built only when something must be rendered (building apa's takes half a second)."""

    def __init__(self, style: Style, locale: str | None, html: bool) -> None:
        from citetool.csl.engine import language

        self._arguments = (style, locale, html)
        self.lang = language(style, locale)[0]
        self._engine: Engine | None = None

        self._thread: threading.Thread | None = None
        self._failure: Exception | None = None

    def start(self) -> None:
        """Build the engine in a thread: V8 builds it in its own, so Python goes on reading the library."""
        from citetool.csl.engine import load

        load()  # V8 and citeproc-js, here: made in the thread, V8 would not build beside Python (measured)

        def build() -> None:
            try:
                self._engine = Engine(*self._arguments)
            except Exception as exc:  # handed to whoever asks for the engine
                self._failure = exc

        self._thread = threading.Thread(target=build, name="citeproc-js", daemon=True)
        self._thread.start()
        atexit.register(self._thread.join)  # V8 is closed at exit after this (registered earlier)

    def get(self) -> Engine:
        if self._thread is not None:
            self._thread.join()
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        if self._engine is None:
            self._engine = Engine(*self._arguments)
        return self._engine


_AHEAD: dict[tuple[str, str | None, bool], _LazyEngine] = {}


def ahead(style: Style, locale: str | None, html: bool) -> None:
    """Start building the engine of a rendering to come, while the entries are read.

    Building apa's engine takes half a second or more, about as long as
    reading a 2,000-entry library and making its CSL items; side by side, a
    rendering after an ``add`` waits for the longer of the two only.  When
    the memo makes the engine unneeded, it was built on the other core.
    """
    engine = _LazyEngine(style, locale, html)
    engine.start()
    _AHEAD[(style.digest, locale, html)] = engine


def _inserted(
    engine: Engine, order: list[str], changed: list[str], known: dict[str, _Known], position: dict[str, int]
) -> list[str]:
    """``order`` (sorted, the unchanged entries) with each of ``changed`` put in place by binary search.

    A dozen comparisons an entry, instead of sorting the whole bibliography
    again in citeproc-js (0.15 s for 2,000 entries, most of it handing their
    keys over).
    """
    order = list(order)
    for key in changed:
        mine = (key, known[key].keys, position[key])
        low, high = 0, len(order)
        while low < high:
            middle = (low + high) // 2
            other = order[middle]
            if engine.compare((other, known[other].keys, position[other]), mine) <= 0:
                low = middle + 1
            else:
                high = middle
        order.insert(low, key)
    return order


def _again(
    engine: _LazyEngine,
    items: list[dict[str, Any]],
    digests: dict[str, str],
    previous: tuple[list[str], dict[str, _Known], dict[str, Any]],
    style: Features,
) -> tuple[Rendered, dict[str, _Known]] | None:
    """The bibliography from the memo and a rendering of what changed; None when a whole one is better."""
    old_order, old, params = previous
    by_id = {item["id"]: item for item in items}
    changed = [key for key in by_id if key not in old or old[key].digest != digests[key]]
    gone = [key for key in old if key not in by_id]
    if len(changed) + len(gone) > MOST * max(len(items), 1):
        return None
    known = {key: old[key] for key in by_id if key not in changed}
    if changed:
        registered = engine.get().register([by_id[key] for key in changed])
        for key in changed:
            ambig, keys = registered.state[key]
            known[key] = _Known(digests[key], ambig, keys, "")
    position = {key: index for index, key in enumerate(by_id)}
    if not style.sorted:
        order = list(by_id)
    elif not changed:  # the same entries, or fewer: the order they had is still sorted
        order = [key for key in old_order if key in by_id]
    elif len(changed) <= FEW:
        unchanged = [key for key in old_order if key in known and key not in changed]
        order = _inserted(engine.get(), unchanged, changed, known, position)
    else:
        order = engine.get().order([(key, known[key].keys, position[key]) for key in by_id])

    touched_groups = {known[key].ambig for key in changed} | {old[key].ambig for key in changed + gone if key in old}
    if style.numbered:  # a numbered cite has no text but its number to tell works apart: no groups
        touched_groups.discard("")
    touched_groups.discard(None)
    again = set(changed) | {key for key in by_id if known[key].ambig in touched_groups}
    if style.numbered:
        old_place = {key: index for index, key in enumerate(old_order)}
        again |= {key for index, key in enumerate(order) if old_place.get(key) != index}
    before = dict(zip(order[1:], order[:-1], strict=True))
    if style.substitutes:
        old_before = dict(zip(old_order[1:], old_order[:-1], strict=True))
        changed_set = set(changed)
        again |= {key for key in order if before.get(key) != old_before.get(key) or before.get(key) in changed_set}
    groups: dict[str | None, set[str]] = {}
    for key in by_id:
        groups.setdefault(known[key].ambig, set()).add(key)
    groups.pop(None, None)
    if style.numbered:
        groups.pop("", None)
    again |= {member for key in list(again) for member in groups.get(known[key].ambig, ())}
    rendering = set(again)
    if style.substitutes:
        rendering |= {before[key] for key in again if key in before}
    if len(rendering) > MOST * max(len(items), 1):
        return None

    if rendering:
        numbers = {key: index + 1 for index, key in enumerate(order)} if style.numbered else None
        part = engine.get().bibliography(
            [by_id[key] for key in by_id if key in rendering],
            numbers={key: numbers[key] for key in rendering} if numbers else None,
        )
        texts = dict(part.entries)
        params = part.params
        for key in again:
            known[key].text = texts.get(key, "")
    entries = [(key, known[key].text) for key in order if known[key].text]
    return Rendered(entries, params, {key: (k.ambig, k.keys) for key, k in known.items()}, order), known
