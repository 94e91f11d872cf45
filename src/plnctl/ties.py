"""The tie model as pure functions of (events, as_of, settings); no I/O, no clock."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from plnctl.settings import Settings

# An event as the model sees it: its date and its kind.
Moment = tuple[dt.date, str]

GIVING_KINDS = ("share", "help-given")
RECEIVING_KINDS = ("help-received",)


@dataclass(frozen=True, slots=True)
class Reciprocity:
    given: float
    received: float
    p: float
    label: str  # giving | balanced | taking | insufficient


@dataclass(frozen=True, slots=True)
class Replay:
    strong: bool
    # The day a strong tie last turned weak (None if it never did).
    weakened_on: dt.date | None
    strong_since: dt.date | None


@dataclass(frozen=True, slots=True)
class Derived:
    """Everything derived about one tie as of one date."""

    score: float
    status: str  # strong | weak | dormant (after the pin)
    derived_status: str  # what the events alone say
    weakened_on: dt.date | None
    trend: str  # new | rising | steady | fading | inactive
    first_event: dt.date | None
    last_event: dt.date | None
    days_since: int | None
    event_count: int
    interval_days: float
    interval_source: str  # cadence | history | default-strong | default-weak
    overdue_ratio: float | None
    band: str  # ok | due | overdue | lapsing | dormant
    reciprocity: Reciprocity
    ladder: str = "none"  # none | listening | commenting | conversing | giving


def upto(events: Iterable[Moment], as_of: dt.date) -> list[Moment]:
    """The events on or before `as_of`, oldest first."""
    return sorted((e for e in events if e[0] <= as_of), key=lambda e: e[0])


def decay(weight: float, age_days: int, half_life: float) -> float:
    return float(weight * 2.0 ** (-age_days / half_life))


def score(events: Iterable[Moment], as_of: dt.date, settings: Settings) -> float:
    """Engagement E = sum of weight * 2^(-age/half_life) over events up to as_of."""
    w = settings.weights
    # fsum is exact, so the order events come in never changes the score.
    return math.fsum(
        decay(w.get(kind, 0), (as_of - day).days, settings.half_life_days)
        for day, kind in events
        if day <= as_of
    )


def replay_status(events: Sequence[Moment], as_of: dt.date, settings: Settings) -> Replay:
    """Replay weak/strong with hysteresis over the history up to as_of.

    Weak -> strong right after an event when E >= strong_at and events fell on
    at least strong_min_days distinct days in the window; strong -> weak as
    soon as E drops below weak_below, which can happen between events.
    """
    days: dict[dt.date, float] = {}
    for day, kind in events:
        if day <= as_of:
            days[day] = days.get(day, 0.0) + settings.weights.get(kind, 0)
    strong = False
    weakened_on: dt.date | None = None
    strong_since: dt.date | None = None
    energy = energy_at_prev = 0.0
    prev: dt.date | None = None
    # Event days inside the strong window, oldest first (a sliding window).
    window: collections.deque[dt.date] = collections.deque()
    for day in sorted(days):
        if prev is not None:
            energy = decay(energy, (day - prev).days, settings.half_life_days)
            if strong and energy < settings.weak_below:
                strong = False
                weakened_on = _crossing(prev, energy_at_prev, settings)
        energy += days[day]
        energy_at_prev = energy
        window.append(day)
        while (day - window[0]).days >= settings.strong_window_days:
            window.popleft()
        recent = len(window)
        if not strong and energy >= settings.strong_at and recent >= settings.strong_min_days:
            strong = True
            strong_since = day
        prev = day
    if (
        prev is not None
        and strong
        and decay(energy, (as_of - prev).days, settings.half_life_days) < settings.weak_below
    ):
        strong = False
        weakened_on = _crossing(prev, energy, settings)
    return Replay(strong=strong, weakened_on=weakened_on, strong_since=strong_since)


def _crossing(day: dt.date, energy: float, settings: Settings) -> dt.date:
    """The first day after `day` on which `energy` has decayed below weak_below."""
    if energy < settings.weak_below:
        return day
    days = settings.half_life_days * math.log2(energy / settings.weak_below)
    return day + dt.timedelta(days=math.floor(days) + 1)


def trend(events: Sequence[Moment], as_of: dt.date, settings: Settings) -> str:
    """new, inactive, rising, fading or steady: the recent rate against the earlier one."""
    evs = [e for e in events if e[0] <= as_of]
    if not evs:
        return "inactive"
    first_age = max((as_of - e[0]).days for e in evs)
    if first_age < settings.new_days:
        return "new"
    recent_days = settings.trend_recent_days
    earlier_end = recent_days + settings.trend_earlier_days
    w = settings.weights
    recent = [(as_of - d).days for d, _ in evs if (as_of - d).days < recent_days]
    recent_w = sum(w.get(k, 0) for d, k in evs if (as_of - d).days < recent_days)
    earlier_w = sum(w.get(k, 0) for d, k in evs if recent_days <= (as_of - d).days < earlier_end)
    earlier_n = sum(1 for d, _ in evs if recent_days <= (as_of - d).days < earlier_end)
    if not recent and not earlier_n:
        return "inactive"
    # The earlier window is clipped to the tie's history.
    earlier_len = max(0, min(settings.trend_earlier_days, first_age - recent_days + 1))
    recent_rate = recent_w / recent_days
    earlier_rate = earlier_w / earlier_len if earlier_len else 0.0
    if len(recent) >= 2 and recent_w >= 2 and recent_rate >= 2 * earlier_rate:
        return "rising"
    if earlier_rate * recent_days >= 1 and recent_rate <= earlier_rate / 2:
        return "fading"
    return "steady"


def expected_interval(
    events: Sequence[Moment],
    as_of: dt.date,
    strong: bool,
    every: int | None,
    settings: Settings,
) -> tuple[float, str]:
    """Days expected between engagements, and where that number came from."""
    if every:
        return float(every), "cadence"
    days = sorted(
        {d for d, _ in events if d <= as_of and (as_of - d).days < settings.interval_history_days}
    )
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    if len(gaps) >= settings.interval_min_gaps:
        median = _median(gaps[-settings.interval_last_gaps :])
        clamped = min(max(median, settings.interval_min_days), settings.interval_max_days)
        return float(clamped), "history"
    if strong:
        return float(settings.interval_strong_days), "default-strong"
    return float(settings.interval_weak_days), "default-weak"


def _median(values: Sequence[int]) -> float:
    """The middle value, or the mean of the two middle ones (statistics.median's rule)."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def band(days_since: int | None, interval: float, settings: Settings) -> tuple[float | None, str]:
    """The overdue ratio and its neglect band."""
    if days_since is None:
        return None, "ok"
    ratio = days_since / interval
    if days_since >= settings.dormant_days:
        return ratio, "dormant"
    if ratio >= settings.lapsing_at:
        return ratio, "lapsing"
    if ratio >= settings.overdue_at:
        return ratio, "overdue"
    if ratio >= settings.due_at:
        return ratio, "due"
    return ratio, "ok"


def reciprocity(events: Iterable[Moment], as_of: dt.date, settings: Settings) -> Reciprocity:
    """What you gave a tie against the help you received, decayed with age."""
    gave: list[float] = []
    got: list[float] = []
    hl = settings.reciprocity_half_life_days
    for day, kind in events:
        if day > as_of:
            continue
        if kind in GIVING_KINDS:
            gave.append(decay(settings.weights.get(kind, 0), (as_of - day).days, hl))
        elif kind in RECEIVING_KINDS:
            got.append(decay(settings.weights.get(kind, 0), (as_of - day).days, hl))
    given, received = math.fsum(gave), math.fsum(got)
    p = (given + 1) / (given + received + 2)
    if given + received < settings.reciprocity_min:
        label = "insufficient"
    elif p >= settings.giving_at:
        label = "giving"
    elif p <= settings.taking_at:
        label = "taking"
    else:
        label = "balanced"
    return Reciprocity(given=given, received=received, p=p, label=label)


# The engagement ladder's rungs, lowest first, and the rung each kind of event reaches.
LADDER = ("none", "listening", "commenting", "conversing", "giving")
_RUNG_OF = {
    "read": "listening",
    "listen": "listening",
    "watch": "listening",
    "visit": "listening",
    "comment": "commenting",
    "converse": "conversing",
    "ask": "conversing",
    "help-received": "conversing",
    "share": "giving",
    "help-given": "giving",
}
_RANK = {kind: LADDER.index(rung) for kind, rung in _RUNG_OF.items()}


def ladder(events: Iterable[Moment], as_of: dt.date, settings: Settings) -> str:
    """The highest rung the events of the ladder window reached (docs/model.md)."""
    window = settings.ladder_window_days
    top = 0
    for day, kind in events:
        if 0 <= (as_of - day).days < window:
            top = max(top, _RANK.get(kind, 0))
    return LADDER[top]


def derive(
    events: Iterable[Moment],
    as_of: dt.date,
    settings: Settings,
    *,
    every: int | None = None,
    pin: str | None = None,
    added: dt.date | None = None,
) -> Derived:
    """Every derived value of one tie as of `as_of`; events after it are ignored.

    A tie with a cadence and no events yet is due from the day it was `added`: its
    first interval starts then. Without a cadence, a tie with no events is never due.
    """
    evs = upto(events, as_of)
    replay = replay_status(evs, as_of, settings)
    last = evs[-1][0] if evs else None
    days_since = (as_of - last).days if last else None
    if days_since is not None and days_since >= settings.dormant_days:
        derived_status = "dormant"
    else:
        derived_status = "strong" if replay.strong else "weak"
    status = pin or derived_status
    interval, source = expected_interval(evs, as_of, status == "strong", every, settings)
    waited = days_since
    if waited is None and every and added is not None and added <= as_of:
        waited = (as_of - added).days
    ratio, neglect = band(waited, interval, settings)
    return Derived(
        score=score(evs, as_of, settings),
        status=status,
        derived_status=derived_status,
        weakened_on=replay.weakened_on,
        trend=trend(evs, as_of, settings),
        first_event=evs[0][0] if evs else None,
        last_event=last,
        days_since=days_since,
        event_count=len(evs),
        interval_days=interval,
        interval_source=source,
        overdue_ratio=ratio,
        band=neglect,
        reciprocity=reciprocity(evs, as_of, settings),
        ladder=ladder(evs, as_of, settings),
    )


@dataclass(frozen=True, slots=True)
class Participation:
    events: int
    giving: int
    share: float | None
    stage: str  # none | listening | starting | contributing | sharing


def participation(
    all_events: Iterable[Moment], as_of: dt.date, settings: Settings
) -> Participation:
    """Across the whole network: how much of the last year's activity gave something back.

    A stage, never a debt: reading a source takes nothing from anyone.
    """
    return participation_stage(*participation_counts(all_events, as_of, settings), settings)


def participation_counts(
    events: Iterable[Moment], as_of: dt.date, settings: Settings
) -> tuple[int, int]:
    """(events in the participation window, how many of them gave something back)."""
    total = giving = 0
    for day, kind in events:
        age = (as_of - day).days
        if 0 <= age < settings.participation_days:
            total += 1
            giving += kind in settings.participation_kinds
    return total, giving


def participation_stage(total: int, giving: int, settings: Settings) -> Participation:
    """The participation stage from the counts of `participation_counts`, summed over ties."""
    if total == 0:
        return Participation(0, 0, None, "none")
    share = giving / total
    if giving == 0:
        stage = "listening"
    elif share < settings.contributing_at:
        stage = "starting"
    elif share < settings.sharing_at:
        stage = "contributing"
    else:
        stage = "sharing"
    return Participation(total, giving, share, stage)


def status_timeline(
    events: Sequence[Moment],
    checkpoints: Sequence[dt.date],
    settings: Settings,
    *,
    pin: str | None = None,
) -> list[str | None]:
    """The status `derive` gives at each checkpoint (ascending dates), in one pass.

    The same replay as `replay_status`, read off at several dates at once
    (days as ordinals, for speed); None at a checkpoint before the first event.
    """
    weight = settings.weights.get
    ordinal = dt.date.toordinal
    days: dict[int, float] = {}
    for when, kind in events:
        n = ordinal(when)
        days[n] = days.get(n, 0.0) + weight(kind, 0)
    ordered = sorted(days)
    points = [p.toordinal() for p in checkpoints]
    dormant_days = settings.dormant_days
    out: list[str | None] = []
    if not _can_be_strong(ordered, days, settings):
        # Most ties never were strong: only the day of the last event matters then.
        j = 0
        for point in points:
            while j < len(ordered) and ordered[j] <= point:
                j += 1
            if not j:
                out.append(None)
            else:
                out.append(pin or ("dormant" if point - ordered[j - 1] >= dormant_days else "weak"))
        return out
    half_life, weak_below, strong_at = (
        settings.half_life_days,
        settings.weak_below,
        settings.strong_at,
    )
    window_days, min_days = settings.strong_window_days, settings.strong_min_days
    strong = False
    energy = 0.0
    last: int | None = None
    i = low = 0  # the strong window: ordered[low:i + 1]
    count = len(ordered)
    for point in points:
        while i < count and ordered[i] <= point:
            n = ordered[i]
            if last is not None:
                energy = energy * 2.0 ** ((last - n) / half_life)
                if strong and energy < weak_below:
                    strong = False
            energy += days[n]
            while n - ordered[low] >= window_days:
                low += 1
            if not strong and energy >= strong_at and i - low + 1 >= min_days:
                strong = True
            last = n
            i += 1
        if last is None:
            out.append(None)
            continue
        if point - last >= dormant_days:
            derived = "dormant"
        elif strong and energy * 2.0 ** (-(point - last) / half_life) >= weak_below:
            derived = "strong"
        else:
            derived = "weak"
        out.append(pin or derived)
    return out


def _can_be_strong(ordered: Sequence[int], days: dict[int, float], s: Settings) -> bool:
    """Whether events on these days (ordinals) could ever make a tie strong: a cheap bound."""
    if math.fsum(days.values()) < s.strong_at:
        return False
    k = max(s.strong_min_days, 1)
    return any(
        ordered[i + k - 1] - ordered[i] < s.strong_window_days for i in range(len(ordered) - k + 1)
    )
