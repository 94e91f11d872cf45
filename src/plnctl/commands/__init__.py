"""The commands, one module per family, and the table that names them.

`plnctl` imports a command's module only when that command runs (or shows
its own help): the table says which module holds each command and its one
line of help, which is all `plnctl --help` needs. Importing a module
registers its commands on the app, with `@app.command()` as usual.
"""

from __future__ import annotations

# name: (module under plnctl.commands, the first paragraph of its help), in the
# order `plnctl --help` lists them: the daily habit first. tests/test_docs.py
# checks each entry against the command its module registers.
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("track", "Add a person or source to your network and print its slug."),
    "checkin": ("track", "Log that you read, listened to, talked with or helped a tie."),
    "share": (
        "track",
        "Log something you passed along: to ties with --with, or posted publicly.",
    ),
    "review": (
        "overview",
        "Show the ties that need attention: at risk, due, dormant, and where you only take.",
    ),
    "show": ("overview", "Show one tie: its fields, its status and why, and its history."),
    "list": ("overview", "List your ties with their status, trend and when you last engaged."),
    "shares": ("overview", "List what you passed along, newest first."),
    "learn": (
        "goals",
        "Add a learning goal to your profile, change it, or mark it learned or dropped.",
    ),
    "teach": ("goals", "Say what you could help others learn: your profile shows it to peers."),
    "profile": ("goals", "Show your profile, and for each goal how well your network covers it."),
    "topics": (
        "whoknows",
        "List your goals and every topic in your network: strong, weak and dormant ties on "
        "each, and where the holes are (gap, no-people, single, quiet, fading).",
    ),
    "who": (
        "whoknows",
        "Show who in your network knows a topic, best first, and who is learning it too.",
    ),
    "scouts": (
        "whoknows",
        "Show the ties that led you to others (--via), those that became strong first: "
        "ask your best scouts whom they pay attention to.",
    ),
    "suggest": (
        "whoknows",
        "Suggest whom to pass a find along to: people learning the topic first, then "
        "those you only take from, then ties due for a word, then the rest.",
    ),
    "stats": (
        "insight",
        "Show your activity over time: a year's heatmap, weekly events, ties and topics.",
    ),
    "map": (
        "insight",
        "Draw your network as a map in one HTML file: you in the middle, your ties around you.",
    ),
    "set": ("track", "Change a tie's fields without opening an editor."),
    "edit": (
        "curate",
        "Open a tie's file in your editor ($VISUAL or $EDITOR) and save it once it is valid.",
    ),
    "rename": (
        "curate",
        "Give a tie a new name and slug, keeping its history; ties that name it as --via follow.",
    ),
    "merge": ("curate", "Fold a duplicate tie into another, then remove the duplicate."),
    "archive": (
        "curate",
        "Subtract a voice but keep its history: out of review and list (list --archived shows it).",
    ),
    "unarchive": ("curate", "Bring an archived tie back into review and list."),
    "snooze": (
        "curate",
        "Keep a tie out of review until a day; any new check-in or share ends the snooze.",
    ),
    "spread": ("curate", "Stagger the ties that are due, overdue or lapsing over the coming days."),
    "rm": (
        "curate",
        "Delete a tie and its whole history, after asking (archive keeps the history).",
    ),
    "import": (
        "transfer",
        "Bring ties in: feeds (OPML), contacts (vCard, CSV, LinkedIn), follows, channels, backups.",
    ),
    "export": (
        "transfer",
        "Write your ties out for a feed reader, an address book, a spreadsheet, or as a backup.",
    ),
    "sync": (
        "sync",
        "Sync the data directory with its remote: commit hand edits, fetch, merge, push.",
    ),
    "log": ("sync", "Show what changed, newest first, from the data directory's git history."),
    "undo": (
        "sync",
        "Undo plnctl's last change with a new commit that reverts it (safe after a sync).",
    ),
    "doctor": ("doctor", "Check the files in your data directory for problems."),
    "path": ("paths", "Print where plnctl keeps your ties, its settings and its cache."),
    "demo": ("demo", "Build a small sample network in a new directory and show its review."),
    # Hidden from --help (no line of help): git runs it, set up by `plnctl sync init`.
    "merge-file": ("sync", ""),
}


def load_all() -> None:
    """Import every command module, registering every command on the app."""
    import importlib

    for module in dict.fromkeys(module for module, _ in COMMANDS.values()):
        importlib.import_module(f"{__name__}.{module}")
