"""`plnctl import` and `plnctl export`: OPML, vCard, CSV and the JSON backup."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from plnctl.app import KindChoice, app, network_of
from plnctl.commands.options import JsonOption
from plnctl.complete import complete_tag, complete_tie


class FormatChoice(StrEnum):
    opml = "opml"
    vcard = "vcard"
    csv = "csv"
    mastodon = "mastodon"
    youtube = "youtube"
    linkedin = "linkedin"
    profile = "profile"
    json = "json"


class ExportFormat(StrEnum):
    """What export writes: what import reads, and a Graphviz graph."""

    opml = "opml"
    vcard = "vcard"
    csv = "csv"
    mastodon = "mastodon"
    json = "json"
    dot = "dot"


FORMAT_HELP = (
    "opml, vcard, csv, mastodon (follows), youtube (subscriptions), linkedin "
    "(Connections.csv), profile (a published profile) or json (backup) "
    "[default: from the content, else the extension]."
)


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
    tag: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TAG",
            autocompletion=complete_tag,
            help="Tag every tie the file brings (repeat).",
        ),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(
            metavar="TIE",
            autocompletion=complete_tie,
            help="The tie whose list this is: recorded as `via` on each new tie.",
        ),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=FIELD",
            help="CSV: read COLUMN (a header or a column number) as FIELD (repeat).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would change; write nothing.")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Bring ties in: feeds (OPML), contacts (vCard, CSV, LinkedIn), follows, channels, backups.

    Recognises the file by its content: a feed reader's or podcast app's OPML,
    an address book's vCard or CSV, LinkedIn's Connections.csv, Mastodon's
    follows, YouTube's subscriptions, or a plnctl backup. Matches each entry to
    a tie you have (by URL or handle, then by name); adds the new ones, fills
    in empty fields, adds missing tags, topics and events, and never replaces
    your values or drops history. Importing the same file twice changes nothing.

    Example: plnctl import following_accounts.csv --tag mastodon --dry-run
    """
    from plnctl.errors import InvalidValueError
    from plnctl.formats import csvfile, detect, read
    from plnctl.render import jsondoc, lines

    path = None if file == "-" else Path(file)
    if path is not None and path.expanduser().is_dir():
        raise InvalidValueError(f"{file} is a directory, not a file to import")
    if path is not None and not path.expanduser().exists():
        raise InvalidValueError(f"no such file: {file}")
    mapping = csvfile.parse_map(map_ or [])
    data = read_input(path)
    fmt = detect(data, path, format.value if format else None)
    parsed = read(data, fmt, file if path else "standard input", mapping)
    report = network_of(ctx, quiet=json).import_parsed(
        parsed, dry_run=dry_run, tags=tag or [], via=via
    )
    if json:
        jsondoc.print_json(jsondoc.import_report_json(report, fmt, file))
    else:
        lines.import_report(report)
    lines.import_notes(report)


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help=(
                "opml, vcard, csv, mastodon (follows CSV), json or dot (Graphviz) "
                "[default: from --output's extension, else json]."
            ),
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
            help=(
                "person, source, or a medium such as podcast "
                "[default: sources for opml, persons for vcard and mastodon, all for csv]."
            ),
            show_default=False,
        ),
    ] = None,
    archived: Annotated[bool, typer.Option(help="Include archived ties.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --output file if it exists.")
    ] = False,
) -> None:
    """Write your ties out for a feed reader, an address book, a spreadsheet, or as a backup.

    The JSON backup holds everything (every tie with its events and unknown
    fields, the settings, your profile and the public share log); `plnctl import`
    restores it.

    Example: plnctl export --format opml --output feeds.opml
    """
    from plnctl.formats import EXTENSIONS
    from plnctl.render import lines
    from plnctl.render.terminal import warn_skipped

    if format is not None:
        fmt = format.value
    elif output is not None and output.suffix.lower() in EXTENSIONS:
        fmt = EXTENSIONS[output.suffix.lower()]
    elif output is not None and output.suffix.lower() in (".dot", ".gv"):
        fmt = "dot"
    else:
        fmt = "json"
    network = network_of(ctx)
    done = network.export(fmt, kind=kind.value if kind else None, archived=archived)
    warn_skipped(done.problems)
    lines.export_text(done.text, output, data_dir=network.store.root, force=force)
    lines.exported(done.count, output, done.notes)
