"""The one place that prints results: rich tables for people, JSON for scripts."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from plnctl.model import Event, Tie
    from plnctl.network import ShareRecord
    from plnctl.plaintable import PlainConsole, PlainTable
    from plnctl.review import Review, TieView
    from plnctl.settings import Settings

STATUS_STYLE = {"strong": "bold green", "weak": "yellow", "dormant": "dim"}
BAND_STYLE = {
    "ok": "green",
    "due": "yellow",
    "overdue": "dark_orange",
    "lapsing": "red",
    "dormant": "dim",
}


# -- JSON ------------------------------------------------------------------


def print_json(doc: Any) -> None:
    # Written in pieces as it is encoded: 100,000 ties need not sit in memory as text.
    pieces: list[str] = []
    for piece in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(doc):
        pieces.append(piece)
        if len(pieces) >= 65536:
            sys.stdout.write("".join(pieces))
            pieces.clear()
    pieces.append("\n")
    sys.stdout.write("".join(pieces))


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


# -- people ------------------------------------------------------------------


def plain() -> bool:
    """No colour, no box drawing: piped output or NO_COLOR."""
    return "NO_COLOR" in os.environ or not _isatty(sys.stdout)


_tty: tuple[object, bool] | None = None


def _isatty(out: Any) -> bool:
    """Whether `out` is a terminal, asked once per stream: a table asks for every cell."""
    global _tty
    if _tty is None or _tty[0] is not out:
        _tty = (out, out.isatty())
    return _tty[1]


def console() -> Console | PlainConsole:
    """A console made when first needed, so NO_COLOR and the terminal are read then.

    Plain output gets one that writes simple lines itself and leaves the rest to rich.
    """
    if plain():
        from plnctl.plaintable import PlainConsole

        return PlainConsole(_rich_console)
    return _rich_console()


def _rich_console() -> Console:
    from rich.console import Console

    # emoji=False: a name or note holding `:a:` is shown as typed, never as 🅰.
    if plain():
        return Console(color_system=None, highlight=False, emoji=False, width=100_000)
    return Console(highlight=False, emoji=False)


def emit(out: Console | PlainConsole, renderable: object) -> None:
    """Print; plain output loses the padding rich adds at the end of lines."""
    if not plain():
        out.print(renderable)
        return
    from plnctl.plaintable import PlainConsole, PlainTable

    if isinstance(renderable, PlainTable):
        lines = renderable.lines()
        if lines is not None:
            sys.stdout.write("\n".join(lines) + "\n")
            return
        renderable = renderable.to_rich(_rich_table(renderable.title))
    if isinstance(out, PlainConsole):
        out = out.rich()
    with out.capture() as captured:
        out.print(renderable)
    text = "\n".join(line.rstrip() for line in captured.get().splitlines())
    sys.stdout.write(text + "\n")


def _table(title: str | None = None) -> Table | PlainTable:
    if plain():
        from plnctl.plaintable import PlainTable

        return PlainTable(title)
    return _rich_table(title)


def _rich_table(title: str | None) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    # Rich wraps a title to the table's width: "History (12 events, newest"
    # and "first)" would land on two lines above a narrow table.
    heading = Text(title, no_wrap=True, overflow="ignore") if title else None
    if plain():
        return Table(
            title=heading,
            box=None,
            show_edge=False,
            pad_edge=False,
            title_justify="left",
            header_style=None,
            title_style=None,
        )
    if heading is not None:
        heading.stylize("bold")
    return Table(
        title=heading,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        title_style="bold",
        header_style="bold",
    )


def visible(value: str) -> str:
    """Text safe for a terminal: control characters (but tab and newline) as escapes."""
    if value.isprintable():
        return value
    return "".join(
        c if c in "\t\n" or unicodedata.category(c) != "Cc" else f"\\x{ord(c):02x}" for c in value
    )


def _styled(value: str, style: str | None) -> str:
    text = visible(value)
    if "[" in text or "\\" in text:  # most names need no escaping
        from rich.markup import escape

        text = escape(text)
    return text if not style or plain() else f"[{style}]{text}[/]"


def _ago(days: int | None) -> str:
    if days is None:
        return "never"
    return "today" if days == 0 else f"{days}d ago"


def review_table(result: Review, *, total: int, show_all: bool) -> None:
    from plnctl.review import SECTION_TITLES

    out = console()
    attention = [it for it in result.items if it.section != "ok"]
    p = result.participation
    stage = (
        f"participation: {p.stage} ({p.giving} of {p.events} events this year gave back)"
        if p.share is not None
        else "participation: no events this year yet"
    )
    out.print(
        f"Review as of {result.as_of.isoformat()}: {len(attention)} of {total} ties "
        f"need attention; {stage}"
    )
    hidden = ", ".join(f"{n} {k}" for k, n in result.hidden.items() if n)
    if hidden:
        out.print(f"(not shown: {hidden})")
    if not total:
        out.print("Your network is empty: `plnctl add NAME` adds a person or source.")
        return
    if not result.items:
        out.print("Nothing needs attention. Keep reading, and pass along what you learn.")
        return
    section = None
    table = None
    for it in result.items:
        if it.section != section:
            if table is not None:
                emit(out, table)
            section = it.section
            table = _table(SECTION_TITLES[section])
            for col in ("tie", "status", "score", "last", "why", "next step"):
                table.add_column(col, overflow="fold")
        assert table is not None
        d = it.view.derived
        table.add_row(
            f"{_styled(it.view.name, 'bold')} ({it.view.slug})",
            _styled(d.status, STATUS_STYLE.get(d.status)),
            f"{d.score:.1f}",
            _ago(d.days_since),
            _styled("; ".join(it.reasons), BAND_STYLE.get(d.band)),
            _styled(it.next_step, None),
        )
    if table is not None:
        emit(out, table)


def list_table(views: Sequence[TieView], *, total: int) -> None:
    out = console()
    if not views:
        out.print("No ties match." if total else "No ties yet: `plnctl add NAME` adds one.")
        return
    table = _table()
    for col in ("slug", "name", "kind", "status", "score", "trend", "last", "band", "topics"):
        table.add_column(col, overflow="fold")
    for v in views:
        d = v.derived
        table.add_row(
            v.slug,
            _styled(v.name, None),
            v.tie.kind,
            _styled(d.status + (" (pinned)" if v.tie.pin else ""), STATUS_STYLE.get(d.status)),
            f"{d.score:.1f}",
            d.trend,
            _ago(d.days_since),
            _styled(d.band, BAND_STYLE.get(d.band)),
            _styled(", ".join(v.tie.topics), None),
        )
    emit(out, table)


def explain(v: TieView, as_of: dt.date, settings: Settings) -> list[str]:
    """Why the tie has the status, interval and reciprocity it has, in words."""
    d, t = v.derived, v.tie
    lines = [
        f"score {d.score:.2f}: each event's weight, halved every "
        f"{settings.half_life_days:g} days of age"
    ]
    if t.pin:
        lines.append(f"status {d.status}: pinned (the events alone say {d.derived_status})")
    elif d.status == "dormant":
        lines.append(
            f"status dormant: no event for {d.days_since} days (>= {settings.dormant_days})"
        )
    elif d.status == "strong":
        lines.append(
            f"status strong: stays strong until the score falls below {settings.weak_below:g}"
        )
    elif d.weakened_on:
        lines.append(
            f"status weak: the score fell below {settings.weak_below:g} on "
            f"{d.weakened_on.isoformat()}"
        )
    else:
        lines.append(
            f"status weak: strong needs a score of {settings.strong_at:g} and events "
            f"on {settings.strong_min_days} days within {settings.strong_window_days}"
        )
    source = {
        "cadence": "your cadence (--every)",
        "history": "the median of your last gaps between events",
        "default-strong": "the default for a strong tie",
        "default-weak": "the default for a weak tie",
    }[d.interval_source]
    lines.append(f"expected every {d.interval_days:g} days: {source}")
    if d.overdue_ratio is not None:
        lines.append(
            f"{d.band}: {d.days_since} days since the last event is "
            f"{d.overdue_ratio:.2f} times the interval"
        )
    else:
        lines.append("ok: no events yet")
    r = d.reciprocity
    moments = [(day, kind) for day, kind in t.moments() if day <= as_of]
    gave = sum(1 for _, kind in moments if kind in ("share", "help-given"))
    got = sum(1 for _, kind in moments if kind == "help-received")
    lines.append(
        f"reciprocity {r.label}: {gave} given (decayed {r.given:.2f}), {got} help received "
        f"(decayed {r.received:.2f}), give share {r.p:.2f}"
    )
    return lines


def show_panel(v: TieView, as_of: dt.date, settings: Settings) -> None:
    from rich.panel import Panel

    from plnctl.review import full_tie

    out = console()
    t, d = full_tie(v), v.derived
    fields = [
        ("slug", v.slug),
        ("kind", t.kind),
        ("url", t.url or ""),
        ("site", t.site_url or ""),
        ("topics", ", ".join(t.topics)),
        ("tags", ", ".join(t.tags)),
        ("via", t.via or ""),
        ("cadence", f"every {t.every} days" if t.every else ""),
        ("note", t.note or ""),
        ("added", _iso(t.added) or ""),
        ("archived", "yes" if t.archived else ""),
        ("snoozed", f"until {t.snoozed_until.isoformat()}" if t.snoozed_until else ""),
        ("status", f"{d.status}, trend {d.trend}, band {d.band}"),
        ("as of", as_of.isoformat()),
    ]
    # A note's later lines line up under its first.
    body = "\n".join(
        f"{k:>9}  " + _styled(val, None).replace("\n", "\n" + " " * 11) for k, val in fields if val
    )
    body += "\n\n" + "\n".join(f"  - {_styled(line, None)}" for line in explain(v, as_of, settings))
    title = _styled(t.name, "bold")
    if plain():
        out.print(t.name)
        out.print(body)
    else:
        out.print(Panel(body, title=title, title_align="left"))
    events = [e for e in reversed(t.sorted_events()) if e.date <= as_of]
    if not events:
        out.print("No events yet: `plnctl checkin " + v.slug + "` logs one.")
        return
    plural = "event" if len(events) == 1 else "events"
    table = _table(f"History ({len(events)} {plural}, newest first)")
    for col in ("date", "kind", "note", "link"):
        table.add_column(col, overflow="fold")
    for e in events:
        note = e.what if e.kind == "share" and e.what else (e.note or "")
        if e.kind == "share" and e.note:
            note = f"{note}: {e.note}"
        kind = e.kind + (" (credited)" if e.role == "from" else "")
        table.add_row(e.date.isoformat(), kind, _styled(note, None), _styled(e.link or "", None))
    emit(out, table)


def shares_table(records: Sequence[ShareRecord]) -> None:
    out = console()
    if not records:
        out.print("Nothing shared yet: `plnctl share LINK --with TIE` logs what you pass along.")
        return
    table = _table()
    for col in ("date", "what", "with", "from"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(
            r.date.isoformat(),
            _styled(r.what, None),
            ", ".join(r.with_) or "(public)",
            r.from_ or "",
        )
    emit(out, table)


def checked_in(slug: str, tie: Tie, event: Event, today: dt.date, settings: Settings) -> None:
    from plnctl.review import view

    d = view(slug, tie, today, settings).derived
    print(
        f"logged {event.kind} with {tie.name} ({slug}) on {event.date.isoformat()}: "
        f"now {d.status}, score {d.score:.1f}"
    )


def shared(record: ShareRecord) -> None:
    to = ", ".join(record.with_) if record.with_ else "publicly"
    credit = f", crediting {record.from_}" if record.from_ else ""
    print(
        f"shared {record.what!r} {('with ' + to) if record.with_ else to}{credit} "
        f"on {record.date.isoformat()}"
    )
