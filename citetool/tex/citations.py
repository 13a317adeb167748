"""Which keys a LaTeX document cites: BibTeX ``.aux`` files and biblatex ``.bcf`` files.

``.aux``: every ``\\citation{a,b}`` line, following ``\\@input{chapter.aux}``
into the files of ``\\include``\\ d chapters.  ``.bcf``: every ``citekey``
element.  ``*`` (``\\nocite{*}``) means the whole library, returned as the
key ``*``.
"""

from __future__ import annotations

import re
from pathlib import Path

from citetool.errors import CitetoolError
from citetool.library import storage

ALL = "*"
_CITATION = re.compile(r"\\citation\{([^}]*)\}")
_INPUT = re.compile(r"\\@input\{([^}]*)\}")
#: The largest .aux or .bcf read: a 10,000-citation document's is a few MiB.
MAX_AUX_BYTES = 64 * 2**20


def read(path: Path) -> str:
    """The text of a ``.aux`` or ``.bcf`` file; a missing, irregular (a FIFO, ``/dev/zero``) or huge one is
    a one-line :class:`CitetoolError`."""
    try:
        return storage.read_regular(path, MAX_AUX_BYTES).decode("utf-8", errors="replace")
    except FileNotFoundError as exc:
        raise CitetoolError(f"{path}: no such file; run LaTeX on the document first") from exc
    except storage.Unreadable as exc:
        raise CitetoolError(f"{path}: cannot be read ({exc})") from exc


def _from_aux(path: Path, seen: set[Path]) -> list[str]:
    resolved = path.resolve()
    if resolved in seen:
        return []
    seen.add(resolved)
    text = read(path)
    if "\\relax" not in text and "\\citation" not in text and "\\@input" not in text and text.strip():
        raise CitetoolError(f"{path}: does not look like a LaTeX .aux file")
    keys: list[str] = []
    for match in re.finditer(f"{_CITATION.pattern}|{_INPUT.pattern}", text):
        citation, included = match.group(1), match.group(2)
        if citation is not None:
            keys.extend(key.strip() for key in citation.split(",") if key.strip())
        elif included is not None:
            child = path.parent / included
            if child.exists():  # LaTeX writes \@input for chapters not yet compiled, too
                keys.extend(_from_aux(child, seen))
    return keys


def _from_bcf(path: Path) -> list[str]:
    import xml.etree.ElementTree as ElementTree

    try:
        root = ElementTree.fromstring(read(path).encode("utf-8"))
    except ElementTree.ParseError as exc:
        raise CitetoolError(f"{path}: not a valid biblatex .bcf file ({exc})") from exc
    return [element.text.strip() for element in root.iter() if element.tag.endswith("citekey") and element.text]


def cited_keys(path: Path) -> list[str]:
    """The keys cited, in order of first citation, without repeats (``*`` for everything)."""
    keys = _from_bcf(path) if path.suffix.lower() == ".bcf" else _from_aux(path, set())
    return list(dict.fromkeys(keys))


_BIBDATA = re.compile(r"\\bibdata\{([^}]*)\}")


def bibliography_files(path: Path) -> list[str]:
    """The ``.bib`` files a document names, as it names them: ``\\bibdata{refs}`` in a ``.aux``
    (``\\bibliography{refs}``) gives ``refs.bib``; a ``.bcf`` lists its ``\\addbibresource`` files."""
    if path.suffix.lower() == ".bcf":
        import xml.etree.ElementTree as ElementTree

        try:
            root = ElementTree.fromstring(read(path).encode("utf-8"))
        except ElementTree.ParseError as exc:
            raise CitetoolError(f"{path}: not a valid biblatex .bcf file ({exc})") from exc
        names = [
            element.text.strip() for element in root.iter()
            if element.tag.endswith("datasource") and element.text and element.get("type", "file") == "file"
        ]  # fmt: skip
    else:
        names = [name.strip() for match in _BIBDATA.finditer(read(path)) for name in match.group(1).split(",")]
        names = [name if name.lower().endswith(".bib") else name + ".bib" for name in names if name]
    return list(dict.fromkeys(names))


_BIBSTYLE = re.compile(r"\\bibstyle\{([^}]*)\}")
_STYLE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def bibliography_style(path: Path) -> str | None:
    """The ``.bst`` a ``.aux`` names (``\\bibstyle{plainnat}``), if it is a plain name; None for a ``.bcf``."""
    if path.suffix.lower() == ".bcf":
        return None
    found = _BIBSTYLE.search(read(path))
    name = found.group(1).strip() if found else ""
    return name if _STYLE_NAME.fullmatch(name) and ".." not in name else None
