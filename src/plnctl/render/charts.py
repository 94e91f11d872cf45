"""`plnctl stats` for people: a calendar heatmap and small bar charts, drawn with rich.

On a terminal the charts are in colour; piped or with NO_COLOR they are the
same characters without it. Every chart is at most 60 columns wide, so it
reads on any terminal; the numbers behind them are in `--json`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from plnctl.render.terminal import console, plain, visible

if TYPE_CHECKING:
    from rich.text import Text

    from plnctl.activity import Activity

# Heatmap cells from no events to the busiest days, and their colours.
SHADES = "·░▒▓█"
SHADE_STYLES = ("grey35", "green4", "green3", "green1", "bold bright_green")
# The kind groups, each with its own character (told apart without colour) and colour.
GROUP_MARKS = {
    "reading": ("█", "blue"),
    "commenting": ("▓", "cyan"),
    "conversing": ("▒", "magenta"),
    "giving": ("░", "green"),
}
# The longest bars, in cells: with their labels, no chart is wider than 60 columns.
BAR = 40
STATUS_BAR = 30
STAGE_BAR = 12
TOPIC_BAR = 16
TOPIC_NAME = 20
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
STATUS_MARKS = {"strong": ("█", "bold green"), "weak": ("▒", "yellow"), "dormant": ("░", "grey50")}


def stats(result: Activity) -> None:
    """Every chart of `stats`, one after the other, each under a heading."""
    from rich.text import Text

    out = Text()
    _heading(out, f"Events in the last 52 weeks, as of {result.as_of.isoformat()}")
    _heatmap(out, result)
    weeks = result.weeks
    _heading(out, f"Events per week, last {len(weeks)} weeks")
    _legend(out, GROUP_MARKS)
    _weekly(out, result)
    _heading(out, "Given and received, by month")
    out.append("\n  given: shares and help given; received: help received")
    _given(out, result)
    _heading(out, "Ties at the end of each month")
    _legend(out, STATUS_MARKS)
    _statuses(out, result)
    _heading(out, "Participation stage at the end of each month")
    out.append("\n  events that gave back, of all in the year to that day")
    _stages(out, result)
    _heading(out, "Topics with the most engagement")
    _topics(out, result)
    _print(out)


def _print(text: Text) -> None:
    import sys

    if plain():
        sys.stdout.write("\n".join(line.rstrip() for line in text.plain.split("\n")) + "\n")
        return
    out = console()
    out.print(text, soft_wrap=True, highlight=False)  # type: ignore[call-arg]


def _heading(out: Text, title: str) -> None:
    """A heading, after a blank line unless it is the first."""
    if out:
        out.append("\n\n")
    out.append(title, "bold")


def _legend(out: Text, marks: dict[str, tuple[str, str]]) -> None:
    out.append("\n  ")
    for i, (name, (mark, style)) in enumerate(marks.items()):
        if i:
            out.append("  ")
        out.append(mark, style)
        out.append(f" {name}")


def _bar(out: Text, parts: Sequence[tuple[int, str, str]], scale: float) -> int:
    """Append a stacked bar of (count, mark, style) parts; return the cells used.

    Each part ends where its running total does, so the parts add up to the
    whole bar's length.
    """
    total = used = 0
    for count, mark, style in parts:
        total += count
        cells = round(total * scale) - used
        out.append(mark * cells, style)
        used += cells
    return used


def _heatmap(out: Text, result: Activity) -> None:
    busiest = result.busiest_day
    months = _month_row(result)
    out.append("\n     " + months)
    for weekday in range(7):
        out.append(f"\n{WEEKDAYS[weekday]:<4} ")
        for week in result.heatmap:
            count = week[weekday]
            if count is None:
                out.append(" ")
                continue
            level = 0 if not count else 1 + (count - 1) * 3 // max(busiest - 1, 1)
            out.append(SHADES[level], SHADE_STYLES[level])
    total = sum(c or 0 for week in result.heatmap for c in week)
    active = sum(1 for week in result.heatmap for c in week if c)
    out.append(f"\n     {total} events on {active} days; the busiest day had {busiest}")
    out.append("\n     less ")
    for level, shade in enumerate(SHADES):
        out.append(shade, SHADE_STYLES[level])
    out.append(" more")


def _month_row(result: Activity) -> str:
    """Month initials above the heatmap's first week of each month."""
    import datetime as dt

    row = [" "] * len(result.heatmap)
    last = None
    for w in range(len(result.heatmap)):
        day = result.heatmap_start + dt.timedelta(weeks=w)
        if day.month != last and (last is not None or day.day <= 7):
            name = day.strftime("%b")
            if w + len(name) <= len(row) and all(c == " " for c in row[max(w - 1, 0) : w + 3]):
                row[w : w + 3] = list(name)
            last = day.month
        last = day.month
    return "".join(row).rstrip()


def _weekly(out: Text, result: Activity) -> None:
    biggest = max((w.total for w in result.weeks), default=0)
    scale = BAR / biggest if biggest else 0.0
    for week in result.weeks:
        out.append(f"\n  {week.start.isoformat()}  ")
        used = _bar(
            out,
            [(week.counts[g], mark, style) for g, (mark, style) in GROUP_MARKS.items()],
            scale,
        )
        out.append(" " * (BAR - used) + f" {week.total:>4}")


def _given(out: Text, result: Activity) -> None:
    """Given to the left of the line, received to the right: a month's balance at a glance."""
    half = BAR // 2 - 2
    biggest = max((max(m.given, m.received) for m in result.months), default=0)
    scale = half / biggest if biggest else 0.0
    out.append(f"\n  {'':7}  {'given':>{half + 5}} │ received")
    for m in result.months:
        out.append(f"\n  {m.month}  {m.given:>4} ")
        out.append(("█" * _cells(m.given, scale)).rjust(half), "green")
        out.append(" │ ")
        out.append("█" * _cells(m.received, scale), "magenta")
        out.append(f" {m.received}")


def _cells(count: int, scale: float) -> int:
    cells = round(count * scale)
    return 1 if count and not cells else cells


def _statuses(out: Text, result: Activity) -> None:
    biggest = max((m.strong + m.weak + m.dormant for m in result.months), default=0)
    scale = STATUS_BAR / biggest if biggest else 0.0
    for m in result.months:
        out.append(f"\n  {m.month}  ")
        used = _bar(
            out,
            [
                (m.strong, *STATUS_MARKS["strong"]),
                (m.weak, *STATUS_MARKS["weak"]),
                (m.dormant, *STATUS_MARKS["dormant"]),
            ],
            scale,
        )
        out.append(" " * (STATUS_BAR - used) + f" {m.strong}/{m.weak}/{m.dormant}")


STAGE_STYLES = {
    "none": "grey50",
    "listening": "blue",
    "starting": "cyan",
    "contributing": "green",
    "sharing": "bold green",
}


def _stages(out: Text, result: Activity) -> None:
    for m in result.months:
        out.append(f"\n  {m.month}  ")
        out.append(f"{m.stage:<13}", STAGE_STYLES.get(m.stage, ""))
        if m.share is not None:
            cells = round(m.share * STAGE_BAR)
            out.append("█" * cells + "·" * (STAGE_BAR - cells), STAGE_STYLES.get(m.stage, ""))
            out.append(f" {m.giving}/{m.events}")


def _topics(out: Text, result: Activity) -> None:
    if not result.topics:
        out.append("\n  No topic has any engagement yet: `plnctl set TIE --add-topic T` adds one.")
        return
    width = min(max(_len(visible(t.topic)) for t in result.topics), TOPIC_NAME)
    biggest = result.topics[0].engagement
    scale = TOPIC_BAR / biggest if biggest else 0.0
    from plnctl.render.fit import shorten

    for t in result.topics:
        name = shorten(visible(t.topic), width)
        out.append(f"\n  {name}{' ' * (width - _len(name))}  ")
        out.append("█" * max(1, round(t.engagement * scale)), "green")
        ties = "tie" if t.ties == 1 else "ties"
        out.append(f" {t.engagement:.1f} ({t.ties} {ties})")


def _len(text: str) -> int:
    from plnctl.render.fit import cells

    return cells(text)
