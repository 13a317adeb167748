"""Bibliographies rendered by citeproc-js, in V8, in this process: the one module that imports mini-racer.

citeproc-js is the CSL processor of Zotero and Mendeley; matching it is
what "right" means for a CSL bibliography.  It runs in the V8 engine that
the mini-racer package embeds, so no Node.js is needed and nothing reaches
the network.  The processor is ``vendor/citeproc-js/citeproc.js``, the
unmodified file of npm's ``citeproc`` package, under the CPAL-1.0 (see
``vendor/citeproc-js/README.md``); ``glue.js`` is citetool's own.

V8 and citeproc-js are loaded once per process, on the first rendering
(about 0.1 s).  Each rendering gets a new engine, so nothing of one
bibliography leaks into the next.
"""

from __future__ import annotations

import atexit
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from citetool.csl import styles
from citetool.csl.styles import Style
from citetool.errors import UsageError

_HERE = Path(__file__).parent
PROCESSOR = _HERE / "vendor" / "citeproc-js" / "citeproc.js"
_GLUE = _HERE / "glue.js"
FALLBACK_LOCALE = "en-US"
#: V8's heap may grow to this; beyond it the call stops with an error (a style whose macros multiply, say).
#: A whole 16,000-entry library renders in a third of it (320 MiB), and V8 itself stops near 1.5 GiB.
HEAP_LIMIT = 1024 * 2**20
#: One call may run this long, plus :data:`SECONDS_PER_ITEM` for each item it renders.
SECONDS_BASE = 60.0
SECONDS_PER_ITEM = 0.02


@dataclass
class Rendered:
    """A rendering: ``(id, entry)`` in the style's order, and the style's layout parameters.

    ``params`` are citeproc-js's (``hangingindent``, ``entryspacing``,
    ``linespacing``, ``second-field-align``, ``maxoffset``...).  ``state``,
    when asked for, gives for each item its disambiguation key and its sort
    keys (see :mod:`citetool.csl.bibliography`), and ``order`` the ids in
    the bibliography's order.
    """

    entries: list[tuple[str, str]]
    params: dict[str, Any] = field(default_factory=dict)
    state: dict[str, tuple[str | None, list[Any]]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def processor_version() -> str:
    """citeproc-js's version, as its file states it."""
    with PROCESSOR.open(encoding="utf-8") as source:
        for line in source:
            if "PROCESSOR_VERSION:" in line:
                return line.split('"')[1]
    return "unknown"


#: V8's flags: mini-racer's own (one thread), and a young generation of 1 MiB.  With V8's default (up to
#: 16 MiB semi-spaces) a 16,000-entry bibliography peaked at 0.9-1.1 GB against Node's 0.5 GB, most of it
#: outside V8's heap; with 1 MiB, at 0.6-0.7 GB in the same time.
V8_FLAGS = ("--single-threaded", "--max-semi-space-size=1", "--min-semi-space-size=1")
#: From this many items, V8 is started favouring memory over speed (``--optimize-for-size``): the 16,000-entry
#: library then peaks at 0.38 GB (Node: 0.5 GB) and takes about twice as long; 6,000 entries peak at
#: 0.43 GB with the flags above (Node: 0.41 GB), as fast as Node.
LARGE = 8000
_expected = {"items": 0}


def expect(items: int) -> None:
    """Say how many items this process will render, before V8 starts (its flags are set once, at start)."""
    _expected["items"] = max(_expected["items"], items)


def flags() -> tuple[str, ...]:
    """V8's flags for this process: :data:`V8_FLAGS`, and ``--optimize-for-size`` for a :data:`LARGE` rendering."""
    return (*V8_FLAGS, "--optimize-for-size") if _expected["items"] >= LARGE else V8_FLAGS


@lru_cache(maxsize=1)
def _context() -> Any:
    from py_mini_racer import MiniRacer, init_mini_racer

    init_mini_racer(flags=flags(), ignore_duplicate_init=True)
    context = MiniRacer()
    context.set_hard_memory_limit(HEAP_LIMIT)
    context.eval("var module = {exports: {}}; var exports = module.exports;")
    context.eval(PROCESSOR.read_text(encoding="utf-8"))
    context.eval("var CSL = module.exports;")
    context.eval(_GLUE.read_text(encoding="utf-8"))
    return context


def load() -> None:
    """Start V8 and load citeproc-js now (about 0.1 s), not on the first rendering."""
    _context()


def _close() -> None:
    if _context.cache_info().currsize:
        _context().close()


def _reset() -> None:
    """Drop a context that hit a limit: the next engine gets a new one."""
    _close()
    _context.cache_clear()


# Closed at exit, while its threads still run: left to the garbage collector at interpreter teardown,
# mini-racer sometimes waits forever for a thread that is gone (seen in 1 run of 3).  Registered on
# import, so that whatever registers later (a rendering started ahead, say) is waited for first.
atexit.register(_close)


def language(style: Style, asked: str | None) -> tuple[str, bool]:
    """The locale to render in, and whether it overrides the style's own: see :mod:`citetool.csl.styles`."""
    if asked:
        return styles.locale(asked), True
    if style.default_locale:
        try:
            return styles.locale(style.default_locale), True
        except UsageError:  # a style may name a locale no file exists for: CSL falls back to en-US
            pass
    return FALLBACK_LOCALE, False


class Engine:
    """One citeproc-js engine for ``style`` in one locale and output format.

    Building it costs from a few milliseconds (ieee) to half a second (apa,
    whose macros citeproc-js compiles out), so a bibliography rendered in
    parts (see :mod:`citetool.csl.bibliography`) uses one engine throughout.
    Each call registers exactly the items it is given, forgetting others.
    :class:`UsageError` when citeproc-js cannot read the style.
    """

    def __init__(self, style: Style, locale: str | None = None, html: bool = False) -> None:
        self.style = style
        self.lang, force = language(style, locale)
        locales = {name: styles.locale_xml(name) for name in {self.lang, FALLBACK_LOCALE}}
        self._call("citetool.start", style.xml, self.lang, force, "html" if html else "text", json.dumps(locales))

    def _call(self, function: str, *arguments: Any, items: int = 0) -> Any:
        """``function`` of glue.js, within V8's heap limit and a time that grows with the ``items`` rendered.

        A style that exhausts either (macros that call each other twice, many
        levels deep, multiply without end) fails with one line naming it, and
        the exhausted V8 context is thrown away for a new one.
        """
        from py_mini_racer._exc import (
            JSOOMException,
            JSTerminatedException,
            JSTimeoutException,
            MiniRacerBaseException,
        )

        seconds = SECONDS_BASE + SECONDS_PER_ITEM * items
        try:
            return _context().call(function, *arguments, timeout_sec=seconds)
        except (JSOOMException, JSTimeoutException, JSTerminatedException) as exc:
            _reset()
            why = "ran out of memory" if isinstance(exc, JSOOMException) else f"ran longer than {seconds:.0f} s"
            raise UsageError(f"style '{self.style.name}': citeproc-js {why} rendering it; the style is broken or "
                             "hostile (its macros multiply?)") from exc  # fmt: skip
        except MiniRacerBaseException as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UsageError(f"style '{self.style.name}' cannot be rendered by citeproc-js: {message}") from exc

    def register(self, items: list[dict[str, Any]]) -> Rendered:
        """Register ``items`` without rendering: their keys (``state``) and ``order``."""
        answer = json.loads(self._call("citetool.register", json.dumps(_cased(items)), items=len(items)))
        return self._with_state(Rendered([]), items, answer)

    def bibliography(
        self, items: list[dict[str, Any]], numbers: dict[str, int] | None = None, state: bool = False
    ) -> Rendered:
        """Render ``items``; ``numbers`` sets the citation numbers of ids, for a part of a longer list."""
        answer = json.loads(self._call("citetool.bibliography", json.dumps(_cased(items)), json.dumps(numbers), state,
                                       items=len(items)))  # fmt: skip
        entries = [entry.replace(_HYPHEN, "-") if _HYPHEN in entry else entry for entry in answer["entries"]]
        rendered = Rendered(list(zip(answer["ids"], entries, strict=True)), answer["params"] or {})
        return self._with_state(rendered, items, answer) if state else rendered

    def order(self, keyed: list[tuple[str, list[Any], int]]) -> list[str]:
        """Ids sorted by their ``(id, sort keys, registration number)`` as the bibliography sorts."""
        ordered: list[str] = json.loads(self._call("citetool.order", json.dumps(keyed), items=len(keyed)))
        return ordered

    def compare(self, first: tuple[str, list[Any], int], second: tuple[str, list[Any], int]) -> int:
        """Below, at or above zero as ``first`` sorts before, with or after ``second`` (see :meth:`order`)."""
        answer = self._call("citetool.compare", json.dumps(first), json.dumps(second))
        return int(answer)

    @staticmethod
    def _with_state(rendered: Rendered, items: list[dict[str, Any]], answer: dict[str, Any]) -> Rendered:
        pairs = zip(items, answer["state"], strict=True)
        rendered.state = {item["id"]: (ambig, keys) for item, (ambig, keys) in pairs}
        rendered.order = answer["order"]
        return rendered


#: Stands for the hyphen of an old-scheme arXiv number while citeproc-js renders: its capitalize-first (APA,
#: Chicago) capitalises each part of a hyphenated number, so ``arXiv:astro-ph/0601001`` would print as
#: ``arXiv:astro-Ph/0601001``.  A private-use character, which no record holds, joins the parts instead.
_HYPHEN = "\ue011"
_ARXIV_NUMBER = re.compile(r"arXiv:[a-z]+-[a-z]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?", re.IGNORECASE)


def _cased(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``items`` with the hyphen of each old-scheme arXiv number replaced by :data:`_HYPHEN`."""
    return [{**item, "number": item["number"].replace("-", _HYPHEN)}
            if isinstance(item.get("number"), str) and _ARXIV_NUMBER.fullmatch(item["number"]) else item
            for item in items]  # fmt: skip


def render(items: list[dict[str, Any]], style: Style, locale: str | None = None, html: bool = False) -> Rendered:
    """Render ``items`` (CSL-JSON) as one bibliography in ``style``: citeproc-js's text or HTML."""
    return Engine(style, locale, html).bibliography(items)
