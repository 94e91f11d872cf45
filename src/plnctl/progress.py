"""Reporting progress from long work: a callback the core calls, drawn (or not) by render/."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

# (what is being done, how many items are done, how many there are in all)
Progress = Callable[[str, int, int], None]
T = TypeVar("T")
EVERY = 32  # report every this many items: a call per item would cost more than it says


def counted(items: Iterable[T], total: int, what: str, progress: Progress | None) -> Iterator[T]:
    """`items`, reporting to `progress` as they are taken and once more when all are done."""
    if progress is None:
        yield from items
        return
    progress(what, 0, total)
    for done, item in enumerate(items, start=1):
        yield item
        if done % EVERY == 0:
            progress(what, done, total)
    progress(what, total, total)
