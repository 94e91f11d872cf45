"""Learning with the network, for people: topics, who knows one, scouts, suggestions, profile."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from plnctl.render import fit
from plnctl.render.tables import fitted_table
from plnctl.render.terminal import STATUS_STYLE, ago, visible, write_lines

if TYPE_CHECKING:
    from plnctl.network.expertise import Lineage
    from plnctl.profile import Profile
    from plnctl.routing import Recipient
    from plnctl.scout import Scout
    from plnctl.topic import TopicRow, WhoKnows


def _days(last: dt.date | None, as_of: dt.date) -> str:
    return ago(None if last is None else (as_of - last).days)


def _quoted(topic: str) -> str:
    """A topic as a shell argument a user can paste."""
    import shlex

    return shlex.quote(topic)


TOPIC_COLUMNS = (
    fit.Column("topic", shrink_to=16),
    fit.Column("strong", justify="right"),
    fit.Column("weak", justify="right"),
    fit.Column("dormant", drop=3, justify="right"),
    fit.Column("people", drop=2, justify="right"),
    fit.Column("score", drop=1, justify="right"),
    fit.Column("last", drop=4),
    fit.Column("flags"),
)


def topics_table(rows: Sequence[TopicRow], as_of: dt.date) -> None:
    if not rows:
        write_lines(
            [
                "No topics yet: give ties topics (`plnctl set TIE --add-topic T`) "
                "or set a goal (`plnctl learn TOPIC`)."
            ]
        )
        return
    goals = [r for r in rows if r.goal]
    others = [r for r in rows if not r.goal]
    for title, part in ((f"Your goals ({len(goals)})", goals), (f"Topics ({len(others)})", others)):
        if not part:
            continue
        cells = [
            [
                visible(r.topic),
                str(r.strong),
                str(r.weak),
                str(r.dormant),
                f"{r.people}/{r.people + r.sources}",
                f"{r.engagement:.1f}",
                _days(r.last_engaged, as_of),
                ", ".join(r.flags),
            ]
            for r in part
        ]
        styles = [("yellow" if r.flags else None,) for r in part]
        fitted_table(TOPIC_COLUMNS, cells, styles, {"flags": 0}, title=title)
    if any(set(r.flags) & {"gap", "no-people", "single"} for r in goals):
        _say_lines(
            [
                fit.words(
                    "Fill a hole: `plnctl who TOPIC` shows who is on it, "
                    "`plnctl scouts` whom to ask."
                )
            ]
        )


WHO_COLUMNS = (
    fit.Column("name", shrink_to=12),
    fit.Column("slug", drop=4),
    fit.Column("kind", drop=1),
    fit.Column("status"),
    fit.Column("score", drop=2, justify="right"),
    fit.Column("last", drop=3),
    fit.Column("helped you", drop=5, justify="right"),
)


def who_table(found: WhoKnows, as_of: dt.date) -> None:
    if not found.ties and not found.learners:
        _say_lines(
            [
                fit.words(
                    f"Nobody in your network is on {found.topic!r} yet. Ask your best scouts "
                    "whom they follow (`plnctl scouts`), then `plnctl add NAME --topic "
                    f"{_quoted(found.topic)}`."
                )
            ]
        )
        return
    if found.ties:
        cells = [
            [
                visible(k.name),
                k.slug,
                k.kind,
                k.status,
                f"{k.engagement:.1f}",
                _days(k.last_engaged, as_of),
                str(k.helped) if k.helped else "",
            ]
            for k in found.ties
        ]
        styles = [(STATUS_STYLE.get(k.status),) for k in found.ties]
        fitted_table(WHO_COLUMNS, cells, styles, {"status": 0}, title=f"Who knows {found.topic}")
    if found.learners:
        lines = [fit.words(f"Learning {found.topic} too: peers to learn with, or to help", "bold")]
        lines.extend(
            fit.parts((p.name, "bold"), (p.status, STATUS_STYLE.get(p.status)), indent=2,
                      label=(f"({p.slug})", None))
            for p in found.learners
        )  # fmt: skip
        _say_lines(lines)


SCOUT_COLUMNS = (
    fit.Column("scout", shrink_to=12),
    fit.Column("slug", drop=2),
    fit.Column("status", drop=1),
    fit.Column("led you to", justify="right"),
    fit.Column("became strong", justify="right"),
)


def scouts_table(found: Sequence[Scout]) -> None:
    if not found:
        _say_lines(
            [
                fit.words(
                    "No scouts yet: when you add a tie someone led you to, say so with "
                    "`plnctl add NAME --via TIE` (or `plnctl set`), and it shows here."
                )
            ]
        )
        return
    cells = [
        [visible(s.name), s.slug, s.status, str(len(s.led_to)), str(len(s.became_strong))]
        for s in found
    ]
    styles = [(STATUS_STYLE.get(s.status),) for s in found]
    fitted_table(
        SCOUT_COLUMNS, cells, styles, {"status": 0}, title="Scouts: the ties that led you to others"
    )
    best = found[0]
    strong = len(best.became_strong)
    became = f", {strong} became strong" if strong else ""
    _say_lines(
        [
            fit.words(
                f"Ask {best.name} whom they pay attention to: they led you to "
                f"{len(best.led_to)} of your ties{became}."
            )
        ]
    )


def suggest_table(found: Sequence[Recipient], topics: Sequence[str]) -> None:
    """A block per tie, as in review: the tie, why, and the command to log the share."""
    about = ", ".join(topics)
    if not found:
        _say_lines(
            [
                fit.words(
                    f"Nobody in your network is on {about} or learning it; "
                    "`plnctl share WHAT` logs a public share."
                )
            ]
        )
        return
    lines = [fit.parts((f"Whom a find on {about} would help ({len(found)})", "bold"))]
    for r in found:
        lines.append(fit.parts((r.name, "bold"), indent=2, label=(f"({r.slug})", None)))
        lines.append(fit.words(r.reason, None, 4))
        lines.append(fit.command(f"plnctl share LINK --with {r.slug}", 6))
    _say_lines(lines)


def _say_lines(lines: Sequence[fit.Line]) -> None:
    from plnctl.render.tables import terminal

    fit.show(lines, terminal())


def lineage_lines(lineage: Lineage) -> list[tuple[str, str]]:
    """`show`'s "found via" and "led you to" fields, for the tie's panel."""
    fields: list[tuple[str, str]] = []
    chain = lineage.found_via
    if chain is not None and (chain.slugs or chain.next):
        names = [f"{lineage.names.get(s, s)} ({s})" for s in chain.slugs]
        if chain.stop == "loop" and chain.next:
            names.append(f"back to {chain.next} (a loop)")
        elif chain.stop == "missing" and chain.next:
            names.append(f"{chain.next} (no such tie)")
        fields.append(("found via", " ← ".join(names)))
    if lineage.led_to:
        fields.append(("led to", ", ".join(f"{name} ({slug})" for slug, name in lineage.led_to)))
    return fields


def profile_screen(profile: Profile, coverage: Sequence[TopicRow]) -> None:
    from plnctl.conflicts import records_in, set_aside
    from plnctl.text import label_key

    def text(line: str, style: str | None = None) -> fit.Line:
        """A line of words, wrapped on a terminal under its own indent."""
        body = visible(line, one_line=True).lstrip(" ")
        return fit.words(body, style, len(line) - len(body))

    def entry(head: str, note: str | None) -> fit.Line:
        """`  topic: why`, the why wrapped in the column after the topic."""
        if not note:
            return text(f"  {head}")
        return fit.hanging((visible(f"{head}: ", one_line=True), None), (note, None), 2)

    def heading(line: str) -> list[fit.Line]:
        return [text(""), text(line, "bold")]

    rows = {row.key: row for row in coverage}
    lines = [text(profile.name or "Your profile (no name yet: `plnctl profile set --name NAME`)")]
    if profile.about:
        lines.append(text(f"  {profile.about}"))
    lines.extend(text(f"  {link}") for link in profile.links)
    active = [g for g in profile.learn if g.active()]
    lines += heading(f"Learning ({len(active)})" if active else "Learning: nothing yet")
    for g in active:
        until = f" (by {g.until.isoformat()})" if g.until else ""
        lines.append(entry(f"{g.topic}{until}", g.why))
        row = rows.get(label_key(g.topic))
        if row is not None:
            counts = f"{row.strong} strong, {row.weak} weak, {row.dormant} dormant"
            people = f"{row.people} {'person' if row.people == 1 else 'people'}"
            flags = f"; {', '.join(row.flags)}" if row.flags else ""
            lines.append(text(f"    network: {counts}; {people}{flags}"))
    if not active:
        lines.append(text('  `plnctl learn "TOPIC" --why "..."` sets a goal'))
    learned = [g for g in profile.learn if g.done is not None]
    if learned:
        lines += heading(f"Learned ({len(learned)})")
        lines.extend(text(f"  {g.topic} ({g.done.isoformat()})") for g in learned if g.done)
    lines += heading(
        f"Can help with ({len(profile.teach)})" if profile.teach else "Can help with: -"
    )
    lines.extend(entry(o.topic, o.note) for o in profile.teach)
    if profile.projects:
        lines += heading(f"Projects ({len(profile.projects)})")
        for p in profile.projects:
            rest = " ".join(x for x in (p.url or "", f"— {p.note}" if p.note else "") if x)
            lines.append(text(f"  {p.name}" + (f"  {rest}" if rest else "")))
    records = records_in(profile.extra)
    if records:
        title, entries = set_aside(records, "_profile.toml")
        lines += [text(""), text(title), *(text(entry) for entry in entries)]
    _say_lines(lines)
