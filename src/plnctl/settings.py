"""The tie model's numbers: the defaults docs/model.md explains, overridable in `_settings.toml`."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

DEFAULT_WEIGHTS: dict[str, float] = {
    "read": 1,
    "listen": 1,
    "watch": 1,
    "visit": 1,
    "comment": 2,
    "converse": 3,
    "ask": 2,
    "share": 2,
    "help-given": 3,
    "help-received": 3,
}


@dataclass(frozen=True)
class Settings:
    """Every number of the tie model; `docs/model.md` explains each one."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # Engagement score: each event's weight halves every this many days.
    half_life_days: float = 30
    # Status: weak -> strong at this score with events on this many distinct
    # days in the window; strong -> weak below `weak_below`.
    strong_at: float = 4
    strong_min_days: int = 3
    strong_window_days: int = 90
    weak_below: float = 2
    dormant_days: int = 365
    # Trend windows.
    trend_recent_days: int = 45
    trend_earlier_days: int = 135
    new_days: int = 90
    # Expected interval.
    interval_history_days: int = 365
    interval_min_gaps: int = 3
    interval_last_gaps: int = 5
    interval_min_days: float = 7
    interval_max_days: float = 365
    interval_strong_days: float = 14
    interval_weak_days: float = 90
    # Neglect bands, as overdue ratios.
    due_at: float = 1
    overdue_at: float = 1.5
    lapsing_at: float = 3
    # Reciprocity.
    reciprocity_half_life_days: float = 180
    reciprocity_min: float = 3
    giving_at: float = 0.67
    taking_at: float = 0.33
    # Participation stage across the network: share of the last year's events
    # that gave something back (comment, share, help-given).
    participation_days: int = 365
    participation_kinds: tuple[str, ...] = ("comment", "share", "help-given")
    contributing_at: float = 0.1
    sharing_at: float = 0.25
    # A tie that slipped from strong to weak within this many days is at risk.
    slipped_days: int = 90
    # Learning with the network (docs/model.md, "Learning with the network").
    # A tie is on a topic it lists, or one an event of this many days was about;
    # the topic list and "helped you" count the events of the same window.
    topic_window_days: int = 365
    # An active goal is `quiet` with no event about it in this many days.
    quiet_days: int = 30
    # A topic is `fading` with at least this many strong ties on it, more than
    # this share of which are fading.
    topic_fading_min_strong: int = 2
    topic_fading_share: float = 0.5
    # Goals with holes: at most this many weak ties to grow, per goal.
    goal_candidates: int = 3
    # The engagement ladder reads the events of this many days.
    ladder_window_days: int = 365
    # Ready for the next rung: at least this many events in this many days.
    rung_min_events: int = 6
    rung_window_days: int = 180
    # In a data directory kept in git, every change plnctl makes is a commit.
    autocommit: bool = True


SETTINGS_FILE = "_settings.toml"


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Settings from a parsed `_settings.toml`; raise ValueError naming a bad key."""
    base = Settings()
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key == "schema_version":
            continue
        if key not in fields:
            raise ValueError(f"unknown setting {key!r}")
        if key == "weights":
            if not isinstance(value, dict):
                raise ValueError("'weights' must be a table of event kind = number")
            weights = dict(DEFAULT_WEIGHTS)
            for kind, weight in value.items():
                if kind not in DEFAULT_WEIGHTS:
                    raise ValueError(f"weights: unknown event kind {kind!r}")
                if not _is_number(weight) or weight < 0:
                    raise ValueError(f"weights.{kind} must be a number >= 0")
                weights[kind] = float(weight)
            changes[key] = weights
        elif key == "participation_kinds":
            if not isinstance(value, list) or not all(
                isinstance(k, str) and k in DEFAULT_WEIGHTS for k in value
            ):
                raise ValueError("'participation_kinds' must be a list of event kinds")
            changes[key] = tuple(value)
        elif fields[key].type in ("bool", bool):
            if not isinstance(value, bool):
                raise ValueError(f"{key!r} must be true or false")
            changes[key] = value
        elif fields[key].type in ("int", int):
            # The declared type, not the default's: `strong_at: float = 4` takes 4.5.
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{key!r} must be a whole number >= 1")
            changes[key] = value
        else:
            if not _is_number(value) or value <= 0:
                raise ValueError(f"{key!r} must be a number > 0")
            changes[key] = float(value)
    settings = dataclasses.replace(base, **changes)
    if settings.weak_below > settings.strong_at:
        raise ValueError("'weak_below' must not be above 'strong_at'")
    return settings


def _is_number(value: object) -> bool:
    """A finite int or float: TOML's inf and nan would make every score meaningless."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
