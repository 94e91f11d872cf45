"""What the commands do to the network: add, check in, share, change, and read back."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plnctl.errors import (
    DataDirError,
    DuplicateTieError,
    InvalidValueError,
    TieFileError,
    UnknownTieError,
)
from plnctl.store import Store

if TYPE_CHECKING:
    from plnctl.model import Event, Tie

SOURCE_WORDS = ("source", "site", "blog", "feed", "podcast", "newsletter", "forum")


def tie_kind(word: str) -> str:
    """`person`, or `source` for any of the words a user may say for one."""
    word = word.strip().lower()
    if word == "person":
        return "person"
    if word in SOURCE_WORDS:
        return "source"
    raise InvalidValueError(f"unknown kind {word!r}: use person or source")


def clean_text(value: str, what: str, *, multiline: bool = False) -> str:
    """Refuse control characters where a user cannot see them; keep the rest as typed."""
    if any(unicodedata.category(c) == "Cs" for c in value):
        # Bytes that are not UTF-8 reach us as lone surrogates, which no file can hold.
        raise InvalidValueError(f"{what} is not valid UTF-8 text")
    allowed = "\n\t\r" if multiline else "\t"
    bad = [c for c in value if unicodedata.category(c) == "Cc" and c not in allowed]
    if bad:
        raise InvalidValueError(f"{what} contains a control character ({bad[0]!r})")
    return value


def clean_labels(values: Iterable[str], what: str) -> list[str]:
    """Topics and tags: stripped, no empties, no duplicates, order kept."""
    seen: list[str] = []
    for raw in values:
        value = clean_text(raw, what).strip()
        if not value:
            raise InvalidValueError(f"an empty {what} is not allowed")
        if value not in seen:
            seen.append(value)
    return seen


def _text_or_none(value: object) -> str | None:
    """A hand-edited share log may hold anything; only text is shown."""
    return value if isinstance(value, str) else None


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


class Network:
    """The store seen as a network of ties, with `today` fixed at the edge."""

    def __init__(
        self,
        store: Store,
        today: dt.date,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.today = today
        self.on_wait = on_wait

    # -- finding ties --------------------------------------------------------

    def names(self) -> dict[str, str]:
        """slug -> name of every readable tie."""
        from plnctl.index import load_summaries

        ties, _ = load_summaries(self.store)
        return {slug: tie.name for slug, tie in ties}

    def find(self, query: str) -> str:
        """Resolve TIE; an exact slug needs no scan of the directory."""
        from plnctl.resolve import resolve
        from plnctl.slug import SLUG_RE

        text = query.strip()
        if SLUG_RE.match(text) and self.store.exists(text):
            return text
        from plnctl.index import load_summaries

        ties, problems = load_summaries(self.store)
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

    # -- changing ties -------------------------------------------------------

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
        from plnctl.model import Tie, check_name, same_name, slugify, unique_slug

        try:
            name = check_name(name)
        except ValueError as exc:
            raise InvalidValueError(f"invalid name: {exc}") from None
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
        with self.store.lock(self.on_wait):
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
        with self.store.lock(self.on_wait):
            tie = self.store.load(slug)
            change(tie)
            self.store.save(slug, tie)
        return tie

    def checkin(
        self,
        query: str,
        *,
        kind: str = "read",
        on: dt.date | None = None,
        note: str | None = None,
        link: str | None = None,
    ) -> tuple[str, Tie, Event]:
        from plnctl.dates import not_in_future
        from plnctl.model import CHECKIN_KINDS, Event

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

        return slug, self.modify(slug, add_event), event

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
        with self.store.lock(self.on_wait):
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
                kept = self._undo(written, before)
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

    def _undo(self, written: list[str], before: dict[str, bytes]) -> list[str]:
        """Put back the ties a half-done share reached, so that it is all or nothing;
        return those that could not be put back."""
        kept = []
        for slug in written:
            try:
                self.store.write_file(self.store.path_for(slug), before[slug])
            except DataDirError:
                kept.append(slug)
        return kept

    # -- reading many --------------------------------------------------------

    def shares(self, since: dt.date | None = None) -> tuple[list[ShareRecord], list[TieFileError]]:
        """Everything passed along, newest first."""
        ties, problems = self.store.load_all()
        by_id: dict[str, ShareRecord] = {}
        try:
            log = self.store.load_shares()
        except TieFileError as exc:
            problems.append(exc)
            log = []
        for entry in log:
            day = self.store.share_day(entry)
            if day is None or not entry.get("what"):
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
