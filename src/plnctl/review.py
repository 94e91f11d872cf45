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
    from plnctl.growth import GoalHole, Growth, Promising, Rung
    from plnctl.index import TieSummary
    from plnctl.model import Event, Tie
    from plnctl.tiefile import PlainEvent, PlainTie

    # A whole tie (from the model, or a file the index vouched for, read without it), or
    # its summary from the index: each carries what review needs.
    FullTie = Tie | PlainTie
    FullEvent = Event | PlainEvent
    TieData = Tie | PlainTie | TieSummary

# Sections in the order docs/model.md gives them. A new section is a key here
# and a title below: the screen lays out every section alike (render/tables.py).
SECTIONS = ("at-risk", "due", "goals", "next-rung", "promising", "dormant", "taking")
SECTION_TITLES = {
    "at-risk": "Strong ties you are about to lose",
    "due": "Weak ties due for a visit",
    "goals": "Goals with holes",
    "next-rung": "Ready for the next rung",
    "promising": "Promising: weak ties rising on your goals",
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


def full_tie(v: TieView) -> FullTie:
    """The whole tie behind a view: showing a history needs each event's note and link."""
    from plnctl.index import TieSummary

    if isinstance(v.tie, TieSummary):
        raise TypeError(f"{v.slug}: a summary from the index has no event details")
    return v.tie


def tie_view(slug: str, tie: TieData, as_of: dt.date, settings: Settings) -> TieView:
    # Only an index summary keeps derived values (asked without an import: once per tie).
    kept = getattr(tie, "derived_as_of", None)
    derived = None if kept is None else kept(as_of, settings)
    if derived is None:
        derived = derive(
            tie.moments(), as_of, settings, every=tie.every, pin=tie.pin, added=tie.added
        )
    return TieView(slug=slug, tie=tie, derived=derived)


@dataclass(slots=True)
class Item:
    """One entry of a review section: a tie, why it is there, and what to do about it.

    The screen shows the tie on one line, each reason on a line of its own,
    then `advice` and `command` (the command to copy, on a line of its own).
    """

    view: TieView
    section: str
    reasons: list[str] = field(default_factory=list)
    advice: str = ""
    command: str | None = None
    # Within the learning sections, lower comes first (see _urgency).
    rank: float = 0.0

    @property
    def next_step(self) -> str:
        """The next step in words, the command quoted (the `next` of --json)."""
        return f"{self.advice} `{self.command}`" if self.command else self.advice


@dataclass
class Review:
    as_of: dt.date
    items: list[Item]
    participation: Participation
    hidden: dict[str, int]
    # Active goals with holes, in goal order: the "goals" section, which lists goals, not ties.
    goals: tuple[GoalHole, ...] = ()

    def sections(self) -> list[tuple[str, str, list[Item]]]:
        """(key, title, items) of each section with something in it, in review order.

        The "goals" section has no items: its entries are `goals`.
        """
        grouped: dict[str, list[Item]] = {}
        for item in self.items:
            grouped.setdefault(item.section, []).append(item)
        if self.goals:
            grouped["goals"] = []
        order = {name: i for i, name in enumerate((*SECTIONS, "ok"))}
        keys = sorted(grouped, key=lambda key: order.get(key, len(order)))
        return [(key, SECTION_TITLES.get(key, key), grouped[key]) for key in keys]


def _days(n: int | None) -> str:
    if n is None:
        return "never"
    return "today" if n == 0 else ("1 day ago" if n == 1 else f"{n} days ago")


def _next_step(v: TieView, section: str) -> tuple[str, str | None]:
    """The advice in words, and the command that carries it out."""
    verb = "read or listen to" if v.tie.kind == "source" else "get in touch with"
    checkin = f"plnctl checkin {v.slug}"
    if section == "taking":
        return (
            f"give back: share something with {v.name} or offer help:",
            f"plnctl share LINK --with {v.slug}",
        )
    if section == "dormant":
        return f"revive it ({verb} {v.name}) or archive it:", f"plnctl archive {v.slug}"
    if section == "ok":
        # A strong tie just due is not at risk yet, but it is not "nothing to do" either.
        if v.derived.band == "ok":
            return "nothing to do", None
        return f"{verb} {v.name} soon, then", checkin
    return f"{verb} {v.name}, then", checkin


def _reasons(v: TieView, as_of: dt.date, settings: Settings) -> tuple[str | None, list[str]]:
    d = v.derived
    reasons: list[str] = []
    section: str | None = None
    slipped = (
        d.status == "weak"
        and d.weakened_on is not None
        and (as_of - d.weakened_on).days <= settings.slipped_days
        and d.band != "dormant"
    )
    if d.band == "dormant" or d.status == "dormant":
        section = "dormant"
        reasons.append(f"dormant: {_last(v, as_of)}")
    elif d.status == "strong" and (d.band in ("overdue", "lapsing") or d.trend == "fading"):
        section = "at-risk"
        if d.band in ("overdue", "lapsing"):
            reasons.append(f"strong tie {d.band}: {_last(v, as_of)}, {_interval(d)}")
        if d.trend == "fading":
            reasons.append("fading: engaging less than in the months before")
    elif slipped:
        section = "at-risk"
        reasons.append(
            f"slipped from strong to weak on {d.weakened_on.isoformat() if d.weakened_on else '?'}"
            f" ({_last(v, as_of)})"
        )
    elif d.status == "weak" and d.band in ("due", "overdue", "lapsing"):
        section = "due"
        reasons.append(f"{d.band}: {_last(v, as_of)}, {_interval(d)}")
    if v.tie.kind == "person" and d.reciprocity.label == "taking":
        reasons.append(
            f"taking: received {d.reciprocity.received:.1f} against given {d.reciprocity.given:.1f}"
        )
        section = section or "taking"
    return section, reasons


def _last(v: TieView, as_of: dt.date) -> str:
    """When you last engaged; for a tie never engaged, when it was added."""
    d = v.derived
    if d.days_since is None and v.tie.added is not None:
        return f"never engaged, added {_days((as_of - v.tie.added).days)}"
    return f"last engaged {_days(d.days_since)}"


def _interval(d: Derived) -> str:
    return f"every ~{_fmt_days(d.interval_days)} expected"


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
    growth: Growth | None = None,
) -> Review:
    """Sections in the order of docs/model.md; within each, the most urgent first.

    `public_shares` are the dates of shares posted to no tie: they belong to
    no section but count towards the participation stage. `growth` brings
    the learning sections (goals with holes, the next rung, promising ties);
    a tie appears once, in the first section that holds it.
    """
    rungs = {r.slug: r for r in growth.rungs} if growth else {}
    rising = {p.slug: p for p in growth.promising} if growth else {}
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
        item = review_item(v, as_of, settings)
        if item.section in ("ok", "dormant", "taking") and (slug in rungs or slug in rising):
            item = _growth_item(
                v, item, rungs.get(slug), rising.get(slug), settings.rung_window_days
            )
        if item.section != "ok" or show_all:
            items.append(item)
    order = {name: i for i, name in enumerate((*SECTIONS, "ok"))}
    items.sort(key=lambda it: (order.get(it.section, len(order)), *_urgency(it)))
    stage = participation_stage(total, giving, settings)
    return Review(as_of, items, stage, hidden, growth.holes if growth else ())


def _growth_item(
    v: TieView, item: Item, rung: Rung | None, rising: Promising | None, window_days: int
) -> Item:
    """A tie of the next-rung or the promising section, with what to do next.

    Reasons that put it in a later section (such as taking) are kept.
    """
    reasons = [] if item.section == "ok" else item.reasons
    if rung is not None:
        kind = "comment" if rung.ladder == "listening" else "converse"
        return Item(
            v,
            "next-rung",
            [
                f"{rung.ladder}: {rung.events} events in the last {window_days} days, "
                + ("all reading" if rung.ladder == "listening" else "no conversation yet"),
                *reasons,
            ],
            f"{rung.next_step}, then",
            f"plnctl checkin {v.slug} --kind {kind}",
            rank=-rung.events,
        )
    assert rising is not None
    goals = ", ".join(rising.topics)
    return Item(
        v,
        "promising",
        [f"rising on your goal {goals}: it may become strong", *reasons],
        "engage again soon, then",
        f"plnctl checkin {v.slug}",
        rank=-rising.engagement,
    )


def review_item(v: TieView, as_of: dt.date, settings: Settings) -> Item:
    """The tie as the review would list it: its section (`ok` if none), reasons, next step."""
    section, reasons = _reasons(v, as_of, settings)
    if section is None:
        section = "ok"
        reasons = [f"{v.derived.band}, {v.derived.trend}"]
    return Item(v, section, reasons, *_next_step(v, section))


def _urgency(item: Item) -> tuple[float, str]:
    d = item.view.derived
    if item.section in ("next-rung", "promising"):
        key = item.rank
    elif item.section == "taking":
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
