"""Commands that read the network: review, show, list and shares."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from plnctl.app import (
    KindChoice,
    StatusChoice,
    app,
    as_of_date,
    network_of,
    store_of,
    today,
    warn_skipped,
)
from plnctl.complete import TieArgument, complete_tag, complete_topic
from plnctl.dates import DATE_HELP

if TYPE_CHECKING:
    from plnctl.errors import TieFileError
    from plnctl.store import Store

AS_OF_HELP = f"Derive everything as of this date ({DATE_HELP}); later events are ignored."
JSON_HELP = "Print one JSON document (see docs/json.md)."


@app.command()
def review(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP)] = None,
    show_all: Annotated[bool, typer.Option("--all", "-a", help="Show every tie.")] = False,
    json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Show the ties that need attention: at risk, due, dormant, and where you only take.

    Example: plnctl review --as-of 2w
    """
    from plnctl import render
    from plnctl.index import load_summaries
    from plnctl.review import build_review

    when = as_of_date(as_of)
    store = store_of(ctx)
    settings = store.settings()
    ties, problems = load_summaries(store, when, settings)
    public = public_share_dates(store, problems)
    warnings = warn_skipped(problems)
    result = build_review(ties, when, settings, show_all=show_all, public_shares=public)
    if json:
        render.print_json(render.review_json(result, warnings))
    else:
        render.review_table(result, total=len(ties), show_all=show_all)


def public_share_dates(store: Store, problems: list[TieFileError]) -> list[dt.date]:
    """The dates of the shares posted publicly; an unreadable log joins `problems`."""
    from plnctl.errors import TieFileError

    try:
        log = store.load_shares()
    except TieFileError as exc:
        problems.append(exc)
        return []
    days = [store.share_day(entry) for entry in log]
    return [day for day in days if day is not None]


@app.command()
def show(
    ctx: typer.Context,
    tie: TieArgument,
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP)] = None,
    json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Show one tie: its fields, its status and why, and its history.

    Example: plnctl show ann --as-of 2025-06-30
    """
    from plnctl import render
    from plnctl.review import view

    when = as_of_date(as_of)
    network = network_of(ctx)
    slug = network.find(tie)
    settings = network.store.settings()
    v = view(slug, network.store.load(slug), when, settings)
    if json:
        render.print_json(render.show_json(v, when))
    else:
        render.show_panel(v, when, settings)


@app.command(name="list")
def list_(
    ctx: typer.Context,
    kind: Annotated[
        KindChoice | None, typer.Option("--kind", "-k", metavar="KIND", help="person or source.")
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
    json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """List your ties with their status, trend and when you last engaged.

    Example: plnctl list --kind source --status strong
    """
    from plnctl import render
    from plnctl.index import load_summaries
    from plnctl.network import tie_kind
    from plnctl.review import filter_views, view

    when = today()
    store = store_of(ctx)
    settings = store.settings()
    ties, problems = load_summaries(store, when, settings)
    warn_skipped(problems)
    views = [view(slug, t, when, settings) for slug, t in ties if archived or not t.archived]
    shown = filter_views(
        views,
        kind=tie_kind(kind.value) if kind else None,
        status=status.value if status else None,
        topic=topic,
        tag=tag,
    )
    if json:
        render.print_json_list(render.tie_json(v) for v in shown)
    else:
        render.list_table(shown, total=len(ties))


@app.command()
def shares(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help=f"Only from this date on ({DATE_HELP}).")
    ] = (None),
    json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """List what you passed along, newest first.

    Example: plnctl shares --since 4w
    """
    from plnctl import render
    from plnctl.dates import parse_date

    network = network_of(ctx)
    start = parse_date(since, network.today, option="--since") if since is not None else None
    records, problems = network.shares(start)
    warnings = warn_skipped(problems)
    if json:
        render.print_json(render.shares_json(records, warnings))
    else:
        render.shares_table(records)
