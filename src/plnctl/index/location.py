"""Where the index lives, one file per data directory in the user's cache directory,
and whether that directory can be trusted.

The index is a cache, never an authority, and the cache directory may be shared or
synced: it is used only when it is a real directory (not a link) that this user owns
and no one else can write, and it is opened once so that nothing on the way to it can
be swapped while plnctl reads or writes there.
"""

from __future__ import annotations

import errno
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CACHE_ENV = "PLNCTL_CACHE_DIR"
Warn = Callable[[str], None]


def cache_dir() -> Path:
    """$PLNCTL_CACHE_DIR, else the platform's user cache directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("plnctl", appauthor=False))


def index_path(root: Path) -> Path:
    """One index per data directory, named by checksums of its resolved path.

    Two directories sharing a name only take turns with one file: the index
    records the path it belongs to and is rebuilt for any other.
    """
    resolved = os.fsencode(str(root.resolve()))
    return cache_dir() / f"index-{zlib.crc32(resolved):08x}{zlib.adler32(resolved):08x}.bin"


def not_private(st: os.stat_result) -> str | None:
    """Why a file or directory of the cache is not this user's alone, or None."""
    if st.st_uid != os.geteuid():
        return f"it belongs to another user (uid {st.st_uid})"
    if st.st_mode & 0o022:
        return f"others can write to it (mode {stat.S_IMODE(st.st_mode):03o})"
    return None


def untrusted(path: Path, why: str) -> str:
    """The one warning about a cache plnctl does not use."""
    return (
        f"not using the cache {path}: {why}; plnctl reads the tie files instead "
        f"(point ${CACHE_ENV} at a directory only you can write to)"
    )


@contextmanager
def opened_dir(directory: Path, *, create: bool, warn: Warn | None) -> Iterator[int | None]:
    """A descriptor of the cache directory, or None when there is none to use.

    A directory that cannot be made or opened only costs time, silently; one that is
    a link, or that another user owns or can write to, is refused with a warning.
    """
    fd = None
    why = None
    try:
        if create:
            from plnctl.store import make_private_dir

            make_private_dir(directory)
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        why = not_private(os.fstat(fd))
    except OSError as exc:
        if exc.errno in (errno.ENOTDIR, errno.ELOOP) and os.path.islink(directory):
            why = "it is a symbolic link"
    try:
        if why is not None:
            if warn is not None:
                warn(untrusted(directory, why))
            yield None
        else:
            yield fd
    finally:
        if fd is not None:
            os.close(fd)
