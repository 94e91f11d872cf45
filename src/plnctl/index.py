"""A derived index of the data directory, so commands that read every tie need not parse them.

The tie files stay the truth. The index keeps, per file, what `review`,
`list` and name lookups need, next to the file's size, mtime, ctime and
inode; a file whose stat differs, or that changed too close to when the
index last looked at it to rule out a rewrite within one timestamp tick, is
read again. An index that is missing, corrupt, or written by another plnctl,
Python or settings file is rebuilt without a word.
"""

from __future__ import annotations

import array
import datetime as dt
import marshal
import os
import struct
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from plnctl import __version__
from plnctl.errors import TieFileError, UnknownTieError

if TYPE_CHECKING:
    from plnctl.model import Tie
    from plnctl.settings import Settings
    from plnctl.store import Store
    from plnctl.ties import Derived

CACHE_ENV = "PLNCTL_CACHE_DIR"
FORMAT = 3
MAGIC = b"plnctl-index\n"
# The index is written and read in pieces of this many entries, each headed by
# its length and a CRC-32 of it: enough to notice a torn or damaged file.
PIECE_ENTRIES = 4096
_PIECE = struct.Struct("<II")
# A file whose mtime or ctime lies within this of the moment the index looked
# at it may be rewritten again in the same timestamp tick with the same size;
# such an entry is read again instead of trusted (git calls this "racy").
RACY_NS = 2_000_000_000

Moment = tuple[dt.date, str]
# A file's size, mtime, inode and ctime packed into bytes, and when it last changed.
StatKey = tuple[bytes, int]
_STAT = struct.Struct("<qqQq")

_dates: dict[int, dt.date] = {}


def _date(ordinal: int) -> dt.date:
    day = _dates.get(ordinal)
    if day is None:
        day = _dates[ordinal] = dt.date.fromordinal(ordinal)
    return day


@dataclass(slots=True, eq=False)
class TieSummary:
    """What review, list and name lookups read of a tie; events as (date, kind) only."""

    name: str
    kind: str
    url: str | None
    topics: list[str]
    tags: list[str]
    via: str | None
    every: int | None
    note: str | None
    pin: str | None
    added: dt.date | None
    archived: bool
    snoozed_until: dt.date | None
    days: bytes  # the event dates as native int32 ordinals, in file order
    kinds: str  # the event kinds joined by "|", in file order
    site_url: str | None = None
    _moments: list[Moment] | None = None
    # Derived values as of one date under one set of settings, when known.
    derived_for: tuple[dt.date, Settings] | None = None
    derived: Derived | None = None
    counts: tuple[int, int] | None = None  # see ties.participation_counts

    def _kept_for(self, as_of: dt.date, settings: Settings) -> bool:
        if self.derived_for is None:
            return False
        day, kept = self.derived_for
        return day == as_of and (kept is settings or kept == settings)

    def derived_as_of(self, as_of: dt.date, settings: Settings) -> Derived | None:
        """The derived values kept for `as_of` and `settings`, if those are what is wanted."""
        return self.derived if self._kept_for(as_of, settings) else None

    def counts_as_of(self, as_of: dt.date, settings: Settings) -> tuple[int, int] | None:
        """The participation counts kept for `as_of` and `settings`, if wanted."""
        return self.counts if self._kept_for(as_of, settings) else None

    def moments(self) -> list[Moment]:
        """The events as the tie model sees them: (date, kind), in file order."""
        if self._moments is None:
            ordinals = array.array("i")
            ordinals.frombytes(self.days)
            kinds = self.kinds.split("|") if self.kinds else []
            missing = set(ordinals).difference(_dates)
            for ordinal in missing:
                _dates[ordinal] = dt.date.fromordinal(ordinal)
            self._moments = list(zip(map(_dates.__getitem__, ordinals), kinds, strict=True))
        return self._moments


def _ordinal(day: dt.date | None) -> int | None:
    return None if day is None else day.toordinal()


def record_of(tie: Tie) -> tuple[Any, ...]:
    """The index's plain-data record of a validated tie."""
    days = array.array("i", [e.date.toordinal() for e in tie.events]).tobytes()
    # Shared strings are stored once in the index, and loaded once.
    intern = sys.intern
    return (
        tie.name,
        intern(tie.kind),
        tie.url,
        [intern(t) for t in tie.topics],
        [intern(t) for t in tie.tags],
        tie.via,
        tie.every,
        tie.note,
        None if tie.pin is None else intern(tie.pin),
        _ordinal(tie.added),
        tie.archived,
        _ordinal(tie.snoozed_until),
        days,
        "|".join(e.kind for e in tie.events),
        tie.site_url,
    )


def summary_of(record: tuple[Any, ...]) -> TieSummary:
    """A summary from an index record (see `record_of` for the order of its fields)."""
    added, snoozed = record[9], record[11]
    return TieSummary(
        name=record[0],
        kind=record[1],
        url=record[2],
        topics=record[3],
        tags=record[4],
        via=record[5],
        every=record[6],
        note=record[7],
        pin=record[8],
        added=None if added is None else _date(added),
        archived=record[10],
        snoozed_until=None if snoozed is None else _date(snoozed),
        days=record[12],
        kinds=record[13],
        site_url=record[14],
    )


def derived_record(d: Derived) -> tuple[Any, ...]:
    r = d.reciprocity
    return (
        d.score,
        d.status,
        d.derived_status,
        _ordinal(d.weakened_on),
        d.trend,
        _ordinal(d.first_event),
        _ordinal(d.last_event),
        d.days_since,
        d.event_count,
        d.interval_days,
        d.interval_source,
        d.overdue_ratio,
        d.band,
        r.given,
        r.received,
        r.p,
        r.label,
    )


def derived_of(record: tuple[Any, ...]) -> Derived:
    from plnctl.ties import Derived, Reciprocity

    weakened, first, last = record[3], record[5], record[6]
    dates = _dates
    return Derived(
        score=record[0],
        status=record[1],
        derived_status=record[2],
        weakened_on=None if weakened is None else dates.get(weakened) or _date(weakened),
        trend=record[4],
        first_event=None if first is None else dates.get(first) or _date(first),
        last_event=None if last is None else dates.get(last) or _date(last),
        days_since=record[7],
        event_count=record[8],
        interval_days=record[9],
        interval_source=record[10],
        overdue_ratio=record[11],
        band=record[12],
        reciprocity=Reciprocity(record[13], record[14], record[15], record[16]),
    )


# -- where the index lives ----------------------------------------------------


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


def _stat_key(st: os.stat_result) -> StatKey:
    """The stat fields an entry must match, and when the file last changed (ns)."""
    packed = _STAT.pack(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    return packed, max(st.st_mtime_ns, st.st_ctime_ns)


# The modules whose code decides what a record or a derived value holds.
_CODE = ("index.py", "model.py", "settings.py", "store.py", "ties.py")


def _code_stamp() -> tuple[Any, ...]:
    """Size and mtime of the code that made the index, so an edited install rebuilds it."""
    here = os.path.dirname(os.path.abspath(__file__))
    stamp: list[Any] = []
    for name in _CODE:
        try:
            st = os.stat(os.path.join(here, name))
            stamp.append((st.st_size, st.st_mtime_ns))
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def _identity(store: Store) -> tuple[Any, ...]:
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


# -- reading and writing the index --------------------------------------------


def _read_doc(path: Path, identity: tuple[Any, ...]) -> dict[str, Any] | None:
    """The index written for `identity`, or None when missing, corrupt or foreign."""
    try:
        with open(path, "rb") as handle:
            return _read_pieces(handle, os.fstat(handle.fileno()).st_size, identity)
    except OSError:
        return None


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
    while left >= _PIECE.size:
        length, check = _PIECE.unpack(handle.read(_PIECE.size))
        left -= _PIECE.size
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


def _read_index(path: Path, identity: tuple[Any, ...]) -> tuple[int, dict[str, Any]]:
    """(when the index last looked at the files, slug -> (stat, digest, record)), or (0, {})."""
    doc = _read_doc(path, identity)
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
        return _PIECE.pack(len(data), zlib.crc32(data)) + data

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


def _write_index(
    path: Path,
    identity: tuple[Any, ...],
    seen_ns: int,
    entries: dict[str, Any],
    derived: tuple[Any, dict[str, Any]] = (None, {}),
) -> None:
    from plnctl.store import atomic_write

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, _pieces(identity, seen_ns, entries, derived))
    except OSError:
        pass  # a cache that cannot be written only costs time


def _read_file(store: Store, slug: str) -> tuple[bytes, StatKey | None]:
    """A file's bytes, and its stat taken before reading, so a later change always shows."""
    path = store.path_for(slug)
    try:
        with open(path, "rb") as handle:
            key = _stat_key(os.fstat(handle.fileno()))
            return handle.read(), key
    except OSError:
        # Let the store raise the error every other command would; if the
        # file reads now after all, use it without caching it.
        return store.read_bytes(slug), None


def _content_digest(raw: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(raw, digest_size=16).digest()


def _summary(entry: Any) -> TieSummary | None:
    try:
        return summary_of(entry[2])
    except (TypeError, ValueError, IndexError):
        return None  # not a record this plnctl wrote: read the file instead


# What reading one file came to, in plain data so another process can send it:
# ("same", key, digest) when the content is what the index entry was made from,
# ("parsed", key, digest, record), ("error", error class, path, problem), ("gone",).
Outcome = tuple[Any, ...]
# Parse in two processes when this many files need it and the machine has cores to spare.
PARALLEL_MIN = 400


def _examine(store: Store, slug: str, known: bytes | None) -> Outcome:
    from plnctl.store import parse_tie

    try:
        raw, key = _read_file(store, slug)
        digest = _content_digest(raw)
        if digest == known:
            return ("same", key, digest)
        return ("parsed", key, digest, record_of(parse_tie(store.path_for(slug), raw)))
    except UnknownTieError:
        return ("gone",)
    except TieFileError as exc:
        return ("error", type(exc).__name__, str(exc.path), exc.problem)


def _error(outcome: Outcome) -> TieFileError:
    from plnctl import errors

    cls = getattr(errors, outcome[1], TieFileError)
    if not (isinstance(cls, type) and issubclass(cls, TieFileError)):
        cls = TieFileError
    error: TieFileError = cls(Path(outcome[2]), outcome[3])
    return error


_worker_store: Store | None = None


def _examine_in_worker(task: tuple[str, bytes | None]) -> Outcome:
    assert _worker_store is not None
    return _examine(_worker_store, *task)


def _examine_all(store: Store, tasks: list[tuple[str, bytes | None]]) -> list[Outcome]:
    """Read (and parse where needed) each file, in order; on Linux, many files use two cores."""
    global _worker_store
    if len(tasks) < PARALLEL_MIN or sys.platform != "linux" or (os.cpu_count() or 1) < 2:
        return [_examine(store, slug, known) for slug, known in tasks]
    import multiprocessing

    import plnctl.store  # noqa: F401  (imported before forking, not in each worker)

    _worker_store = store
    try:
        with multiprocessing.get_context("fork").Pool(2) as pool:
            outcomes = pool.map(_examine_in_worker, tasks, chunksize=64)
    finally:
        _worker_store = None
    # Strings come back from another process as copies of their own: share them again.
    for i, outcome in enumerate(outcomes):
        if outcome[0] == "parsed":
            outcomes[i] = (*outcome[:3], _reintern(outcome[3]))
    return outcomes


def _reintern(record: tuple[Any, ...]) -> tuple[Any, ...]:
    """`record` with the strings `record_of` interns interned again."""
    intern = sys.intern
    kind, topics, tags, pin = record[1], record[3], record[4], record[8]
    if not (isinstance(kind, str) and isinstance(topics, list) and isinstance(tags, list)):
        return record
    return (
        record[0],
        intern(kind),
        record[2],
        [intern(t) for t in topics],
        [intern(t) for t in tags],
        *record[5:8],
        intern(pin) if isinstance(pin, str) else pin,
        *record[9:],
    )


def load_summaries(
    store: Store,
    as_of: dt.date | None = None,
    settings: Settings | None = None,
) -> tuple[list[tuple[str, TieSummary]], list[TieFileError]]:
    """Like `Store.load_all`, from the index where it provably matches the files.

    An entry is used as it is when the file's stat matches and the file last
    changed well before the index looked at it; otherwise the file is read,
    and parsed only when its content differs from what the entry was made
    from. Broken files are never cached: they are parsed on every call, so
    they give the same warnings as without an index.

    With `as_of` and `settings`, each summary also carries its derived
    values, kept in the index for the last date and settings asked for.
    """
    started_ns = time.time_ns()
    # A `.toml` file whose name is no slug is no tie, but never silently ignored.
    slugs, problems = store.listing()
    path = index_path(store.root)
    identity = _identity(store)
    doc = _read_doc(path, identity)
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
    outcomes = dict(zip((slug for slug, _ in unsure), _examine_all(store, unsure), strict=True))
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
            summary.derived = derive(moments, as_of, settings, every=summary.every, pin=summary.pin)
            summary.counts = participation_counts(moments, as_of, settings)
            summary._moments = None  # decoded again if ever needed: a large network is large
            if slug in entries:
                values[slug] = (derived_record(summary.derived), *summary.counts)
                changed = True
        derived = (wanted, values)
    if changed or entries.keys() != old.keys():
        _write_index(path, identity, started_ns, entries, derived)
    return result, problems
