"""The commands, one module per family; importing this registers them on the app."""

from plnctl.app import app
from plnctl.commands import (
    curate,
    demo,
    doctor,
    goals,
    insight,
    overview,
    paths,
    sync,
    track,
    transfer,
    whoknows,
)

__all__ = [
    "curate",
    "demo",
    "doctor",
    "goals",
    "insight",
    "overview",
    "paths",
    "sync",
    "track",
    "transfer",
    "whoknows",
]

# The order `plnctl --help` lists them in: the daily habit first.
HELP_ORDER = [
    "add",
    "checkin",
    "share",
    "review",
    "show",
    "list",
    "shares",
    "learn",
    "teach",
    "topics",
    "who",
    "scouts",
    "suggest",
    "stats",
    "map",
    "set",
    "edit",
    "rename",
    "merge",
    "archive",
    "unarchive",
    "snooze",
    "spread",
    "rm",
    "import",
    "export",
    "log",
    "undo",
    "doctor",
    "path",
    "demo",
]


def _rank(name: str | None) -> int:
    return HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER)


app.registered_commands.sort(
    key=lambda c: _rank(c.name or (c.callback.__name__ if c.callback else None))
)
