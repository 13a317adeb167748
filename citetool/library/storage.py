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
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from citetool.errors import LibraryInvalid, WriteFailed

LOCK_TIMEOUT_SECONDS = 60.0


def target(path: Path) -> Path:
    """The file a write of ``path`` really changes: a symlink's target (so the link is kept)."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def lock_path(path: Path) -> Path:
    """The hidden lock file that serialises writers of ``path`` (of its target, for a symlink)."""
    real = target(path)
    return real.with_name(f".{real.name}.lock")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive write lock of ``path`` for the duration of the block.

    The folder must exist: a library path with a typo in its folder is an
    error, not a reason to create folders (filelock would make them).
    """
    from filelock import FileLock, Timeout

    folder = target(path).parent
    if not folder.is_dir():
        raise WriteFailed(f"{path}: the folder {folder} does not exist; create it first or pass another --library")
    try:
        where = lock_path(path)
        if where.is_symlink() or (where.exists() and not where.is_file()):
            raise WriteFailed(f"{where}: the lock file is not a regular file; remove it and try again")
        lock = FileLock(str(where), timeout=LOCK_TIMEOUT_SECONDS, mode=0o600)
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot lock it ({_describe(exc)}); pass --library with a shorter path") from exc
    try:
        with lock:
            yield
    except Timeout as exc:
        raise WriteFailed(
            f"{path}: another citetool process has held the lock for {LOCK_TIMEOUT_SECONDS:.0f} s; try again"
        ) from exc
    except OSError as exc:
        raise WriteFailed(f"{path.parent}: cannot create the lock file ({_describe(exc)})") from exc


def _describe(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


class Staged:
    """New contents written beside a file, waiting to replace it: so that several files change all or none.

    The new file gets the old one's mode and (where the process may give it)
    its owner.  With ``expected``, :meth:`commit` first checks that the file
    still holds those bytes: another program's save since citetool read it
    is :class:`ChangedMeanwhile`, never overwritten.  Staging never follows
    a symlink at ``path``: the caller has decided which real file to change.
    """

    def __init__(self, path: Path, data: bytes, expected: bytes | None = None) -> None:
        self.path = path
        self.expected = expected
        self.temp: str | None = None
        try:
            info = os.lstat(self.path)
        except OSError as exc:
            raise WriteFailed(f"{path}: cannot be written ({_describe(exc)}); no file was changed") from exc
        if stat.S_ISLNK(info.st_mode):
            raise WriteFailed(f"{path}: is a symbolic link; citetool changes only the file itself")
        refuse_unwritable(self.path, info)
        temp = self.temp = _temp_name(self.path.parent, self.path.name)
        try:
            with os.fdopen(_create(temp), "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, stat.S_IMODE(info.st_mode))
            _give_back(temp, (info.st_uid, info.st_gid))
        except BaseException as exc:
            self.temp = None
            _remove_temp(temp, exc)
            if isinstance(exc, OSError):
                raise WriteFailed(f"{path}: not written ({_describe(exc)}); no file was changed") from exc
            raise

    def check(self) -> None:
        """:class:`ChangedMeanwhile` if the file no longer holds the bytes it was read with."""
        if self.expected is not None and _current(self.path) != self.expected:
            raise ChangedMeanwhile(f"{self.path}: changed by another program since citetool read it; nothing was "
                                   "written, run the command again")  # fmt: skip

    def commit(self) -> None:
        if self.temp is not None:
            os.replace(self.temp, self.path)
            self.temp = None

    def discard(self) -> None:
        if self.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
            self.temp = None


def _temp_name(folder: Path, name: str) -> str:
    """A new temporary file's name beside ``name`` in ``folder``, chosen before the file is created.

    With the name known first, a signal or an error at any moment after the
    creation (even between ``open`` returning and its result being kept)
    leaves nothing behind: the caller removes the name (:func:`_remove_temp`).
    """
    return os.path.join(folder, f".{name}.{secrets.token_hex(8)}.tmp")


def _create(name: str) -> int:
    """Create ``name`` for writing, only if nothing stands there (no link is followed), readable by the owner."""
    return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)


def _remove_temp(name: str, failure: BaseException) -> None:
    """Remove the temporary file ``name`` after ``failure``, unless the failure was that something else stood
    there (then it is not citetool's)."""
    if not isinstance(failure, FileExistsError) and not (
            isinstance(failure, WriteFailed) and isinstance(failure.__cause__, FileExistsError)):
        with contextlib.suppress(OSError):
            os.unlink(name)


def _give_back(name: str, owner: tuple[int, int]) -> None:
    """Give the new file ``name`` the old file's owner and group, where the process may (root may; others keep
    what they can)."""
    if owner != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):
            os.chown(name, *owner)


def refuse_unwritable(path: Path, info: os.stat_result) -> None:
    """Refuse to replace what is not a plain, writable, singly-linked file (before anything is written)."""
    if not stat.S_ISREG(info.st_mode):
        raise WriteFailed(f"{path}: is not a regular file (a device, FIFO or folder); citetool will not replace it")
    if not info.st_mode & stat.S_IWUSR:
        raise WriteFailed(f"{path}: is read-only (mode {stat.S_IMODE(info.st_mode):04o}); chmod u+w it to let "
                          "citetool change it")  # fmt: skip
    if info.st_nlink > 1:
        raise WriteFailed(f"{path}: has {info.st_nlink} hard links, which an atomic write would split; "
                          "use a symlink instead, or copy the file")  # fmt: skip


class ChangedMeanwhile(WriteFailed):
    """The file changed between citetool's read and its write (someone else saved it); nothing was written."""


def write_atomic(
    path: Path,
    data: bytes | list[bytes],
    private: bool = False,
    durable: bool = True,
    expected: bytes | None = None,
    follow_links: bool = True,
) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its permission bits.

    ``data`` is bytes, or a list of pieces written one after another (so a
    big text and its header need not be joined into a copy).  A new file
    gets the process umask's mode; a ``private`` file is 0600, whatever it was.  On failure
    the old file is untouched and the temp file is removed.  ``durable``
    writes are synced to disk (file, then folder) so that a crash leaves
    the old file or the new one; a cache that can tell a cut file from a
    whole one may skip that.  With ``expected``, the file is read once more
    just before it is replaced, and :class:`ChangedMeanwhile` is raised if
    it no longer holds those bytes.  A symlink at ``path`` is followed (a
    library kept elsewhere and linked), unless ``follow_links`` is false: a
    cache file is then written as a new file renamed over whatever stood at
    ``path``, link or not, so a link planted there changes nothing else.
    """
    path = target(path) if follow_links else path
    folder = path.parent if str(path.parent) else Path(".")
    owner: tuple[int, int] | None = None
    try:
        info = os.stat(path) if follow_links else os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise FileNotFoundError  # replaced, never followed
    except FileNotFoundError:
        mode: int | None = 0o600 if private else None
    except OSError as exc:
        raise WriteFailed(f"{path}: cannot write ({_describe(exc)})") from exc
    else:
        refuse_unwritable(path, info)
        mode, owner = (0o600 if private else stat.S_IMODE(info.st_mode)), (info.st_uid, info.st_gid)
    temp_name = _temp_name(folder, path.name)
    try:
        try:
            handle = _create(temp_name)
        except OSError as exc:
            raise WriteFailed(f"{path}: cannot write in {folder} ({_describe(exc)})") from exc
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
        if owner is not None:
            _give_back(temp_name, owner)
        if expected is not None and _current(path) != expected:
            raise ChangedMeanwhile(f"{path}: changed by another program while citetool was writing it; try again")
        os.replace(temp_name, path)
    except BaseException as exc:
        _remove_temp(temp_name, exc)
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


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


#: The folders citetool keeps in its cache root: a root holding only these is citetool's own.
CACHE_PARTS_PREFIXES = ("works", "ids", "index", "tables", "export-", "show-json", "said")


def private_folder(folder: Path) -> None:
    """Make ``folder`` exist, readable by the user alone (0700), whatever the umask and its mode before;
    and its parent, the cache root, too when that is citetool's own (never a folder the user also uses).

    A folder inside the cache root that is a symlink, or not the user's own, is refused
    (:class:`WriteFailed`): a link planted there would send cache files, and the chmod, elsewhere.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise WriteFailed(f"{folder}: is a link, or not a folder of this user; the cache is not written there")
    root = folder.parent
    ours = root.name == "citetool" or all(child.name.startswith(CACHE_PARTS_PREFIXES) for child in root.iterdir())
    for each in (folder, root) if ours else (folder,):
        if stat.S_IMODE(os.stat(each).st_mode) != 0o700:
            os.chmod(each, 0o700)


class Unreadable(Exception):
    """A file that :func:`read_regular` will not read: not a regular file, too big, or an OS error."""


def read_regular(path: Path, limit: int, follow_links: bool = True) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them; :class:`Unreadable` with the reason.

    The file is opened without blocking and checked on the open descriptor,
    so a FIFO (which would hang the read), a device (``/dev/zero`` never
    ends) or a folder is refused whatever was at the path a moment before.
    ``FileNotFoundError`` passes through.  ``follow_links`` false refuses a
    symlink (``O_NOFOLLOW``): for files only citetool writes, such as caches.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise
    except IsADirectoryError as exc:
        raise Unreadable("is a directory") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unreadable("is a symbolic link") from exc
        raise Unreadable(_describe(exc)) from exc
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("is not a regular file (a device, FIFO or socket)")
        if info.st_size > limit:
            raise Unreadable(f"is larger than {_size(limit)}")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(handle, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise Unreadable(f"is larger than {_size(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        raise Unreadable(_describe(exc)) from exc
    finally:
        os.close(handle)


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit // 1024} KiB"


def read_private(path: Path, limit: int) -> bytes | None:
    """A cache file's bytes, or None: missing, a symlink, not a regular file, too big or unreadable alike."""
    try:
        return read_regular(path, limit, follow_links=False)
    except (OSError, Unreadable):
        return None


#: The largest library citetool reads (the largest real ones are about 10 MiB).
MAX_LIBRARY_BYTES = 1 << 30


def read_bytes(path: Path) -> bytes:
    """Read a whole regular file, turning OS errors into one-line citetool errors.

    Anything else (a FIFO, which would block, a device, a folder) is refused before it is read.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise LibraryInvalid(f"{path}: cannot be read ({_describe(exc)})") from exc
    if stat.S_ISDIR(info.st_mode):
        raise LibraryInvalid(f"{path}: is a directory, not a .bib file; pass --library FILE")
    if not stat.S_ISREG(info.st_mode):
        raise LibraryInvalid(f"{path}: is not a regular file (a device or FIFO); pass --library FILE")
    try:
        return read_regular(path, MAX_LIBRARY_BYTES)
    except Unreadable as exc:
        raise LibraryInvalid(f"{path}: cannot be read ({exc})") from exc
