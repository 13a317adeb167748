"""``citetool watch``: the ``.bib`` a document names, kept equal to the cited entries of the library.

The file is the one the ``.aux`` names (``\\bibliography{refs}`` -> ``refs.bib``,
next to the ``.aux``) or the ``.bcf`` lists, unless ``-o`` gives one; BibTeX
for a ``.aux``, biblatex for a ``.bcf``, unless ``--format`` says otherwise.
It is written atomically and only when its bytes would change, so a watcher
of its own (latexmk's ``-pvc``) is not set off for nothing.  A cited key the
library lacks writes nothing and raises :class:`UnknownKeys` (exit 1).

A document is not trusted to choose what gets replaced: the name it gives
must be a ``.bib`` file in its folder or below (:mod:`citetool.tex.paths`),
and a file already there is replaced only if its first line is the
:data:`MARKER` that citetool writes, so a hand-written ``refs.bib`` is never
overwritten unless ``force`` (``--force``) or ``-o`` says so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from citetool.errors import CitetoolError, UsageError
from citetool.library import file as library
from citetool.library import storage
from citetool.tex import citations, paths

_NOT_ENTRY = re.compile(r"@(?:string|preamble|comment)\b", re.IGNORECASE)
#: Seconds between two looks at the watched files.
POLL_SECONDS = 0.3
#: The first line of every file ``watch`` writes: what tells it a file is its own to replace.
MARKER = "% citetool watch:"
_PLAIN_NAME = re.compile(r"[^\s@{}%\\]{1,120}")


@dataclass(frozen=True)
class Synced:
    path: Path
    written: bool
    entries: int
    alerts: tuple[str, ...] = ()  # cited works retracted or under concern, as kept answers and the database say


def target(cites: Path, output: Path | None) -> Path:
    """The file to write: ``output``, else the one ``.bib`` the document names (next to the ``.aux``), held to
    :func:`citetool.tex.paths.writable_bib`'s rules."""
    if output is not None:
        return output
    named = citations.bibliography_files(cites)
    if not named:
        raise UsageError(f"{cites}: names no .bib file (no \\bibliography or \\addbibresource yet); give -o FILE")
    if len(named) > 1:
        shown = ", ".join(name[:60] for name in named[:5])
        raise UsageError(f"{cites}: names {len(named)} .bib files ({shown}); give -o FILE for one")
    return paths.writable_bib(cites.parent, named[0], str(cites))


def marker(cites: Path, library_path: Path) -> str:
    """The first line of a file ``watch`` writes (names shown only when they are plain: no ``@``, braces or
    line breaks, which would change what BibTeX reads)."""
    names = [path.name for path in (cites, library_path)]
    if all(_PLAIN_NAME.fullmatch(name) for name in names):
        return f"{MARKER} the entries {names[0]} cites, from {names[1]}; edit the library, not this file\n"
    return f"{MARKER} written from the library; edit the library, not this file\n"


def sync(
    library_path: Path, cites: Path, output: Path | None = None, format_name: str | None = None, force: bool = False
) -> Synced:
    """Write the entries ``cites`` cites into the document's ``.bib``, if that changes its bytes.

    A file the document names is replaced only if citetool wrote it (its
    first line is :data:`MARKER`), or with ``force``; ``output`` is the
    user's own choice and is always written.
    """
    from citetool.actions import exporting

    path = target(cites, output)
    fmt = format_name or ("biblatex" if cites.suffix.lower() == ".bcf" else "bibtex")
    lib = library.load(library_path)
    result = exporting.export(lib, fmt, aux_path=cites)
    if result.missing:
        raise lib.unknown(result.missing, f"{lib.path} (cited in {cites}; {path} not written)")
    text = marker(cites, library_path) + result.text
    data = text.encode("utf-8")
    count = sum(1 for line in result.text.splitlines() if line.startswith("@") and not _NOT_ENTRY.match(line))
    try:
        current: bytes | None = storage.read_regular(path, storage.MAX_LIBRARY_BYTES)
    except FileNotFoundError:
        current = None
    except storage.Unreadable as exc:
        raise CitetoolError(f"{path}: cannot be read ({exc}); not replaced") from exc
    alerts = _alerts(lib, cites)
    if current == data:
        return Synced(path, False, count, alerts)
    if current is not None and output is None and not force and not current.startswith(MARKER.encode()):
        raise CitetoolError(f"{path}: was not written by citetool (its first line is not '{MARKER} ...'); "
                            "not replaced. Pass --force to replace it, or -o FILE to write another file")  # fmt: skip
    exporting.write_output(path, text, lib.path)
    return Synced(path, True, count, alerts)


def _alerts(lib: library.Library, cites: Path) -> tuple[str, ...]:
    """A line for each cited work that kept answers or the Retraction Watch database say is retracted,
    withdrawn, removed or under concern (no network: this runs inside a build)."""
    from citetool.actions import retracting

    said: list[str] = []
    found = retracting.kept_findings(lib, retracting.cited_keys(lib, cites), said.append)
    return tuple(said) + tuple(f"{cites.name} cites {finding.work.key}, {finding.notice.describe()}"
                               for finding in found)  # fmt: skip


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
    force: bool = False,
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
                report(sync(library_path, cites, output, format_name, force))
            except CitetoolError as exc:
                report(exc)
        time.sleep(POLL_SECONDS)
