"""Curating: edit a tie's file, rename, merge, archive, remove, snooze and spread."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from plnctl import subjects
from plnctl.errors import (
    DuplicateTieError,
    EditError,
    InvalidValueError,
    TieFileError,
    UnknownTieError,
)
from plnctl.network.base import NetworkBase, Problems, _valid_name

if TYPE_CHECKING:
    from plnctl.merging import Folded
    from plnctl.model import Tie
    from plnctl.review import Placement


@dataclass
class Renamed:
    old_slug: str
    slug: str
    old_name: str
    name: str
    repointed: list[str]
    skipped: Problems


@dataclass
class Merged:
    slug: str
    removed: str
    tie: Tie
    folded: Folded
    repointed: list[str] = field(default_factory=list)
    skipped: Problems = field(default_factory=list)


class Curation(NetworkBase):
    def edit(
        self,
        slug: str,
        open_editor: Callable[[Path], None],
        retry: Callable[[str], bool],
    ) -> Tie | None:
        """Edit a temporary copy of a tie's file and save it only once it is valid.

        `open_editor` edits the copy in place; `retry` is told what is wrong with
        an invalid edit and says whether to open the editor again. The tie is saved
        atomically under the lock, and only if its file did not change meanwhile.
        Returns the saved tie, or None when the edit changed nothing.
        """
        import tempfile

        original = self.store.read_bytes(slug)
        path = self.store.path_for(slug)
        workdir = Path(tempfile.mkdtemp(prefix="plnctl-edit-"))
        copy = workdir / f"{slug}.toml"
        keep_copy = False
        try:
            copy.write_bytes(original)
            while True:
                open_editor(copy)
                try:
                    edited = copy.read_bytes()
                except FileNotFoundError:
                    raise EditError(
                        f"the editor removed the copy of {slug}; nothing was saved, "
                        f"{path} is unchanged"
                    ) from None
                if edited == original:
                    return None
                try:
                    tie = self._checked_edit(slug, edited)
                    break
                except TieFileError as exc:
                    if not retry(exc.problem):
                        # Your edit is not thrown away: it stays where you made it.
                        keep_copy = True
                        raise EditError(
                            f"invalid edit of {slug}: {exc.problem}; nothing was saved, "
                            f"{path} is unchanged; your edit is kept in {copy}"
                        ) from None
            with self._locked(f"edit {slug}"):
                try:
                    now = self.store.read_bytes(slug)
                except UnknownTieError:
                    now = b""
                if now != original:
                    keep_copy = True
                    raise EditError(
                        f"{path} changed while you were editing it; nothing was saved, your "
                        f"edit is kept in {copy}"
                    )
                # Checked again under the lock: another tie may have taken the name meanwhile.
                clash = self._name_clash(slug, tie)
                if clash:
                    keep_copy = True
                    raise EditError(
                        f"{clash.problem}; nothing was saved, your edit is kept in {copy}"
                    )
                self.store.save(slug, tie)
            return tie
        finally:
            if not keep_copy:
                shutil.rmtree(workdir, ignore_errors=True)

    def _checked_edit(self, slug: str, raw: bytes) -> Tie:
        """The edited text as a tie, or a TieFileError saying what is wrong with it."""
        from plnctl.store import parse_tie

        tie = parse_tie(_edit_label(slug), raw)
        clash = self._name_clash(slug, tie)
        if clash:
            raise clash
        return tie

    def _name_clash(self, slug: str, tie: Tie) -> TieFileError | None:
        """The error to give when another tie already has the edited tie's name."""
        others, _ = self.ties()
        clash = _name_taken(others, tie.name, but=slug)
        if not clash:
            return None
        return TieFileError(
            _edit_label(slug),
            f"field 'name': {tie.name!r} is already the name of {clash[0]!r}; "
            f"`plnctl merge {slug} {clash[0]}` folds two ties together",
        )

    def rename(self, slug: str, new_name: str) -> Renamed:
        """Give a tie a new name and slug; its history moves along and `via`s follow it."""
        from plnctl.names import slugify, unique_slug

        name = _valid_name(new_name)
        with self._locked(f"rename {slug}: to {name}") as change:
            tie = self.store.load(slug)
            ties, skipped = self.ties()
            if tie.name == name:
                raise InvalidValueError(f"{slug!r} is already named {name!r}")
            clash = _name_taken(ties, name, but=slug)
            if clash:
                raise DuplicateTieError(
                    f"{clash[1].name!r} ({clash[0]}) already has that name; "
                    f"`plnctl merge {slug} {clash[0]}` folds the two together"
                )
            old_name, tie.name = tie.name, name
            new_slug = slugify(name)
            if new_slug != slug:
                new_slug = unique_slug(new_slug, (s for s in self.store.slugs() if s != slug))
            if new_slug == slug:
                self.store.save(slug, tie)
                return Renamed(slug, slug, old_name, name, [], skipped)
            change.message = subjects.renamed(slug, new_slug, name)
            if tie.via == slug:
                tie.via = new_slug
            # New file first, then the references, then the old file: a crash
            # part-way leaves a duplicate to merge, never a lost tie.
            self.store.create(new_slug, tie)
            repointed = self._repoint(ties, slug, new_slug)
            self.store.delete(slug)
        return Renamed(slug, new_slug, old_name, name, repointed, skipped)

    def merge(self, dup_slug: str, into_slug: str) -> Merged:
        """Fold a duplicate into another tie; the duplicate goes only once the merge is saved."""
        from plnctl.merging import fold_into

        if dup_slug == into_slug:
            raise InvalidValueError(
                f"cannot merge {dup_slug!r} into itself: name two different ties"
            )
        with self._locked(subjects.merged(dup_slug, into_slug)):
            dup = self.store.load(dup_slug)
            into = self.store.load(into_slug)
            folded = fold_into(into, dup, duplicate=True, slugs=(into_slug, dup_slug))
            self.store.save(into_slug, into)
            ties, skipped = self.ties()
            repointed = self._repoint(ties, dup_slug, into_slug)
            self.store.delete(dup_slug)
        return Merged(into_slug, dup_slug, into, folded, repointed, skipped)

    def _repoint(self, ties: Sequence[tuple[str, Tie]], old: str, new: str) -> list[str]:
        """Make every `via` that names `old` name `new`; returns the slugs changed."""
        changed = []
        for slug, tie in ties:
            if slug not in (old, new) and tie.via == old:
                tie.via = new
                self.store.save(slug, tie)
                changed.append(slug)
        return changed

    def set_archived(self, slug: str, archived: bool) -> bool:
        """Archive or un-archive a tie; False when it already was."""
        with self._locked(f"{'archive' if archived else 'unarchive'} {slug}"):
            tie = self.store.load(slug)
            if tie.archived == archived:
                return False
            tie.archived = archived
            self.store.save(slug, tie)
        return True

    def remove(self, slug: str) -> None:
        """Delete a tie's file, readable or not."""
        with self._locked(subjects.removed(slug)):
            self.store.delete(slug)

    def snooze(self, slug: str, until: dt.date | None) -> dt.date | None:
        """Snooze a tie until a day, or end its snooze with None; returns the previous day."""
        what = f"until {until.isoformat()}" if until else "off"
        with self._locked(f"snooze {slug}: {what}"):
            tie = self.store.load(slug)
            before = tie.snoozed_until
            tie.snoozed_until = until
            if before != until:
                self.store.save(slug, tie)
        return before

    def spread(self, over_days: int, *, dry_run: bool = False) -> tuple[list[Placement], Problems]:
        """Stagger the due ties over the coming days, deciding under the lock what to snooze."""
        from plnctl.review import plan_spread

        # A dry run only reads: it takes no lock, so it creates no data directory either.
        with nullcontext() if dry_run else self._locked(f"spread over {over_days} days"):
            ties, problems = self.ties()
            plan = plan_spread(ties, self.today, self.settings, over_days)
            if not dry_run:
                for placement in plan:
                    if placement.until is None:
                        continue
                    tie = self.store.load(placement.slug)
                    tie.snoozed_until = placement.until
                    self.store.save(placement.slug, tie)
        return plan, problems


def _edit_label(slug: str) -> Path:
    return Path(f"{slug}.toml (your edit)")


def _name_taken(ties: Sequence[tuple[str, Tie]], name: str, but: str) -> tuple[str, Tie] | None:
    """The other tie (not slug `but`) that already has `name`, if any."""
    from plnctl.names import same_name

    for slug, other in ties:
        if slug != but and same_name(other.name, name):
            return slug, other
    return None
