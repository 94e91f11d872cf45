"""`plnctl path`: where the data, the settings and the cache live."""

from __future__ import annotations

import typer

from plnctl.app import app, globals_of
from plnctl.commands.options import JsonOption


@app.command()
def path(
    ctx: typer.Context,
    json: JsonOption = False,
) -> None:
    """Print where plnctl keeps your ties, its settings and its cache.

    Example: plnctl path --json
    """
    from plnctl.index import cache_dir, index_path
    from plnctl.render import jsondoc, lines
    from plnctl.settings import SETTINGS_FILE

    data = globals_of(ctx).data_dir.absolute()
    places = {
        "data_dir": str(data),
        "settings_file": str(data / SETTINGS_FILE),
        "cache_dir": str(cache_dir()),
        "index_file": str(index_path(data)),
    }
    if json:
        jsondoc.print_json(places)
    else:
        lines.paths(places)
