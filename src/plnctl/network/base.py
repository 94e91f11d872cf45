"""The network's base: a data directory on one day, its lock, its settings, and finding ties."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from plnctl.errors import AmbiguousTieError, InvalidValueError, TieFileError, UnknownTieError
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

    def words(self) -> str:
        """`'a post' with ann-lee, crediting ben-stone`, or `'a post' publicly`."""
        to = f"with {', '.join(self.with_)}" if self.with_ else "publicly"
        credit = f", crediting {self.from_}" if self.from_ else ""
        return f"{self.what!r} {to}{credit}"


@dataclass
class Change:
    """What a write under the lock did, in a few words: its commit's message.

    Say it when taking the lock (`checkin ann-lee: converse on 2025-06-30`), or
    set `message` once the outcome is known.
    """

    message: str


class NetworkBase:
    """The data directory as a network of ties, with `today` fixed at the edge."""

    def __init__(
        self,
        store: Store,
        today: dt.date,
        on_wait: OnWait | None = None,
        on_progress: Progress | None = None,
        on_warn: OnWait | None = None,
    ) -> None:
        self.store = store
        self.today = today
        self.on_wait = on_wait
        # Told how far long work (reading thousands of files, an import) has got.
        self.on_progress = on_progress
        self.on_warn = on_warn
        self._warned: set[str] = set()

    def _warn_once(self, message: str) -> None:
        if self.on_warn is not None and message not in self._warned:
            self._warned.add(message)
            self.on_warn(message)

    @contextmanager
    def _locked(self, message: str) -> Iterator[Change]:
        """Hold the write lock; when the data directory is kept in git, commit exactly
        the files the store wrote or deleted meanwhile, before letting go of it.

        A write that fails part-way commits nothing: what it left is there for
        `plnctl sync` to commit as a hand edit, never under a message that is untrue.
        """
        change = Change(message)
        with self.store.lock(self.on_wait), self.store.recording() as written:
            yield change
            if written:
                self._commit(written, change.message)

    def _commit(self, written: list[Path], message: str) -> None:
        if not (self.store.root / ".git").exists():
            return  # not kept in git: a plain check-in pays for nothing more
        from plnctl.errors import SyncError
        from plnctl.gitrepo import GitRepo

        repo = GitRepo(self.store.root)
        try:
            if not self.settings.autocommit:
                return
        except TieFileError:
            pass  # settings that cannot be read do not turn the history off
        try:
            why = repo.blocked()
            if why is None:
                repo.commit_paths([path.name for path in written], message)
                return
        except SyncError as exc:
            why = exc.message
        if self.on_warn:
            self.on_warn(f"the change is saved but not committed: {why}")

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
            return load_summaries(self.store, progress=self.on_progress, warn=self._warn_once)
        return load_summaries(
            self.store, as_of, self.settings, progress=self.on_progress, warn=self._warn_once
        )

    def names(self) -> dict[str, str]:
        """slug -> name of every readable tie (from the index's names when they match)."""
        from plnctl.index.loader import load_heads

        heads = load_heads(self.store)
        if heads is not None:
            return {slug: head.name for slug, head in heads.items()}
        ties, _ = self.summaries()
        return {slug: tie.name for slug, tie in ties}

    def find(self, query: str) -> str:
        """Resolve TIE; an exact slug needs no index, only a look at the directory's names
        for a numbered namesake (`C++` is `c`, then `C` is `c-2`: then the plain slug may
        name two ties, and the names decide).

        A slug found by its name in the index is confirmed in its file: the index
        is a cache, never an authority over which file a command writes.
        """
        from plnctl.resolve import resolve
        from plnctl.slug import is_slug

        text = query.strip()
        own_file = is_slug(text) and self.store.exists(text)
        if own_file and not self.store.numbered(text):
            return text
        from plnctl.index.loader import load_heads

        heads = load_heads(self.store)  # None when some file needs reading, or is no tie
        if heads is not None:
            names = {slug: head.name for slug, head in heads.items()}
            return self._confirmed(text, resolve(text, names))
        ties, problems = self.summaries()
        names = {slug: tie.name for slug, tie in ties}
        if own_file and text not in names:
            # The typed slug's own file cannot be read: never another tie in its place;
            # the command that reads it says what is wrong with it.
            return text
        try:
            found = resolve(text, names)
            if problems and found != text and names[found].casefold() != text.casefold():
                self._no_unreadable_match(text, found, names[found], problems)
            return self._confirmed(text, found)
        except UnknownTieError as exc:
            if not self.store.root.exists():
                raise UnknownTieError(
                    f"no tie matches {text!r}: {self.store.root} does not exist (check "
                    "--data-dir and PLNCTL_DATA_DIR)"
                ) from None
            if not problems:
                raise
            # The tie may be in a file that cannot be read: say so rather than "no such tie".
            files = "file" if len(problems) == 1 else "files"
            raise UnknownTieError(
                f"{exc.message}; {len(problems)} {files} could not be read "
                f"({', '.join(p.path.name for p in problems[:3])}"
                f"{', ...' if len(problems) > 3 else ''}): `plnctl doctor` says why"
            ) from None

    @staticmethod
    def _no_unreadable_match(
        text: str, found: str, name: str, problems: Sequence[TieFileError]
    ) -> None:
        """A prefix that one readable tie and an unreadable file both start with names
        neither for sure: say so, rather than act on the one that could be read."""
        from plnctl.names import slugify

        start = slugify(text)
        unreadable = sorted(
            p.path.name for p in problems if p.path.name.removesuffix(".toml").startswith(start)
        )
        if unreadable:
            raise AmbiguousTieError(
                f"{text!r} matches {found} ({name}) and {', '.join(unreadable)}, which cannot be "
                "read (`plnctl doctor` says why): type the whole slug or name"
            )

    def _confirmed(self, text: str, slug: str) -> str:
        """`slug` if its file holds a tie that `text` names; otherwise the index
        said what the files do not: it is dropped, and the files themselves asked."""
        from plnctl.index import forget, index_path
        from plnctl.resolve import names_tie, resolve

        try:
            name = self.store.name_in(slug)
        except TieFileError:
            return slug  # the command that reads it says what is wrong with it
        except UnknownTieError:
            name = None
        if isinstance(name, str) and names_tie(text, slug, name):
            return slug
        forget(index_path(self.store.root), self._warn_once)
        ties, _ = self.ties()
        return resolve(text, {other: tie.name for other, tie in ties})

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
    from plnctl.names import check_name

    try:
        return check_name(name)
    except ValueError as exc:
        raise InvalidValueError(f"invalid name: {exc}") from None
