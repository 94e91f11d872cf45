"""Commands that find who knows what: topics, who, scouts and suggest."""

from __future__ import annotations

from typing import Annotated

import typer

from plnctl.app import app, as_of_date, network_of
from plnctl.commands.options import AsOfOption, JsonOption
from plnctl.complete import complete_topic


@app.command()
def topics(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    json: JsonOption = False,
) -> None:
    """List your goals and every topic in your network: strong, weak and dormant ties on
    each, and where the holes are (gap, no-people, single, quiet, fading).

    Example: plnctl topics --as-of 2w
    """
    from plnctl.render import jsondoc, topiclists
    from plnctl.render.terminal import warn_skipped

    when = as_of_date(as_of)
    rows, problems = network_of(ctx).topics(when)
    warnings = warn_skipped(problems)
    if json:
        jsondoc.print_json(jsondoc.topics_json(rows, when, warnings))
    else:
        topiclists.topics_table(rows, when)


@app.command()
def who(
    ctx: typer.Context,
    topic: Annotated[
        str,
        typer.Argument(metavar="TOPIC", help="The topic.", autocompletion=complete_topic),
    ],
    as_of: AsOfOption = None,
    json: JsonOption = False,
) -> None:
    """Show who in your network knows a topic, best first, and who is learning it too.

    Example: plnctl who "machine learning"
    """
    from plnctl.render import jsondoc, topiclists
    from plnctl.render.terminal import warn_skipped

    when = as_of_date(as_of)
    found, problems = network_of(ctx).who(topic, when)
    warnings = warn_skipped(problems)
    if json:
        jsondoc.print_json(jsondoc.who_json(found, when, warnings))
    else:
        topiclists.who_table(found, when)


@app.command()
def scouts(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    json: JsonOption = False,
) -> None:
    """Show the ties that led you to others (--via), those that became strong first:
    ask your best scouts whom they pay attention to.

    Example: plnctl scouts
    """
    from plnctl.render import jsondoc, topiclists
    from plnctl.render.terminal import warn_skipped

    when = as_of_date(as_of)
    found, problems = network_of(ctx).scouts(when)
    warnings = warn_skipped(problems)
    if json:
        jsondoc.print_json(jsondoc.scouts_json(found, when, warnings))
    else:
        topiclists.scouts_table(found)


@app.command()
def suggest(
    ctx: typer.Context,
    topic: Annotated[
        list[str],
        typer.Argument(
            metavar="TOPIC...", help="What the find is about.", autocompletion=complete_topic
        ),
    ],
    limit: Annotated[
        int | None, typer.Option(min=1, metavar="N", help="Show at most N people.")
    ] = None,
    sources: Annotated[
        bool, typer.Option("--sources", help="Suggest sources too (a forum, a newsletter).")
    ] = False,
    as_of: AsOfOption = None,
    json: JsonOption = False,
) -> None:
    """Suggest whom to pass a find along to: people learning the topic first, then
    those you only take from, then ties due for a word, then the rest.

    Example: plnctl suggest "machine learning" statistics --limit 5
    """
    from plnctl.render import jsondoc, topiclists
    from plnctl.render.terminal import warn_skipped

    when = as_of_date(as_of)
    found, problems = network_of(ctx).suggest(topic, when, include_sources=sources)
    shown = found[:limit] if limit else found
    warnings = warn_skipped(problems)
    if json:
        jsondoc.print_json(jsondoc.suggest_json(shown, topic, when, warnings))
    else:
        topiclists.suggest_table(shown, topic)
