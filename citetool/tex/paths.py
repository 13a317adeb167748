"""Where a document may send citetool: the files a ``.aux``, ``.bcf`` or ``.tex`` names, by TeX's own rules.

A document is text from anyone (a co-author, an arXiv source), and
``watch`` runs on every build.  So a name a document gives for a file to
*write* is held to the rules TeX itself applies to ``\\openout`` in its
paranoid setting (``openout_any = p``): no absolute path, no ``..``, no
name starting with a dot; and, beyond TeX, a ``.bib`` name, and a place
that stays inside the document's folder after symlinks are followed.  Files
a document names for *reading* (``\\input``) may be anywhere, as TeX reads
them; :func:`inside` tells whether one may also be written.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from citetool.errors import UsageError

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, symlinks followed, lies in ``folder`` or below it."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def writable_bib(folder: Path, name: str, where: str) -> Path:
    """The path of the ``.bib`` file a document names as ``name``, for writing (in ``folder`` or below it,
    symlinks followed); :class:`UsageError` if the name breaks TeX's paranoid rules or leads out of
    ``folder``.  ``where`` names the document file."""
    shown = name if len(name) <= 80 else name[:77] + "..."
    pure = PurePosixPath(name)
    why = None
    if not name or "\\" in name or _SCHEME.match(name) or "\x00" in name:
        why = "is not a plain relative file name"
    elif pure.is_absolute() or name.startswith("~"):
        why = "is an absolute path"
    elif ".." in pure.parts:
        why = "goes up with '..'"
    elif any(part.startswith(".") for part in pure.parts):
        why = "names a hidden (dot) file or folder"
    elif pure.suffix.lower() != ".bib":
        why = "is not a .bib file"
    if why is None:
        path = folder / pure
        if not inside(path, folder):
            why = "leads out of the document's folder (through a symbolic link)"
        else:
            return path
    raise UsageError(f"{where}: the bibliography file {shown!r} {why}; citetool writes only .bib files in the "
                     "document's folder or below it (TeX's openout_any=p rules); give -o FILE to choose one")
