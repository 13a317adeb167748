"""Atomic, serialised writes: the only module that touches filelock.

A write goes to a temporary file in the same folder, is fsynced, gets the
old file's permission bits, and replaces the target with ``os.replace``; the
folder is fsynced after.  A process killed at any moment leaves either the
old file or the new one.  Writers of one library take an exclusive lock on a
hidden lock file beside it, so two citetool processes never interleave a
read-modify-write cycle.  The lock file is left in place on purpose: deleting
it would let a third process lock a different inode.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from citetool.errors import LibraryInvalid, WriteFailed

LOCK_TIMEOUT_SECONDS = 60.0


def lock_path(path: Path) -> Path:
    """The hidden lock file that serialises writers of ``path``."""
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive write lock of ``path`` for the duration of the block."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT_SECONDS, mode=0o600)
    try:
        with lock:
            yield
    except Timeout as exc:
        raise WriteFailed(
            f"{path}: another citetool process has held the lock for {LOCK_TIMEOUT_SECONDS:.0f} s; try again"
        ) from exc
    except PermissionError as exc:
        raise WriteFailed(f"{path.parent}: cannot create the lock file ({exc.strerror})") from exc


def _describe(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "the disk is full"
    return exc.strerror or str(exc)


def write_atomic(path: Path, data: bytes | list[bytes], private: bool = False, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its permission bits.

    ``data`` is bytes, or a list of pieces written one after another (so a
    big text and its header need not be joined into a copy).  A new file
    gets the process umask's mode, or 0600 when ``private``.  On failure
    the old file is untouched and the temp file is removed.  ``durable``
    writes are synced to disk (file, then folder) so that a crash leaves
    the old file or the new one; a cache that can tell a cut file from a
    whole one may skip that.
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = 0o600 if private else None
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot write ({_describe(exc)})") from exc
    try:
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot write in {folder} ({_describe(exc)})") from exc
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.writelines([data] if isinstance(data, bytes) else data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise WriteFailed(f"{path}: not written, the old file is intact ({_describe(exc)})") from exc
        raise
    if not durable:
        return
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def read_bytes(path: Path) -> bytes:
    """Read a whole file, turning OS errors into one-line citetool errors."""
    try:
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise LibraryInvalid(f"{path}: is a directory, not a .bib file; pass --library FILE") from exc
    except PermissionError as exc:
        raise LibraryInvalid(f"{path}: cannot be read (permission denied)") from exc
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise
        raise LibraryInvalid(f"{path}: cannot be read ({exc.strerror})") from exc
