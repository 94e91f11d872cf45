"""Commands that change the network: add, checkin, share and set."""

from __future__ import annotations

from typing import Annotated

import typer

from plnctl.app import PERSON, READ, CheckinKind, KindChoice, PinChoice, app, network_of
from plnctl.complete import TieArgument, complete_tag, complete_tie, complete_topic
from plnctl.dates import DATE_HELP
from plnctl.schema import MAX_EVERY

ON_HELP = f"When it happened: {DATE_HELP}."


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The person's or source's name.")],
    kind: Annotated[
        KindChoice,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help=(
                "person, or source (site, blog, feed, podcast, newsletter, forum, video, "
                "organization: kept as its medium)."
            ),
        ),
    ] = PERSON,
    url: Annotated[str | None, typer.Option(metavar="URL", help="Where to find them.")] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            "--topic",
            "-t",
            metavar="TOPIC",
            autocompletion=complete_topic,
            help="What you learn there (repeat).",
        ),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(metavar="TAG", autocompletion=complete_tag, help="Your own label (repeat)."),
    ] = None,
    learning: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TOPIC",
            autocompletion=complete_topic,
            help="For a person: what they want to learn (repeat).",
        ),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(metavar="TIE", autocompletion=complete_tie, help="The tie that led you here."),
    ] = None,
    every: Annotated[
        int | None,
        typer.Option(
            min=1, max=MAX_EVERY, metavar="DAYS", help="Your cadence: engage every N days."
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Anything worth remembering.")
    ] = None,
) -> None:
    """Add a person or source to your network and print its slug.

    Example: plnctl add "Ann Lee" --topic pedagogy --url https://ann.example
    """
    from plnctl.render import lines

    slug = network_of(ctx).add(
        name,
        kind=kind.value,
        url=url,
        topics=topic or [],
        tags=tag or [],
        learning=learning or [],
        via=via,
        every=every,
        note=note,
    )
    lines.added(slug)


@app.command()
def checkin(
    ctx: typer.Context,
    tie: TieArgument,
    kind: Annotated[CheckinKind, typer.Option("--kind", "-k", help="What you did.")] = READ,
    on: Annotated[str | None, typer.Option(metavar="DATE", help=ON_HELP)] = None,
    note: Annotated[str | None, typer.Option(metavar="TEXT", help="What you took from it.")] = None,
    link: Annotated[
        str | None, typer.Option(metavar="URL", help="The post, episode or thread.")
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            "--topic",
            "-t",
            metavar="TOPIC",
            autocompletion=complete_topic,
            help="What it was about (repeat) [default: the tie's topics].",
        ),
    ] = None,
) -> None:
    """Log that you read, listened to, talked with or helped a tie.

    Example: plnctl checkin ann --kind converse --on yesterday --note "on feedback"
    """
    from plnctl.dates import parse_date
    from plnctl.render import lines

    network = network_of(ctx)
    day = parse_date(on, network.today, option="--on") if on is not None else None
    view, event = network.checkin(
        tie, kind=kind.value, on=day, note=note, link=link, topics=topic or []
    )
    lines.checked_in(view, event)


@app.command()
def share(
    ctx: typer.Context,
    what: Annotated[str, typer.Argument(metavar="WHAT", help="A link or a title.")],
    with_: Annotated[
        list[str] | None,
        typer.Option(
            "--with",
            "-w",
            metavar="TIE",
            autocompletion=complete_tie,
            help="A tie you shared it with (repeat).",
        ),
    ] = None,
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="TIE",
            autocompletion=complete_tie,
            help="Whose work it is (credit gives back).",
        ),
    ] = None,
    on: Annotated[str | None, typer.Option(metavar="DATE", help=ON_HELP)] = None,
    note: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Why you passed it along.")
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            "--topic",
            "-t",
            metavar="TOPIC",
            autocompletion=complete_topic,
            help="What it is about (repeat); `plnctl suggest` finds whom it would help.",
        ),
    ] = None,
) -> None:
    """Log something you passed along: to ties with --with, or posted publicly.

    Example: plnctl share https://example.org/post --with ann --from "Ben's blog"
    """
    from plnctl.dates import parse_date
    from plnctl.render import lines

    network = network_of(ctx)
    day = parse_date(on, network.today, option="--on") if on is not None else None
    record = network.share(
        what, with_=with_ or [], from_=from_, on=day, note=note, topics=topic or []
    )
    lines.shared(record)


@app.command(name="set")
def set_(
    ctx: typer.Context,
    tie: TieArgument,
    url: Annotated[str | None, typer.Option(metavar="URL", help="New URL ('' clears it).")] = None,
    kind: Annotated[
        KindChoice | None,
        typer.Option(
            "--kind", "-k", metavar="KIND", help="person, source, or a source word such as podcast."
        ),
    ] = (None),
    every: Annotated[
        int | None,
        typer.Option(min=0, max=MAX_EVERY, metavar="DAYS", help="Cadence in days (0 clears it)."),
    ] = None,
    pin: Annotated[
        PinChoice | None,
        typer.Option(metavar="strong|weak|none", help="Pin the status, or 'none' to derive it."),
    ] = None,
    add_topic: Annotated[
        list[str] | None,
        typer.Option(metavar="TOPIC", autocompletion=complete_topic, help="Add a topic (repeat)."),
    ] = None,
    remove_topic: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TOPIC", autocompletion=complete_topic, help="Remove a topic (repeat)."
        ),
    ] = None,
    add_tag: Annotated[
        list[str] | None,
        typer.Option(metavar="TAG", autocompletion=complete_tag, help="Add a tag (repeat)."),
    ] = None,
    remove_tag: Annotated[
        list[str] | None,
        typer.Option(metavar="TAG", autocompletion=complete_tag, help="Remove a tag (repeat)."),
    ] = None,
    add_learning: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TOPIC",
            autocompletion=complete_topic,
            help="A person: add what they want to learn (repeat).",
        ),
    ] = None,
    remove_learning: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TOPIC",
            autocompletion=complete_topic,
            help="A person: remove from what they want to learn (repeat).",
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option(metavar="TEXT", help="New note ('' clears it).")
    ] = None,
    clear_conflicts: Annotated[
        bool,
        typer.Option(
            "--clear-conflicts", help="Remove the changes a merge set aside (`show` lists them)."
        ),
    ] = False,
) -> None:
    """Change a tie's fields without opening an editor.

    Example: plnctl set ann --every 14 --add-topic assessment --pin strong
    """
    from plnctl.changes import Changes
    from plnctl.render import lines

    changes = Changes(
        url=url,
        kind=kind.value if kind else None,
        every=every,
        pin=pin.value if pin else None,
        add_topics=add_topic or [],
        remove_topics=remove_topic or [],
        add_tags=add_tag or [],
        remove_tags=remove_tag or [],
        add_learning=add_learning or [],
        remove_learning=remove_learning or [],
        note=note,
        clear_conflicts=clear_conflicts,
    )
    network = network_of(ctx)
    slug = network.find(tie)
    lines.updated(slug, *network.change(slug, changes))
