"""The `--json` documents: one per command, with stable keys built explicitly (docs/json.md)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from plnctl.render.terminal import json_text

if TYPE_CHECKING:
    from plnctl.activity import Activity
    from plnctl.checkup import Checkup
    from plnctl.gitrepo import Commit
    from plnctl.importer import Report
    from plnctl.network import ShareRecord
    from plnctl.network.expertise import Lineage
    from plnctl.profile import Profile
    from plnctl.review import FullEvent, Review, TieView
    from plnctl.routing import Recipient
    from plnctl.scout import Scout
    from plnctl.topic import TopicRow, WhoKnows


def print_json(doc: Any) -> None:
    # Written in pieces as it is encoded: 100,000 ties need not sit in memory as text.
    pieces: list[str] = []
    for piece in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(doc):
        pieces.append(piece)
        if len(pieces) >= 65536:
            sys.stdout.write(json_text("".join(pieces)))
            pieces.clear()
    pieces.append("\n")
    sys.stdout.write(json_text("".join(pieces)))


def print_json_list(items: Iterable[Any]) -> None:
    """Like `print_json(list(items))`, byte for byte, making each item only as it is written.

    A list of 100,000 ties need not sit in memory as objects either. One
    encoder runs over the whole list: each encoder call leaves a reference
    cycle behind, which costs memory while the collector is off.
    """
    rest = iter(items)
    for first in rest:
        print_json(_Streamed(first, rest))
        return
    print_json([])


class _Streamed(list[Any]):
    """A non-empty list to json's encoder, whose items are made as it iterates."""

    def __init__(self, first: Any, rest: Iterator[Any]) -> None:
        super().__init__([first])
        self._first, self._rest = first, rest

    def __iter__(self) -> Iterator[Any]:
        yield self._first
        yield from self._rest


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _num(value: float) -> int | float:
    """Whole numbers as ints, others rounded to two places."""
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def tie_json(v: TieView) -> dict[str, Any]:
    """The stable JSON object for a tie (docs/json.md)."""
    t, d = v.tie, v.derived
    return {
        "slug": v.slug,
        "name": t.name,
        "kind": t.kind,
        "medium": t.medium,
        "url": t.url,
        "site_url": t.site_url,
        "email": t.email,
        "phone": t.phone,
        "org": t.org,
        "position": t.position,
        "handle": t.handle,
        "topics": list(t.topics),
        "tags": list(t.tags),
        "learning": list(t.learning),
        "via": t.via,
        "every": t.every,
        "note": t.note,
        "added": _iso(t.added),
        "archived": t.archived,
        "snoozed_until": _iso(t.snoozed_until),
        "status": d.status,
        "derived_status": d.derived_status,
        "pinned": t.pin,
        "score": round(d.score, 2),
        "trend": d.trend,
        "first_event": _iso(d.first_event),
        "last_event": _iso(d.last_event),
        "days_since": d.days_since,
        "event_count": d.event_count,
        "interval_days": _num(d.interval_days),
        "interval_source": d.interval_source,
        "overdue_ratio": None if d.overdue_ratio is None else round(d.overdue_ratio, 2),
        "band": d.band,
        "weakened_on": _iso(d.weakened_on),
        "reciprocity": {
            "given": round(d.reciprocity.given, 2),
            "received": round(d.reciprocity.received, 2),
            "p": round(d.reciprocity.p, 2),
            "label": d.reciprocity.label,
        },
        "ladder": d.ladder,
    }


def event_json(e: FullEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "date": e.date.isoformat(),
        "kind": e.kind,
        "note": e.note,
        "link": e.link,
        "what": e.what,
        "role": e.role,
        "topics": list(e.topics),
    }


def show_json(v: TieView, as_of: dt.date, lineage: Lineage | None = None) -> dict[str, Any]:
    doc = tie_json(v)
    doc["as_of"] = as_of.isoformat()
    from plnctl.conflicts import records_in
    from plnctl.review import full_tie

    tie = full_tie(v)
    history: list[FullEvent] = list(tie.sorted_events())
    doc["events"] = [event_json(e) for e in history if e.date <= as_of]
    chain = lineage.found_via if lineage else None
    doc["found_via"] = list(chain.slugs) if chain else []
    doc["led_to"] = [slug for slug, _ in lineage.led_to] if lineage else []
    doc["conflicts"] = [_plain(record) for record in records_in(tie.model_extra)]
    return doc


def _plain(value: Any) -> Any:
    """A TOML value as JSON: dates and times as ISO 8601 text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def log_json(commits: Sequence[Commit]) -> list[dict[str, Any]]:
    """`plnctl log --json`: the commits, newest first (docs/json.md)."""
    return [
        {
            "commit": c.hash,
            "date": c.date,
            "message": c.message,
            "by_plnctl": c.by_plnctl,
            "merge": c.merge,
            "files": list(c.files),
        }
        for c in commits
    ]


def review_json(result: Review, warnings: list[str]) -> dict[str, Any]:
    p = result.participation
    return {
        "as_of": result.as_of.isoformat(),
        "items": [
            {
                **tie_json(it.view),
                "section": it.section,
                "reasons": it.reasons,
                "next": it.next_step,
            }
            for it in result.items
        ],
        "participation": {
            "events": p.events,
            "giving": p.giving,
            "share": None if p.share is None else round(p.share, 2),
            "stage": p.stage,
        },
        "hidden": dict(result.hidden),
        "goals": [
            {
                "topic": h.topic,
                "key": h.key,
                "flags": list(h.flags),
                "why": h.goal.why,
                "until": _iso(h.goal.until),
                "candidates": [
                    {
                        "slug": k.slug,
                        "name": k.name,
                        "kind": k.kind,
                        "status": k.status,
                        "engagement": round(k.engagement, 2),
                    }
                    for k in h.candidates
                ],
                "scout": None if h.scout is None else {"slug": h.scout.slug, "name": h.scout.name},
            }
            for h in result.goals
        ],
        "warnings": warnings,
    }


def share_json(r: ShareRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "date": r.date.isoformat(),
        "what": r.what,
        "link": r.link,
        "note": r.note,
        "with": list(r.with_),
        "from": r.from_,
        "topics": list(r.topics),
    }


def shares_json(
    records: Sequence[ShareRecord], conflicts: list[dict[str, Any]], warnings: list[str]
) -> dict[str, Any]:
    return {
        "shares": [share_json(r) for r in records],
        "conflicts": [_plain(record) for record in conflicts],
        "warnings": warnings,
    }


def import_report_json(report: Report, fmt: str, file: str) -> dict[str, Any]:
    """The import report for scripts (docs/formats.md)."""

    def entries(action: str) -> list[dict[str, Any]]:
        return [
            {
                "slug": o.slug,
                "name": o.name,
                "fields": list(o.fields),
                "kept": list(o.kept),
                "where": o.where,
            }
            for o in report.outcomes
            if o.action == action
        ]

    return {
        "file": file,
        "format": fmt,
        "dry_run": report.dry_run,
        "counts": {
            "added": report.count("added"),
            "updated": report.count("updated"),
            "skipped": report.count("skipped") + len(report.unusable),
        },
        "added": entries("added"),
        "updated": entries("updated"),
        "skipped": entries("skipped"),
        "unusable": [{"where": w, "reason": r} for w, r in report.unusable],
        "settings": report.settings,
        "profile": report.profile,
        "shares_added": report.shares_added,
        "warnings": list(report.warnings),
        "notes": list(report.notes),
    }


def checkup_json(result: Checkup) -> dict[str, Any]:
    def relative(path: os.PathLike[str]) -> str:
        return "." if path == result.root else os.path.relpath(path, result.root)

    return {
        "data_dir": str(result.root),
        "ties": result.ties,
        "ok": not result.errors,
        "problems": [
            {
                "file": relative(f.path),
                "line": f.line,
                "level": f.level,
                "message": f.message,
            }
            for f in result.findings
        ],
    }


# -- learning with the network ---------------------------------------------------


def topic_row_json(row: TopicRow) -> dict[str, Any]:
    return {
        "topic": row.topic,
        "key": row.key,
        "goal": row.goal,
        "strong": row.strong,
        "weak": row.weak,
        "dormant": row.dormant,
        "people": row.people,
        "sources": row.sources,
        "engagement": round(row.engagement, 2),
        "last_engaged": _iso(row.last_engaged),
        "flags": list(row.flags),
    }


def topics_json(rows: Sequence[TopicRow], as_of: dt.date, warnings: list[str]) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "topics": [topic_row_json(row) for row in rows],
        "warnings": warnings,
    }


def who_json(found: WhoKnows, as_of: dt.date, warnings: list[str]) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "topic": found.topic,
        "key": found.key,
        "ties": [
            {
                "slug": k.slug,
                "name": k.name,
                "kind": k.kind,
                "status": k.status,
                "engagement": round(k.engagement, 2),
                "last_engaged": _iso(k.last_engaged),
                "helped": k.helped,
            }
            for k in found.ties
        ],
        "learners": [{"slug": p.slug, "name": p.name, "status": p.status} for p in found.learners],
        "warnings": warnings,
    }


def scouts_json(found: Sequence[Scout], as_of: dt.date, warnings: list[str]) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "scouts": [
            {
                "slug": s.slug,
                "name": s.name,
                "kind": s.kind,
                "status": s.status,
                "led_to": list(s.led_to),
                "became_strong": list(s.became_strong),
            }
            for s in found
        ],
        "warnings": warnings,
    }


def suggest_json(
    found: Sequence[Recipient], topics: Sequence[str], as_of: dt.date, warnings: list[str]
) -> dict[str, Any]:
    return {
        "as_of": as_of.isoformat(),
        "topics": list(topics),
        "suggestions": [
            {
                "slug": r.slug,
                "name": r.name,
                "kind": r.kind,
                "group": r.group,
                "reason": r.reason,
                "topics": list(r.topics),
                "engagement": round(r.engagement, 2),
            }
            for r in found
        ],
        "warnings": warnings,
    }


def profile_json(profile: Profile, coverage: Sequence[TopicRow], as_of: dt.date) -> dict[str, Any]:
    from plnctl.conflicts import records_in
    from plnctl.text import label_key

    rows = {row.key: row for row in coverage}
    return {
        "as_of": as_of.isoformat(),
        "name": profile.name,
        "about": profile.about,
        "links": list(profile.links),
        "learn": [
            {
                "topic": g.topic,
                "why": g.why,
                "added": _iso(g.added),
                "until": _iso(g.until),
                "done": _iso(g.done),
                "dropped": _iso(g.dropped),
                "state": g.state,
                "coverage": (
                    topic_row_json(rows[label_key(g.topic)]) if label_key(g.topic) in rows else None
                ),
            }
            for g in profile.learn
        ],
        "teach": [
            {"topic": o.topic, "note": o.note, "added": _iso(o.added)} for o in profile.teach
        ],
        "projects": [{"name": p.name, "url": p.url, "note": p.note} for p in profile.projects],
        "conflicts": [_plain(record) for record in records_in(profile.extra)],
    }


def stats_json(result: Activity, warnings: list[str]) -> dict[str, Any]:
    """The numbers behind every chart of `stats` (docs/json.md#stats)."""
    return {
        "as_of": result.as_of.isoformat(),
        "heatmap": {"start": result.heatmap_start.isoformat(), "weeks": result.heatmap},
        "weeks": [{"start": w.start.isoformat(), **w.counts} for w in result.weeks],
        "months": [
            {
                "month": m.month,
                "end": m.end.isoformat(),
                "given": m.given,
                "received": m.received,
                "strong": m.strong,
                "weak": m.weak,
                "dormant": m.dormant,
                "participation": {
                    "events": m.events,
                    "giving": m.giving,
                    "share": None if m.share is None else round(m.share, 2),
                    "stage": m.stage,
                },
            }
            for m in result.months
        ],
        "topics": [
            {"topic": t.topic, "engagement": round(t.engagement, 2), "ties": t.ties}
            for t in result.topics
        ],
        "warnings": warnings,
    }
