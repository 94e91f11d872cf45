"""The network's base: a data directory on one day, its lock, its settings, and finding ties."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plnctl.errors import InvalidValueError, TieFileError, UnknownTieError
from plnctl.store import Store

if TYPE_CHECKING:
    from plnctl.index import TieSummary
    from plnctl.model import Tie
    from plnctl.progress import Progress
    from plnctl.settings import Settings

OnWait = Callable[[str], None]
Problems = list[TieFileError]


@dataclass
class ShareRecord:
    """One thing passed along, with the ties it went to and whose work it was."""

    id: str
    date: dt.date
    what: str
    link: str | None = None
    note: str | None = None
    with_: list[str] = field(default_factory=list)
    from_: str | None = None
    topics: list[str] = field(default_factory=list)


class NetworkBase:
    """The data directory as a network of ties, with `today` fixed at the edge."""

    def __init__(
        self,
        store: Store,
        today: dt.date,
        on_wait: OnWait | None = None,
        on_progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.today = today
        self.on_wait = on_wait
        # Told how far long work (reading thousands of files, an import) has got.
        self.on_progress = on_progress

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self.store.lock(self.on_wait):
            yield

    @functools.cached_property
    def settings(self) -> Settings:
        return self.store.settings()

    # -- finding ties --------------------------------------------------------

    def summaries(
        self, as_of: dt.date | None = None
    ) -> tuple[list[tuple[str, TieSummary]], Problems]:
        """Every readable tie from the index (derived values for `as_of` when given)."""
        from plnctl.index import load_summaries

        if as_of is None:
            return load_summaries(self.store, progress=self.on_progress)
        return load_summaries(self.store, as_of, self.settings, progress=self.on_progress)

    def names(self) -> dict[str, str]:
        """slug -> name of every readable tie (from the index's names when they match)."""
        from plnctl.index.loader import load_heads

        heads = load_heads(self.store)
        if heads is not None:
            return {slug: head.name for slug, head in heads.items()}
        ties, _ = self.summaries()
        return {slug: tie.name for slug, tie in ties}

    def find(self, query: str) -> str:
        """Resolve TIE; an exact slug needs no scan of the directory."""
        from plnctl.resolve import resolve
        from plnctl.slug import SLUG_RE

        text = query.strip()
        if SLUG_RE.match(text) and self.store.exists(text):
            return text
        from plnctl.index.loader import load_heads

        heads = load_heads(self.store)  # None when some file needs reading, or is no tie
        if heads is not None:
            return resolve(text, {slug: head.name for slug, head in heads.items()})
        ties, problems = self.summaries()
        try:
            return resolve(text, {slug: tie.name for slug, tie in ties})
        except UnknownTieError as exc:
            if not problems:
                raise
            # The tie may be in a file that cannot be read: say so rather than "no such tie".
            files = "file" if len(problems) == 1 else "files"
            raise UnknownTieError(
                f"{exc.message}; {len(problems)} {files} could not be read "
                f"({', '.join(p.path.name for p in problems[:3])}"
                f"{', ...' if len(problems) > 3 else ''}): `plnctl doctor` says why"
            ) from None

    def tie(self, slug: str) -> Tie:
        return self.store.load(slug)

    def ties(self) -> tuple[list[tuple[str, Tie]], Problems]:
        """Every readable tie file, whole, and a problem for each one that is not."""
        return self.store.load_all()

    def describe(self, slug: str) -> str:
        """What a tie holds, in a few words, for a confirmation prompt."""
        try:
            tie = self.tie(slug)
        except TieFileError:
            return f"{slug} (an unreadable file)"
        events = "1 event" if len(tie.events) == 1 else f"{len(tie.events)} events"
        return f"{tie.name} ({slug}) and its {events}"


def _valid_name(name: str) -> str:
    from plnctl.model import check_name

    try:
        return check_name(name)
    except ValueError as exc:
        raise InvalidValueError(f"invalid name: {exc}") from None
