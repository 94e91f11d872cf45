"""Folding one tie into another: the one rule `plnctl merge` and every import follow.

The tie folded into keeps every value it has and every event; it gains the
events it lacks (by id), the topics and tags it lacks, and the fields it left
empty. Nothing is replaced and nothing is dropped, so folding the same tie in
twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plnctl.text import union_labels

if TYPE_CHECKING:
    from plnctl.model import Event, Tie

# Fields filled in when the tie folded into has none. A snooze is not among
# them: an old copy must not bring back a snooze that a newer event ended.
# Archiving is the user's alone too.
FILLABLE = (
    "url",
    "site_url",
    "every",
    "note",
    "pin",
    "added",
    "medium",
    "email",
    "phone",
    "org",
    "position",
    "handle",
)
# What a fold reports besides the fields it filled.
LISTS = ("topics", "tags", "events")


@dataclass
class Folded:
    """What a fold changed: field names in a fixed order, and the counts behind them."""

    changed: list[str] = field(default_factory=list)
    events_added: int = 0
    events_shared: int = 0
    topics_added: list[str] = field(default_factory=list)
    tags_added: list[str] = field(default_factory=list)

    @property
    def filled(self) -> list[str]:
        """The fields other than topics, tags and events that changed."""
        return [name for name in self.changed if name not in LISTS]


def fold_into(
    target: Tie,
    other: Tie,
    *,
    duplicate: bool = False,
    slugs: tuple[str, str] | None = None,
) -> Folded:
    """Fold `other` into `target`, changing `target` in place.

    For an import (`duplicate` False) an empty field is filled from `other`.
    For a duplicate being merged away, notes that differ are joined, the
    earlier `added` date is kept, and `via` is filled too, unless it names
    one of the two ties (`slugs`: target's, then other's).
    """
    done = Folded()
    for name in FILLABLE:
        mine, theirs = getattr(target, name), getattr(other, name)
        if theirs is None or mine == theirs:
            continue
        if mine is None:
            setattr(target, name, theirs)
        elif duplicate and name == "note":
            if mine in theirs:
                target.note = theirs
            elif theirs not in mine:
                target.note = f"{mine}\n\n{theirs}"
            else:
                continue
        elif duplicate and name == "added" and theirs < mine:
            target.added = theirs
        else:
            continue
        done.changed.append(name)
    if duplicate:
        _fold_via(target, other, slugs, done)
    target.topics, done.topics_added = union_labels(target.topics, other.topics)
    target.tags, done.tags_added = union_labels(target.tags, other.tags)
    done.changed.extend(name for name in ("topics", "tags") if getattr(done, f"{name}_added"))
    extra = _fold_events(target, other.events)
    done.events_added = len(extra)
    done.events_shared = len(other.events) - len(extra)
    if extra:
        done.changed.append("events")
    have = target.model_extra if target.model_extra is not None else {}
    for key, value in (other.model_extra or {}).items():
        if key not in have:
            setattr(target, key, value)
            done.changed.append(key)
    return done


def _fold_via(target: Tie, other: Tie, slugs: tuple[str, str] | None, done: Folded) -> None:
    ours = slugs or ()
    if target.via in ours:
        target.via = None
    if target.via is None and other.via is not None and other.via not in ours:
        target.via = other.via
        done.changed.append("via")


def _fold_events(target: Tie, events: list[Event]) -> list[Event]:
    """Add the events `target` lacks, by id, and return them.

    The same event twice in `events` is added once; two different events
    under one id (a sync conflict or a hand edit) are both kept, the second
    under a new id. Events end up in date order, those already there first
    within a day.
    """
    from plnctl.model import new_event_id

    have = {e.id for e in target.events}
    seen: dict[str, Event] = {}
    extra: list[Event] = []
    for event in events:
        if event.id in have:
            continue
        earlier = seen.setdefault(event.id, event)
        copy = event.model_copy(deep=True)
        if earlier is not event:
            if earlier == event:
                continue
            copy.id = new_event_id()
        extra.append(copy)
    target.events = sorted([*target.events, *extra], key=lambda e: e.date)
    return extra
