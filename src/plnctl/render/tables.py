"""Review, list, show and shares for people: rich tables on a terminal, plain text when piped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from plnctl.render.terminal import (
    BAND_STYLE,
    STATUS_STYLE,
    ago,
    console,
    emit,
    make_table,
    plain,
    styled,
)

if TYPE_CHECKING:
    from plnctl.network import ShareRecord
    from plnctl.review import Review, TieView
    from plnctl.settings import Settings


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
            table = make_table(SECTION_TITLES[section])
            for col in ("tie", "status", "score", "last", "why", "next step"):
                table.add_column(col, overflow="fold")
        assert table is not None
        d = it.view.derived
        table.add_row(
            f"{styled(it.view.name, 'bold')} ({it.view.slug})",
            styled(d.status, STATUS_STYLE.get(d.status)),
            f"{d.score:.1f}",
            ago(d.days_since),
            styled("; ".join(it.reasons), BAND_STYLE.get(d.band)),
            styled(it.next_step, None),
        )
    if table is not None:
        emit(out, table)


def list_table(views: Sequence[TieView], *, total: int) -> None:
    out = console()
    if not views:
        out.print("No ties match." if total else "No ties yet: `plnctl add NAME` adds one.")
        return
    table = make_table()
    for col in ("slug", "name", "kind", "status", "score", "trend", "last", "band", "topics"):
        table.add_column(col, overflow="fold")
    for v in views:
        d = v.derived
        table.add_row(
            v.slug,
            styled(v.name, None),
            v.tie.kind,
            styled(d.status + (" (pinned)" if v.tie.pin else ""), STATUS_STYLE.get(d.status)),
            f"{d.score:.1f}",
            d.trend,
            ago(d.days_since),
            styled(d.band, BAND_STYLE.get(d.band)),
            styled(", ".join(v.tie.topics), None),
        )
    emit(out, table)


def explain(v: TieView, as_of: dt.date, settings: Settings) -> list[str]:
    """Why the tie has the status, interval and reciprocity it has, in words."""
    from plnctl.ties import GIVING_KINDS, RECEIVING_KINDS

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
    gave = sum(1 for _, kind in moments if kind in GIVING_KINDS)
    got = sum(1 for _, kind in moments if kind in RECEIVING_KINDS)
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
        ("added", t.added.isoformat() if t.added else ""),
        ("archived", "yes" if t.archived else ""),
        ("snoozed", f"until {t.snoozed_until.isoformat()}" if t.snoozed_until else ""),
        ("status", f"{d.status}, trend {d.trend}, band {d.band}"),
        ("as of", as_of.isoformat()),
    ]
    # A note's later lines line up under its first.
    body = "\n".join(
        f"{k:>9}  " + styled(val, None).replace("\n", "\n" + " " * 11) for k, val in fields if val
    )
    body += "\n\n" + "\n".join(f"  - {styled(line, None)}" for line in explain(v, as_of, settings))
    title = styled(t.name, "bold")
    if plain():
        out.print(t.name)
        out.print(body)
    else:
        out.print(Panel(body, title=title, title_align="left"))
    _set_aside(out, v.slug, t.model_extra)
    events = [e for e in reversed(t.sorted_events()) if e.date <= as_of]
    if not events:
        out.print("No events yet: `plnctl checkin " + v.slug + "` logs one.")
        return
    plural = "event" if len(events) == 1 else "events"
    table = make_table(f"History ({len(events)} {plural}, newest first)")
    for col in ("date", "kind", "note", "link"):
        table.add_column(col, overflow="fold")
    for e in events:
        note = e.what if e.kind == "share" and e.what else (e.note or "")
        if e.kind == "share" and e.note:
            note = f"{note}: {e.note}"
        kind = e.kind + (" (credited)" if e.role == "from" else "")
        table.add_row(e.date.isoformat(), kind, styled(note, None), styled(e.link or "", None))
    emit(out, table)


def _set_aside(out: Any, slug: str, extra: dict[str, Any] | None) -> None:
    """The changes a merge set aside in the tie's `[[conflicts]]`, one line each."""
    from plnctl.conflicts import records_in, summary

    records = records_in(extra)
    if not records:
        return
    heading = f"Set aside by a merge ({len(records)}): `plnctl set {slug} --clear-conflicts`"
    out.print(styled(f"{heading} clears them", "bold"))
    for record in records:
        out.print(f"  - {styled(summary(record), None)}")


def shares_table(records: Sequence[ShareRecord]) -> None:
    out = console()
    if not records:
        out.print("Nothing shared yet: `plnctl share LINK --with TIE` logs what you pass along.")
        return
    table = make_table()
    for col in ("date", "what", "with", "from"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(
            r.date.isoformat(),
            styled(r.what, None),
            ", ".join(r.with_) or "(public)",
            r.from_ or "",
        )
    emit(out, table)
