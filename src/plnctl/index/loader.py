"""Reading the index: which entries still match their files, and reading the rest.

An entry is used as it is when the file's size, mtime, ctime and inode match
and the file last changed well before the index looked at it; otherwise the
file is read again, and parsed only when its content differs from what the
entry was made from (git calls a too-fresh entry "racy").
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from plnctl import __version__
from plnctl.errors import TieFileError, UnknownTieError
from plnctl.index.fileformat import FORMAT, read_doc, read_names, write_index
from plnctl.index.location import Warn, index_path
from plnctl.index.records import (
    TieSummary,
    derived_of,
    derived_record,
    record_of,
    reintern,
    summary_of,
)

if TYPE_CHECKING:
    from plnctl.progress import Progress
    from plnctl.settings import Settings
    from plnctl.store import Store

# A file whose mtime or ctime lies within this of the moment the index looked
# at it may be rewritten again in the same timestamp tick with the same size;
# such an entry is read again instead of trusted.
RACY_NS = 2_000_000_000

# A file's size, mtime, inode and ctime packed into bytes, and when it last changed.
StatKey = tuple[bytes, int]
STAT = struct.Struct("<qqQq")


def _stat_key(st: os.stat_result) -> StatKey:
    """The stat fields an entry must match, and when the file last changed (ns)."""
    packed = STAT.pack(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    return packed, max(st.st_mtime_ns, st.st_ctime_ns)


# The modules whose code decides what a record or a derived value holds.
_CODE = (
    "index/loader.py",
    "index/records.py",
    "model.py",
    "schema.py",
    "settings.py",
    "store.py",
    "ties.py",
)


def _code_stamp() -> tuple[Any, ...]:
    """Size and mtime of the code that made the index, so an edited install rebuilds it."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stamp: list[Any] = []
    for name in _CODE:
        try:
            st = os.stat(os.path.join(here, name))
            stamp.append((st.st_size, st.st_mtime_ns))
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def identity_of(store: Store) -> tuple[Any, ...]:
    """What the whole index depends on; any change rebuilds it."""
    from plnctl.settings import SETTINGS_FILE

    try:
        settings: StatKey | None = _stat_key(os.stat(store.root / SETTINGS_FILE))
    except OSError:
        settings = None
    return (
        FORMAT,
        __version__,
        _code_stamp(),
        sys.version,
        sys.byteorder,
        str(store.root.resolve()),
        settings,
    )


def _read_file(store: Store, slug: str) -> tuple[bytes, StatKey | None]:
    """A file's bytes, and its stat taken before reading, so a later change always shows."""
    raw, st = store.read_tie_file(slug)
    return raw, _stat_key(st)


def content_digest(raw: bytes) -> bytes:
    """What an entry says of the content it was made from: BLAKE2b, 16 bytes."""
    try:
        from _blake2 import blake2b  # what hashlib.blake2b is, in CPython, without OpenSSL
    except ImportError:  # pragma: no cover - another Python
        from hashlib import blake2b

    return blake2b(raw, digest_size=16).digest()


def _summary(entry: Any) -> TieSummary | None:
    try:
        return summary_of(entry[2])
    except (TypeError, ValueError, IndexError):
        return None  # not a record this plnctl wrote: read the file instead


# What reading one file came to, in plain data so another process can send it:
# ("same", key, digest) when the content is what the index entry was made from,
# ("parsed", key, digest, record), ("error", error class, path, problem), ("gone",).
Examined = tuple[Any, ...]
# Parse in two processes when this many files need it and the machine has cores to spare.
PARALLEL_MIN = 400
READING = "reading tie files"


def _examine(store: Store, slug: str, known: bytes | None) -> Examined:
    from plnctl.store import parse_tie

    try:
        raw, key = _read_file(store, slug)
        digest = content_digest(raw)
        if digest == known:
            return ("same", key, digest)
        return ("parsed", key, digest, record_of(parse_tie(store.path_for(slug), raw)))
    except UnknownTieError:
        return ("gone",)
    except TieFileError as exc:
        return ("error", type(exc).__name__, str(exc.path), exc.problem)


def _error(outcome: Examined) -> TieFileError:
    from plnctl import errors

    cls = getattr(errors, outcome[1], TieFileError)
    if not (isinstance(cls, type) and issubclass(cls, TieFileError)):
        cls = TieFileError
    error: TieFileError = cls(Path(outcome[2]), outcome[3])
    return error


_worker_store: Store | None = None


def _examine_in_worker(task: tuple[str, bytes | None]) -> Examined:
    assert _worker_store is not None
    return _examine(_worker_store, *task)


def _examine_all(
    store: Store, tasks: list[tuple[str, bytes | None]], progress: Progress | None = None
) -> list[Examined]:
    """Read (and parse where needed) each file, in order; on Linux, many files use two cores."""
    from plnctl.progress import counted

    global _worker_store
    if len(tasks) < PARALLEL_MIN or sys.platform != "linux" or (os.cpu_count() or 1) < 2:
        return [
            _examine(store, slug, known)
            for slug, known in counted(tasks, len(tasks), READING, progress)
        ]
    import multiprocessing

    import plnctl.store  # noqa: F401  (imported before forking, not in each worker)

    _worker_store = store
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            done = pool.imap(_examine_in_worker, tasks, chunksize=64)
            outcomes = list(counted(done, len(tasks), READING, progress))
    finally:
        _worker_store = None
    # Strings come back from another process as copies of their own: share them again.
    for i, outcome in enumerate(outcomes):
        if outcome[0] == "parsed":
            outcomes[i] = (*outcome[:3], reintern(outcome[3]))
    return outcomes


def load_summaries(
    store: Store,
    as_of: dt.date | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    warn: Warn | None = None,
) -> tuple[list[tuple[str, TieSummary]], list[TieFileError]]:
    """Like `Store.load_all`, from the index where it provably matches the files.

    An entry is used as it is when the file's stat matches and the file last
    changed well before the index looked at it; otherwise the file is read,
    and parsed only when its content differs from what the entry was made
    from. Broken files are never cached: they are parsed on every call, so
    they give the same warnings as without an index.

    With `as_of` and `settings`, each summary also carries its derived
    values, kept in the index for the last date and settings asked for.

    `warn` is told when the cache is not this user's alone, and so is neither
    read nor written (see `location`).
    """
    started_ns = time.time_ns()
    # A `.toml` file whose name is no slug is no tie, but never silently ignored.
    slugs, problems = store.listing()
    path = index_path(store.root)
    identity = identity_of(store)
    doc = read_doc(path, identity, warn)
    seen_ns, old = (0, {}) if doc is None else (doc["seen_ns"], doc["ties"])
    old_for, old_derived = (None, {}) if doc is None else doc["derived"]
    trust_before = seen_ns - RACY_NS
    settled_before = started_ns - RACY_NS
    entries: dict[str, Any] = {}
    trusted: list[tuple[str, TieSummary | None]] = []
    changed = False
    root = os.fspath(store.root)
    unsure: list[tuple[str, bytes | None]] = []  # files to read, with the digest known
    for slug in slugs:
        hit = old.get(slug)
        if hit is not None:
            try:
                key: StatKey | None = _stat_key(os.stat(f"{root}/{slug}.toml"))
            except OSError:
                key = None
            if key is not None and key[0] == hit[0] and key[1] < trust_before:
                summary = _summary(hit)
                if summary is not None:
                    entries[slug] = hit
                    trusted.append((slug, summary))
                    continue
        unsure.append((slug, None if hit is None else hit[1]))
        trusted.append((slug, None))  # read below
    outcomes = dict(
        zip((slug for slug, _ in unsure), _examine_all(store, unsure, progress), strict=True)
    )
    result: list[tuple[str, TieSummary]] = []
    for slug, summary in trusted:
        if summary is not None:
            result.append((slug, summary))
            continue
        hit = old.get(slug)
        outcome = outcomes[slug]
        if outcome[0] == "same":
            summary = _summary(hit)
            if summary is None:
                outcome = _examine(store, slug, None)
        if outcome[0] == "gone":
            continue  # removed while we listed
        if outcome[0] == "error":
            problems.append(_error(outcome))
            continue
        _, key, digest = outcome[:3]
        record = hit[2] if outcome[0] == "same" and hit is not None else outcome[3]
        if summary is None:
            summary = summary_of(record)
        if key is not None:
            entry = (key[0], digest, record)
            entries[slug] = entry
            # Write the index when it learnt something, or when an entry too
            # fresh to trust so far will be trusted under this run's time.
            if entry != hit or key[1] < settled_before:
                changed = True
        result.append((slug, summary))
    del trusted, unsure, outcomes

    # Derived values stay valid while a tie's record, the date and the settings do.
    def unchanged(slug: str) -> bool:
        entry, hit = entries.get(slug), old.get(slug)
        return entry is not None and hit is not None and entry[2] is hit[2]

    wanted = None if as_of is None or settings is None else (as_of.toordinal(), repr(settings))
    if wanted is None:
        derived = (old_for, {slug: d for slug, d in old_derived.items() if unchanged(slug)})
        changed = changed or len(derived[1]) != len(old_derived)
    else:
        assert as_of is not None and settings is not None
        from plnctl.ties import derive, participation_counts

        kept = old_derived if old_for == wanted else {}
        values: dict[str, Any] = {}
        for slug, summary in result:
            summary.derived_for = (as_of, settings)
            known = kept.get(slug) if unchanged(slug) else None
            if known is not None:
                try:
                    summary.derived = derived_of(known[0])
                    summary.counts = (known[1], known[2])
                    values[slug] = known
                    continue
                except (TypeError, ValueError, IndexError):
                    pass
            moments = summary.moments()
            summary.derived = derive(
                moments,
                as_of,
                settings,
                every=summary.every,
                pin=summary.pin,
                added=summary.added,
            )
            summary.counts = participation_counts(moments, as_of, settings)
            summary._moments = None  # decoded again if ever needed: a large network is large
            if slug in entries:
                values[slug] = (derived_record(summary.derived), *summary.counts)
                changed = True
        derived = (wanted, values)
    if changed or entries.keys() != old.keys():
        write_index(path, identity, started_ns, entries, derived, warn)
    return result, problems


class Head(NamedTuple):
    """What lookups by name and `show`'s lineage read of a tie."""

    name: str
    via: str | None


def load_heads(store: Store) -> dict[str, Head] | None:
    """slug -> name and via of every tie, from the index's names piece alone when it
    provably matches the files, by the rules `load_summaries` trusts an entry by (the
    stat, or else the content's digest); None when some file is new, changed, unreadable
    or not a tie, or the index is missing: then ask `load_summaries`, which reads them."""
    found = read_names(index_path(store.root), identity_of(store))
    if found is None:
        return None
    seen_ns, known = found
    slugs, problems = store.listing()
    if problems:
        return None
    trust_before = seen_ns - RACY_NS
    root = os.fspath(store.root)
    heads = {}
    for slug in slugs:
        entry = known.get(slug)
        if entry is None or len(entry) != 4:
            return None
        path = f"{root}/{slug}.toml"
        try:
            key = _stat_key(os.stat(path))
            if key[0] != entry[0] or key[1] >= trust_before:
                # Rewritten with the same bytes (a touch, a checkout, a sync)?
                with open(path, "rb") as handle:
                    if content_digest(handle.read()) != entry[1]:
                        return None
        except OSError:
            return None
        heads[slug] = Head(entry[2], entry[3])
    return heads
