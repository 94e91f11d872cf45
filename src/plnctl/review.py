"""What `review` surfaces, in which order, with a reason and a next step for each tie."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plnctl.settings import Settings
from plnctl.ties import (
    Derived,
    Participation,
    derive,
    participation_counts,
    participation_stage,
)

if TYPE_CHECKING:
    from plnctl.index import TieSummary
    from plnctl.model import Tie

    # A whole tie file, or its summary from the index: both carry what review needs.
    TieData = Tie | TieSummary

# Sections in the order docs/model.md gives them.
SECTIONS = ("at-risk", "due", "dormant", "taking")
SECTION_TITLES = {
    "at-risk": "Strong ties you are about to lose",
    "due": "Weak ties due for a visit",
    "dormant": "Dormant ties: revive or subtract?",
    "taking": "People you only take from",
    "ok": "Everything else",
}


@dataclass(slots=True)
class TieView:
    """A tie with everything derived from it as of one date."""

    slug: str
    tie: TieData
    derived: Derived

    @property
    def name(self) -> str:
        return self.tie.name


def full_tie(v: TieView) -> Tie:
    """The whole tie behind a view: showing a history needs each event's note and link."""
    from plnctl.model import Tie

    if not isinstance(v.tie, Tie):
        raise TypeError(f"{v.slug}: a summary from the index has no event details")
    return v.tie


def tie_view(slug: str, tie: TieData, as_of: dt.date, settings: Settings) -> TieView:
    from plnctl.index import TieSummary

    derived = tie.derived_as_of(as_of, settings) if isinstance(tie, TieSummary) else None
    if derived is None:
        derived = derive(
            tie.moments(), as_of, settings, every=tie.every, pin=tie.pin, added=tie.added
        )
    return TieView(slug=slug, tie=tie, derived=derived)


@dataclass(slots=True)
class Item:
    view: TieView
    section: str
    reasons: list[str] = field(default_factory=list)
    next_step: str = ""


@dataclass
class Review:
    as_of: dt.date
    items: list[Item]
    participation: Participation
    hidden: dict[str, int]


def _days(n: int | None) -> str:
    if n is None:
        return "never"
    return "today" if n == 0 else ("1 day ago" if n == 1 else f"{n} days ago")


def _next_step(v: TieView, section: str) -> str:
    verb = "read or listen to" if v.tie.kind == "source" else "get in touch with"
    if section == "taking":
        return f"give back: share something with {v.name} or offer help"
    if section == "dormant":
        return f"revive it ({verb} {v.name}) or archive it: `plnctl archive {v.slug}`"
    if section == "ok":
        return "nothing to do"
    return f"{verb} {v.name}, then `plnctl checkin {v.slug}`"


def _reasons(v: TieView, as_of: dt.date, settings: Settings) -> tuple[str | None, list[str]]:
    d = v.derived
    reasons: list[str] = []
    section: str | None = None
    last = f"last engaged {_days(d.days_since)}"
    if d.days_since is None and v.tie.added is not None:
        last = f"never engaged, added {_days((as_of - v.tie.added).days)}"
    interval = f"every ~{_fmt_days(d.interval_days)} expected"
    slipped = (
        d.status == "weak"
        and d.weakened_on is not None
        and (as_of - d.weakened_on).days <= settings.slipped_days
        and d.band != "dormant"
    )
    if d.band == "dormant" or d.status == "dormant":
        section = "dormant"
        reasons.append(f"dormant: {last}")
    elif d.status == "strong" and (d.band in ("overdue", "lapsing") or d.trend == "fading"):
        section = "at-risk"
        if d.band in ("overdue", "lapsing"):
            reasons.append(f"strong tie {d.band}: {last}, {interval}")
        if d.trend == "fading":
            reasons.append("fading: engaging less than in the months before")
    elif slipped:
        section = "at-risk"
        reasons.append(
            f"slipped from strong to weak on {d.weakened_on.isoformat() if d.weakened_on else '?'}"
            f" ({last})"
        )
    elif d.status == "weak" and d.band in ("due", "overdue", "lapsing"):
        section = "due"
        reasons.append(f"{d.band}: {last}, {interval}")
    if v.tie.kind == "person" and d.reciprocity.label == "taking":
        reasons.append(
            f"taking: received {d.reciprocity.received:.1f} against given {d.reciprocity.given:.1f}"
        )
        section = section or "taking"
    return section, reasons


def _fmt_days(value: float) -> str:
    return f"{value:g} days"


def hidden_reason(tie: TieData, as_of: dt.date) -> str | None:
    if tie.archived:
        return "archived"
    if tie.snoozed_until is not None and tie.snoozed_until > as_of:
        return "snoozed"
    return None


def build_review(
    ties: Iterable[tuple[str, TieData]],
    as_of: dt.date,
    settings: Settings,
    *,
    show_all: bool = False,
    public_shares: Iterable[dt.date] = (),
) -> Review:
    """Sections in the order of docs/model.md; within each, the most urgent first.

    `public_shares` are the dates of shares posted to no tie: they belong to
    no section but count towards the participation stage.
    """
    items: list[Item] = []
    hidden = {"archived": 0, "snoozed": 0}
    from plnctl.index import TieSummary

    total = giving = 0
    # Shares posted to no tie count towards the stage, in no section.
    public_total, public_giving = participation_counts(
        ((day, "share") for day in public_shares), as_of, settings
    )
    total += public_total
    giving += public_giving
    for slug, tie in ties:
        counts = tie.counts_as_of(as_of, settings) if isinstance(tie, TieSummary) else None
        if counts is None:
            counts = participation_counts(tie.moments(), as_of, settings)
        total += counts[0]
        giving += counts[1]
        why_hidden = hidden_reason(tie, as_of)
        if why_hidden:
            hidden[why_hidden] += 1
            if why_hidden == "archived" or not show_all:
                continue
        v = tie_view(slug, tie, as_of, settings)
        section, reasons = _reasons(v, as_of, settings)
        if section is None:
            if not show_all:
                continue
            section = "ok"
            reasons = [f"{v.derived.band}, {v.derived.trend}"]
        items.append(Item(v, section, reasons, _next_step(v, section)))
    order = {name: i for i, name in enumerate((*SECTIONS, "ok"))}
    items.sort(key=lambda it: (order[it.section], *_urgency(it)))
    return Review(as_of, items, participation_stage(total, giving, settings), hidden)


def _urgency(item: Item) -> tuple[float, str]:
    d = item.view.derived
    if item.section == "taking":
        key = d.reciprocity.p
    elif item.section == "dormant":
        key = -(d.days_since or 0)
    else:
        key = -(d.overdue_ratio or 0.0)
    return key, item.view.slug


def filter_views(
    views: Sequence[TieView],
    *,
    kind: str | None = None,
    status: str | None = None,
    topic: str | None = None,
    tag: str | None = None,
) -> list[TieView]:
    """The ties `list` shows: every filter given must match (topics and tags ignore case).

    `kind` is a kind word: person, source, or a medium such as podcast.
    """
    from plnctl.kinds import kind_matches
    from plnctl.text import has_label

    return [
        v
        for v in views
        if (kind is None or kind_matches(kind, v.tie.kind, v.tie.medium))
        and (status is None or v.derived.status == status)
        and (topic is None or has_label(v.tie.topics, topic))
        and (tag is None or has_label(v.tie.tags, tag))
    ]


# What `spread` staggers: ties in these review sections, in these neglect bands.
SPREAD_SECTIONS = ("at-risk", "due")
SPREAD_BANDS = ("due", "overdue", "lapsing")


@dataclass
class Placement:
    """One tie `spread` moves: snoozed until `until`, or left due today when None."""

    slug: str
    name: str
    band: str
    overdue_ratio: float
    until: dt.date | None


def plan_spread(
    ties: Iterable[tuple[str, TieData]], today: dt.date, settings: Settings, over_days: int
) -> list[Placement]:
    """Stagger the due ties over `over_days`: the most overdue stays due today.

    Every tie the review shows as due, overdue or lapsing (so not archived,
    snoozed or dormant) gets a day spread evenly across the window, most
    overdue first; each is snoozed until its day, so the review brings back a
    few at a time.
    """
    from plnctl.errors import InvalidValueError

    if over_days < 1:
        raise InvalidValueError("--over must be at least 1 day")
    due = []
    for item in build_review(ties, today, settings).items:
        d = item.view.derived
        if item.section in SPREAD_SECTIONS and d.band in SPREAD_BANDS and d.overdue_ratio:
            due.append((item.view.slug, item.view.name, d.band, d.overdue_ratio))
    due.sort(key=lambda item: (-item[3], item[0]))
    count = len(due)
    plan = []
    for i, (slug, name, band, ratio) in enumerate(due):
        offset = i * over_days // count
        until = today + dt.timedelta(days=offset) if offset else None
        plan.append(Placement(slug, name, band, ratio, until))
    return plan
