"""The terminal: plain or rich output, consoles made when needed, escaping, and stderr messages."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from plnctl.errors import TieFileError
    from plnctl.render.plaintable import PlainConsole, PlainTable

STATUS_STYLE = {"strong": "bold green", "weak": "yellow", "dormant": "dim"}
BAND_STYLE = {
    "ok": "green",
    "due": "yellow",
    "overdue": "dark_orange",
    "lapsing": "red",
    "dormant": "dim",
}


# -- messages on stderr --------------------------------------------------------


def say(message: str) -> None:
    """A message for the person at the terminal: always stderr."""
    print(f"plnctl: {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    say(f"warning: {message}")


_said: set[str] = set()


def say_once(message: str) -> None:
    """`say`, but once per process, as one whole line: many plnctl waiting on the
    lock must not print the line again for each wait, nor interleave halves of it."""
    if message in _said:
        return
    _said.add(message)
    sys.stderr.write(f"plnctl: {message}\n")
    sys.stderr.flush()


def warn_skipped(problems: Iterable[TieFileError]) -> list[str]:
    """One stderr line per unreadable file, and a count; sync tools' conflict copies
    are named once, together. Returns the lines for --json."""
    from plnctl.errors import ConflictCopyError

    skipped = [p for p in problems if not isinstance(p, ConflictCopyError)]
    copies = [p.path.name for p in problems if isinstance(p, ConflictCopyError)]
    lines = [f"skipped {p.path}: {p.problem}" for p in skipped]
    for line in lines:
        warn(line)
    if skipped:
        files = "file" if len(lines) == 1 else "files"
        warn(f"skipped {len(lines)} unreadable {files}; `plnctl doctor` checks them")
    if copies:
        which = "a conflict copy" if len(copies) == 1 else f"{len(copies)} conflict copies"
        shown = ", ".join(copies[:3]) + (", ..." if len(copies) > 3 else "")
        into = "it into the file it copies" if len(copies) == 1 else "them into their files"
        lines.append(f"{which} left by a sync tool ({shown}): `plnctl doctor --fix` folds {into}")
        warn(lines[-1])
    return lines


def interactive() -> bool:
    """Whether there is a person at a terminal to answer a question."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def ask(question: str, *, default: bool) -> bool:
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


# -- results on stdout -----------------------------------------------------------


def write_lines(lines: Iterable[str]) -> None:
    """Plain result lines on stdout, in one write."""
    text = "\n".join(lines)
    if text:
        sys.stdout.write(text + "\n")


def plain() -> bool:
    """No colour, no box drawing: piped output or NO_COLOR."""
    return "NO_COLOR" in os.environ or not _isatty(sys.stdout)


_tty: tuple[object, bool] | None = None


def _isatty(out: Any) -> bool:
    """Whether `out` is a terminal, asked once per stream: a table asks for every cell."""
    global _tty
    if _tty is None or _tty[0] is not out:
        _tty = (out, out.isatty())
    return _tty[1]


def console() -> Console | PlainConsole:
    """A console made when first needed, so NO_COLOR and the terminal are read then.

    Plain output gets one that writes simple lines itself and leaves the rest to rich.
    """
    if plain():
        from plnctl.render.plaintable import PlainConsole

        return PlainConsole(_rich_console)
    return _rich_console()


def _rich_console() -> Console:
    from rich.console import Console

    # emoji=False: a name or note holding `:a:` is shown as typed, never as 🅰.
    if plain():
        return Console(color_system=None, highlight=False, emoji=False, width=100_000)
    return Console(highlight=False, emoji=False)


def emit(out: Console | PlainConsole, renderable: object) -> None:
    """Print; plain output loses the padding rich adds at the end of lines."""
    if not plain():
        out.print(renderable)
        return
    from plnctl.render.plaintable import PlainConsole, PlainTable

    if isinstance(renderable, PlainTable):
        lines = renderable.lines()
        if lines is not None:
            sys.stdout.write("\n".join(lines) + "\n")
            return
        renderable = renderable.to_rich(_rich_table(renderable.title))
    if isinstance(out, PlainConsole):
        out = out.rich()
    with out.capture() as captured:
        out.print(renderable)
    text = "\n".join(line.rstrip() for line in captured.get().splitlines())
    sys.stdout.write(text + "\n")


def make_table(title: str | None = None) -> Table | PlainTable:
    if plain():
        from plnctl.render.plaintable import PlainTable

        return PlainTable(title)
    return _rich_table(title)


def _rich_table(title: str | None) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    # Rich wraps a title to the table's width: "History (12 events, newest"
    # and "first)" would land on two lines above a narrow table.
    heading = Text(title, no_wrap=True, overflow="ignore") if title else None
    if plain():
        return Table(
            title=heading,
            box=None,
            show_edge=False,
            pad_edge=False,
            title_justify="left",
            header_style=None,
            title_style=None,
        )
    if heading is not None:
        heading.stylize("bold")
    return Table(
        title=heading,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        title_style="bold",
        header_style="bold",
    )


def visible(value: str) -> str:
    """Text safe for a terminal: control characters (but tab and newline) as escapes."""
    if value.isprintable():
        return value
    return "".join(
        c if c in "\t\n" or unicodedata.category(c) != "Cc" else f"\\x{ord(c):02x}" for c in value
    )


def styled(value: str, style: str | None) -> str:
    """`value` as rich markup: made visible, escaped, and in `style` on a terminal."""
    text = visible(value)
    if "[" in text or "\\" in text:  # most names need no escaping
        from rich.markup import escape

        text = escape(text)
    return text if not style or plain() else f"[{style}]{text}[/]"


def ago(days: int | None) -> str:
    if days is None:
        return "never"
    return "today" if days == 0 else f"{days}d ago"
