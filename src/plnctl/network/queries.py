"""Reading the network: one tie, the review, the list, the shares and the checkup."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plnctl.errors import TieFileError
from plnctl.network.base import Problems, ShareRecord
from plnctl.network.expertise import Expertise

if TYPE_CHECKING:
    from plnctl.activity import Activity
    from plnctl.checkup import Checkup
    from plnctl.review import Item, Review, TieData, TieView
    from plnctl.settings import Settings


@dataclass
class Ego:
    """Your network as the map draws it: you in the middle, every tie around you."""

    as_of: dt.date
    views: list[TieView]  # every tie not archived
    activity: Activity
    settings: Settings

    def step(self, v: TieView) -> Item:
        """What the review says of a tie: its reasons and the next step."""
        from plnctl.review import review_item

        return review_item(v, self.as_of, self.settings)


class Queries(Expertise):
    def view(self, slug: str, as_of: dt.date) -> TieView:
        """One whole tie with everything derived from it as of `as_of`.

        A file the index vouched for is read without the model (see tiefile.py).
        """
        from plnctl.review import tie_view
        from plnctl.store import parse_tie
        from plnctl.tiefile import plain_tie, vouched

        raw = self.store.read_bytes(slug)
        path = self.store.path_for(slug)
        record = vouched(self.store, slug, raw)
        tie = None if record is None else plain_tie(path, raw, record)
        return tie_view(slug, tie or parse_tie(path, raw), as_of, self.settings)

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
        growth = self.growth_of(ties, as_of)
        result = build_review(
            ties, as_of, self.settings, show_all=show_all, public_shares=public, growth=growth
        )
        return result, len(ties), problems

    def activity(self, as_of: dt.date, *, weeks: int = 26) -> tuple[Activity, Problems]:
        """The charts of `stats` as of a day: activity, statuses by month, top topics."""
        from plnctl.activity import activity
        from plnctl.review import tie_view

        ties, problems = self.summaries(as_of)
        public = self.public_share_dates(problems)
        scored = ((t, tie_view(slug, t, as_of, self.settings).derived.score) for slug, t in ties)
        return activity(scored, as_of, self.settings, weeks=weeks, public_shares=public), problems

    def ego(self, as_of: dt.date) -> tuple[Ego, Problems]:
        """What the map draws: every tie not archived, and the activity."""
        from plnctl.activity import activity
        from plnctl.review import tie_view

        ties, problems = self.summaries(as_of)
        public = self.public_share_dates(problems)
        views = [tie_view(slug, t, as_of, self.settings) for slug, t in ties if not t.archived]
        scored = ((v.tie, v.derived.score) for v in views)
        drawn = activity(scored, as_of, self.settings, public_shares=public)
        return Ego(as_of, views, drawn, self.settings), problems

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
        from plnctl.kinds import kind_word
        from plnctl.review import filter_views, tie_view

        ties, problems = self.summaries(as_of)
        views = [
            tie_view(slug, t, as_of, self.settings)
            for slug, t in ties
            if archived or not t.archived
        ]
        shown = filter_views(
            views,
            kind=kind_word(kind) if kind else None,
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

    def shares(
        self, since: dt.date | None = None
    ) -> tuple[list[ShareRecord], list[dict[str, Any]], Problems]:
        """Everything passed along, newest first, and the share log's conflict records."""
        from plnctl.conflicts import records_in
        from plnctl.store import share_day, share_problems

        ties, problems = self.ties()
        by_id: dict[str, ShareRecord] = {}
        try:
            log = self.store.load_shares()
            doc = self.store.shares_doc()
        except TieFileError as exc:
            problems.append(exc)
            log, doc = [], None
        conflicts = records_in(doc[0] if doc else None)
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
                topics=[t for t in entry.get("topics", ()) if isinstance(t, str)]
                if isinstance(entry.get("topics"), list)
                else [],
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
                        topics=list(event.topics),
                    )
                    by_id[event.id] = record
                if event.role == "from":
                    record.from_ = slug
                elif slug not in record.with_:
                    record.with_.append(slug)
        records = [r for r in by_id.values() if since is None or r.date >= since]
        records.sort(key=lambda r: (r.date, r.id), reverse=True)
        return records, conflicts, problems

    def checkup(self) -> Checkup:
        """Every file of the data directory checked; nothing is changed."""
        from plnctl.checkup import check

        return check(self.store.root, self.on_progress, self.today)


def _text_or_none(value: object) -> str | None:
    """A hand-edited share log may hold anything; only text is shown."""
    return value if isinstance(value, str) else None
