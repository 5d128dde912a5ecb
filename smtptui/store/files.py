"""Safe files for profiles and history: private folders, atomic writes, locks, file names."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

try:  # POSIX only; elsewhere the in-process lock still holds.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: The lock file kept in every folder that this module writes into.
LOCK_NAME = ".lock"
#: Seconds after which a temporary file of ours is taken as left by a killed write.
STALE_AFTER = 600.0

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()

# Errors from os.link that mean "this file system has no hard links", not "the name is taken".
_NO_LINK = {errno.EPERM, errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK}


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` and any missing parents with mode 0700 (existing folders untouched).

    Raises OSError (NotADirectoryError when the path, or a parent, is a file).
    """
    missing: list[Path] = []
    here = directory
    while not here.exists():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass  # made by someone else meanwhile
        else:
            os.chmod(folder, 0o700)  # the umask may have taken bits away; never adds any
    if not directory.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "exists and is not a folder", str(directory))


def atomic_write(path: Path, data: bytes, *, replace: bool = True, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` all at once: a temporary file beside it, fsync, then rename.

    With ``replace=False`` an existing file is never touched (FileExistsError instead).
    With ``replace=True`` a ``path`` that is a symbolic link keeps it: the link's target is
    replaced (the temporary file beside the target), never the link by a plain file.
    On any failure the temporary file is removed and the old file, if any, is intact.
    """
    if replace and path.is_symlink():
        path = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        try:
            if hasattr(os, "fchmod"):  # mkstemp made it 0600 already; this sets ``mode``
                os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def clean_stale_temps(directory: Path, suffix: str, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporary files that a killed ``atomic_write`` left in ``directory``:
    only our own pattern (``.NAME<suffix>.XXXXXXXX.tmp``), only plain files last changed more
    than ``older_than`` seconds ago. Best effort: a file that cannot be removed stays."""
    pattern = re.compile(rf"\..+{re.escape(suffix)}\.[a-z0-9_]{{8}}\.tmp")
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _link_new(tmp: str, path: Path) -> None:
    """Give ``tmp`` the name ``path`` only if that name is free, then drop the ``tmp`` name."""
    try:
        os.link(tmp, path)
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        if path.exists():  # no hard links here: check, then rename (we hold the folder lock)
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(tmp, path)
        return
    os.unlink(tmp)


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable by syncing its folder (best effort; not every system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def folder_lock(directory: Path) -> Iterator[None]:
    """Hold the folder's lock: a thread lock in this process, and flock on ``.lock`` across them."""
    key = os.path.abspath(directory)
    with _thread_locks_guard:
        tlock = _thread_locks.setdefault(key, threading.Lock())
    with tlock:
        fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock


#: A file name stem's limit in bytes of UTF-8 (a temporary-file prefix and suffix must fit too).
SLUG_BYTES = 100


def slugify(name: str) -> str:
    """The file name stem for a profile name: lower-case letters, digits and single dashes.

    A name whose slug would pass 80 characters or SLUG_BYTES bytes of UTF-8 is cut (on a
    character boundary) and ends in a short hash of the whole slug, so two long names that
    share their first 80 characters still get two files, and the file name, with its
    temporary-file prefix and suffix, fits a 255-byte name limit.
    """
    full = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", name).casefold()).strip("-")
    slug = full[:80].strip("-")
    if slug == full and len(slug.encode("utf-8")) <= SLUG_BYTES:
        return slug
    import hashlib  # only for names too long for a file name: it loads OpenSSL's libcrypto

    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:8]
    head = slug.encode("utf-8")[:SLUG_BYTES - 9].decode("utf-8", "ignore").strip("-")
    return f"{head}-{digest}"


def cut_slug(name: str) -> str:
    """The slug that `slugify` gave a name of 81 characters or more before it added a hash
    to every long slug: the first 80 characters, no hash (history kept under it is still
    found)."""
    full = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", name).casefold()).strip("-")
    slug = full[:80].strip("-")
    return slug if len(slug.encode("utf-8")) <= SLUG_BYTES else slugify(name)
