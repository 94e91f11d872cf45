"""`plnctl import` and `plnctl export`: OPML, vCard, CSV and the JSON backup."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from plnctl.app import KindChoice, app, say, store_of, today

if TYPE_CHECKING:
    from plnctl.formats import Parsed
    from plnctl.transfer import Report


class FormatChoice(StrEnum):
    opml = "opml"
    vcard = "vcard"
    csv = "csv"
    json = "json"


FORMAT_HELP = (
    "opml (feeds), vcard (people), csv, or json (full backup) [default: from the extension]."
)


def parse_file(data: bytes, fmt: str, what: str) -> Parsed:
    from plnctl.formats import backup, csvfile, opml, vcard

    if fmt == "opml":
        return opml.parse(data, what)
    if fmt == "vcard":
        return vcard.parse(data, what)
    if fmt == "csv":
        return csvfile.parse(data, what)
    return backup.parse(data, what)


def read_input(path: Path | None) -> bytes:
    """The bytes of the file to import, or of standard input when `path` is None."""
    from plnctl.errors import InvalidValueError
    from plnctl.store import describe_os_error

    if path is None:
        return sys.stdin.buffer.read()
    file = str(path)
    path = path.expanduser()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidValueError(f"no such file: {file}") from None
    except IsADirectoryError:
        raise InvalidValueError(f"{file} is a directory, not a file to import") from None
    except OSError as exc:
        raise InvalidValueError(describe_os_error(exc, path)) from None


@app.command(name="import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="The file to read ('-' for standard input).")
    ],
    format: Annotated[
        FormatChoice | None, typer.Option("--format", "-f", help=FORMAT_HELP, show_default=False)
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would change; write nothing.")
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Bring ties in from a feed reader (OPML), an address book (vCard), CSV or a backup.

    Matches each entry to a tie you have by URL, then by name; adds the new
    ones, fills in empty fields, adds missing tags, topics and events, and
    never replaces your values or drops history. Importing the same file
    twice changes nothing. Prints what was added, updated and skipped.

    Example: plnctl import feeds.opml --dry-run
    """
    from plnctl.errors import InvalidValueError
    from plnctl.formats import guess_format
    from plnctl.transfer import run_import

    path = None if file == "-" else Path(file)
    if path is not None and path.expanduser().is_dir():
        raise InvalidValueError(f"{file} is a directory, not a file to import")
    if path is not None and not path.expanduser().exists():
        raise InvalidValueError(f"no such file: {file}")
    fmt = guess_format(path, format.value if format else None)
    data = read_input(path)
    parsed = parse_file(data, fmt, file if path else "standard input")
    report = run_import(store_of(ctx), parsed, today(), dry_run=dry_run, on_wait=say)
    if json:
        from plnctl.render import print_json

        print_json(report_json(report, fmt, file))
    else:
        print_report(report)
    for warning in report.warnings:
        say(f"warning: {warning}")
    if dry_run:
        say("dry run: nothing was written")


VERBS = {
    False: {"added": "added", "updated": "updated", "skipped": "skipped"},
    True: {"added": "would add", "updated": "would update", "skipped": "would skip"},
}


def print_report(report: Report) -> None:
    """One line per tie touched, then the unusable entries, then the counts."""
    verbs = VERBS[report.dry_run]
    used = {o.action for o in report.outcomes} | ({"skipped"} if report.unusable else set())
    width = max((len(verbs[a]) for a in used), default=0)
    lines = []
    for outcome in report.outcomes:
        notes = []
        if outcome.action == "updated":
            notes.append(", ".join(outcome.fields))
        if outcome.kept:
            notes.append(f"kept yours: {', '.join(outcome.kept)}")
        elif outcome.action == "skipped":
            notes.append("already up to date")
        detail = f"  ({'; '.join(notes)})" if notes else ""
        lines.append(f"{verbs[outcome.action]:<{width}}  {outcome.slug}: {outcome.name}{detail}")
    for where, reason in report.unusable:
        lines.append(f"{verbs['skipped']:<{width}}  {where}: {reason}")
    if report.settings:
        state = {"added": "restored", "kept": "kept yours (the backup's differ)", "same": "same"}
        lines.append(f"settings: {state[report.settings]}")
    if report.shares_added:
        lines.append(f"public shares: {report.shares_added} added")
    added, updated = report.count("added"), report.count("updated")
    skipped = report.count("skipped") + len(report.unusable)
    if report.dry_run:
        lines.append(f"dry run: {added} to add, {updated} to update, {skipped} to skip")
    else:
        lines.append(f"{added} added, {updated} updated, {skipped} skipped")
    sys.stdout.write("\n".join(lines) + "\n")


def report_json(report: Report, fmt: str, file: str) -> dict[str, Any]:
    """The import report for scripts (docs/formats.md)."""

    def entries(action: str) -> list[dict[str, Any]]:
        return [
            {
                "slug": o.slug,
                "name": o.name,
                "fields": list(o.fields),
                "kept": list(o.kept),
                "where": o.where,
            }
            for o in report.outcomes
            if o.action == action
        ]

    return {
        "file": file,
        "format": fmt,
        "dry_run": report.dry_run,
        "counts": {
            "added": report.count("added"),
            "updated": report.count("updated"),
            "skipped": report.count("skipped") + len(report.unusable),
        },
        "added": entries("added"),
        "updated": entries("updated"),
        "skipped": entries("skipped"),
        "unusable": [{"where": w, "reason": r} for w, r in report.unusable],
        "settings": report.settings,
        "shares_added": report.shares_added,
        "warnings": list(report.warnings),
    }


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[
        FormatChoice | None,
        typer.Option(
            "--format",
            "-f",
            help="opml, vcard, csv or json [default: from --output's extension, else json].",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to this file (atomically) instead of stdout.",
        ),
    ] = None,
    kind: Annotated[
        KindChoice | None,
        typer.Option(
            "--kind",
            "-k",
            help="Only persons or sources [default: sources for opml, persons for vcard].",
            show_default=False,
        ),
    ] = None,
    archived: Annotated[bool, typer.Option(help="Include archived ties.")] = False,
) -> None:
    """Write your ties out for a feed reader, an address book, a spreadsheet, or as a backup.

    The JSON backup holds everything (every tie with its events and unknown
    fields, the settings and the public share log); `plnctl import` restores it.

    Example: plnctl export --format opml --output feeds.opml
    """
    from plnctl.errors import InvalidValueError
    from plnctl.formats import EXTENSIONS, backup, csvfile, opml, vcard
    from plnctl.network import tie_kind
    from plnctl.transfer import read_settings, require_complete, select

    if format is not None:
        fmt = format.value
    elif output is not None and output.suffix.lower() in EXTENSIONS:
        fmt = EXTENSIONS[output.suffix.lower()]
    else:
        fmt = "json"
    store = store_of(ctx)
    ties, problems = store.load_all()
    when = today()
    if fmt == "json":
        if kind is not None or archived:
            raise InvalidValueError(
                "a JSON backup holds every tie; --kind and --archived do not apply to it"
            )
        require_complete(problems)
        count = len(ties)
        text = backup.dump(
            sorted(ties, key=lambda pair: pair[0]),
            settings=read_settings(store),
            shares=store.load_shares(),
            today=when,
        )
    else:
        for problem in problems:
            say(f"warning: skipped {problem.path}: {problem.problem}")
        default_kind = {"opml": "source", "vcard": "person"}.get(fmt)
        chosen = select(
            ties, kind=tie_kind(kind.value) if kind else default_kind, archived=archived
        )
        count = len(chosen)
        if fmt == "opml":
            left_out = sum(1 for _, t in chosen if not t.url)
            if left_out:
                say(f"left out {left_out} tie(s) with no URL: OPML lists feeds by URL")
                count -= left_out
            text = opml.dump([t for _, t in chosen], title="plnctl: my sources", today=when)
        elif fmt == "vcard":
            text = vcard.dump(chosen)
        else:
            text = csvfile.dump(chosen, {slug: t.name for slug, t in ties})
    write_output(text, output)
    if output is not None:
        say(f"wrote {count} tie(s) to {output}")


def write_output(text: str, output: Path | None) -> None:
    from plnctl.errors import InvalidValueError
    from plnctl.store import atomic_write, describe_os_error

    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    path = output.expanduser()
    if path.is_dir():
        raise InvalidValueError(f"{output} is a directory; give a file name to --output")
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise InvalidValueError(describe_os_error(exc, path)) from None
