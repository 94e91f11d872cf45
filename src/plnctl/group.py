"""The top-level command group: each command is imported and built only when it is used.

Typer builds every registered command when the app starts (reading each
signature and evaluating its annotations), and plnctl would import every
command module to register them. Here the group knows the commands from
the table in `plnctl.commands` and builds one the first time it is looked
up: `plnctl checkin` imports `commands/track.py` and builds `checkin` alone,
and `plnctl --help` lists the table without building any.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import TYPE_CHECKING, Any

from typer.core import TyperGroup

if TYPE_CHECKING:
    import typer


class LazyCommands(MutableMapping[str, Any]):
    """The group's commands by name: those in the table are built on first access."""

    def __init__(self, built: MutableMapping[str, Any], table: dict[str, tuple[str, str]]) -> None:
        self._built = dict(built)
        self._table = table

    def __getitem__(self, name: str) -> Any:
        command = self._built.get(name)
        if command is None:
            if name not in self._table:
                raise KeyError(name)
            command = self._built[name] = _build(name, self._table[name][0])
        return command

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._table
        yield from (name for name in self._built if name not in self._table)

    def __len__(self) -> int:
        return len(self._table) + sum(name not in self._table for name in self._built)

    def __contains__(self, name: object) -> bool:
        return name in self._table or name in self._built

    def summary(self, name: str) -> str | None:
        """The one line of help the table gives, or None for a command it does not list."""
        entry = self._table.get(name)
        return None if entry is None else entry[1]


def _build(name: str, module: str) -> Any:
    """Import the module that registers `name` on the app, and build that command alone."""
    import typer.main

    from plnctl.app import app

    importlib.import_module(f"plnctl.commands.{module}")
    for info in app.registered_commands:
        if info.callback is not None and name == (
            info.name or typer.main.get_command_name(info.callback.__name__)
        ):
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    for group_info in app.registered_groups:
        instance = group_info.typer_instance
        if name in (group_info.name, instance.info.name if instance else None):
            return typer.main.get_group_from_info(
                group_info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
    raise LookupError(f"plnctl.commands.{module} registers no command {name!r}")


# The options of `plnctl` itself, which a command does not take.
GLOBAL_OPTIONS = ("--data-dir", "--version")


class LazyGroup(TyperGroup):
    """A TyperGroup whose commands come from the table in `plnctl.commands`."""

    def __init__(self, **attrs: Any) -> None:
        from plnctl.commands import COMMANDS

        super().__init__(**attrs)
        self.commands = LazyCommands(self.commands, COMMANDS)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        """Run the command; a global option typed after it gets a hint where it goes."""
        from typer._click.exceptions import NoSuchOption

        try:
            return super().invoke(ctx)
        except NoSuchOption as exc:
            name = exc.option_name.split("=", 1)[0]
            if name in GLOBAL_OPTIONS and exc.ctx is not None and exc.ctx is not ctx:
                command = exc.ctx.command_path.split(" ", 1)[-1]
                value = " DIR" if name == "--data-dir" else ""
                exc.message += (
                    f" for {command}; {name} goes before the command: "
                    f"plnctl {name}{value} {command} ..."
                )
            raise

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return list(self.commands)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        """The command list of `--help`, from the table: no command is built for it."""
        from typer._click.utils import make_default_short_help

        commands = self.commands
        assert isinstance(commands, LazyCommands)
        # A table entry with no line of help is a hidden command (`merge-file`).
        names = [name for name in commands if commands.summary(name)]
        others = [name for name in commands if commands.summary(name) is None]
        rows_help: list[tuple[str, str | None]] = [(name, commands.summary(name)) for name in names]
        rows_help += [(name, None) for name in others if not commands[name].hidden]
        if not rows_help:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows_help)
        rows = [
            (
                name,
                make_default_short_help(text, limit)
                if text is not None
                else commands[name].get_short_help_str(limit),
            )
            for name, text in rows_help
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
