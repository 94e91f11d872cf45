"""Curating the network: edit a tie's file, rename, merge, archive, remove, snooze and spread."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from plnctl.errors import (
    DuplicateTieError,
    InvalidValueError,
    PlnctlError,
    TieFileError,
    UnknownTieError,
)
from plnctl.model import same_name, unique_slug
from plnctl.store import Store

if TYPE_CHECKING:
    from plnctl.model import Event, Tie
    from plnctl.settings import Settings

OnWait = Callable[[str], None] | None

# What `spread` staggers: ties in these review sections, in these neglect bands.
SPREAD_SECTIONS = ("at-risk", "due")
SPREAD_BANDS = ("due", "overdue", "lapsing")
MAX_SNOOZE_DAYS = 3650


class EditError(PlnctlError):
    """An edit could not be made or was not saved; the tie file is unchanged."""


class ConfirmationError(PlnctlError):
    """A destructive command was not confirmed."""


def _name_taken(ties: Sequence[tuple[str, Tie]], name: str, but: str) -> tuple[str, Tie] | None:
    """The other tie (not slug `but`) that already has `name`, if any."""
    for slug, other in ties:
        if slug != but and same_name(other.name, name):
            return slug, other
    return None


def _repoint(store: Store, ties: Sequence[tuple[str, Tie]], old: str, new: str) -> list[str]:
    """Make every `via` that names `old` name `new`; returns the slugs changed."""
    changed = []
    for slug, tie in ties:
        if slug not in (old, new) and tie.via == old:
            tie.via = new
            store.save(slug, tie)
            changed.append(slug)
    return changed


# -- edit ------------------------------------------------------------------


def check_edit(store: Store, slug: str, raw: bytes) -> Tie:
    """The edited text as a tie, or a TieFileError saying what is wrong with it."""
    from plnctl.store import parse_tie

    label = Path(f"{slug}.toml (your edit)")
    tie = parse_tie(label, raw)
    others, _ = store.load_all()
    clash = _name_taken(others, tie.name, but=slug)
    if clash:
        raise TieFileError(
            label,
            f"field 'name': {tie.name!r} is already the name of {clash[0]!r}; "
            f"`plnctl merge {slug} {clash[0]}` folds two ties together",
        )
    return tie


def edit_tie(
    store: Store,
    slug: str,
    open_editor: Callable[[Path], None],
    retry: Callable[[str], bool],
    on_wait: OnWait = None,
) -> Tie | None:
    """Edit a temporary copy of a tie's file and save it only once it is valid.

    `open_editor` edits the copy in place; `retry` is told what is wrong with
    an invalid edit and says whether to open the editor again. The tie is saved
    atomically under the lock, and only if its file did not change meanwhile.
    Returns the saved tie, or None when the edit changed nothing.
    """
    original = store.read_bytes(slug)
    path = store.path_for(slug)
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
                    f"the editor removed the copy of {slug}; nothing was saved, {path} is unchanged"
                ) from None
            if edited == original:
                return None
            try:
                tie = check_edit(store, slug, edited)
                break
            except TieFileError as exc:
                if not retry(exc.problem):
                    raise EditError(
                        f"invalid edit of {slug}: {exc.problem}; nothing was saved, "
                        f"{path} is unchanged"
                    ) from None
        with store.lock(on_wait):
            try:
                now = store.read_bytes(slug)
            except UnknownTieError:
                now = b""
            if now != original:
                keep_copy = True
                raise EditError(
                    f"{path} changed while you were editing it; nothing was saved, your "
                    f"edit is kept in {copy}"
                )
            store.save(slug, tie)
        return tie
    finally:
        if not keep_copy:
            shutil.rmtree(workdir, ignore_errors=True)


# -- rename ----------------------------------------------------------------


@dataclass
class Renamed:
    old_slug: str
    slug: str
    old_name: str
    name: str
    repointed: list[str]
    skipped: list[TieFileError]


def rename(store: Store, slug: str, new_name: str, on_wait: OnWait = None) -> Renamed:
    """Give a tie a new name and slug; its history moves along and `via`s follow it."""
    from plnctl.model import check_name, slugify

    try:
        name = check_name(new_name)
    except ValueError as exc:
        raise InvalidValueError(f"invalid name: {exc}") from None
    with store.lock(on_wait):
        tie = store.load(slug)
        ties, skipped = store.load_all()
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
            new_slug = unique_slug(new_slug, (s for s in store.slugs() if s != slug))
        if new_slug == slug:
            store.save(slug, tie)
            return Renamed(slug, slug, old_name, name, [], skipped)
        if tie.via == slug:
            tie.via = new_slug
        # New file first, then the references, then the old file: a crash
        # part-way leaves a duplicate to merge, never a lost tie.
        store.create(new_slug, tie)
        repointed = _repoint(store, ties, slug, new_slug)
        store.delete(slug)
    return Renamed(slug, new_slug, old_name, name, repointed, skipped)


# -- merge -----------------------------------------------------------------


@dataclass
class Merged:
    slug: str
    removed: str
    tie: Tie
    events_added: int
    events_shared: int
    topics_added: list[str] = field(default_factory=list)
    tags_added: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    repointed: list[str] = field(default_factory=list)
    skipped: list[TieFileError] = field(default_factory=list)


def _union(first: list[str], second: list[str]) -> tuple[list[str], list[str]]:
    result = list(first)
    added = []
    for value in second:
        if value.casefold() not in (v.casefold() for v in result):
            result.append(value)
            added.append(value)
    return result, added


def merge_ties(dup: Tie, into: Tie, dup_slug: str, into_slug: str) -> Merged:
    """`into` with `dup` folded in: events by id, topics and tags unioned, gaps filled.

    INTO's own values win; empty ones are filled from the duplicate, notes are
    joined, and the earlier `added` date is kept. Archive and snooze state stay
    INTO's. Pure: neither tie is written.
    """
    merged = into.model_copy(deep=True)
    from plnctl.model import new_event_id

    into_ids = {e.id for e in merged.events}
    dup_seen: dict[str, Event] = {}
    extra: list[Event] = []
    for event in dup.events:
        if event.id in into_ids:
            continue
        copy = event.model_copy(deep=True)
        earlier = dup_seen.setdefault(event.id, event)
        if earlier is not event:
            if earlier == event:
                continue  # the same event twice in the duplicate's file
            # One id on two different events (a sync conflict or a hand edit):
            # keep both, the second under a new id.
            copy.id = new_event_id()
        extra.append(copy)
    # Stable sort: a day's events keep their order, INTO's first.
    merged.events = sorted([*merged.events, *extra], key=lambda e: e.date)
    merged.topics, topics_added = _union(into.topics, dup.topics)
    merged.tags, tags_added = _union(into.tags, dup.tags)
    filled = []
    for name in ("url", "site_url", "every", "pin"):
        if getattr(merged, name) is None and getattr(dup, name) is not None:
            setattr(merged, name, getattr(dup, name))
            filled.append(name)
    if merged.via in (dup_slug, into_slug):
        merged.via = None
    if merged.via is None and dup.via not in (None, dup_slug, into_slug):
        merged.via = dup.via
        filled.append("via")
    if dup.note and dup.note != into.note:
        if into.note and dup.note in into.note:
            pass
        elif into.note and into.note in dup.note:
            merged.note = dup.note
            filled.append("note")
        else:
            merged.note = f"{into.note}\n\n{dup.note}" if into.note else dup.note
            filled.append("note")
    if dup.added and (into.added is None or dup.added < into.added):
        merged.added = dup.added
        filled.append("added")
    extras = dict(merged.model_extra or {})
    for key, value in (dup.model_extra or {}).items():
        if key not in extras:
            setattr(merged, key, value)
            filled.append(key)
    return Merged(
        slug=into_slug,
        removed=dup_slug,
        tie=merged,
        events_added=len(extra),
        events_shared=len(dup.events) - len(extra),
        topics_added=topics_added,
        tags_added=tags_added,
        filled=filled,
    )


def merge(store: Store, dup_slug: str, into_slug: str, on_wait: OnWait = None) -> Merged:
    """Fold tie `dup_slug` into `into_slug`; the duplicate goes only after the merge is saved."""
    if dup_slug == into_slug:
        raise InvalidValueError(f"cannot merge {dup_slug!r} into itself: name two different ties")
    with store.lock(on_wait):
        dup = store.load(dup_slug)
        into = store.load(into_slug)
        result = merge_ties(dup, into, dup_slug, into_slug)
        store.save(into_slug, result.tie)
        ties, result.skipped = store.load_all()
        result.repointed = _repoint(store, ties, dup_slug, into_slug)
        store.delete(dup_slug)
    return result


# -- archive, remove, snooze -----------------------------------------------


def set_archived(store: Store, slug: str, archived: bool, on_wait: OnWait = None) -> bool:
    """Archive or un-archive a tie; False when it already was."""
    with store.lock(on_wait):
        tie = store.load(slug)
        if tie.archived == archived:
            return False
        tie.archived = archived
        store.save(slug, tie)
    return True


def describe(store: Store, slug: str) -> str:
    """What a tie holds, in a few words, for a confirmation prompt."""
    try:
        tie = store.load(slug)
    except TieFileError:
        return f"{slug} (an unreadable file)"
    events = "1 event" if len(tie.events) == 1 else f"{len(tie.events)} events"
    return f"{tie.name} ({slug}) and its {events}"


def remove(store: Store, slug: str, on_wait: OnWait = None) -> None:
    """Delete a tie's file, readable or not."""
    with store.lock(on_wait):
        store.delete(slug)


def snooze_date(
    today: dt.date, *, until: str | None = None, for_days: int | None = None
) -> dt.date:
    """The day a snooze ends, from --until DATE or --for DAYS; it must be after today."""
    if until is not None:
        text = until.strip().lower()
        if text == "tomorrow":
            day = today + dt.timedelta(days=1)
        else:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise InvalidValueError(
                    f"invalid --until {until!r}: use YYYY-MM-DD or tomorrow"
                ) from None
    elif for_days is not None:
        if not 1 <= for_days <= MAX_SNOOZE_DAYS:
            raise InvalidValueError(f"--for must be between 1 and {MAX_SNOOZE_DAYS} days")
        day = today + dt.timedelta(days=for_days)
    else:
        raise InvalidValueError("say how long: --until DATE, --for DAYS, or --off")
    if day <= today:
        raise InvalidValueError(
            f"--until {day.isoformat()} is not after today ({today.isoformat()}): "
            "a snooze must end in the future"
        )
    if (day - today).days > MAX_SNOOZE_DAYS:
        raise InvalidValueError(
            f"a snooze can last at most {MAX_SNOOZE_DAYS} days; to drop a tie for good, "
            "`plnctl archive` it"
        )
    return day


def set_snooze(
    store: Store, slug: str, until: dt.date | None, on_wait: OnWait = None
) -> dt.date | None:
    """Snooze a tie until a day, or end its snooze with None; returns the previous day."""
    with store.lock(on_wait):
        tie = store.load(slug)
        before = tie.snoozed_until
        tie.snoozed_until = until
        if before != until:
            store.save(slug, tie)
    return before


# -- spread ----------------------------------------------------------------


@dataclass
class Placement:
    """One tie `spread` moves: snoozed until `until`, or left due today when None."""

    slug: str
    name: str
    band: str
    overdue_ratio: float
    until: dt.date | None


def plan_spread(
    ties: Iterable[tuple[str, Tie]], today: dt.date, settings: Settings, over_days: int
) -> list[Placement]:
    """Stagger the due ties over `over_days`: the most overdue stays due today.

    Every tie the review shows as due, overdue or lapsing (so not archived,
    snoozed or dormant) gets a day spread evenly across the window, most
    overdue first; each is snoozed until its day, so the review brings back a
    few at a time.
    """
    from plnctl.review import build_review

    if over_days < 1:
        raise InvalidValueError("--over must be at least 1 day")
    due = []
    for item in build_review(ties, today, settings).items:
        d = item.view.derived
        if item.section in SPREAD_SECTIONS and d.band in SPREAD_BANDS and d.overdue_ratio:
            due.append((item.view.slug, item.view.name, d.band, d.overdue_ratio))
    due.sort(key=lambda item: (-item[3], item[0]))
    count = len(due)
    plan = []
    for i, (slug, name, band, ratio) in enumerate(due):
        offset = i * over_days // count
        until = today + dt.timedelta(days=offset) if offset else None
        plan.append(Placement(slug, name, band, ratio, until))
    return plan


def apply_spread(store: Store, plan: Sequence[Placement], on_wait: OnWait = None) -> None:
    """Snooze each placed tie until its day; a tie left due today is not touched."""
    with store.lock(on_wait):
        for placement in plan:
            if placement.until is None:
                continue
            tie = store.load(placement.slug)
            tie.snoozed_until = placement.until
            store.save(placement.slug, tie)
