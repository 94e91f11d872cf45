"""Commands for your side of the network: learn, teach, and your peer profile."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from plnctl.app import app, as_of_date, network_of
from plnctl.commands.options import JsonOption
from plnctl.complete import complete_topic
from plnctl.dates import DATE_HELP, FUTURE_HELP

TopicArgument = Annotated[
    str,
    typer.Argument(metavar="TOPIC", help="What to learn or teach.", autocompletion=complete_topic),
]


@app.command()
def learn(
    ctx: typer.Context,
    topic: TopicArgument,
    why: Annotated[str | None, typer.Option(metavar="TEXT", help="Why you want to learn it.")] = (
        None
    ),
    until: Annotated[
        str | None,
        typer.Option(metavar="DATE", help=f"When you want to have learned it: {FUTURE_HELP}."),
    ] = None,
    done: Annotated[bool, typer.Option("--done", help="Mark it learned (it is kept).")] = False,
    drop: Annotated[bool, typer.Option("--drop", help="Drop it (it is kept, as dropped).")] = False,
) -> None:
    """Add a learning goal to your profile, change it, or mark it learned or dropped.

    Example: plnctl learn "machine learning" --why "to read the papers my students cite"
    """
    from plnctl.errors import InvalidValueError
    from plnctl.render import lines

    if done and drop:
        raise InvalidValueError("give --done or --drop, not both")
    network = network_of(ctx)
    if done or drop:
        if why is not None or until is not None:
            raise InvalidValueError("--why and --until set a goal; --done and --drop end one")
        lines.goal_finished(network.finish_goal(topic, dropped=drop))
        return
    day = None
    if until is not None:
        from plnctl.dates import parse_future_date

        day = parse_future_date(until, network.today, option="--until")
    lines.goal_set(*network.learn(topic, why=why, until=day))


@app.command()
def teach(
    ctx: typer.Context,
    topic: TopicArgument,
    note: Annotated[
        str | None, typer.Option(metavar="TEXT", help="How you could help (a course, a talk...).")
    ] = None,
    drop: Annotated[bool, typer.Option("--drop", help="You no longer offer it.")] = False,
) -> None:
    """Say what you could help others learn: your profile shows it to peers.

    Example: plnctl teach statistics --note "happy to review analysis plans"
    """
    from plnctl.errors import InvalidValueError
    from plnctl.render import lines

    network = network_of(ctx)
    if drop:
        if note is not None:
            raise InvalidValueError("--note describes an offer; --drop withdraws one")
        lines.teaching_dropped(network.stop_teaching(topic))
        return
    lines.teaching_set(topic.strip(), network.teach(topic, note=note))


# Its help is the callback's docstring, as for every command.
profile_app = typer.Typer(name="profile", no_args_is_help=False, rich_markup_mode=None)
app.add_typer(profile_app)


@profile_app.callback(invoke_without_command=True)
def profile(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help=f"Coverage as of this date ({DATE_HELP})."),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Show your profile, and for each goal how well your network covers it.

    Subcommands change it (set, project) or publish it as a card to share.

    Example: plnctl profile
    """
    if ctx.invoked_subcommand is not None:
        return
    from plnctl.render import jsondoc, topiclists

    when = as_of_date(as_of)
    network = network_of(ctx)
    profile_, coverage = network.profile_with_coverage(when)
    if json:
        jsondoc.print_json(jsondoc.profile_json(profile_, coverage, when))
    else:
        topiclists.profile_screen(profile_, coverage)


@profile_app.command(name="set")
def profile_set(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(metavar="TEXT", help="Your name ('' clears it).")] = (
        None
    ),
    about: Annotated[
        str | None, typer.Option(metavar="TEXT", help="A line or two about you ('' clears it).")
    ] = None,
    add_link: Annotated[
        list[str] | None, typer.Option(metavar="URL", help="Add a link (repeat).")
    ] = None,
    remove_link: Annotated[
        list[str] | None, typer.Option(metavar="URL", help="Remove a link (repeat).")
    ] = None,
    clear_conflicts: Annotated[
        bool,
        typer.Option(
            "--clear-conflicts",
            help="Remove the changes a merge set aside (`plnctl profile` lists them).",
        ),
    ] = False,
) -> None:
    """Change who you are on your profile: name, about, links.

    Example: plnctl profile set --name "Sam Rivera" --add-link https://sam.example.org
    """
    from plnctl.render import lines

    changed = network_of(ctx).set_profile(
        name=name,
        about=about,
        add_links=add_link or [],
        remove_links=remove_link or [],
        clear_conflicts=clear_conflicts,
    )
    lines.profile_changed(changed)


@profile_app.command(name="project")
def profile_project(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The project's name.")],
    url: Annotated[str | None, typer.Option(metavar="URL", help="Where to see it.")] = None,
    note: Annotated[str | None, typer.Option(metavar="TEXT", help="What it is.")] = None,
    drop: Annotated[bool, typer.Option("--drop", help="Take it off your profile.")] = False,
) -> None:
    """Add a project to your profile, change it, or take it off.

    Example: plnctl profile project "Open stats notes" --url https://notes.example.org
    """
    from plnctl.render import lines

    lines.project_changed(
        name.strip(), network_of(ctx).project(name, url=url, note=note, drop=drop)
    )


class CardFormat(StrEnum):
    markdown = "markdown"
    html = "html"
    json = "json"


@profile_app.command(name="publish")
def profile_publish(
    ctx: typer.Context,
    format: Annotated[
        CardFormat, typer.Option("--format", "-f", help="markdown, html or json.")
    ] = CardFormat.markdown,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to this file, not stdout."),
    ] = None,
    with_sources: Annotated[
        bool,
        typer.Option("--with-sources", help="Add the strong sources you learn each goal from."),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Print your profile as a card to paste into a blog, a forum or a course page.

    It names no person from your network; --with-sources adds a reading list
    of your strong sources per goal.

    Example: plnctl profile publish --format html -o profile.html
    """
    from plnctl.render import profilecard

    network = network_of(ctx)
    card = network.profile_card(with_sources=with_sources)
    profilecard.publish(card, format.value, output, data_dir=network.store.root, force=force)
