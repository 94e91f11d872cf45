"""Commands that curate the network: edit, rename, merge, archive, rm, snooze and spread."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from plnctl.app import app, network_of, say, warn_skipped
from plnctl.complete import TieArgument, complete_tie


def _interactive() -> bool:
    """Whether there is a person at a terminal to answer a question."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(question: str, *, default: bool) -> bool:
    """A yes/no question on stderr, so stdout keeps only results; end of input is no."""
    hint = "[Y/n]" if default else "[y/N]"
    while True:
        print(f"{question} {hint} ", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line:
            print(file=sys.stderr)
            return False
        answer = line.strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False


def run_editor(path: Path) -> None:
    """Open `path` in $VISUAL, else $EDITOR, else vi; the command may carry arguments."""
    import os
    import shlex
    import shutil
    import subprocess

    from plnctl.curate import EditError

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
    from plnctl.curate import edit_tie

    network = network_of(ctx)
    slug = network.find(tie)

    def retry(problem: str) -> bool:
        if not _interactive():
            return False
        say(f"invalid edit: {problem}")
        return _ask("Open the editor again? (no keeps the file as it was)", default=True)

    saved = edit_tie(network.store, slug, run_editor, retry, on_wait=network.on_wait)
    if saved is None:
        say(f"no changes; {slug} is as it was")
    else:
        print(f"saved {slug} ({saved.name})")


@app.command()
def rename(
    ctx: typer.Context,
    tie: TieArgument,
    new_name: Annotated[str, typer.Argument(metavar="NEW-NAME", help="The tie's new name.")],
) -> None:
    """Give a tie a new name and slug, keeping its history; ties that name it as --via follow.

    Example: plnctl rename "ann lee" "Ann Lee-Okafor"
    """
    from plnctl.curate import rename as rename_tie

    network = network_of(ctx)
    slug = network.find(tie)
    done = rename_tie(network.store, slug, new_name, on_wait=network.on_wait)
    print(f"renamed {done.old_slug} ({done.old_name}) to {done.slug} ({done.name})")
    if done.repointed:
        print(f"updated --via in {', '.join(done.repointed)}")
    if done.skipped and done.slug != done.old_slug:
        warn_skipped(done.skipped)
        say(f"warning: a skipped file that names {done.old_slug} as --via still does")


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
    from plnctl.curate import merge as merge_ties

    network = network_of(ctx)
    dup_slug = network.find(tie)
    into_slug = network.find(into)
    done = merge_ties(network.store, dup_slug, into_slug, on_wait=network.on_wait)
    print(f"merged {done.removed} into {done.slug} ({done.tie.name}) and removed {done.removed}")
    print(f"events: {done.events_added} added, {done.events_shared} already there")
    if done.topics_added:
        print(f"topics added: {', '.join(done.topics_added)}")
    if done.tags_added:
        print(f"tags added: {', '.join(done.tags_added)}")
    if done.filled:
        print(f"fields taken from {done.removed}: {', '.join(done.filled)}")
    if done.repointed:
        print(f"updated --via in {', '.join(done.repointed)}")
    if done.skipped:
        warn_skipped(done.skipped)


def _archive(ctx: typer.Context, tie: str, archived: bool) -> None:
    from plnctl.curate import set_archived

    network = network_of(ctx)
    slug = network.find(tie)
    verb = "archived" if archived else "unarchived"
    if set_archived(network.store, slug, archived, on_wait=network.on_wait):
        print(f"{verb} {slug}")
    else:
        say(f"{slug} is already {'archived' if archived else 'not archived'}; nothing changed")


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
    from plnctl.curate import ConfirmationError, describe, remove

    network = network_of(ctx)
    slug = network.find(tie)
    if not yes:
        what = describe(network.store, slug)
        if not _interactive():
            raise ConfirmationError(
                f"not removing {what}: no terminal to confirm on; pass --yes to remove it"
            )
        if not _ask(f"Remove {what} for good? (`plnctl archive` keeps it)", default=False):
            raise ConfirmationError(f"not removed: {slug} is kept")
    remove(network.store, slug, on_wait=network.on_wait)
    print(f"removed {slug}")


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
    from plnctl.curate import set_snooze, snooze_date
    from plnctl.errors import InvalidValueError

    if sum((until is not None, for_days is not None, off)) != 1:
        raise InvalidValueError("give exactly one of --until DATE, --for DAYS or --off")
    network = network_of(ctx)
    slug = network.find(tie)
    if off:
        before = set_snooze(network.store, slug, None, on_wait=network.on_wait)
        if before is None:
            say(f"{slug} was not snoozed; nothing changed")
        else:
            print(f"{slug} is back in review (was snoozed until {before.isoformat()})")
        return
    day = snooze_date(network.today, until=until, for_days=for_days)
    set_snooze(network.store, slug, day, on_wait=network.on_wait)
    print(f"snoozed {slug} until {day.isoformat()}")


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
    from plnctl.curate import apply_spread, plan_spread

    network = network_of(ctx)
    store = network.store
    settings = store.settings()
    ties, problems = store.load_all()
    warn_skipped(problems)
    plan = plan_spread(ties, network.today, settings, over)
    if not plan:
        say("nothing to spread: no tie is due, overdue or lapsing")
        return
    if not dry_run:
        apply_spread(store, plan, on_wait=network.on_wait)
    width = max(len(p.slug) for p in plan)
    snooze_word = "would snooze until" if dry_run else "snoozed until"
    for p in plan:
        where = f"{snooze_word} {p.until.isoformat()}" if p.until else "stays due today"
        print(f"{p.slug:<{width}}  {p.band:<7} {p.overdue_ratio:5.1f}x  {where}")
    moved = sum(1 for p in plan if p.until)
    if dry_run:
        say(f"dry run: would spread {len(plan)} ties over {over} days; nothing was changed")
    else:
        say(f"spread {len(plan)} ties over {over} days ({moved} snoozed)")
