"""Options many commands share, defined once: --as-of and --json."""

from __future__ import annotations

from typing import Annotated

import typer

from plnctl.dates import DATE_HELP

AS_OF_HELP = f"Derive everything as of this date ({DATE_HELP}); later events are ignored."

AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help=AS_OF_HELP, show_default=False)
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document (see docs/json.md).")
]
