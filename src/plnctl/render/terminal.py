"""The terminal: plain or rich output, consoles made when needed, escaping, and stderr messages."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from plnctl.text import BIDI_CONTROLS, LINE_SEPARATORS, ZERO_WIDTH

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
    """A message for the person at the terminal: always stderr, always one line."""
    print(f"plnctl: {visible(message, one_line=True)}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    say(f"warning: {message}")


_said: set[str] = set()


def say_once(message: str) -> None:
    """`say`, but once per process, as one whole line: many plnctl waiting on the
    lock must not print the line again for each wait, nor interleave halves of it."""
    if message in _said:
        return
    _said.add(message)
    sys.stderr.write(f"plnctl: {visible(message, one_line=True)}\n")
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
        print(f"{visible(question, one_line=True)} {hint} ", end="", file=sys.stderr, flush=True)
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
    """Plain result lines on stdout, in one write; each stays one line."""
    text = "\n".join(visible(line, one_line=True) for line in lines)
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


# What must never reach a terminal as it is: control characters (C0, DEL and C1, whose
# U+009B starts an escape sequence on many terminals), the characters that change the
# direction or the lines of the text around them, zero-width characters, and the lone
# surrogates that stand for bytes of a file name that are not UTF-8.
_UNSAFE = f"\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}{ZERO_WIDTH}{LINE_SEPARATORS}\ud800-\udfff"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_UNSAFE_LINE_RE = re.compile(f"[{_UNSAFE}\n]")
# JSON escapes C0 itself; what else it would print as it is, it writes as \uXXXX.
_UNSAFE_JSON_RE = re.compile(f"[\x7f-\x9f{BIDI_CONTROLS}{ZERO_WIDTH}{LINE_SEPARATORS}]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"  # a byte of a file name that is not UTF-8
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: str, *, one_line: bool = False) -> str:
    """Text safe for a terminal: the one escaping rule for everything plnctl prints.

    Control characters (but tab, and newline unless `one_line`), direction controls,
    zero-width characters, line separators and undecodable bytes become escapes such
    as `\\x1b`, `\\x9b` and `\\u202e`; all other text, in any script, is shown as it is.
    """
    if value.isprintable():
        return value
    return (_UNSAFE_LINE_RE if one_line else _UNSAFE_RE).sub(_escape, value)


def json_text(text: str) -> str:
    """Encoded JSON made safe to print: lone surrogates (undecodable bytes of a file
    name) always, and on a terminal what `visible` escapes, each as a JSON `\\uXXXX`."""
    if text.isascii():
        return text
    text = _SURROGATE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if _isatty(sys.stdout):
        text = _UNSAFE_JSON_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def on_terminal(text: str) -> str:
    """Text for stdout, made visible when stdout is a terminal (exports, piped, stay
    byte for byte)."""
    return visible(text) if _isatty(sys.stdout) else text


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
