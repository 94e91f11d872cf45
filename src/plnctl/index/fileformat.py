"""The index file: a magic line, then checksummed pieces of marshalled plain data.

    MAGIC
    ("head", identity, seen_ns, derived_for)
    ("ties", {slug: (stat, digest, record), ...})      one piece per PIECE_ENTRIES entries
    ("derived", {slug: (derived record, total, giving), ...})
    ("end", number of tie entries, number of derived entries)

Each piece is headed by its length and a CRC-32 of it, so a torn or damaged
file is noticed and refused as a whole; it is then rebuilt from the tie files.
"""

from __future__ import annotations

import contextlib
import errno
import marshal
import os
import stat
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from plnctl.index.location import Warn, not_private, opened_dir, untrusted

FORMAT = 4
MAGIC = b"plnctl-index\n"
PIECE_ENTRIES = 4096
PIECE_HEAD = struct.Struct("<II")


def read_doc(
    path: Path, identity: tuple[Any, ...], warn: Warn | None = None
) -> dict[str, Any] | None:
    """The index written for `identity`, or None when missing, corrupt or foreign.

    The file is opened without following a link and without waiting on a FIFO, and
    read only when it is a regular file of this user's that no one else can write.
    """
    with opened_dir(path.parent, create=False, warn=warn) as dir_fd:
        if dir_fd is None:
            return None
        try:
            fd = os.open(path.name, _NO_SURPRISES | os.O_RDONLY, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP and warn is not None:
                warn(untrusted(path, "it is a symbolic link"))
            return None
        with open(fd, "rb") as handle:
            st = os.fstat(fd)
            why = "it is not a regular file" if not stat.S_ISREG(st.st_mode) else not_private(st)
            if why is not None:
                if warn is not None:
                    warn(untrusted(path, why))
                return None
            try:
                return _read_pieces(handle, st.st_size, identity)
            except OSError:
                return None


_NO_SURPRISES = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
# A temporary index file this old was left by a plnctl killed while writing it.
STALE_TEMP_SECONDS = 600


def _read_pieces(handle: BinaryIO, size: int, identity: tuple[Any, ...]) -> dict[str, Any] | None:
    """Read the index piece by piece: only one piece is ever held as bytes.

    Each piece is checked against its own CRC-32 before it is unmarshalled,
    and the last one says how many entries came before it, so a damaged or
    truncated index is refused as a whole.
    """
    if handle.read(len(MAGIC)) != MAGIC:
        return None
    left = size - len(MAGIC)
    head: tuple[Any, ...] | None = None
    parts: dict[str, dict[str, Any]] = {"ties": {}, "derived": {}}
    while left >= PIECE_HEAD.size:
        length, check = PIECE_HEAD.unpack(handle.read(PIECE_HEAD.size))
        left -= PIECE_HEAD.size
        if length > left:
            return None
        data = handle.read(length)
        left -= length
        if len(data) != length or zlib.crc32(data) != check:
            return None
        try:
            piece = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return None
        del data
        if not isinstance(piece, tuple) or not piece:
            return None
        tag = piece[0]
        if head is None:
            if tag != "head" or len(piece) != 4 or piece[1] != identity:
                return None
            if not isinstance(piece[2], int):
                return None
            head = piece
        elif tag in parts and len(piece) == 2 and isinstance(piece[1], dict):
            if parts[tag]:
                parts[tag].update(piece[1])
            else:
                parts[tag] = piece[1]
        elif tag == "end" and piece == ("end", len(parts["ties"]), len(parts["derived"])):
            if left:
                return None
            return {
                "identity": head[1],
                "seen_ns": head[2],
                "ties": parts["ties"],
                "derived": (head[3], parts["derived"]),
            }
        else:
            return None
    return None


def read_index(path: Path, identity: tuple[Any, ...]) -> tuple[int, dict[str, Any]]:
    """(when the index last looked at the files, slug -> (stat, digest, record)), or (0, {})."""
    doc = read_doc(path, identity)
    return (0, {}) if doc is None else (doc["seen_ns"], doc["ties"])


def _pieces(
    identity: tuple[Any, ...],
    seen_ns: int,
    entries: dict[str, Any],
    derived: tuple[Any, dict[str, Any]],
) -> Iterator[bytes]:
    """The index file in pieces of PIECE_ENTRIES entries, each with its length and CRC-32.

    Written piece by piece, a large index never sits in memory as one
    serialised blob next to the objects it was made from.
    """

    def piece(value: tuple[Any, ...]) -> bytes:
        data = marshal.dumps(value)
        return PIECE_HEAD.pack(len(data), zlib.crc32(data)) + data

    yield MAGIC
    yield piece(("head", identity, seen_ns, derived[0]))
    for tag, items in (("ties", entries), ("derived", derived[1])):
        batch: dict[str, Any] = {}
        for slug, value in items.items():
            batch[slug] = value
            if len(batch) >= PIECE_ENTRIES:
                yield piece((tag, batch))
                batch = {}
        if batch:
            yield piece((tag, batch))
    yield piece(("end", len(entries), len(derived[1])))


def write_index(
    path: Path,
    identity: tuple[Any, ...],
    seen_ns: int,
    entries: dict[str, Any],
    derived: tuple[Any, dict[str, Any]] = (None, {}),
    warn: Warn | None = None,
) -> None:
    """Write the index atomically; a cache that cannot be written only costs time."""
    from plnctl.store import atomic_write

    with opened_dir(path.parent, create=True, warn=warn) as dir_fd:
        if dir_fd is None:
            return
        _sweep(dir_fd)
        with contextlib.suppress(OSError):
            atomic_write(Path(path.name), _pieces(identity, seen_ns, entries, derived), dir_fd)


def forget(path: Path, warn: Warn | None = None) -> None:
    """Remove the index: it said something its files do not, and is rebuilt next time."""
    with opened_dir(path.parent, create=False, warn=warn) as dir_fd:
        if dir_fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(path.name, dir_fd=dir_fd)


def _sweep(dir_fd: int) -> None:
    """Remove the temporary files of index writes that were killed half way."""
    from plnctl.store import TEMP_SUFFIX

    too_old = time.time() - STALE_TEMP_SECONDS
    with contextlib.suppress(OSError), os.scandir(dir_fd) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(".index-") and name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < too_old:
                        os.unlink(name, dir_fd=dir_fd)
