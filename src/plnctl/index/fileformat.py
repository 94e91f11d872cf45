"""The index file: a magic line, then checksummed pieces of marshalled plain data.

    MAGIC
    ("head", identity, seen_ns, derived_for)
    ("ties", {slug: (stat, digest, record), ...})      by slug, TIE_ENTRIES per piece
    ("derived", {slug: (derived record, total, giving), ...})   PIECE_ENTRIES per piece
    ("end", number of tie entries, number of derived entries)
    ("names", {slug: (stat, digest, name, via), ...})  for lookups by name, and of `via`
    ("where", ((first slug, offset), ...), names offset) where each ties piece starts
    offset of the "where" piece (8 bytes)

Each piece is headed by its length and a CRC-32 of it, so a torn or damaged
file is noticed and refused as a whole; it is then rebuilt from the tie files.
Reading the whole index stops at "end". The ties pieces are small and in slug
order, so one tie's entry is found by reading the head, the "where" piece
(found by the last 8 bytes) and one ties piece (`read_entry`), and every
tie's name by reading the names piece (`read_names`); each piece read
there is checked by its own CRC-32.
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from plnctl.index.location import Warn, not_private, opened_dir, untrusted

FORMAT = 5
MAGIC = b"plnctl-index\n"
PIECE_ENTRIES = 4096
# Small enough that finding one tie's entry unpacks little; pieces are read in order anyway.
TIE_ENTRIES = 256
PIECE_HEAD = struct.Struct("<II")
TRAILER = struct.Struct("<Q")


@contextlib.contextmanager
def trusted_handle(path: Path, warn: Warn | None = None) -> Iterator[BinaryIO | None]:
    """The index file open for reading, or None when it must not be read.

    It is opened without following a link and without waiting on a FIFO, and
    read only when it is a regular file of this user's that no one else can
    write: every reader of the index goes through here.
    """
    with opened_dir(path.parent, create=False, warn=warn) as dir_fd:
        if dir_fd is None:
            yield None
            return
        try:
            fd = os.open(path.name, _NO_SURPRISES | os.O_RDONLY, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP and warn is not None:
                warn(untrusted(path, "it is a symbolic link"))
            yield None
            return
        with open(fd, "rb") as handle:
            st = os.fstat(fd)
            why = "it is not a regular file" if not stat.S_ISREG(st.st_mode) else not_private(st)
            if why is not None:
                if warn is not None:
                    warn(untrusted(path, why))
                yield None
                return
            yield handle


def read_doc(
    path: Path, identity: tuple[Any, ...], warn: Warn | None = None
) -> dict[str, Any] | None:
    """The index written for `identity`, or None when missing, corrupt, foreign or
    not to be trusted (`trusted_handle`)."""
    with trusted_handle(path, warn) as handle:
        if handle is None:
            return None
        try:
            return _read_pieces(handle, os.fstat(handle.fileno()).st_size, identity)
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
            # What follows serves lookups of one tie or of the names (see below).
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

    offset = len(MAGIC)
    where: list[tuple[str, int]] = []
    yield MAGIC
    head = piece(("head", identity, seen_ns, derived[0]))
    offset += len(head)
    yield head
    slugs = sorted(entries)
    for start in range(0, len(slugs), TIE_ENTRIES):
        batch = {slug: entries[slug] for slug in slugs[start : start + TIE_ENTRIES]}
        data = piece(("ties", batch))
        where.append((slugs[start], offset))
        offset += len(data)
        yield data
    del slugs
    batch = {}
    for slug, value in derived[1].items():
        batch[slug] = value
        if len(batch) >= PIECE_ENTRIES:
            data = piece(("derived", batch))
            offset += len(data)
            yield data
            batch = {}
    if batch:
        data = piece(("derived", batch))
        offset += len(data)
        yield data
    data = piece(("end", len(entries), len(derived[1])))
    offset += len(data)
    yield data
    names = {slug: known for slug, entry in entries.items() if (known := _head(entry))}
    data = piece(("names", names))
    del names
    names_at = offset
    offset += len(data)
    yield data
    yield piece(("where", tuple(where), names_at))
    yield TRAILER.pack(offset)


def _head(entry: Any) -> tuple[bytes, bytes, str, str | None] | None:
    """(stat, digest, name, via) of a tie entry (see records.Record: name first, via sixth)."""
    try:
        stat, digest, record = entry
        name, via = record[0], record[5]
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    return (stat, digest, name, via) if isinstance(name, str) else None


def _where(handle: BinaryIO, identity: tuple[Any, ...]) -> tuple[tuple[Any, ...], Any] | None:
    """The head piece (checked against `identity`) and the "where" piece, found by the trailer."""
    import os

    size = os.fstat(handle.fileno()).st_size
    if handle.read(len(MAGIC)) != MAGIC:
        return None
    head = _one_piece(handle)
    if not (isinstance(head, tuple) and len(head) == 4 and head[:2] == ("head", identity)):
        return None
    if size < len(MAGIC) + TRAILER.size:
        return None
    handle.seek(size - TRAILER.size)
    (offset,) = TRAILER.unpack(handle.read(TRAILER.size))
    if not len(MAGIC) <= offset < size:
        return None
    handle.seek(offset)
    where = _one_piece(handle)
    if not (isinstance(where, tuple) and len(where) == 3 and where[0] == "where"):
        return None
    return head, where


def read_names(path: Path, identity: tuple[Any, ...]) -> tuple[int, dict[str, Any]] | None:
    """(when the index last looked at the files, slug -> (stat, digest, name, via)) from the
    names piece;
    None when the index is missing, foreign or damaged there."""
    found = _lookup(path, identity, lambda where: where[2], "names")
    return None if found is None else (found[0], found[1])


def read_entry(path: Path, identity: tuple[Any, ...], slug: str) -> tuple[Any, ...] | None:
    """One tie's entry (stat, digest, record), reading three small pieces of the index;
    None when the index is missing, foreign or damaged there, or has no such entry."""
    import bisect

    def piece_of_slug(where: tuple[Any, ...]) -> int | None:
        at = bisect.bisect_right([first for first, _ in where[1]], slug) - 1
        return None if at < 0 else int(where[1][at][1])

    found = _lookup(path, identity, piece_of_slug, "ties")
    entry = None if found is None else found[1].get(slug)
    return entry if isinstance(entry, tuple) else None


def _lookup(
    path: Path,
    identity: tuple[Any, ...],
    offset_of: Callable[[tuple[Any, ...]], int | None],
    tag: str,
) -> tuple[int, dict[str, Any]] | None:
    """(seen_ns, the dict of the `tag` piece the "where" piece places at `offset_of(where)`)."""
    try:
        with trusted_handle(path) as handle:
            if handle is None:
                return None
            found = _where(handle, identity)
            if found is None:
                return None
            head, where = found
            offset = offset_of(where)
            if offset is None:
                return None
            handle.seek(offset)
            piece = _one_piece(handle)
    except (OSError, TypeError, ValueError, IndexError, struct.error):
        return None
    if not (isinstance(piece, tuple) and len(piece) == 2 and piece[0] == tag):
        return None
    if not (isinstance(piece[1], dict) and isinstance(head[2], int)):
        return None
    return head[2], piece[1]


def _one_piece(handle: BinaryIO) -> Any:
    """The piece that starts where `handle` is; None when it is damaged.

    A length past the end of the file is damage too, found before anything is read:
    a damaged head must not ask for gigabytes.
    """
    head = handle.read(PIECE_HEAD.size)
    if len(head) != PIECE_HEAD.size:
        return None
    length, check = PIECE_HEAD.unpack(head)
    if length > os.fstat(handle.fileno()).st_size - handle.tell():
        return None
    data = handle.read(length)
    if len(data) != length or zlib.crc32(data) != check:
        return None
    try:
        return marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None


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
