"""Commands that picture the network: stats (activity over time) and map (an HTML ego map)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plnctl.app import app, as_of_date, network_of
from plnctl.commands.options import AsOfOption, JsonOption


@app.command()
def stats(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    weeks: Annotated[
        int,
        typer.Option(
            "--weeks", "-w", metavar="N", min=1, max=520, help="Weeks in the weekly chart."
        ),
    ] = 26,
    json: JsonOption = False,
) -> None:
    """Show your activity over time: a year's heatmap, weekly events, ties and topics.

    Example: plnctl stats --weeks 12
    """
    from plnctl.render import charts, jsondoc
    from plnctl.render.terminal import warn_skipped

    when = as_of_date(as_of)
    result, problems = network_of(ctx, quiet=json).activity(when, weeks=weeks)
    warnings = warn_skipped(problems)
    if json:
        jsondoc.print_json(jsondoc.stats_json(result, warnings))
    else:
        charts.stats(result)


@app.command(name="map")
def map_(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FILE", help="The HTML file to write (atomically)."),
    ],
    as_of: AsOfOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Draw your network as a map in one HTML file: you in the middle, your ties around you.

    Strong ties sit close, weak ones further out, dormant ones at the edge;
    the page needs no network and opens in any browser.

    Example: plnctl map -o network.html
    """
    from plnctl.render import egomap, lines
    from plnctl.render.terminal import warn_skipped

    when = as_of_date(as_of)
    network = network_of(ctx)
    ego, problems = network.ego(when)
    warn_skipped(problems)
    lines.export_text(egomap.page(ego), output, data_dir=network.store.root, force=force)
    lines.mapped(len(ego.views), output)
