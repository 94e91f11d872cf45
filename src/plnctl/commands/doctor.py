"""`plnctl doctor`: check every file in the data directory."""

from __future__ import annotations

from typing import Annotated

import typer

from plnctl.app import app, network_of
from plnctl.commands.options import JsonOption


@app.command()
def doctor(
    ctx: typer.Context,
    json: JsonOption = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="First fold sync tools' conflict copies into their files and make files private.",
        ),
    ] = False,
) -> None:
    """Check the files in your data directory for problems.

    Reports each problem on its own line with its file and line. Looks for
    files that do not parse or validate, event ids used twice, two
    files claiming the same tie, misnamed or stray files, conflict copies
    left by sync tools, merge conflict markers, leftover temporary files and
    permissions others could read. Changes nothing unless --fix; exits 1
    when something is wrong.

    Example: plnctl doctor --fix
    """
    from plnctl.errors import ProblemsFoundError
    from plnctl.render import jsondoc, lines

    network = network_of(ctx, quiet=json)
    folded = 0
    if fix:
        folds, private, result = network.repair()
        lines.folded(folds, private, json=json)
        folded = sum(1 for fold in folds if fold.problem is None) + len(private)
    else:
        result = network.checkup()
    if json:
        jsondoc.print_json(jsondoc.checkup_json(result))
    else:
        lines.checkup(result)
    errors = result.errors
    if errors:
        files = len({f.path for f in errors})
        problems = "problem" if len(errors) == 1 else "problems"
        in_files = "1 file" if files == 1 else f"{files} files"
        changed = "nothing was changed"
        if folded:
            changed = (
                "the change above is the only one made"
                if folded == 1
                else f"the {folded} changes above are the only ones made"
            )
        raise ProblemsFoundError(
            f"{len(errors)} {problems} in {in_files} of {result.root}; {changed}"
        )
