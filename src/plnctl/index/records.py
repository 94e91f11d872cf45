"""What the index keeps of each tie: a plain-data record with named fields, and its summary.

A record is a tuple (marshal stores nothing else quickly) whose fields are
named once, by `Record`; a summary is what review, list and name lookups read.
"""

from __future__ import annotations

import array
import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from plnctl.kinds import PINS, TIE_KINDS

if TYPE_CHECKING:
    from plnctl.model import Tie
    from plnctl.settings import Settings
    from plnctl.ties import Derived

Moment = tuple[dt.date, str]
TopicMoment = tuple[dt.date, str, tuple[str, ...]]

_dates: dict[int, dt.date] = {}


def _date(ordinal: int | None) -> dt.date | None:
    """A date from its ordinal; each day is made once, however many ties share it."""
    if ordinal is None:
        return None
    day = _dates.get(ordinal)
    if day is None:
        day = _dates[ordinal] = dt.date.fromordinal(ordinal)
    return day


def _ordinal(day: dt.date | None) -> int | None:
    return None if day is None else day.toordinal()


class Record(NamedTuple):
    """A tie as the index stores it; dates as ordinals, events as two packed columns."""

    name: str
    kind: str
    url: str | None
    topics: list[str]
    tags: list[str]
    via: str | None
    every: int | None
    note: str | None
    pin: str | None
    added: int | None
    archived: bool
    snoozed_until: int | None
    days: bytes  # the event dates as native int32 ordinals, in file order
    kinds: str  # the event kinds joined by "|", in file order
    site_url: str | None
    learning: list[str]
    # The topics of the events that name some, as (index in file order, topics).
    event_topics: list[tuple[int, list[str]]]
    medium: str | None
    email: str | None
    phone: str | None
    org: str | None
    position: str | None
    handle: str | None


class DerivedRecord(NamedTuple):
    """A tie's derived values as the index stores them (see ties.Derived)."""

    score: float
    status: str
    derived_status: str
    weakened_on: int | None
    trend: str
    first_event: int | None
    last_event: int | None
    days_since: int | None
    event_count: int
    interval_days: float
    interval_source: str
    overdue_ratio: float | None
    band: str
    given: float
    received: float
    p: float
    label: str
    ladder: str


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
    days: bytes
    kinds: str
    site_url: str | None = None
    learning: list[str] = field(default_factory=list)
    event_topics: list[tuple[int, list[str]]] = field(default_factory=list)
    medium: str | None = None
    email: str | None = None
    phone: str | None = None
    org: str | None = None
    position: str | None = None
    handle: str | None = None
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
            days = self.days
            # Whole ordinals only, each with a kind: `record_of` writes nothing else, but
            # an index damaged on purpose must not stop a command.
            whole = len(days) - len(days) % ordinals.itemsize
            ordinals.frombytes(days if whole == len(days) else days[:whole])
            kinds = self.kinds.split("|") if self.kinds else []
            if len(kinds) != len(ordinals):
                events = min(len(kinds), len(ordinals))
                del ordinals[events:], kinds[events:]
            missing = set(ordinals).difference(_dates)
            no_day = set()
            for ordinal in missing:
                try:
                    _dates[ordinal] = dt.date.fromordinal(ordinal)
                except ValueError:
                    no_day.add(ordinal)  # an index damaged on purpose: the event is left out
            if not no_day:
                self._moments = list(zip(map(_dates.__getitem__, ordinals), kinds, strict=True))
            else:
                pairs = zip(ordinals, kinds, strict=True)
                self._moments = [(_dates[o], k) for o, k in pairs if o not in no_day]
        return self._moments

    def topic_moments(self) -> list[TopicMoment]:
        """The events with what each was about (its own topics, () when it has none)."""
        about = {index: tuple(topics) for index, topics in self.event_topics}
        return [(day, kind, about.get(i, ())) for i, (day, kind) in enumerate(self.moments())]


def record_of(tie: Tie) -> tuple[Any, ...]:
    """The index's plain-data record of a validated tie."""
    # Shared strings are stored once in the index, and loaded once.
    intern = sys.intern
    return tuple(
        Record(
            name=tie.name,
            kind=intern(tie.kind),
            url=tie.url,
            topics=[intern(t) for t in tie.topics],
            tags=[intern(t) for t in tie.tags],
            via=tie.via,
            every=tie.every,
            note=tie.note,
            pin=None if tie.pin is None else intern(tie.pin),
            added=_ordinal(tie.added),
            archived=tie.archived,
            snoozed_until=_ordinal(tie.snoozed_until),
            days=array.array("i", [e.date.toordinal() for e in tie.events]).tobytes(),
            kinds="|".join(e.kind for e in tie.events),
            site_url=tie.site_url,
            learning=[intern(t) for t in tie.learning],
            event_topics=[
                (i, [intern(t) for t in e.topics]) for i, e in enumerate(tie.events) if e.topics
            ],
            medium=None if tie.medium is None else intern(tie.medium),
            email=tie.email,
            phone=tie.phone,
            org=tie.org,
            position=tie.position,
            handle=tie.handle,
        )
    )


# What each field of a record, and of a derived record, holds when plnctl wrote it.
_TEXT_OR_NONE = (str, type(None))
_INT_OR_NONE = (int, type(None))
_NUMBER = (int, float)
_RECORD_TYPES: dict[str, Any] = {
    "name": str,
    "kind": str,
    "url": _TEXT_OR_NONE,
    "topics": list,
    "tags": list,
    "via": _TEXT_OR_NONE,
    "every": _INT_OR_NONE,
    "note": _TEXT_OR_NONE,
    "pin": _TEXT_OR_NONE,
    "added": _INT_OR_NONE,
    "archived": bool,
    "snoozed_until": _INT_OR_NONE,
    "days": bytes,
    "kinds": str,
    "site_url": _TEXT_OR_NONE,
    "learning": list,
    "event_topics": list,
    "medium": _TEXT_OR_NONE,
    "email": _TEXT_OR_NONE,
    "phone": _TEXT_OR_NONE,
    "org": _TEXT_OR_NONE,
    "position": _TEXT_OR_NONE,
    "handle": _TEXT_OR_NONE,
}
_DERIVED_TYPES: dict[str, Any] = {
    "score": _NUMBER,
    "status": str,
    "derived_status": str,
    "weakened_on": _INT_OR_NONE,
    "trend": str,
    "first_event": _INT_OR_NONE,
    "last_event": _INT_OR_NONE,
    "days_since": _INT_OR_NONE,
    "event_count": int,
    "interval_days": _NUMBER,
    "interval_source": str,
    "overdue_ratio": (int, float, type(None)),
    "band": str,
    "given": _NUMBER,
    "received": _NUMBER,
    "p": _NUMBER,
    "label": str,
    "ladder": str,
}
# Every field has its type: a field added without one would go unchecked.
assert set(_RECORD_TYPES) == set(Record._fields)
assert set(_DERIVED_TYPES) == set(DerivedRecord._fields)


# The types in field order: `map(isinstance, ...)` checks a record at C speed, and a
# warm review checks every record.
_RECORD_ORDER = tuple(_RECORD_TYPES[name] for name in Record._fields)
_DERIVED_ORDER = tuple(_DERIVED_TYPES[name] for name in DerivedRecord._fields)


def _typed(record: tuple[Any, ...], types: tuple[Any, ...]) -> bool:
    """Each value of `record` (of as many fields as `types`) is of its field's type."""
    return len(record) == len(types) and all(map(isinstance, record, types))


_TIE_KINDS = frozenset(TIE_KINDS)
_PINS = frozenset((*PINS, None))


def checked(raw: tuple[Any, ...]) -> Record:
    """`raw` as a Record if it could have come from `record_of`, else TypeError.

    The index lives in a directory only its owner can write, but it is a cache, never
    an authority: a record damaged on purpose is read again from its file rather
    than crash a command. Done on every warm run, so only what a command could trip
    over is checked here; `moments` copes with events that do not add up.
    """
    record = Record._make(raw)
    typed = _typed(record, _RECORD_ORDER)
    if not (typed and record.kind in _TIE_KINDS and record.pin in _PINS):
        raise TypeError("not a record plnctl wrote")
    for labels in (record.topics, record.tags, record.learning):
        "".join(labels)  # TypeError unless every label is text
    for index, topics in record.event_topics:  # ValueError unless pairs
        if not isinstance(index, int):
            raise TypeError("not a record plnctl wrote")
        "".join(topics)
    return record


def summary_of(raw: tuple[Any, ...]) -> TieSummary:
    """A summary from an index record; a tuple of the wrong shape raises TypeError."""
    r = checked(raw)
    return TieSummary(
        name=r.name,
        kind=r.kind,
        url=r.url,
        topics=r.topics,
        tags=r.tags,
        via=r.via,
        every=r.every,
        note=r.note,
        pin=r.pin,
        added=_date(r.added),
        archived=r.archived,
        snoozed_until=_date(r.snoozed_until),
        days=r.days,
        kinds=r.kinds,
        site_url=r.site_url,
        learning=r.learning,
        event_topics=r.event_topics,
        medium=r.medium,
        email=r.email,
        phone=r.phone,
        org=r.org,
        position=r.position,
        handle=r.handle,
    )


def reintern(raw: tuple[Any, ...]) -> tuple[Any, ...]:
    """A record with the strings `record_of` interns interned again.

    Strings that come back from another process are copies of their own.
    """
    intern = sys.intern
    try:
        r = Record._make(raw)
    except TypeError:
        return raw
    if not (isinstance(r.kind, str) and isinstance(r.topics, list) and isinstance(r.tags, list)):
        return raw
    return tuple(
        r._replace(
            kind=intern(r.kind),
            topics=[intern(t) for t in r.topics],
            tags=[intern(t) for t in r.tags],
            pin=intern(r.pin) if isinstance(r.pin, str) else r.pin,
        )
    )


def derived_record(d: Derived) -> tuple[Any, ...]:
    r = d.reciprocity
    return tuple(
        DerivedRecord(
            score=d.score,
            status=d.status,
            derived_status=d.derived_status,
            weakened_on=_ordinal(d.weakened_on),
            trend=d.trend,
            first_event=_ordinal(d.first_event),
            last_event=_ordinal(d.last_event),
            days_since=d.days_since,
            event_count=d.event_count,
            interval_days=d.interval_days,
            interval_source=d.interval_source,
            overdue_ratio=d.overdue_ratio,
            band=d.band,
            given=r.given,
            received=r.received,
            p=r.p,
            label=r.label,
            ladder=d.ladder,
        )
    )


def derived_of(raw: tuple[Any, ...]) -> Derived:
    """Derived values from their record; a tuple of the wrong shape raises TypeError."""
    from plnctl.ties import Derived, Reciprocity

    r = DerivedRecord._make(raw)
    if not _typed(r, _DERIVED_ORDER):
        raise TypeError("not a derived record plnctl wrote")
    return Derived(
        score=r.score,
        status=r.status,
        derived_status=r.derived_status,
        weakened_on=_date(r.weakened_on),
        trend=r.trend,
        first_event=_date(r.first_event),
        last_event=_date(r.last_event),
        days_since=r.days_since,
        event_count=r.event_count,
        interval_days=r.interval_days,
        interval_source=r.interval_source,
        overdue_ratio=r.overdue_ratio,
        band=r.band,
        reciprocity=Reciprocity(r.given, r.received, r.p, r.label),
        ladder=r.ladder,
    )
