"""Commands that read the network: review, show, list and shares."""

from __future__ import annotations

from typing import Annotated

import typer

from plnctl.app import (
    KindChoice,
    StatusChoice,
    app,
    as_of_date,
    network_of,
    warn_if_no_data_dir,
)
from plnctl.commands.options import AsOfOption, JsonOption
from plnctl.complete import TieArgument, complete_tag, complete_topic
from plnctl.dates import DATE_HELP


@app.command()
def review(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Show every tie, snoozed ones too, unlimited.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", metavar="N", min=1, help="Show at most N ties per section."),
    ] = 5,
    json: JsonOption = False,
) -> None:
    """Show the ties that need attention: at risk, due, dormant, and where you only take.

    Example: plnctl review --as-of 2w
    """
    from plnctl.render.terminal import warn_skipped

    when = as_of_date(as_of)
    network = network_of(ctx, quiet=json)
    result, total, problems = network.review(when, show_all=show_all)
    warnings = warn_skipped(problems)
    warn_if_no_data_dir(ctx, network, total)
    if json:
        from plnctl.render import jsondoc

        jsondoc.print_json(jsondoc.review_json(result, warnings))
    else:
        from plnctl.render import tables

        tables.review_table(result, total=total, show_all=show_all, limit=limit)


@app.command()
def show(
    ctx: typer.Context,
    tie: TieArgument,
    as_of: AsOfOption = None,
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Every event (a terminal shows the newest 15).")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Show one tie: its fields, its status and why, and its history.

    Example: plnctl show ann --as-of 2025-06-30
    """
    when = as_of_date(as_of)
    network = network_of(ctx, quiet=json)
    v = network.view(network.find(tie), when)
    lineage = network.lineage(v.slug)
    if json:
        from plnctl.render import jsondoc

        jsondoc.print_json(jsondoc.show_json(v, when, lineage))
    else:
        from plnctl.render import tables, topiclists

        tables.show_panel(
            v, when, network.settings, topiclists.lineage_lines(lineage), show_all=show_all
        )


@app.command(name="list")
def list_(
    ctx: typer.Context,
    kind: Annotated[
        KindChoice | None,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            help="person, source, or a medium such as podcast or video (sources of that medium).",
        ),
    ] = (None),
    status: Annotated[
        StatusChoice | None, typer.Option(metavar="STATUS", help="strong, weak or dormant.")
    ] = None,
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic", "-t", metavar="TOPIC", autocompletion=complete_topic, help="Only this topic."
        ),
    ] = None,
    tag: Annotated[
        str | None, typer.Option(metavar="TAG", autocompletion=complete_tag, help="Only this tag.")
    ] = None,
    archived: Annotated[bool, typer.Option(help="Include archived ties.")] = False,
    json: JsonOption = False,
) -> None:
    """List your ties with their status, trend and when you last engaged.

    Example: plnctl list --kind source --status strong
    """
    from plnctl.render.terminal import warn_skipped

    network = network_of(ctx, quiet=json)
    shown, total, problems = network.views(
        network.today,
        archived=archived,
        kind=kind.value if kind else None,
        status=status.value if status else None,
        topic=topic,
        tag=tag,
    )
    warn_skipped(problems)
    warn_if_no_data_dir(ctx, network, total)
    if json:
        from plnctl.render import jsondoc

        jsondoc.print_json_list(jsondoc.tie_json(v) for v in shown)
    else:
        from plnctl.render import tables

        tables.list_table(shown, total=total)


@app.command()
def shares(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help=f"Only from this date on ({DATE_HELP}).")
    ] = (None),
    json: JsonOption = False,
    clear_conflicts: Annotated[
        bool,
        typer.Option(
            "--clear-conflicts",
            help="Remove the changes a merge set aside in the share log (listed above the shares).",
        ),
    ] = False,
) -> None:
    """List what you passed along, newest first.

    Example: plnctl shares --since 4w
    """
    from plnctl.dates import parse_date
    from plnctl.render import jsondoc, lines, tables
    from plnctl.render.terminal import warn_skipped

    if clear_conflicts and (since is not None or json):
        from plnctl.errors import InvalidValueError

        given = "--since" if since is not None else "--json"
        raise InvalidValueError(
            f"--clear-conflicts clears every conflict record of the share log; "
            f"run it without {given}"
        )
    network = network_of(ctx, quiet=json)
    if clear_conflicts:
        lines.conflicts_cleared("_shares.toml", network.clear_share_conflicts())
        return
    start = parse_date(since, network.today, option="--since") if since is not None else None
    records, conflicts, problems = network.shares(start)
    warnings = warn_skipped(problems)
    if json:
        jsondoc.print_json(jsondoc.shares_json(records, conflicts, warnings))
    else:
        tables.shares_table(records, conflicts)
