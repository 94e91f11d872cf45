"""Where the network can grow: goals with holes, ties ready for the next rung, promising ties."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported where used: a review with no goal and no strong person still listening
    # or commenting needs none of the learning model (see network/expertise.py).
    from plnctl.learning import Goal, LearningTie, TieSet
    from plnctl.scout import Scout
    from plnctl.settings import Settings
    from plnctl.topic import Knower

NEXT_STEP = {
    "listening": "comment usefully on their next post",
    "commenting": "open a conversation: ask them something or reply at length",
}


def ladder(tie: LearningTie) -> str:
    """The highest rung the tie's events of the ladder window reached (see ties.ladder)."""
    return tie.derived.ladder


@dataclass(frozen=True, slots=True)
class Rung:
    """A strong person you only listen to or comment on: time to climb a rung."""

    slug: str
    name: str
    ladder: str  # listening | commenting
    events: int  # in the rung window
    next_step: str


def next_rung(ties: TieSet, as_of: dt.date, settings: Settings) -> tuple[Rung, ...]:
    """Strong people still `listening` or `commenting` with enough events lately; busiest first."""
    from plnctl.learning import all_ties

    found = []
    for tie in all_ties(ties):
        if tie.archived or tie.kind != "person" or tie.derived.status != "strong":
            continue
        rung = ladder(tie)
        if rung not in NEXT_STEP:
            continue
        recent = sum(
            0 <= (as_of - day).days < settings.rung_window_days for day, _, _ in tie.events
        )
        if recent >= settings.rung_min_events:
            found.append(Rung(tie.slug, tie.name, rung, recent, NEXT_STEP[rung]))
    found.sort(key=lambda r: (-r.events, r.name.casefold(), r.slug))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class GoalHole:
    """An active goal with a hole, and who could fill it."""

    goal: Goal
    key: str
    topic: str
    flags: tuple[str, ...]  # of gap, no-people, single, quiet (and fading, when it is)
    candidates: tuple[Knower, ...]  # weak ties on the topic, most engaged first
    scout: Scout | None  # when there is no candidate: the best scout to ask, if any


def goal_holes(
    ties: TieSet,
    goals: Iterable[Goal],
    as_of: dt.date,
    settings: Settings,
    everyone: Callable[[], Iterable[LearningTie]] | None = None,
) -> tuple[GoalHole, ...]:
    """Active goals flagged gap, no-people, single or quiet, in goal order.

    `ties` need only hold the ties that name a goal's topic; the best scout is
    then found among `everyone()` (by default, `ties`).
    """
    from plnctl.learning import active_goals, topic_index
    from plnctl.scout import scouts
    from plnctl.topic import HOLE_FLAGS, knowers, topic_row

    index = topic_index(ties, as_of, settings)
    best: Scout | None = None
    looked = False
    holes = []
    for key, goal in active_goals(goals, as_of):
        row = topic_row(index, key, goal.topic.strip(), True)
        if not set(row.flags).intersection(HOLE_FLAGS):
            continue
        weak = [k for k in knowers(index, key) if k.status == "weak"]
        candidates = tuple(weak[: settings.goal_candidates])
        if not candidates and not looked:
            # The best scout overall: it led you to the most ties that became strong.
            found = scouts(index.ties if everyone is None else everyone())
            best, looked = (found[0] if found else None), True
        holes.append(
            GoalHole(goal, key, row.topic, row.flags, candidates, None if candidates else best)
        )
    return tuple(holes)


@dataclass(frozen=True, slots=True)
class Promising:
    """A weak tie rising on an active goal: it may become strong."""

    slug: str
    name: str
    kind: str
    topics: tuple[str, ...]  # the goals it is on, in goal order, as the goals spell them
    engagement: float  # its topic engagement summed over those goals


def promising(
    ties: TieSet, goals: Iterable[Goal], as_of: dt.date, settings: Settings
) -> tuple[Promising, ...]:
    """Weak ties with trend `rising` on an active goal topic, most engaged on the goals first."""
    from plnctl.learning import active_goals, topic_index

    index = topic_index(ties, as_of, settings)
    goal_keys = [(key, goal.topic.strip()) for key, goal in active_goals(goals, as_of)]
    found = []
    for tie, stats in index.entries:
        if tie.derived.status != "weak" or tie.derived.trend != "rising":
            continue
        on = [(key, topic) for key, topic in goal_keys if key in stats and stats[key].on]
        if on:
            engagement = math.fsum(stats[key].engagement for key, _ in on)
            topics = tuple(topic for _, topic in on)
            found.append(Promising(tie.slug, tie.name, tie.kind, topics, engagement))
    found.sort(key=lambda p: (-p.engagement, p.name.casefold(), p.slug))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class Growth:
    """What review adds to the ties it lists: goals with holes, the next rung, promising ties."""

    holes: tuple[GoalHole, ...]
    rungs: tuple[Rung, ...]
    promising: tuple[Promising, ...]
