"""Scouts: the ties that led you to others, ranked by how many of those became strong."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from plnctl.learning import LearningTie, TieSet, all_ties
from plnctl.ties import Derived


@dataclass(frozen=True, slots=True)
class Scout:
    slug: str
    name: str
    kind: str
    status: str
    led_to: tuple[str, ...]  # the slugs of every tie whose `via` names it, archived too, by name
    became_strong: tuple[str, ...]  # those of them that are or were ever strong


@dataclass(frozen=True, slots=True)
class ViaChain:
    """Who led you to a tie, who led you to that one, and so on up."""

    slugs: tuple[str, ...]  # upwards, without the tie it starts from
    stop: str  # root: the last has no via | loop: a via comes back | missing: a via names no tie
    next: str | None  # the via that was not followed (loop or missing)


def ever_strong(derived: Derived) -> bool:
    """Strong now (a pin counts), or strong at some time in its replayed history.

    A tie that turned weak again, went dormant, or is pinned weak still counts:
    it became strong once.
    """
    return (
        derived.status == "strong"
        or derived.derived_status == "strong"
        or derived.weakened_on is not None
    )


def _by_name(ties: Iterable[LearningTie]) -> list[LearningTie]:
    return sorted(ties, key=lambda t: (t.name.casefold(), t.slug))


def led_to(slug: str, ties: Iterable[LearningTie]) -> tuple[LearningTie, ...]:
    """Every tie whose `via` names `slug` (archived ties too), by name; never the tie itself."""
    return tuple(_by_name(t for t in ties if t.via == slug and t.slug != slug))


def scouts(ties: TieSet) -> tuple[Scout, ...]:
    """Every tie, not archived, that led you to another: most led to a strong tie first.

    Then by how many ties it led you to, then by name.
    """
    every = all_ties(ties)
    led: dict[str, list[LearningTie]] = {}
    for tie in every:
        if tie.via is not None and tie.via != tie.slug:
            led.setdefault(tie.via, []).append(tie)
    found = []
    for tie in every:
        if tie.archived or tie.slug not in led:
            continue
        followers = _by_name(led[tie.slug])
        found.append(
            Scout(
                tie.slug,
                tie.name,
                tie.kind,
                tie.derived.status,
                tuple(t.slug for t in followers),
                tuple(t.slug for t in followers if ever_strong(t.derived)),
            )
        )
    found.sort(key=lambda s: (-len(s.became_strong), -len(s.led_to), s.name.casefold(), s.slug))
    return tuple(found)


class HasVia(Protocol):
    @property
    def via(self) -> str | None: ...


def via_chain(slug: str, by_slug: Mapping[str, HasVia]) -> ViaChain:
    """Follow `via` up from `slug` until a tie has none, one comes back, or names no tie.

    Raises KeyError when `slug` itself is not in `by_slug`.
    """
    seen = {slug}
    chain: list[str] = []
    via = by_slug[slug].via
    while via is not None:
        if via in seen:
            return ViaChain(tuple(chain), "loop", via)
        tie = by_slug.get(via)
        if tie is None:
            return ViaChain(tuple(chain), "missing", via)
        seen.add(via)
        chain.append(via)
        via = tie.via
    return ViaChain(tuple(chain), "root", None)
