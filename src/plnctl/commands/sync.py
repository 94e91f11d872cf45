"""Commands that keep the network in git: sync and sync init, log, undo, and the merge driver."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plnctl.app import app, network_of
from plnctl.complete import complete_tie

JSON_HELP = "Print one JSON document (see docs/json.md)."

sync_app = typer.Typer(
    rich_markup_mode=None,
    subcommand_metavar="[init [REMOTE]]",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(sync_app, name="sync")


def driver_command() -> str:
    """How git should run this plnctl as its merge driver: the `plnctl` that runs now,
    or this Python with `-m plnctl`, quoted for git's shell."""
    import os
    import shlex
    import sys

    program = sys.argv[0] if sys.argv else ""
    if os.path.basename(program) == "plnctl" and os.access(program, os.X_OK):
        command = shlex.quote(os.path.abspath(program))
    else:
        command = f"{shlex.quote(sys.executable)} -m plnctl"
    return f"{command} merge-file %O %A %B %P"


@sync_app.callback(invoke_without_command=True)
def sync(ctx: typer.Context) -> None:
    """Sync the data directory with its remote: commit hand edits, fetch, merge, push.

    Merges go through plnctl's own merge driver: events from both devices are
    kept, and a field both changed keeps this device's value and records the
    other's. Without a remote, or offline, your changes stay committed here
    and plnctl exits 1. `plnctl sync init` turns sync on (docs/sync.md).

    Example: plnctl sync
    """
    if ctx.invoked_subcommand is not None:
        return
    from plnctl.network.syncing import SyncStopped
    from plnctl.render import lines

    try:
        report = network_of(ctx).sync(driver_command())
    except SyncStopped as stopped:
        lines.synced(stopped.report, finished=False)
        raise
    lines.synced(report, finished=True)


@sync_app.command()
def init(
    ctx: typer.Context,
    remote: Annotated[
        str | None,
        typer.Argument(metavar="REMOTE", help="A git URL or a bare repository's path."),
    ] = None,
    clone: Annotated[
        str | None,
        typer.Option(
            "--clone", metavar="REMOTE", help="Make the data directory a clone of REMOTE."
        ),
    ] = None,
) -> None:
    """Keep the data directory in git: every change becomes a commit, `plnctl sync` syncs.

    Makes the directory a git repository (or adopts the one it is), routes its
    TOML files through plnctl's merge driver, commits what is there and sets
    `origin` to REMOTE. On a second device, `--clone REMOTE` makes a new data
    directory from the remote. Running it again changes nothing.

    Example: plnctl sync init git@example.org:me/pln.git
    """
    from plnctl.render import lines

    lines.sync_setup(network_of(ctx).sync_init(remote, clone=clone, driver=driver_command()))


@app.command()
def log(
    ctx: typer.Context,
    tie: Annotated[
        str | None,
        typer.Argument(
            metavar="TIE", help="Only the changes of this tie.", autocompletion=complete_tie
        ),
    ] = None,
    max_count: Annotated[
        int, typer.Option("--max-count", "-n", min=1, metavar="N", help="Show the N newest.")
    ] = 20,
    json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Show what changed, newest first, from the data directory's git history.

    Example: plnctl log ann -n 5
    """
    from plnctl.render import jsondoc, lines

    commits = network_of(ctx).history(tie, max_count)
    if json:
        jsondoc.print_json(jsondoc.log_json(commits))
    else:
        lines.log(commits)


@app.command()
def undo(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; for scripts.")] = False,
) -> None:
    """Undo plnctl's last change with a new commit that reverts it (safe after a sync).

    Refuses when the last commit was not plnctl's or when files have changes
    not committed yet.

    Example: plnctl undo --yes
    """
    from plnctl.errors import ConfirmationError
    from plnctl.gitrepo import Commit
    from plnctl.render import lines
    from plnctl.render.terminal import ask, interactive

    def confirm(commit: Commit) -> bool:
        if yes:
            return True
        if not interactive():
            raise ConfirmationError(
                f"not undoing {commit.message!r}: no terminal to confirm on; pass --yes"
            )
        return ask(f"Undo {commit.message!r} ({commit.short})?", default=False)

    lines.undone(network_of(ctx).undo(confirm))


@app.command(name="merge-file", hidden=True)
def merge_file(
    base: Annotated[Path, typer.Argument(metavar="BASE", help="The common ancestor (%O).")],
    ours: Annotated[
        Path, typer.Argument(metavar="OURS", help="This side (%A); the merge is written here.")
    ],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", help="The other side (%B).")],
    path: Annotated[
        str | None, typer.Argument(metavar="PATH", help="The file's path in the repository (%P).")
    ] = None,
) -> None:
    """Git's merge driver for plnctl's files, set up by `plnctl sync init`.

    Merges BASE, OURS and THEIRS and writes the result over OURS; exits 1,
    leaving OURS as it was, when a side is not a file plnctl can read.

    Example: plnctl merge-file %O %A %B %P
    """
    from plnctl.app import today
    from plnctl.threeway import merge_file as merge

    merge(base, ours, theirs, path or ours.name, today=today())
