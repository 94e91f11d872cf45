"""Activity over time, behind `plnctl stats`: pure functions of (ties, as_of, settings).

Everything is counted from the events, nothing is stored: the status a tie
had at the end of a past month is replayed with `ties.status_timeline`.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plnctl.settings import Settings
from plnctl.ties import (
    GIVING_KINDS,
    RECEIVING_KINDS,
    Moment,
    participation_stage,
    status_timeline,
)

if TYPE_CHECKING:
    from plnctl.review import TieData

# Event kinds by the rung of the engagement ladder they stand on.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    "reading": ("read", "listen", "watch", "visit"),
    "commenting": ("comment",),
    "conversing": ("converse", "ask", "help-received"),
    "giving": ("share", "help-given"),
}
GROUP_OF = {kind: group for group, kinds in KIND_GROUPS.items() for kind in kinds}
HEATMAP_WEEKS = 52
MONTHS = 12
TOP_TOPICS = 10
MIN_ENGAGEMENT = 0.005  # a topic whose engagement rounds to 0.00 is no top topic


@dataclass
class Week:
    start: dt.date  # a Monday
    counts: dict[str, int]  # kind group -> events

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Month:
    month: str  # YYYY-MM
    end: dt.date  # its last day, or as_of for the month in progress
    given: int = 0
    received: int = 0
    strong: int = 0
    weak: int = 0
    dormant: int = 0
    events: int = 0  # in the participation window ending at `end`
    giving: int = 0
    share: float | None = None
    stage: str = "none"


@dataclass
class Topic:
    topic: str
    engagement: float
    ties: int


@dataclass
class Activity:
    as_of: dt.date
    # 52 weeks of 7 days (Monday first); None for the days after as_of.
    heatmap_start: dt.date
    heatmap: list[list[int | None]]
    weeks: list[Week]
    months: list[Month]
    topics: list[Topic] = field(default_factory=list)

    @property
    def busiest_day(self) -> int:
        return max((c or 0 for week in self.heatmap for c in week), default=0)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_ends(as_of: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The last day of each of the `count` months up to as_of's (as_of itself for that one)."""
    ends = [as_of]
    first = as_of.replace(day=1)
    for _ in range(count - 1):
        ends.append(first - dt.timedelta(days=1))
        first = ends[-1].replace(day=1)
    return ends[::-1]


def activity(
    ties: Iterable[tuple[TieData, float]],
    as_of: dt.date,
    settings: Settings,
    *,
    weeks: int = 26,
    public_shares: Iterable[dt.date] = (),
) -> Activity:
    """Every chart of `stats`: each tie comes with its engagement score as of `as_of`.

    Events of archived ties still happened and count in the charts of
    activity; archived ties count in no status and no topic.
    """
    from plnctl.text import label_key

    public_shares = list(public_shares)
    start = monday(as_of) - dt.timedelta(weeks=HEATMAP_WEEKS - 1)
    first_week = monday(as_of) - dt.timedelta(weeks=weeks - 1)
    ends = month_ends(as_of)
    months = [Month(end.strftime("%Y-%m"), end) for end in ends]
    topics: dict[str, Topic] = {}
    keys: dict[str, str] = {}
    # Events are counted by (day, kind): a year holds a few thousand of those,
    # however many ties there are.
    pairs: collections.Counter[tuple[dt.date, str]] = collections.Counter()
    for tie, score in ties:
        moments = tie.moments()
        pairs.update(moments)
        if tie.archived:
            continue
        _count_statuses(moments, tie, months, settings)
        for label in tie.topics:
            key = keys.get(label)
            if key is None:
                key = keys[label] = label_key(label)
            entry = topics.get(key)
            if entry is None:
                entry = topics[key] = Topic(label, 0.0, 0)
            entry.engagement += score
            entry.ties += 1
    pairs.update((day, "share") for day in public_shares)
    per_day: dict[dt.date, int] = {}
    per_week: dict[dt.date, dict[str, int]] = {}
    month_of = {(m.end.year, m.end.month): m for m in months}
    days: list[tuple[dt.date, int, int]] = []  # (day, events, events that gave back)
    for (day, kind), n in pairs.items():
        if day > as_of:
            continue
        days.append((day, n, n if kind in settings.participation_kinds else 0))
        if day >= start:
            per_day[day] = per_day.get(day, 0) + n
        group = GROUP_OF.get(kind)
        if day >= first_week and group:
            counts = per_week.setdefault(monday(day), dict.fromkeys(KIND_GROUPS, 0))
            counts[group] += n
        m = month_of.get((day.year, day.month))
        if m is not None:
            m.given += n if kind in GIVING_KINDS else 0
            m.received += n if kind in RECEIVING_KINDS else 0
    _participation(months, days, settings)
    heatmap = [
        [
            None if day > as_of else per_day.get(day, 0)
            for day in (start + dt.timedelta(weeks=w, days=d) for d in range(7))
        ]
        for w in range(HEATMAP_WEEKS)
    ]
    week_list = [
        Week(
            first_week + dt.timedelta(weeks=w),
            per_week.get(first_week + dt.timedelta(weeks=w), dict.fromkeys(KIND_GROUPS, 0)),
        )
        for w in range(weeks)
    ]
    ranked = sorted(
        (t for t in topics.values() if t.engagement >= MIN_ENGAGEMENT),
        key=lambda t: (-t.engagement, label_key(t.topic)),
    )
    return Activity(as_of, start, heatmap, week_list, months, ranked[:TOP_TOPICS])


def _count_statuses(
    moments: Sequence[Moment], tie: TieData, months: Sequence[Month], settings: Settings
) -> None:
    """Add the tie's status at the end of each month, from the day it was in the network."""
    statuses = status_timeline(moments, [m.end for m in months], settings, pin=tie.pin)
    for month, status in zip(months, statuses, strict=True):
        if status is None and tie.added is not None and tie.added <= month.end:
            status = tie.pin or "weak"
        if status == "strong":
            month.strong += 1
        elif status == "weak":
            month.weak += 1
        elif status == "dormant":
            month.dormant += 1


def _participation(
    months: Sequence[Month], days: list[tuple[dt.date, int, int]], settings: Settings
) -> None:
    """The participation stage at the end of each month (ties.participation_counts' window)."""
    import bisect

    days.sort()
    dates = [day for day, _, _ in days]
    events = list(itertools.accumulate((n for _, n, _ in days), initial=0))
    gave = list(itertools.accumulate((g for _, _, g in days), initial=0))
    for m in months:
        low = m.end - dt.timedelta(days=settings.participation_days - 1)
        hi, lo = bisect.bisect_right(dates, m.end), bisect.bisect_left(dates, low)
        p = participation_stage(events[hi] - events[lo], gave[hi] - gave[lo], settings)
        m.events, m.giving, m.share, m.stage = p.events, p.giving, p.share, p.stage
