"""Share routing: whom a find on some topics is worth passing to, and why."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from plnctl.learning import TieSet, TopicKeys, topic_index
from plnctl.settings import Settings

# Groups in the order they are proposed.
ROUTE_GROUPS = ("learning", "taking", "due", "rest")
_DUE_BANDS = ("due", "overdue", "lapsing")


@dataclass(frozen=True, slots=True)
class Recipient:
    slug: str
    name: str
    kind: str
    group: str  # learning | taking | due | rest
    reason: str
    topics: tuple[str, ...]  # the topics asked for that it is on or learning, as asked
    engagement: float  # its topic engagement summed over the topics asked for


def route(
    ties: TieSet,
    topics: Iterable[str],
    as_of: dt.date,
    settings: Settings,
    include_sources: bool = False,
) -> tuple[Recipient, ...]:
    """People (sources too when asked) on a topic of `topics` or learning one, best first.

    Never an archived or dormant tie. Those learning a topic come first, then
    those you take from, then those due, overdue or lapsing, then the rest;
    within a group, by topic engagement summed over `topics`, then by name.
    """
    index = topic_index(ties, as_of, settings)
    keys = TopicKeys()
    asked: dict[str, str] = {}  # key -> the topic as asked, first spelling
    for text in topics:
        for key in keys.of((text,)):
            asked.setdefault(key, text.strip())
    found: list[Recipient] = []
    for tie, stats in index.entries:
        d = tie.derived
        if (tie.kind != "person" and not include_sources) or "dormant" in (d.status, d.band):
            continue
        # What a source "wants to learn" means nothing: only people's `learning` counts.
        wants = tie.learning if tie.kind == "person" else ()
        learning: dict[str, str] = {}
        for text in wants:
            for key in keys.of((text,)):
                learning.setdefault(key, text.strip())
        learns = [learning[key] for key in asked if key in learning]
        on = [key for key in asked if key in stats and stats[key].on]
        if not learns and not on:
            continue
        if learns:
            group, reason = "learning", f"learning {', '.join(dict.fromkeys(learns))}"
        elif tie.kind == "person" and d.reciprocity.label == "taking":
            group, reason = "taking", "you have taken more than you gave"
        elif d.band in _DUE_BANDS:
            group, reason = "due", f"{d.band}: a find is a good reason to get in touch"
        else:
            group, reason = "rest", f"on {', '.join(asked[key] for key in on)}"
        matched = tuple(text for key, text in asked.items() if key in on or key in learning)
        engagement = math.fsum(stats[key].engagement for key in asked if key in stats)
        found.append(Recipient(tie.slug, tie.name, tie.kind, group, reason, matched, engagement))
    order = {group: i for i, group in enumerate(ROUTE_GROUPS)}
    found.sort(key=lambda r: (order[r.group], -r.engagement, r.name.casefold(), r.slug))
    return tuple(found)
