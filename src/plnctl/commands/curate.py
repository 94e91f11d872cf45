"""Commands that curate the network: edit, rename, merge, archive, rm, snooze and spread."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plnctl.app import app, network_of
from plnctl.complete import TieArgument, complete_tie


def run_editor(path: Path) -> None:
    """Open `path` in $VISUAL, else $EDITOR, else vi; the command may carry arguments."""
    import os
    import shlex
    import shutil
    import subprocess

    from plnctl.errors import EditError

    var = "VISUAL" if os.environ.get("VISUAL", "").strip() else "EDITOR"
    command = os.environ.get(var, "").strip()
    if not command:
        if not shutil.which("vi"):
            raise EditError("no editor: set $VISUAL or $EDITOR (for example EDITOR=nano)")
        var, command = "default", "vi"
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise EditError(f"cannot read ${var} {command!r}: {exc}") from None
    try:
        done = subprocess.run([*argv, str(path)], check=False)
    except OSError as exc:
        raise EditError(
            f"cannot run the editor {argv[0]!r} (from ${var}): {exc.strerror or exc}; "
            "set $VISUAL or $EDITOR to an editor command"
        ) from None
    if done.returncode != 0:
        raise EditError(
            f"the editor {argv[0]!r} exited with status {done.returncode}; nothing was saved"
        )


@app.command()
def edit(
    ctx: typer.Context,
    tie: TieArgument,
) -> None:
    """Open a tie's file in your editor ($VISUAL or $EDITOR) and save it once it is valid.

    You edit a copy: an invalid edit is explained and, at a terminal, offered
    again; otherwise the original file is kept untouched.

    Example: EDITOR="code --wait" plnctl edit ann
    """
    from plnctl.render import lines
    from plnctl.render.terminal import ask, interactive, say

    network = network_of(ctx)
    slug = network.find(tie)

    def retry(problem: str) -> bool:
        if not interactive():
            return False
        say(f"invalid edit: {problem}")
        return ask("Open the editor again? (no keeps the file as it was)", default=True)

    lines.edited(slug, network.edit(slug, run_editor, retry))


@app.command()
def rename(
    ctx: typer.Context,
    tie: TieArgument,
    new_name: Annotated[str, typer.Argument(metavar="NEW-NAME", help="The tie's new name.")],
) -> None:
    """Give a tie a new name and slug, keeping its history; ties that name it as --via follow.

    Example: plnctl rename "ann lee" "Ann Lee-Okafor"
    """
    from plnctl.render import lines

    network = network_of(ctx)
    lines.renamed(network.rename(network.find(tie), new_name))


@app.command()
def merge(
    ctx: typer.Context,
    tie: Annotated[
        str, typer.Argument(metavar="TIE", help="The duplicate.", autocompletion=complete_tie)
    ],
    into: Annotated[
        str, typer.Argument(help="The tie to keep.", metavar="INTO", autocompletion=complete_tie)
    ],
) -> None:
    """Fold a duplicate tie into another, then remove the duplicate.

    Events are joined by id, topics and tags unioned, empty fields filled from
    the duplicate and notes joined; ties that name it as --via follow. The
    duplicate is removed only after the merged file is written.

    Example: plnctl merge "ann l" ann-lee
    """
    from plnctl.render import lines

    network = network_of(ctx)
    lines.merged(network.merge(network.find(tie), network.find(into)))


def _archive(ctx: typer.Context, tie: str, archived: bool) -> None:
    from plnctl.render import lines

    network = network_of(ctx)
    slug = network.find(tie)
    lines.archived(slug, archived, network.set_archived(slug, archived))


@app.command()
def archive(
    ctx: typer.Context,
    tie: TieArgument,
) -> None:
    """Subtract a voice but keep its history: out of review and list (list --archived shows it).

    Example: plnctl archive "old newsletter"
    """
    _archive(ctx, tie, True)


@app.command()
def unarchive(
    ctx: typer.Context,
    tie: TieArgument,
) -> None:
    """Bring an archived tie back into review and list.

    Example: plnctl unarchive old-newsletter
    """
    _archive(ctx, tie, False)


@app.command(name="rm")
def rm(
    ctx: typer.Context,
    tie: TieArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; for scripts.")] = False,
) -> None:
    """Delete a tie and its whole history, after asking (archive keeps the history).

    Example: plnctl rm "spam blog" --yes
    """
    from plnctl.errors import ConfirmationError
    from plnctl.render import lines
    from plnctl.render.terminal import ask, interactive

    network = network_of(ctx)
    slug = network.find(tie)
    if not yes:
        what = network.describe(slug)
        if not interactive():
            raise ConfirmationError(
                f"not removing {what}: no terminal to confirm on; pass --yes to remove it"
            )
        if not ask(f"Remove {what} for good? (`plnctl archive` keeps it)", default=False):
            raise ConfirmationError(f"not removed: {slug} is kept")
    network.remove(slug)
    lines.removed(slug)


@app.command()
def snooze(
    ctx: typer.Context,
    tie: TieArgument,
    until: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Back in review on this day: YYYY-MM-DD or tomorrow."),
    ] = None,
    for_days: Annotated[
        int | None, typer.Option("--for", metavar="DAYS", help="Back in review in DAYS days.")
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="End the snooze now.")] = False,
) -> None:
    """Keep a tie out of review until a day; any new check-in or share ends the snooze.

    Example: plnctl snooze ann --for 14
    """
    from plnctl.dates import snooze_date
    from plnctl.errors import InvalidValueError
    from plnctl.render import lines

    if sum((until is not None, for_days is not None, off)) != 1:
        raise InvalidValueError("give exactly one of --until DATE, --for DAYS or --off")
    network = network_of(ctx)
    slug = network.find(tie)
    if off:
        lines.unsnoozed(slug, network.snooze(slug, None))
        return
    day = snooze_date(network.today, until=until, for_days=for_days)
    network.snooze(slug, day)
    lines.snoozed(slug, day)


@app.command()
def spread(
    ctx: typer.Context,
    over: Annotated[
        int, typer.Option(min=1, max=365, metavar="DAYS", help="Spread them over this many days.")
    ] = 28,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show the plan; change nothing.")
    ] = False,
) -> None:
    """Stagger the ties that are due, overdue or lapsing over the coming days.

    The most overdue stays due today; each of the others is snoozed until a
    day spread evenly over --over days, so after an import or a holiday the
    review brings them back a few at a time.

    Example: plnctl spread --over 21 --dry-run
    """
    from plnctl.render import lines
    from plnctl.render.terminal import warn_skipped

    plan, problems = network_of(ctx).spread(over, dry_run=dry_run)
    warn_skipped(problems)
    lines.spread(plan, over, dry_run=dry_run)
