"""The one way into the core: every command reads and changes the network through `Network`.

A `Network` is a data directory seen on one day. Reads of many ties go
through the derived index; each write takes the directory's lock, reads what
it changes under it, decides, and writes atomically, so no update is lost
and no decision rests on a file that changed meanwhile.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plnctl.errors import (
    DataDirError,
    DuplicateTieError,
    EditError,
    InvalidValueError,
    TieFileError,
    UnknownTieError,
)
from plnctl.store import Store

if TYPE_CHECKING:
    from plnctl.changes import Changes
    from plnctl.checkup import Checkup
    from plnctl.formats import Parsed
    from plnctl.importer import Report
    from plnctl.index import TieSummary
    from plnctl.merging import Folded
    from plnctl.model import Event, Tie
    from plnctl.review import Placement, Review, TieData, TieView
    from plnctl.settings import Settings

OnWait = Callable[[str], None]
Problems = list[TieFileError]


def looks_like_url(text: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$", text.strip()))


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


@dataclass
class Exported:
    """Ties written out in a format, and what was left out and why."""

    text: str
    count: int
    notes: list[str] = field(default_factory=list)
    problems: Problems = field(default_factory=list)


class Network:
    """The data directory as a network of ties, with `today` fixed at the edge."""

    def __init__(self, store: Store, today: dt.date, on_wait: OnWait | None = None) -> None:
        self.store = store
        self.today = today
        self.on_wait = on_wait

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
            return load_summaries(self.store)
        return load_summaries(self.store, as_of, self.settings)

    def names(self) -> dict[str, str]:
        """slug -> name of every readable tie."""
        ties, _ = self.summaries()
        return {slug: tie.name for slug, tie in ties}

    def find(self, query: str) -> str:
        """Resolve TIE; an exact slug needs no scan of the directory."""
        from plnctl.resolve import resolve
        from plnctl.slug import SLUG_RE

        text = query.strip()
        if SLUG_RE.match(text) and self.store.exists(text):
            return text
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

    # -- reading many --------------------------------------------------------

    def view(self, slug: str, as_of: dt.date) -> TieView:
        """One whole tie with everything derived from it as of `as_of`."""
        from plnctl.review import tie_view

        return tie_view(slug, self.tie(slug), as_of, self.settings)

    def review(
        self, as_of: dt.date, *, show_all: bool = False, use_index: bool = True
    ) -> tuple[Review, int, Problems]:
        """The review as of a day, how many ties it looked at, and the unreadable files.

        Without `use_index` the files are read directly and no index is written
        (the demo's throwaway network needs none).
        """
        from plnctl.review import build_review

        ties: Sequence[tuple[str, TieData]]
        ties, problems = self.summaries(as_of) if use_index else self.ties()
        public = self.public_share_dates(problems)
        result = build_review(ties, as_of, self.settings, show_all=show_all, public_shares=public)
        return result, len(ties), problems

    def views(
        self,
        as_of: dt.date,
        *,
        archived: bool = False,
        kind: str | None = None,
        status: str | None = None,
        topic: str | None = None,
        tag: str | None = None,
    ) -> tuple[list[TieView], int, Problems]:
        """The ties `list` shows, how many there are in all, and the unreadable files."""
        from plnctl.kinds import tie_kind
        from plnctl.review import filter_views, tie_view

        ties, problems = self.summaries(as_of)
        views = [
            tie_view(slug, t, as_of, self.settings)
            for slug, t in ties
            if archived or not t.archived
        ]
        shown = filter_views(
            views,
            kind=tie_kind(kind) if kind else None,
            status=status,
            topic=topic,
            tag=tag,
        )
        return shown, len(ties), problems

    def public_share_dates(self, problems: Problems) -> list[dt.date]:
        """The dates of the shares posted publicly; an unreadable log joins `problems`."""
        from plnctl.store import share_day

        try:
            log = self.store.load_shares()
        except TieFileError as exc:
            problems.append(exc)
            return []
        days = [share_day(entry) for entry in log]
        return [day for day in days if day is not None]

    def shares(self, since: dt.date | None = None) -> tuple[list[ShareRecord], Problems]:
        """Everything passed along, newest first."""
        from plnctl.store import share_day, share_problems

        ties, problems = self.ties()
        by_id: dict[str, ShareRecord] = {}
        try:
            log = self.store.load_shares()
        except TieFileError as exc:
            problems.append(exc)
            log = []
        for entry in log:
            day = share_day(entry)
            if day is None or share_problems(entry):
                continue
            share_id = str(entry.get("id", ""))
            by_id[share_id or f"log-{len(by_id)}"] = ShareRecord(
                id=share_id,
                date=day,
                what=str(entry["what"]),
                link=_text_or_none(entry.get("link")),
                note=_text_or_none(entry.get("note")),
            )
        for slug, tie in ties:
            for event in tie.events:
                if event.kind != "share":
                    continue
                record = by_id.get(event.id)
                if record is None:
                    record = ShareRecord(
                        id=event.id,
                        date=event.date,
                        what=event.what or event.link or event.note or "(untitled)",
                        link=event.link,
                        note=event.note if event.what else None,
                    )
                    by_id[event.id] = record
                if event.role == "from":
                    record.from_ = slug
                elif slug not in record.with_:
                    record.with_.append(slug)
        records = [r for r in by_id.values() if since is None or r.date >= since]
        records.sort(key=lambda r: (r.date, r.id), reverse=True)
        return records, problems

    def checkup(self) -> Checkup:
        """Every file of the data directory checked; nothing is changed."""
        from plnctl.checkup import check

        return check(self.store.root)

    # -- tracking ------------------------------------------------------------

    def add(
        self,
        name: str,
        *,
        kind: str = "person",
        url: str | None = None,
        topics: Sequence[str] = (),
        tags: Sequence[str] = (),
        via: str | None = None,
        every: int | None = None,
        note: str | None = None,
    ) -> str:
        """Create a tie and return its slug; a second tie of the same name is refused."""
        from plnctl.kinds import tie_kind
        from plnctl.model import Tie, same_name, slugify, unique_slug
        from plnctl.text import clean_labels, clean_text

        name = _valid_name(name)
        via_slug = self.find(via) if via else None
        tie = Tie(
            name=name,
            kind=tie_kind(kind),
            url=clean_text(url, "url").strip() or None if url else None,
            topics=clean_labels(topics, "topic"),
            tags=clean_labels(tags, "tag"),
            via=via_slug,
            every=every,
            note=clean_text(note, "note", multiline=True) if note else None,
            added=self.today,
        )
        with self._locked():
            for slug, other in self.names().items():
                if same_name(other, name):
                    raise DuplicateTieError(
                        f"{other!r} is already in your network as {slug!r}; "
                        f"use `plnctl checkin {slug}` or `plnctl set {slug}`"
                    )
            slug = unique_slug(slugify(name), self.store.slugs())
            self.store.create(slug, tie)
        return slug

    def modify(self, slug: str, change: Callable[[Tie], None]) -> Tie:
        """Read, change and write one tie under the lock, so no update is lost."""
        with self._locked():
            tie = self.store.load(slug)
            change(tie)
            self.store.save(slug, tie)
        return tie

    def change(self, slug: str, changes: Changes) -> Tie:
        """`plnctl set`: apply field changes, all or none."""
        from plnctl.changes import apply_changes

        return self.modify(slug, lambda tie: apply_changes(tie, changes))

    def checkin(
        self,
        query: str,
        *,
        kind: str = "read",
        on: dt.date | None = None,
        note: str | None = None,
        link: str | None = None,
    ) -> tuple[TieView, Event]:
        """Log an event with a tie; returns the tie as it now stands, and the event."""
        from plnctl.dates import not_in_future
        from plnctl.kinds import CHECKIN_KINDS
        from plnctl.model import Event
        from plnctl.review import tie_view
        from plnctl.text import clean_text

        if kind not in CHECKIN_KINDS:
            raise InvalidValueError(
                f"unknown check-in kind {kind!r}: use one of {', '.join(CHECKIN_KINDS)}"
            )
        day = not_in_future(on or self.today, self.today, what="the check-in")
        event = Event(
            date=day,
            kind=kind,
            note=clean_text(note, "note", multiline=True) if note else None,
            link=clean_text(link, "link").strip() or None if link else None,
        )
        slug = self.find(query)

        def add_event(tie: Tie) -> None:
            tie.events.append(event)
            tie.snoozed_until = None  # any new event ends a snooze

        saved = self.modify(slug, add_event)
        return tie_view(slug, saved, self.today, self.settings), event

    def share(
        self,
        what: str,
        *,
        with_: Sequence[str] = (),
        from_: str | None = None,
        on: dt.date | None = None,
        note: str | None = None,
    ) -> ShareRecord:
        """Log something passed along: a `share` event for each tie it went to or credits."""
        from plnctl.dates import not_in_future
        from plnctl.model import Event, new_event_id
        from plnctl.text import clean_text

        what = clean_text(what, "what was shared").strip()
        if not what:
            raise InvalidValueError("say what you shared: a link or a title")
        day = not_in_future(on or self.today, self.today, what="the share")
        note = clean_text(note, "note", multiline=True) if note else None
        link = what if looks_like_url(what) else None
        recipients: list[str] = []
        for query in with_:
            slug = self.find(query)
            if slug not in recipients:
                recipients.append(slug)
        credited = self.find(from_) if from_ else None
        if credited and credited in recipients:
            raise InvalidValueError(
                f"{credited!r} is both --with and --from; a share goes to a tie or credits it"
            )
        record = ShareRecord(
            id=new_event_id(),
            date=day,
            what=what,
            link=link,
            note=note,
            with_=recipients,
            from_=credited,
        )
        targets = [(slug, "with") for slug in recipients]
        if credited:
            targets.append((credited, "from"))
        with self._locked():
            loaded = [(slug, role, self.store.load(slug)) for slug, role in targets]
            before = {slug: self.store.read_bytes(slug) for slug, _ in targets}
            written: list[str] = []
            try:
                for slug, role, tie in loaded:
                    tie.events.append(
                        Event(
                            id=record.id,
                            date=day,
                            kind="share",
                            what=what,
                            link=link,
                            note=note,
                            role=role,
                        )
                    )
                    tie.snoozed_until = None
                    self.store.save(slug, tie)
                    written.append(slug)
            except DataDirError as exc:
                kept = self._put_back(written, before)
                if kept:
                    message = exc.message.removesuffix("; nothing was changed")
                    raise DataDirError(
                        f"{message}; the share is already logged with {', '.join(kept)}"
                    ) from None
                raise
            if not targets:
                log = self.store.load_shares()
                entry: dict[str, Any] = {"id": record.id, "date": day, "what": what}
                if link:
                    entry["link"] = link
                if note:
                    entry["note"] = note
                log.append(entry)
                self.store.save_shares(log)
        return record

    def _put_back(self, written: list[str], before: dict[str, bytes]) -> list[str]:
        """Put back the ties a half-done share reached, so that it is all or nothing;
        return those that could not be put back."""
        kept = []
        for slug in written:
            try:
                self.store.write_file(self.store.path_for(slug), before[slug])
            except DataDirError:
                kept.append(slug)
        return kept

    # -- curating ------------------------------------------------------------

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
                        raise EditError(
                            f"invalid edit of {slug}: {exc.problem}; nothing was saved, "
                            f"{path} is unchanged"
                        ) from None
            with self._locked():
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
                self.store.save(slug, tie)
            return tie
        finally:
            if not keep_copy:
                shutil.rmtree(workdir, ignore_errors=True)

    def _checked_edit(self, slug: str, raw: bytes) -> Tie:
        """The edited text as a tie, or a TieFileError saying what is wrong with it."""
        from plnctl.store import parse_tie

        label = Path(f"{slug}.toml (your edit)")
        tie = parse_tie(label, raw)
        others, _ = self.ties()
        clash = _name_taken(others, tie.name, but=slug)
        if clash:
            raise TieFileError(
                label,
                f"field 'name': {tie.name!r} is already the name of {clash[0]!r}; "
                f"`plnctl merge {slug} {clash[0]}` folds two ties together",
            )
        return tie

    def rename(self, slug: str, new_name: str) -> Renamed:
        """Give a tie a new name and slug; its history moves along and `via`s follow it."""
        from plnctl.model import slugify, unique_slug

        name = _valid_name(new_name)
        with self._locked():
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
        with self._locked():
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
        with self._locked():
            tie = self.store.load(slug)
            if tie.archived == archived:
                return False
            tie.archived = archived
            self.store.save(slug, tie)
        return True

    def remove(self, slug: str) -> None:
        """Delete a tie's file, readable or not."""
        with self._locked():
            self.store.delete(slug)

    def snooze(self, slug: str, until: dt.date | None) -> dt.date | None:
        """Snooze a tie until a day, or end its snooze with None; returns the previous day."""
        with self._locked():
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
        with nullcontext() if dry_run else self._locked():
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

    # -- moving ties in and out ------------------------------------------------

    def import_parsed(self, parsed: Parsed, *, dry_run: bool = False) -> Report:
        """Plan an import under the lock and, unless a dry run, write it."""
        from plnctl.importer import Planner, Report, union_shares

        report = Report(unusable=list(parsed.skipped), warnings=list(parsed.warnings))
        report.dry_run = dry_run
        with nullcontext() if dry_run else self._locked():
            existing, problems = self.ties()
            report.warnings.extend(f"skipped unreadable {p.path}: {p.problem}" for p in problems)
            planner = Planner(existing, self.today, taken=self.store.slugs())
            placed = [(planner.take(record), record) for record in parsed.records]
            names = {slug: tie.name for slug, tie in planner.ties.items()}
            for slug, record in placed:
                planner.link_via(slug, record, names, report.warnings)
            report.outcomes = list(planner.outcomes.values())
            shares: list[dict[str, Any]] | None = None
            if parsed.shares:
                shares, report.shares_added = union_shares(self.store.load_shares(), parsed.shares)
            settings_doc: dict[str, Any] | None = None
            if parsed.settings is not None:
                mine = self.store.settings_doc()
                if mine is None:
                    report.settings = "added"
                    settings_doc = parsed.settings
                else:
                    report.settings = "same" if mine[0] == parsed.settings else "kept"
            if dry_run:
                return report
            for slug, tie, is_new in planner.writes():
                if is_new:
                    self.store.create(slug, tie)
                else:
                    self.store.save(slug, tie)
            if shares is not None and report.shares_added:
                self.store.save_shares(shares)
            if settings_doc is not None:
                self.store.save_settings(settings_doc)
        return report

    def export(self, fmt: str, *, kind: str | None = None, archived: bool = False) -> Exported:
        """The network as a file of format `fmt` (opml, vcard, csv, or the json backup)."""
        from plnctl.formats import backup, csvfile, opml, vcard
        from plnctl.kinds import tie_kind

        ties, problems = self.ties()
        if fmt == "json":
            if kind is not None or archived:
                raise InvalidValueError(
                    "a JSON backup holds every tie; --kind and --archived do not apply to it"
                )
            _require_complete(problems)
            settings = self.store.settings_doc()
            text = backup.dump(
                sorted(ties, key=lambda pair: pair[0]),
                settings=None if settings is None else settings[0],
                shares=self.store.load_shares(),
                today=self.today,
            )
            return Exported(text, len(ties))
        default_kind = {"opml": "source", "vcard": "person"}.get(fmt)
        wanted = tie_kind(kind) if kind else default_kind
        chosen = [
            (slug, tie)
            for slug, tie in sorted(ties, key=lambda pair: pair[0])
            if (wanted is None or tie.kind == wanted) and (archived or not tie.archived)
        ]
        done = Exported("", len(chosen), problems=problems)
        if fmt == "opml":
            left_out = sum(1 for _, t in chosen if not t.url)
            if left_out:
                done.notes.append(
                    f"left out {left_out} tie(s) with no URL: OPML lists feeds by URL"
                )
                done.count -= left_out
            done.text = opml.dump(
                [t for _, t in chosen], title="plnctl: my sources", today=self.today
            )
        elif fmt == "vcard":
            done.text = vcard.dump(chosen)
        else:
            done.text = csvfile.dump(chosen, {slug: t.name for slug, t in ties})
        return done

    def build_sample(self) -> None:
        """Write `plnctl demo`'s sample network into an empty data directory."""
        from plnctl.sample import build

        if self.store.slugs():
            raise InvalidValueError(
                f"{self.store.root} already holds ties; the demo needs an empty directory"
            )
        with self._locked():
            build(self.store, self.today)


def _valid_name(name: str) -> str:
    from plnctl.model import check_name

    try:
        return check_name(name)
    except ValueError as exc:
        raise InvalidValueError(f"invalid name: {exc}") from None


def _name_taken(ties: Sequence[tuple[str, Tie]], name: str, but: str) -> tuple[str, Tie] | None:
    """The other tie (not slug `but`) that already has `name`, if any."""
    from plnctl.model import same_name

    for slug, other in ties:
        if slug != but and same_name(other.name, name):
            return slug, other
    return None


def _require_complete(problems: Problems) -> None:
    """A backup that silently left a file out would not be a backup."""
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidValueError(
            f"cannot back up: {first.path} is unreadable ({first.problem}){more}; "
            "fix it first, or copy the data directory as it is"
        )


def _text_or_none(value: object) -> str | None:
    """A hand-edited share log may hold anything; only text is shown."""
    return value if isinstance(value, str) else None
