"""Review, list, show and shares for people: rich tables on a terminal, plain text when piped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from plnctl.render import fit
from plnctl.render.plaintable import PlainConsole
from plnctl.render.terminal import (
    BAND_STYLE,
    STATUS_STYLE,
    ago,
    console,
    emit,
    make_table,
    plain,
    styled,
    visible,
)

if TYPE_CHECKING:
    from rich.console import Console

    from plnctl.growth import GoalHole
    from plnctl.network import ShareRecord
    from plnctl.review import FullEvent, Item, Review, TieView
    from plnctl.settings import Settings

# Ties shown per review section unless --limit or --all says otherwise.
DEFAULT_LIMIT = 5


TREND_MARK = {"rising": ("↑ rising", "green"), "fading": ("↓ fading", "red")}
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def terminal() -> Console | None:
    """The rich console to fit a screen to, or None when the output is plain."""
    if plain():
        return None
    out = console()
    assert not isinstance(out, PlainConsole)
    return out


def review_table(
    result: Review, *, total: int, show_all: bool, limit: int | None = DEFAULT_LIMIT
) -> None:
    """Each section with its count, then a block per tie (docs/cli.md#plnctl-review).

    At most `limit` ties per section, and how many more there are; `show_all`
    shows every one.
    """
    attention = [it for it in result.items if it.section != "ok"]
    p = result.participation
    stage = (
        f"Participation: {p.stage} ({p.giving} of {p.events} events this year gave back)"
        if p.share is not None
        else "Participation: no events this year yet"
    )
    lines = [
        fit.words(
            f"Review as of {result.as_of.isoformat()}: {len(attention)} of {total} ties "
            "need attention"
        ),
        fit.words(stage),
    ]
    # With --all, snoozed ties are shown (and marked): only what is left out is "not shown".
    hidden = ", ".join(
        f"{n} {k}" for k, n in result.hidden.items() if n and not (show_all and k == "snoozed")
    )
    if hidden:
        lines.append(fit.words(f"(not shown: {hidden})"))
    if not total:
        lines.append(fit.words("Your network is empty: `plnctl add NAME` adds a person or source."))
    elif not result.items:
        lines.append(
            fit.words("Nothing needs attention. Keep reading, and pass along what you learn.")
        )
    cap = None if show_all else limit
    for key, title, items in result.sections():
        count = len(result.goals) if key == "goals" else len(items)
        lines.append(fit.words(""))
        lines.append(fit.parts((f"{title} ({count})", "bold")))
        if key == "goals":
            for hole in result.goals[:cap]:
                lines.extend(_goal_block(hole))
        else:
            for item in items[:cap]:
                lines.extend(_review_block(item, result.as_of))
        if cap is not None and count > cap:
            more = count - cap
            lines.append(fit.words(f"… {more} more (`plnctl review --all` shows them)", "dim", 2))
    fit.show(lines, terminal())


def _review_block(item: Item, as_of: dt.date) -> list[fit.Line]:
    """A tie's line, its reasons, and the next step with its command on a line of its own."""
    v, d = item.view, item.view.derived
    trend, trend_style = (d.trend, None) if plain() else TREND_MARK.get(d.trend, (d.trend, None))
    snoozed = v.tie.snoozed_until
    block = [
        fit.parts(
            (v.name, "bold"),
            (f"{d.status} {d.score:.1f}", STATUS_STYLE.get(d.status)),
            (trend, trend_style),
            (engaged(d.days_since), None),
            (
                f"snoozed until {snoozed.isoformat()}"
                if snoozed is not None and snoozed > as_of
                else "",
                "magenta",
            ),
            indent=2,
            label=(f"({v.slug})", None),
        )
    ]
    block.extend(fit.words(reason, BAND_STYLE.get(d.band), 4) for reason in item.reasons)
    if item.advice:
        block.append(fit.words(item.advice, None, 4))
    if item.command:
        block.append(fit.command(item.command, 6))
    return block


def _goal_block(hole: GoalHole) -> list[fit.Line]:
    """A goal with holes: the goal and its flags, then the ties that could fill them."""
    import shlex

    block = [fit.parts((hole.topic, "bold"), (", ".join(hole.flags), "yellow"), indent=2)]
    if hole.candidates:
        names = ", ".join(f"{k.name} ({k.slug})" for k in hole.candidates)
        block.append(fit.words(f"could become strong: {names}", None, 4))
        block.append(fit.words("engage with one of them, or see everyone on it:", None, 4))
        block.append(fit.command(f"plnctl who {shlex.quote(hole.topic)}", 6))
    elif hole.scout is not None:
        block.append(
            fit.words(f"no weak tie on it yet; ask your best scout, {hole.scout.name}:", None, 4)
        )
        block.append(fit.command(f"plnctl checkin {hole.scout.slug} --kind ask", 6))
    else:
        block.append(fit.words("nobody on it yet: find someone who writes about it, then", None, 4))
        block.append(fit.command(f"plnctl add NAME --topic {shlex.quote(hole.topic)}", 6))
    return block


def engaged(days: int | None) -> str:
    return "never engaged" if days is None else f"engaged {ago(days)}"


def list_table(views: Sequence[TieView], *, total: int) -> None:
    """One line per tie; a narrow terminal drops columns (LIST_COLUMNS) and shortens names."""
    out = console()
    if not views:
        out.print("No ties match." if total else "No ties yet: `plnctl add NAME` adds one.")
        return
    rows = []
    styles = []
    marks = not plain()
    for v in views:
        d = v.derived
        trend, trend_style = TREND_MARK.get(d.trend, (d.trend, None)) if marks else (d.trend, None)
        notes = [note for note, on in (("pinned", v.tie.pin), ("archived", v.tie.archived)) if on]
        rows.append(
            [
                v.slug,
                visible(v.name),
                v.tie.kind,
                d.status + (f" ({', '.join(notes)})" if notes else ""),
                f"{d.score:.1f}",
                trend,
                ago(d.days_since),
                d.band,
                visible(", ".join(v.tie.topics)),
            ]
        )
        styles.append((STATUS_STYLE.get(d.status), BAND_STYLE.get(d.band), trend_style))
    fitted_table(LIST_COLUMNS, rows, styles, STYLED_COLUMNS)


def fitted_table(
    columns: Sequence[fit.Column],
    rows: Sequence[Sequence[str]],
    styles: Sequence[Sequence[str | None]] = (),
    styled_columns: Mapping[str, int] | None = None,
    title: str | None = None,
) -> None:
    """Rows under `columns`: plain text when piped; on a terminal, one line per row,
    columns leaving (and shortening) as the terminal narrows (fit.choose_widths).

    `styles` gives each row's styles, and `styled_columns` which of them each
    column (by header) takes.
    """
    screen = terminal()
    if screen is None:
        table = make_table(title)
        for col in columns:
            table.add_column(col.header, overflow="fold")
        for row in rows:
            table.add_row(*(styled(cell, None) for cell in row))
        emit(console(), table)
        return
    if title:
        fit.show([fit.words(title, "bold")], screen)
    widths = fit.choose_widths(columns, rows, screen.width)
    row_styles = styles or [() for _ in rows]
    _print_rows(screen, columns, widths, rows, row_styles, styled_columns or {})


# The columns of `list`, and the order they leave a narrowing terminal: kind
# first (the name usually says it), then the score (the status says more),
# the slug (a name's start names a tie too, and names are what people read),
# topics, trend and band; name, status and last engaged stay.
LIST_COLUMNS = (
    fit.Column("slug", drop=3),
    fit.Column("name", shrink_to=16),
    fit.Column("kind", drop=1),
    fit.Column("status"),
    fit.Column("score", drop=2, justify="right"),
    fit.Column("trend", drop=5),
    fit.Column("last"),
    fit.Column("band", drop=6),
    fit.Column("topics", drop=4, shrink_to=10),
)
STYLED_COLUMNS = {"status": 0, "band": 1, "trend": 2}


def _print_rows(
    screen: Console,
    columns: Sequence[fit.Column],
    widths: Sequence[int | None],
    rows: Sequence[Sequence[str]],
    styles: Sequence[Sequence[str | None]],
    styled_columns: Mapping[str, int],
) -> None:
    """Rows padded to `widths` (None: column left out), in one write."""
    from rich.text import Text

    out = Text()
    kept = [i for i, w in enumerate(widths) if w is not None]
    header = "  ".join(_pad(columns[i].header, widths[i] or 0, columns[i].justify) for i in kept)
    out.append(header.rstrip(), "bold")
    for row, style in zip(rows, styles, strict=True):
        out.append("\n")
        for n, i in enumerate(kept):
            width = widths[i] or 0
            cell = _pad(fit.shorten(row[i], width), width, columns[i].justify)
            if n == len(kept) - 1:
                cell = cell.rstrip()
            where = styled_columns.get(columns[i].header)
            out.append(cell, style[where] if where is not None and where < len(style) else None)
            if n < len(kept) - 1:
                out.append("  ")
    screen.print(out, soft_wrap=True, highlight=False)


def _pad(text: str, width: int, justify: str) -> str:
    space = " " * max(width - fit.cells(text), 0)
    return space + text if justify == "right" else text + space


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
    if d.overdue_ratio is not None and d.days_since is None and t.added is not None:
        lines.append(
            f"{d.band}: no events yet; {(as_of - t.added).days} days since it was added is "
            f"{d.overdue_ratio:.2f} times your cadence"
        )
    elif d.overdue_ratio is not None:
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


# The contact details `show` lists, when a tie has them.
CONTACT_ROWS = ("email", "phone", "org", "position", "handle")


def show_panel(
    v: TieView,
    as_of: dt.date,
    settings: Settings,
    lineage: Sequence[tuple[str, str]] = (),
    *,
    show_all: bool = False,
) -> None:
    """A tie's fields, why it has its status, and its history (on a terminal, the newest 15).

    `lineage` gives the "found via" and "led to" lines (render.topiclists.lineage_lines).
    """
    from plnctl.review import full_tie

    out = console()
    t, d = full_tie(v), v.derived
    fields = [
        ("slug", v.slug),
        ("kind", f"{t.kind} ({t.medium})" if t.medium else t.kind),
        ("url", t.url or ""),
        ("site", t.site_url or ""),
        *((name, getattr(t, name) or "") for name in CONTACT_ROWS),
        ("topics", ", ".join(t.topics)),
        ("tags", ", ".join(t.tags)),
        ("learning", ", ".join(t.learning)),
        *(lineage or [("via", t.via or "")]),
        ("cadence", f"every {t.every} days" if t.every else ""),
        ("note", t.note or ""),
        ("added", t.added.isoformat() if t.added else ""),
        ("archived", "yes" if t.archived else ""),
        ("snoozed", f"until {t.snoozed_until.isoformat()}" if t.snoozed_until else ""),
        ("status", f"{d.status}, trend {d.trend}, band {d.band}, ladder {d.ladder}"),
        ("as of", as_of.isoformat()),
    ]
    bullets = explain(v, as_of, settings)
    history: Sequence[FullEvent] = t.sorted_events()
    events = [e for e in reversed(history) if e.date <= as_of]
    screen = terminal()
    if screen is None:
        # A note's later lines line up under its first.
        body = "\n".join(
            f"{k:>9}  " + styled(val, None).replace("\n", "\n" + " " * 11)
            for k, val in fields
            if val
        )
        body += "\n\n" + "\n".join(f"  - {styled(line, None)}" for line in bullets)
        out.print(t.name)
        out.print(body)
    else:
        _show_fields(screen, t.name, fields, bullets)
    _set_aside(out, f"{v.slug}.toml", t.model_extra)
    if not events:
        out.print("No events yet: `plnctl checkin " + v.slug + "` logs one.")
        return
    plural = "event" if len(events) == 1 else "events"
    if screen is not None:
        _show_history(screen, v.slug, events, show_all=show_all)
        return
    table = make_table(f"History ({len(events)} {plural}, newest first)")
    for col in ("date", "kind", "note", "link"):
        table.add_column(col, overflow="fold")
    for e in events:
        table.add_row(
            e.date.isoformat(),
            _event_kind(e),
            styled(_event_note(e), None),
            styled(e.link or "", None),
        )
    emit(out, table)


# Events `show` lists on a terminal unless --all.
HISTORY_LIMIT = 15


def _event_note(e: FullEvent) -> str:
    note = e.what if e.kind == "share" and e.what else (e.note or "")
    if e.kind == "share" and e.note:
        note = f"{note}: {e.note}"
    return note


def _event_kind(e: FullEvent) -> str:
    return e.kind + (" (credited)" if e.role == "from" else "")


def _show_fields(
    screen: Console, name: str, fields: Sequence[tuple[str, str]], bullets: Sequence[str]
) -> None:
    """The tie's fields and why, in a panel whose long values wrap under themselves."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(justify="right", style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for key, value in fields:
        if value:
            grid.add_row(key, Text(visible(value)))
    why = Table.grid(padding=(0, 1))
    why.add_column(no_wrap=True)
    why.add_column(overflow="fold")
    for line in bullets:
        why.add_row(" -", Text(visible(line)))
    title = Text(visible(name), "bold")
    screen.print(Panel(Group(grid, Text(""), why), title=title, title_align="left"))


def _show_history(
    screen: Console, slug: str, events: Sequence[FullEvent], *, show_all: bool
) -> None:
    """The newest events grouped by month, each month with its count; the rest counted."""
    shown = events if show_all else events[:HISTORY_LIMIT]
    per_month: dict[tuple[int, int], int] = {}
    for e in events:
        key = (e.date.year, e.date.month)
        per_month[key] = per_month.get(key, 0) + 1
    kinds = max(fit.cells(_event_kind(e)) for e in shown)
    plural = "event" if len(events) == 1 else "events"
    lines = [fit.parts((f"History: {len(events)} {plural}, newest first", "bold"))]
    month = None
    for e in shown:
        if (e.date.year, e.date.month) != month:
            month = (e.date.year, e.date.month)
            count = per_month[month]
            lines.append(fit.parts((f"{MONTHS[month[1] - 1]} {month[0]} ({count})", "bold")))
        head = f"{e.date.isoformat()}  {_event_kind(e):<{kinds}}  "
        lines.append(fit.hanging((head, None), (_event_note(e), None), indent=2))
        if e.link and e.link != _event_note(e):
            lines.append(fit.command(e.link, 2 + len(head), style="blue"))
    older = len(events) - len(shown)
    if older:
        lines.append(
            fit.words(
                f"… {older} older {'event' if older == 1 else 'events'} "
                f"(`plnctl show {slug} --all`)",
                "dim",
            )
        )
    fit.show(lines, screen)


def _set_aside(out: Any, file_name: str, extra: dict[str, Any] | None) -> None:
    """The changes a merge set aside in a file's `[[conflicts]]`, one line each."""
    from plnctl.conflicts import records_in, set_aside

    records = records_in(extra)
    if not records:
        return
    heading, lines = set_aside(records, file_name)
    out.print(styled(heading, "bold"))
    for line in lines:
        out.print(styled(line, None))


def shares_table(records: Sequence[ShareRecord], conflicts: list[dict[str, Any]]) -> None:
    out = console()
    _set_aside(out, "_shares.toml", {"conflicts": conflicts})
    if not records:
        out.print("Nothing shared yet: `plnctl share LINK --with TIE` logs what you pass along.")
        return
    rows = [
        [r.date.isoformat(), visible(r.what), ", ".join(r.with_) or "(public)", r.from_ or ""]
        for r in records
    ]
    fitted_table(SHARE_COLUMNS, rows)


# A link is shortened with `…` on a narrow terminal, never broken over two lines.
SHARE_COLUMNS = (
    fit.Column("date"),
    fit.Column("what", shrink_to=20),
    fit.Column("with", shrink_to=12),
    fit.Column("from", drop=1, shrink_to=12),
)
