"""Start-up stays fast: a command imports only what it needs."""

from __future__ import annotations

import pytest
import typer.main
from typer._click import Context, HelpFormatter
from typer.core import TyperGroup

from conftest import Cli
from helpers import imported_modules
from plnctl.app import app
from plnctl.commands import COMMANDS, load_all
from plnctl.index import fileformat, loader, location
from plnctl.store import Store

HEAVY = ("rich", "pydantic", "tomllib", "tomli_w", "platformdirs")


def imported(*args: str) -> set[str]:
    """Top-level modules a real plnctl process has imported when it ends."""
    return {m.split(".")[0] for m in imported_modules(*args)}


@pytest.mark.parametrize("args", [["--help"], ["checkin", "--help"], ["--version"]])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    modules = imported(*args)
    assert "typer" in modules  # the probe does see imports
    assert not modules.intersection(HEAVY), modules.intersection(HEAVY)


def test_warm_review_and_list_never_import_pydantic(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("checkin", "ann")
    cli.ok("list")  # builds the index
    # Pretend the index looked at the files long after they last changed.
    store = Store(cli.data_dir)
    path = location.index_path(cli.data_dir)
    seen_ns, entries = fileformat.read_index(path, loader.identity_of(store))
    assert "ann-lee" in entries
    fileformat.write_index(path, loader.identity_of(store), seen_ns + 2 * loader.RACY_NS, entries)
    for args in (["review"], ["list", "--json"], ["review", "--json"]):
        modules = imported(*args)
        assert "plnctl" in modules
        assert "pydantic" not in modules, args
    # Without goals, nor strong people to move up a rung, review needs no learning model.
    learning = {"plnctl.learning", "plnctl.topic", "plnctl.scout", "plnctl.profile"}
    assert not imported_modules("review").intersection(learning)
    # Plain output of review and list needs neither rich nor the JSON encoder.
    for args in (["review"], ["list"]):
        assert not imported(*args).intersection({"rich", "json"}), args


# Options several commands share: a module of definitions, not of commands.
SHARED = {"plnctl.commands.options"}


def command_modules(modules: set[str]) -> set[str]:
    return {m for m in modules if m.startswith("plnctl.commands.")} - SHARED


def test_help_builds_no_command_and_a_command_only_its_own_module() -> None:
    assert command_modules(imported_modules("--help")) == set()
    assert command_modules(imported_modules("--version")) == set()
    assert command_modules(imported_modules("checkin", "--help")) == {"plnctl.commands.track"}
    assert command_modules(imported_modules("doctor", "--help")) == {"plnctl.commands.doctor"}


def registered() -> dict[str, tuple[str, str]]:
    """name: (module, first paragraph of its help) of every command the modules register."""
    load_all()
    found = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or typer.main.get_command_name(info.callback.__name__)
        found[name] = (info.callback.__module__, info.callback.__doc__ or "")
    for group in app.registered_groups:
        assert group.typer_instance is not None
        callback = group.typer_instance.registered_callback
        assert callback is not None and callback.callback is not None
        group_name = group.name or group.typer_instance.info.name
        assert isinstance(group_name, str)
        found[group_name] = (callback.callback.__module__, callback.callback.__doc__ or "")
    return {
        name: (module.removeprefix("plnctl.commands."), " ".join(doc.split("\n\n")[0].split()))
        for name, (module, doc) in found.items()
    }


def test_the_command_table_names_every_command_its_module_and_its_help() -> None:
    # A command the table gives no help line to is hidden from --help (`merge-file`).
    hidden = {name for name, (_, summary) in COMMANDS.items() if not summary}
    assert hidden == {"merge-file"}
    found = registered()
    assert {name: entry[0] for name, entry in found.items()} == {
        name: entry[0] for name, entry in COMMANDS.items()
    }
    assert {n: e for n, e in found.items() if n not in hidden} == {
        n: e for n, e in COMMANDS.items() if n not in hidden
    }


def test_help_lists_the_commands_as_the_built_commands_would(cli: Cli) -> None:
    """`plnctl --help` reads the table; a group of every built command says the same."""
    shown = cli.ok("--help").out
    load_all()
    lazy = typer.main.get_command(app)
    assert isinstance(lazy, TyperGroup)
    built = TyperGroup(name="plnctl", commands={name: lazy.commands[name] for name in COMMANDS})
    formatter = HelpFormatter()
    built.format_commands(Context(built), formatter)
    listing = formatter.getvalue()
    assert listing.startswith("Commands:\n  add ")
    assert shown.endswith("\n" + listing)
