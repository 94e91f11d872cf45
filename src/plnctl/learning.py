"""Learning with the network: the input a tie gives, topic keys, topic engagement, the index."""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from plnctl.profile import Goal as Goal
from plnctl.settings import Settings
from plnctl.text import label_key as topic_key

__all__ = ["Goal", "topic_key"]  # re-exported: the learning model's names for them
from plnctl.ties import Derived, derive

# An event as the learning model sees it: (date, kind, the event's own topics, () when none).
TopicMoment = tuple[dt.date, str, tuple[str, ...]]

_KIND, _OWN_TOPICS = operator.itemgetter(1), operator.itemgetter(2)


@dataclass(frozen=True, slots=True)
class LearningTie:
    """What the learning model reads of a tie; a tie file and an index summary can both give it.

    `derived` must be as of the same date and settings as the call it is passed to:
    the topic engagement of a tie whose events name no topics is read off its score.
    """

    slug: str
    name: str
    kind: str  # person | source
    topics: tuple[str, ...]  # what you learn there, as the user spelled them
    learning: tuple[str, ...]  # for people: what they want to learn
    via: str | None  # the slug of the tie that led you here
    archived: bool
    events: tuple[TopicMoment, ...]
    derived: Derived  # ties.derive as of the same as_of: status after the pin, trend, band...


def learning_tie(
    slug: str,
    name: str,
    kind: str,
    topics: Iterable[str],
    learning: Iterable[str],
    via: str | None,
    archived: bool,
    events: Iterable[TopicMoment],
    as_of: dt.date,
    settings: Settings,
    every: int | None = None,
    pin: str | None = None,
    added: dt.date | None = None,
) -> LearningTie:
    """A LearningTie with its Derived computed here, for callers that have none cached;
    derived as review derives it (a cadence counts from the day it was added)."""
    evs = tuple(events)
    moments = [(day, event_kind) for day, event_kind, _ in evs]
    derived = derive(moments, as_of, settings, every=every, pin=pin, added=added)
    return LearningTie(
        slug, name, kind, tuple(topics), tuple(learning), via, archived, evs, derived
    )


def spelling(counter: Counter[str]) -> str:
    """The spelling written most often; on a tie, the one seen first."""
    # max keeps the first of equal counts, and a Counter iterates in first-seen order.
    return max(counter, key=counter.__getitem__)


class TopicKeys:
    """topic_key with a memory: a network spells the same few topics thousands of times."""

    __slots__ = ("_known", "_lists")

    def __init__(self) -> None:
        self._known: dict[str, str] = {}
        self._lists: dict[tuple[str, ...], tuple[str, ...]] = {}

    def key(self, text: str) -> str:
        key = self._known.get(text)
        if key is None:
            key = self._known[text] = topic_key(text)
        return key

    def of(self, topics: tuple[str, ...]) -> tuple[str, ...]:
        """The distinct non-empty keys of `topics`, in order."""
        keys = self._lists.get(topics)
        if keys is None:
            keys = self._lists[topics] = tuple({k: None for k in map(self.key, topics) if k})
        return keys


@dataclass(frozen=True, slots=True)
class TopicStat:
    """One tie on one topic as of one date."""

    engagement: float  # the engagement score over the events about the topic
    last: dt.date | None  # the last event about it
    helped: int  # help-received events about it in the topic window
    on: bool  # the tie lists it, or an event of the topic window was about it


class _Sum:
    """The events about one topic, added up as they come."""

    __slots__ = ("helped", "last", "on", "parts")

    def __init__(self) -> None:
        self.parts: list[float] = []
        self.last: dt.date | None = None
        self.helped = 0
        self.on = False

    def add(self, weight: float, day: dt.date, recent: bool, helped: bool) -> None:
        self.parts.append(weight)
        if self.last is None or day > self.last:
            self.last = day
        if recent:
            self.on = True
            self.helped += helped


# Each date's age and decay factor, kept for one as-of date and one half-life.
Clock = dict[dt.date, tuple[int, float]]


def topic_stats(
    tie: LearningTie,
    as_of: dt.date,
    settings: Settings,
    keys: TopicKeys | None = None,
    clock: Clock | None = None,
) -> dict[str, TopicStat]:
    """Every topic the tie lists, and every topic of its events up to `as_of`.

    An event is about its own topics, else (and when they are all blank) about
    every topic its tie lists.
    """
    keys = TopicKeys() if keys is None else keys
    clock = {} if clock is None else clock
    listed = keys.of(tie.topics)
    window = settings.topic_window_days
    events = tie.events
    if not any(map(_OWN_TOPICS, events)):
        # Every event is about every listed topic: the topic engagement is the tie's
        # score (the same products, summed exactly), so only "helped you" needs counting.
        helped = 0
        if "help-received" in map(_KIND, events):
            helped = sum(
                1
                for day, kind, _ in events
                if kind == "help-received" and 0 <= (as_of - day).days < window
            )
        d = tie.derived
        return {key: TopicStat(d.score, d.last_event, helped, True) for key in listed}
    # Most events have no topics of their own: they are added up once, for every listed topic.
    shared: list[float] = []
    shared_last: dt.date | None = None
    shared_helped = 0
    own: dict[str, _Sum] = {}
    weights = settings.weights
    for day, kind, topics in events:
        known = clock.get(day)
        if known is None:
            age = (as_of - day).days
            known = clock[day] = (age, 2.0 ** (-age / settings.half_life_days))
        age, factor = known
        if age < 0:
            continue
        about = keys.of(topics) if topics else ()
        if about:
            # The same product as ties.decay: a tie whose events are all about x scores E on x.
            weight = float(weights.get(kind, 0) * factor)
            recent = age < window
            was_help = recent and kind == "help-received"
            for key in about:
                total = own.get(key)
                if total is None:
                    total = own[key] = _Sum()
                total.add(weight, day, recent, was_help)
        elif listed:
            shared.append(float(weights.get(kind, 0) * factor))
            if shared_last is None or day > shared_last:
                shared_last = day
            if kind == "help-received" and age < window:
                shared_helped += 1
    stats = {}
    for key in listed:
        extra = own.pop(key, None)
        if extra is None:
            stats[key] = TopicStat(math.fsum(shared), shared_last, shared_helped, True)
            continue
        lasts = [day for day in (shared_last, extra.last) if day is not None]
        stats[key] = TopicStat(
            math.fsum(shared + extra.parts), max(lasts), shared_helped + extra.helped, True
        )
    for key, total in own.items():
        stats[key] = TopicStat(math.fsum(total.parts), total.last, total.helped, total.on)
    return stats


def topic_engagement(tie: LearningTie, topic: str, as_of: dt.date, settings: Settings) -> float:
    """The engagement score of `tie` over just its events about `topic`."""
    stat = topic_stats(tie, as_of, settings).get(topic_key(topic))
    return stat.engagement if stat else 0.0


class TopicIndex:
    """The network by topic key, built once per call: each rule below reads it, none loops twice.

    Archived ties are kept in `ties` (scouts count them) and nowhere else.
    """

    __slots__ = ("as_of", "entries", "learners", "on", "settings", "spellings", "ties")

    def __init__(self, ties: Iterable[LearningTie], as_of: dt.date, settings: Settings) -> None:
        self.as_of = as_of
        self.settings = settings
        self.ties = tuple(ties)
        self.entries: list[tuple[LearningTie, dict[str, TopicStat]]] = []
        self.on: dict[str, list[tuple[LearningTie, TopicStat]]] = {}
        self.learners: dict[str, list[LearningTie]] = {}
        self.spellings: dict[str, Counter[str]] = {}
        keys = TopicKeys()
        clock: Clock = {}
        written: Counter[tuple[str, ...]] = Counter()
        for tie in self.ties:
            if tie.archived:
                continue
            stats = topic_stats(tie, as_of, settings, keys, clock)
            self.entries.append((tie, stats))
            for key, stat in stats.items():
                if stat.on:
                    self.on.setdefault(key, []).append((tie, stat))
            if tie.kind == "person":
                for key in keys.of(tie.learning):
                    self.learners.setdefault(key, []).append(tie)
            self._count_written(tie, written)
        # Counted by list, spelled out once: the same first-seen order, far fewer steps.
        for topics, times in written.items():
            for text in topics:
                key = keys.key(text)
                if key:
                    self.spellings.setdefault(key, Counter())[text.strip()] += times

    def _count_written(self, tie: LearningTie, written: Counter[tuple[str, ...]]) -> None:
        """The tie's topics, and those of its events in the topic window, as written."""
        written[tie.topics] += 1
        if any(map(_OWN_TOPICS, tie.events)):
            window = self.settings.topic_window_days
            for day, _, topics in tie.events:
                if topics and 0 <= (self.as_of - day).days < window:
                    written[topics] += 1

    def spelling(self, key: str, fallback: str) -> str:
        counter = self.spellings.get(key)
        return spelling(counter) if counter else fallback.strip()


TieSet = Iterable[LearningTie] | TopicIndex


def all_ties(ties: TieSet) -> tuple[LearningTie, ...]:
    """Every tie given, archived ones too, whether as ties or as an index of them."""
    return ties.ties if isinstance(ties, TopicIndex) else tuple(ties)


def topic_index(ties: TieSet, as_of: dt.date, settings: Settings) -> TopicIndex:
    """An index for `as_of` and `settings`: the one given when it fits, else a new one."""
    if isinstance(ties, TopicIndex):
        if ties.as_of == as_of and ties.settings == settings:
            return ties
        ties = ties.ties
    return TopicIndex(ties, as_of, settings)


def active_goals(goals: Iterable[Goal], as_of: dt.date) -> list[tuple[str, Goal]]:
    """The active goals by key, in goal order; a topic named twice keeps its first goal."""
    seen: dict[str, Goal] = {}
    for goal in goals:
        key = topic_key(goal.topic)
        if goal.active(as_of) and key not in seen:
            seen[key] = goal
    return list(seen.items())
