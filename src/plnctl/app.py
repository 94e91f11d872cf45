"""The Typer app, its global options, and what every command shares."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plnctl import __version__

if TYPE_CHECKING:
    from plnctl.errors import TieFileError
    from plnctl.network import Network
    from plnctl.store import Store

TODAY_ENV = "PLNCTL_TODAY"

app = typer.Typer(
    name="plnctl",
    help=(
        "Track your personal learning network: the people and sources you learn from.\n\n"
        "Log what you read and passed along, and review which ties you are losing."
    ),
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class KindChoice(StrEnum):
    person = "person"
    source = "source"
    site = "site"
    blog = "blog"
    feed = "feed"
    podcast = "podcast"
    newsletter = "newsletter"
    forum = "forum"


class CheckinKind(StrEnum):
    read = "read"
    listen = "listen"
    watch = "watch"
    visit = "visit"
    comment = "comment"
    converse = "converse"
    ask = "ask"
    help_given = "help-given"
    help_received = "help-received"


class StatusChoice(StrEnum):
    strong = "strong"
    weak = "weak"
    dormant = "dormant"


class PinChoice(StrEnum):
    strong = "strong"
    weak = "weak"
    none = "none"


@dataclass
class Globals:
    data_dir: Path
    explicit_dir: bool


def today() -> dt.date:
    """The local date; PLNCTL_TODAY (YYYY-MM-DD) fixes it for tests and examples."""
    fixed = os.environ.get(TODAY_ENV)
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            from plnctl.errors import InvalidValueError

            raise InvalidValueError(f"{TODAY_ENV}={fixed!r} is not a YYYY-MM-DD date") from None
    return dt.date.today()


def globals_of(ctx: typer.Context) -> Globals:
    obj = ctx.find_root().obj
    assert isinstance(obj, Globals)
    return obj


def store_of(ctx: typer.Context) -> Store:
    from plnctl.store import Store

    return Store(globals_of(ctx).data_dir)


def network_of(ctx: typer.Context) -> Network:
    from plnctl.network import Network

    return Network(store_of(ctx), today(), on_wait=say)


def say(message: str) -> None:
    """A message for the person at the terminal: always stderr."""
    print(f"plnctl: {message}", file=sys.stderr, flush=True)


def warn_skipped(problems: list[TieFileError]) -> list[str]:
    """One stderr line per unreadable file, and a count; returns them for --json."""
    lines = [f"skipped {p.path}: {p.problem}" for p in problems]
    for line in lines:
        say(f"warning: {line}")
    if problems:
        files = "file" if len(problems) == 1 else "files"
        say(f"warning: skipped {len(problems)} unreadable {files}; `plnctl doctor` checks them")
    return lines


def as_of_date(text: str | None) -> dt.date:
    from plnctl.dates import parse_date

    now = today()
    return parse_date(text, now, option="--as-of") if text is not None else now


def _version(value: bool) -> None:
    if value:
        print(f"plnctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            metavar="DIR",
            help="Directory of tie files [env PLNCTL_DATA_DIR; default: your user data dir].",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Track your personal learning network."""
    from plnctl.store import resolve_data_dir

    ctx.obj = Globals(resolve_data_dir(data_dir), explicit_dir=data_dir is not None)
