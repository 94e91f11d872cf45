"""The Typer app, its global options, and what every command shares."""

from __future__ import annotations

import datetime as dt
import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeAlias, cast

import typer

from plnctl import __version__
from plnctl.group import LazyGroup
from plnctl.kinds import CHECKIN_KINDS, KIND_WORDS, PINS, STATUSES

if TYPE_CHECKING:
    from plnctl.network import Network

TODAY_ENV = "PLNCTL_TODAY"

app = typer.Typer(
    name="plnctl",
    cls=LazyGroup,
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


def _choices(name: str, words: tuple[str, ...]) -> type[StrEnum]:
    """A Typer choice list of `words` (Typer offers choices from an Enum)."""
    return cast("type[StrEnum]", StrEnum(name, {word.replace("-", "_"): word for word in words}))


# The choices are made from plnctl.kinds, where each list is defined once; to a
# type checker each is just a StrEnum.
if TYPE_CHECKING:
    KindChoice: TypeAlias = StrEnum
    CheckinKind: TypeAlias = StrEnum
    StatusChoice: TypeAlias = StrEnum
    PinChoice: TypeAlias = StrEnum
else:
    KindChoice = _choices("KindChoice", KIND_WORDS)
    # `share` is offered so that `checkin --kind share` can point to `plnctl share`.
    CheckinKind = _choices("CheckinKind", (*CHECKIN_KINDS, "share"))
    StatusChoice = _choices("StatusChoice", STATUSES)
    PinChoice = _choices("PinChoice", (*PINS, "none"))
# Defaults for options, made once (a call in a signature would be made on every import).
PERSON = KindChoice("person")
READ = CheckinKind("read")


class Globals:
    """What the global options say, for every command (a plain class: `--help` imports less)."""

    __slots__ = ("data_dir", "explicit_dir", "named_dir")

    def __init__(self, data_dir: Path, explicit_dir: bool, named_dir: bool) -> None:
        self.data_dir = data_dir
        self.explicit_dir = explicit_dir  # --data-dir
        self.named_dir = named_dir  # --data-dir or PLNCTL_DATA_DIR, not the default


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


def network_of(ctx: typer.Context, *, quiet: bool = False) -> Network:
    """The network of the data directory the command runs on, as of today.

    Long work shows a progress bar on a terminal's stderr, unless `quiet`
    (a command printing JSON).
    """
    from plnctl.network import Network
    from plnctl.render.meter import meter
    from plnctl.render.terminal import say_once, warn
    from plnctl.store import Store

    store = Store(globals_of(ctx).data_dir)
    return Network(store, today(), on_wait=say_once, on_warn=warn, on_progress=meter(quiet=quiet))


def warn_if_no_data_dir(ctx: typer.Context, network: Network, total: int) -> None:
    """An empty network read from a directory named by --data-dir or PLNCTL_DATA_DIR
    that does not exist is most likely a typo: say so rather than only "no ties yet"."""
    if not total and globals_of(ctx).named_dir and not network.store.root.exists():
        from plnctl.render.terminal import warn

        warn(
            f"{network.store.root} does not exist (check --data-dir and PLNCTL_DATA_DIR); "
            "`plnctl add NAME` creates it"
        )


def as_of_date(text: str | None) -> dt.date:
    from plnctl.dates import parse_date

    now = today()
    return parse_date(text, now, option="--as-of") if text is not None else now


def _version(value: bool) -> None:
    if value:
        from plnctl.render.lines import version

        version(__version__)
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
    from plnctl.store import ENV_VAR, resolve_data_dir

    given = data_dir is not None
    named = given or bool(os.environ.get(ENV_VAR))
    ctx.obj = Globals(resolve_data_dir(data_dir), explicit_dir=given, named_dir=named)
