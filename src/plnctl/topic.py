"""The topic list and who knows a topic: counts, flags and rankings over a TopicIndex."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from plnctl.learning import Goal, TieSet, TopicIndex, active_goals, topic_index, topic_key
from plnctl.settings import Settings

# Flags in the order they are shown; the first four only concern active goals.
FLAGS = ("gap", "no-people", "single", "quiet", "fading")
HOLE_FLAGS = ("gap", "no-people", "single", "quiet")
STATUS_ORDER = {"strong": 0, "weak": 1, "dormant": 2}


@dataclass(frozen=True, slots=True)
class TopicRow:
    """One topic of `plnctl topics`."""

    key: str
    topic: str  # the spelling to show
    goal: bool  # an active goal
    strong: int
    weak: int
    dormant: int
    people: int
    sources: int
    engagement: float  # the topic engagement of every tie on it, summed
    last_engaged: dt.date | None
    flags: tuple[str, ...]


def topic_row(index: TopicIndex, key: str, topic: str, goal: bool) -> TopicRow:
    """The counts and flags of one topic: goal flags only when `goal`."""
    settings, entries = index.settings, index.on.get(key, [])
    status = Counter(tie.derived.status for tie, _ in entries)
    people = sum(tie.kind == "person" for tie, _ in entries)
    strong = status["strong"]
    fading = sum(
        tie.derived.status == "strong" and tie.derived.trend == "fading" for tie, _ in entries
    )
    last = max((s.last for _, s in entries if s.last is not None), default=None)
    flags = set()
    if goal:
        if strong == 0:
            flags.add("gap")
        if entries and people == 0:
            flags.add("no-people")
        if strong == 1:
            flags.add("single")
        if last is None or (index.as_of - last).days >= settings.quiet_days:
            flags.add("quiet")
    if strong >= settings.topic_fading_min_strong and fading > settings.topic_fading_share * strong:
        flags.add("fading")
    return TopicRow(
        key=key,
        topic=topic,
        goal=goal,
        strong=strong,
        weak=status["weak"],
        dormant=status["dormant"],
        people=people,
        sources=len(entries) - people,
        engagement=math.fsum(s.engagement for _, s in entries),
        last_engaged=last,
        flags=tuple(f for f in FLAGS if f in flags),
    )


def topics_overview(
    ties: TieSet, goals: Iterable[Goal], as_of: dt.date, settings: Settings
) -> tuple[TopicRow, ...]:
    """Every active goal (in goal order), then every topic some tie is on, most engaged first."""
    index = topic_index(ties, as_of, settings)
    rows = [
        topic_row(index, key, goal.topic.strip(), True) for key, goal in active_goals(goals, as_of)
    ]
    goal_keys = {row.key for row in rows}
    rest = [
        topic_row(index, key, index.spelling(key, key), False)
        for key in index.on
        if key not in goal_keys
    ]
    rest.sort(key=lambda r: (-r.engagement, r.topic.casefold(), r.key))
    return (*rows, *rest)


@dataclass(frozen=True, slots=True)
class Knower:
    """A tie on a topic, with what it is worth there."""

    slug: str
    name: str
    kind: str
    status: str
    engagement: float
    last_engaged: dt.date | None
    helped: int  # help-received events about the topic in the topic window


@dataclass(frozen=True, slots=True)
class Learner:
    """A person who wants to learn a topic: a peer to learn with, or to help."""

    slug: str
    name: str
    status: str


@dataclass(frozen=True, slots=True)
class WhoKnows:
    key: str
    topic: str
    ties: tuple[Knower, ...]  # ranked
    learners: tuple[Learner, ...]  # by name


def knowers(index: TopicIndex, key: str) -> list[Knower]:
    """The ties on `key`, most engaged first, then strong, weak, dormant, then by name."""
    found = [
        Knower(
            tie.slug,
            tie.name,
            tie.kind,
            tie.derived.status,
            stat.engagement,
            stat.last,
            stat.helped,
        )
        for tie, stat in index.on.get(key, [])
    ]
    found.sort(
        key=lambda k: (-k.engagement, STATUS_ORDER.get(k.status, 3), k.name.casefold(), k.slug)
    )
    return found


def who_knows(ties: TieSet, topic: str, as_of: dt.date, settings: Settings) -> WhoKnows:
    """Whom to ask about `topic`, and who wants to learn it too; both empty when nobody does."""
    index = topic_index(ties, as_of, settings)
    key = topic_key(topic)
    learners = sorted(
        (Learner(t.slug, t.name, t.derived.status) for t in index.learners.get(key, [])),
        key=lambda p: (p.name.casefold(), p.slug),
    )
    return WhoKnows(key, index.spelling(key, topic), tuple(knowers(index, key)), tuple(learners))
