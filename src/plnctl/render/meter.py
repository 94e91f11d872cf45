"""A progress bar on stderr for long work: only at a terminal, and only after half a second.

The core reports progress through a plain callback (`plnctl.progress.Progress`);
this is the one place that draws it. Work done within `DELAY` seconds shows
nothing, and the bar leaves no trace once the work is done.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress as Bar
    from rich.progress import TaskID

    from plnctl.progress import Progress

DELAY = 0.5  # seconds of work before a bar is worth showing
REFRESH = 0.1  # seconds between redraws

_open: list[Meter] = []


def meter(*, quiet: bool = False) -> Progress | None:
    """A progress callback drawing on stderr, or None when nobody would see it."""
    if quiet:
        return None
    try:
        if not sys.stderr.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return Meter()


class Meter:
    """Draws one bar per kind of work, from the first report that comes DELAY after its start."""

    def __init__(self) -> None:
        self.what = ""
        self.started = 0.0
        self.drawn = 0.0
        self.bar: Bar | None = None
        self.task: TaskID | None = None

    def __call__(self, what: str, done: int, total: int) -> None:
        now = time.monotonic()
        if what != self.what:
            self.close()
            self.what, self.started = what, now
        if done >= total:
            self.close()
            return
        if self.bar is None:
            if now - self.started < DELAY:
                return
            self._start(total)
        assert self.bar is not None and self.task is not None
        self.bar.update(self.task, completed=done, total=total)
        if now - self.drawn >= REFRESH:
            self.bar.refresh()
            self.drawn = now

    def _start(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(stderr=True, highlight=False, emoji=False),
            transient=True,
            auto_refresh=False,
        )
        self.task = self.bar.add_task(self.what, total=total)
        self.bar.start()
        _open.append(self)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
            self.task = None
            if self in _open:
                _open.remove(self)


def close_all() -> None:
    """Take down any bar left open by work that stopped early (an error, Ctrl-C)."""
    for m in list(_open):
        m.close()
