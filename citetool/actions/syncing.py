"""``citetool watch``: the ``.bib`` a document names, kept equal to the cited entries of the library.

The file is the one the ``.aux`` names (``\\bibliography{refs}`` -> ``refs.bib``,
next to the ``.aux``) or the ``.bcf`` lists, unless ``-o`` gives one; BibTeX
for a ``.aux``, biblatex for a ``.bcf``, unless ``--format`` says otherwise.
It is written atomically and only when its bytes would change, so a watcher
of its own (latexmk's ``-pvc``) is not set off for nothing.  A cited key the
library lacks writes nothing and raises :class:`UnknownKeys` (exit 1).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from citetool.errors import CitetoolError, UnknownKeys, UsageError
from citetool.library import file as library
from citetool.tex import citations

_NOT_ENTRY = re.compile(r"@(?:string|preamble|comment)\b", re.IGNORECASE)
#: Seconds between two looks at the watched files.
POLL_SECONDS = 0.3


@dataclass(frozen=True)
class Synced:
    path: Path
    written: bool
    entries: int


def target(cites: Path, output: Path | None) -> Path:
    """The file to write: ``output``, else the one ``.bib`` the document names (next to the ``.aux``)."""
    if output is not None:
        return output
    named = citations.bibliography_files(cites)
    if not named:
        raise UsageError(f"{cites}: names no .bib file (no \\bibliography or \\addbibresource yet); give -o FILE")
    if len(named) > 1:
        raise UsageError(f"{cites}: names {len(named)} .bib files ({', '.join(named)}); give -o FILE for one")
    return cites.parent / named[0]


def sync(library_path: Path, cites: Path, output: Path | None = None, format_name: str | None = None) -> Synced:
    """Write the entries ``cites`` cites into the document's ``.bib``, if that changes its bytes."""
    from citetool.actions import exporting

    path = target(cites, output)
    fmt = format_name or ("biblatex" if cites.suffix.lower() == ".bcf" else "bibtex")
    lib = library.load(library_path)
    result = exporting.export(lib, fmt, aux_path=cites)
    if result.missing:
        raise UnknownKeys(result.missing, f"{lib.path} (cited in {cites}; {path} not written)", lib.keys)
    data = result.text.encode("utf-8")
    count = sum(1 for line in result.text.splitlines() if line.startswith("@") and not _NOT_ENTRY.match(line))
    try:
        current = path.read_bytes()
    except OSError:
        current = None
    if current == data:
        return Synced(path, False, count)
    exporting.write_output(path, result.text, lib.path)
    return Synced(path, True, count)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size)


def watch(
    library_path: Path,
    cites: Path,
    output: Path | None,
    format_name: str | None,
    report: Callable[[Synced | CitetoolError], None],
    rounds: Iterator[int] | None = None,
) -> None:
    """Sync now and again whenever the library or ``cites`` changes, until interrupted.

    Each outcome (a sync, or the error that stopped one: a missing key, a
    library being saved half-way) goes to ``report``; watching goes on.
    """
    seen: tuple[object, ...] | None = None
    for _round in rounds if rounds is not None else iter(int, 1):
        stamps = (_stamp(library_path), _stamp(cites))
        if stamps != seen:
            seen = stamps
            try:
                report(sync(library_path, cites, output, format_name))
            except CitetoolError as exc:
                report(exc)
        time.sleep(POLL_SECONDS)
