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
    from plnctl.checkup import Checkup
    from plnctl.importer import Report
    from plnctl.model import Event
    from plnctl.network import ShareRecord
    from plnctl.review import Review, TieView


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
        "url": t.url,
        "site_url": t.site_url,
        "topics": list(t.topics),
        "tags": list(t.tags),
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
    }


def event_json(e: Event) -> dict[str, Any]:
    return {
        "id": e.id,
        "date": e.date.isoformat(),
        "kind": e.kind,
        "note": e.note,
        "link": e.link,
        "what": e.what,
        "role": e.role,
    }


def show_json(v: TieView, as_of: dt.date) -> dict[str, Any]:
    doc = tie_json(v)
    doc["as_of"] = as_of.isoformat()
    from plnctl.review import full_tie

    doc["events"] = [event_json(e) for e in full_tie(v).sorted_events() if e.date <= as_of]
    return doc


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
    }


def shares_json(records: Sequence[ShareRecord], warnings: list[str]) -> dict[str, Any]:
    return {"shares": [share_json(r) for r in records], "warnings": warnings}


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
        "shares_added": report.shares_added,
        "warnings": list(report.warnings),
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
