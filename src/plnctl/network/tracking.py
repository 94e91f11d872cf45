"""Tracking: add a tie, check in, share, and change a tie's fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from plnctl.errors import DataDirError, DuplicateTieError, InvalidValueError
from plnctl.network.base import NetworkBase, ShareRecord, _valid_name

if TYPE_CHECKING:
    from plnctl.changes import Changes
    from plnctl.model import Tie
    from plnctl.review import TieData, TieView
    from plnctl.tiefile import NewEvent


def looks_like_url(text: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$", text.strip()))


class Tracking(NetworkBase):
    def add(
        self,
        name: str,
        *,
        kind: str = "person",
        url: str | None = None,
        topics: Sequence[str] = (),
        tags: Sequence[str] = (),
        learning: Sequence[str] = (),
        via: str | None = None,
        every: int | None = None,
        note: str | None = None,
    ) -> str:
        """Create a tie and return its slug; a second tie of the same name is refused."""
        from plnctl.kinds import medium_of, tie_kind
        from plnctl.names import name_key, slugify
        from plnctl.schema import MAX_EVERY
        from plnctl.text import clean_labels, clean_text

        name = _valid_name(name)
        word, kind = kind, tie_kind(kind)
        if learning and kind != "person":
            raise InvalidValueError(
                "only a person has a `learning` list (what they want to learn); "
                "a source's topics are what you learn there"
            )
        if every is not None and not 1 <= every <= MAX_EVERY:
            raise InvalidValueError(f"--every must be from 1 to {MAX_EVERY} days")
        # Every field checked here, so the file is written without building the model
        # (tiefile.new_tie; tests/test_tiefile.py holds it to what the model writes).
        fields = {
            "name": name,
            "kind": kind,
            "medium": medium_of(word),
            "url": clean_text(url, "url").strip() or None if url else None,
            "topics": clean_labels(topics, "topic"),
            "tags": clean_labels(tags, "tag"),
            "learning": clean_labels(learning, "learning topic"),
            "every": every,
            "note": clean_text(note, "note", multiline=True) if note else None,
            "added": self.today,
        }
        key = name_key(name)  # same_name's rule, the new name's key worked out once
        with self._locked(f"add {name}") as change:
            # Under the lock: the tie `via` names may have gone while we waited for it.
            fields["via"] = self.find(via) if via else None
            names = self.names()
            for slug, other in names.items():
                if name_key(other) == key:
                    raise DuplicateTieError(
                        f"{other!r} is already in your network as {slug!r}; "
                        f"use `plnctl checkin {slug}` or `plnctl set {slug}`"
                    )
            base = slugify(name)
            if base not in names and self.store.exists(base):
                # Most likely this very tie, in a file broken since: fix it, never double it.
                raise DuplicateTieError(
                    f"{base}.toml cannot be read, and may hold {name!r} already: fix it first "
                    f"(`plnctl doctor` says what is wrong, `plnctl edit {base}` opens it)"
                )
            slug = self.store.free_slug(base)
            change.message = f"add {slug}: {name}"
            self.store.create(slug, fields)
        return slug

    def change(self, slug: str, changes: Changes) -> tuple[str, bool]:
        """`plnctl set`: apply field changes, all or none; the tie's name, and whether the
        file changed (a change to the value a field already has is none)."""
        from plnctl.changes import apply_changes
        from plnctl.store import dump_tie, parse_tie
        from plnctl.tiefile import Fields, rewritten, vouched

        path = self.store.path_for(slug)
        with self._locked(f"set {slug}: {', '.join(changes.fields())}"):
            raw = self.store.read_bytes(slug)
            # Clearing conflict records reaches past the fields: only the model does it.
            record = None if changes.clear_conflicts else vouched(self.store, slug, raw)
            if record is not None:
                data = rewritten(
                    raw,
                    record,
                    change=lambda fields: apply_changes(cast("Tie", Fields(fields)), changes),
                )
                if data is not None:
                    if data != raw:
                        self.store.write_file(path, data)
                    return record.name, data != raw  # `set` never changes the name
            tie = parse_tie(path, raw)
            apply_changes(tie, changes)
            data = dump_tie(tie)
            if data != raw:
                self.store.write_file(path, data)
        return tie.name, data != raw

    def _with_event(self, slug: str, raw: bytes, event: NewEvent) -> tuple[bytes, TieData]:
        """A tie file's content with `event` added (ending any snooze), and the tie as it
        then stands: without the model when the index vouches for `raw`."""
        from plnctl.store import dump_tie, parse_tie
        from plnctl.tiefile import rewritten, summary_after, vouched

        record = vouched(self.store, slug, raw)
        if record is not None:
            data = rewritten(raw, record, event=event)
            if data is not None:
                return data, summary_after(record, event)
        from plnctl.model import Event

        tie = parse_tie(self.store.path_for(slug), raw)
        tie.events.append(Event.model_validate(event))
        tie.snoozed_until = None  # any new event ends a snooze
        return dump_tie(tie), tie

    def checkin(
        self,
        query: str,
        *,
        kind: str = "read",
        on: dt.date | None = None,
        note: str | None = None,
        link: str | None = None,
        topics: Sequence[str] = (),
    ) -> tuple[TieView, NewEvent]:
        """Log an event with a tie; returns the tie as it now stands, and the event."""
        from plnctl.dates import not_in_future
        from plnctl.kinds import CHECKIN_KINDS
        from plnctl.review import tie_view
        from plnctl.schema import new_event_id
        from plnctl.text import clean_labels, clean_text
        from plnctl.tiefile import new_event

        if kind == "share":
            raise InvalidValueError(
                "a share is logged with `plnctl share WHAT --with TIE` (or `--from TIE`), "
                "which also records what you passed along"
            )
        if kind not in CHECKIN_KINDS:
            raise InvalidValueError(
                f"unknown check-in kind {kind!r}: use one of {', '.join(CHECKIN_KINDS)}"
            )
        day = not_in_future(on or self.today, self.today, what="the check-in")
        event = new_event(
            id=new_event_id(),
            date=day,
            kind=kind,
            note=clean_text(note, "note", multiline=True) if note else None,
            link=clean_text(link, "link").strip() or None if link else None,
            topics=clean_labels(topics, "topic"),
        )
        slug = self.find(query)
        settings = self.settings  # a broken settings file stops the check-in before it writes
        with self._locked(f"checkin {slug}: {kind} on {day.isoformat()}"):
            data, saved = self._with_event(slug, self.store.read_bytes(slug), event)
            self.store.write_file(self.store.path_for(slug), data)
        return tie_view(slug, saved, self.today, settings), event

    def share(
        self,
        what: str,
        *,
        with_: Sequence[str] = (),
        from_: str | None = None,
        on: dt.date | None = None,
        note: str | None = None,
        topics: Sequence[str] = (),
    ) -> ShareRecord:
        """Log something passed along: a `share` event for each tie it went to or credits."""
        from plnctl.dates import not_in_future
        from plnctl.schema import new_event_id
        from plnctl.text import clean_labels, clean_text
        from plnctl.tiefile import new_event

        what = clean_text(what, "what was shared").strip()
        if not what:
            raise InvalidValueError("say what you shared: a link or a title")
        day = not_in_future(on or self.today, self.today, what="the share")
        note = clean_text(note, "note", multiline=True) if note else None
        link = what if looks_like_url(what) else None
        about = clean_labels(topics, "topic")
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
            topics=about,
        )
        targets = [(slug, "with") for slug in recipients]
        if credited:
            targets.append((credited, "from"))
        with self._locked(f"share {record.words()}"):
            before = {slug: self.store.read_bytes(slug) for slug, _ in targets}
            # Every file is read, and refused if broken, before any is written.
            changed = [
                (
                    slug,
                    self._with_event(
                        slug,
                        before[slug],
                        new_event(
                            id=record.id,
                            date=day,
                            kind="share",
                            what=what,
                            link=link,
                            note=note,
                            role=role,
                            topics=list(about),
                        ),
                    )[0],
                )
                for slug, role in targets
            ]
            written: list[str] = []
            try:
                for slug, data in changed:
                    self.store.write_file(self.store.path_for(slug), data)
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
                if about:
                    entry["topics"] = about
                log.append(entry)
                self.store.save_shares(log)
        return record

    def clear_share_conflicts(self) -> int:
        """Remove the changes a merge set aside in `_shares.toml`; how many there were."""
        from plnctl.conflicts import records_in

        with self._locked("shares: conflicts"):
            doc = self.store.shares_doc()
            if doc is None or "conflicts" not in doc[0]:
                raise InvalidValueError(
                    "no conflict records to clear in _shares.toml: `plnctl shares` lists any "
                    "there are"
                )
            self.store.save_shares(self.store.load_shares(), clear_conflicts=True)
        return len(records_in(doc[0]))

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
