"""Fitting screens to a terminal's width: nothing wraps mid-word, commands stay whole.

A screen is made of `Line`s, each of one shape:

- `parts`: pieces that are never split (a name, a slug, a score), joined by two
  spaces; the first may be shortened with `…`, and pieces that still do not fit
  go on a line of their own below, indented further;
- `words`: text wrapped at spaces, every line after the first indented like it;
- `command`: a command to copy, never broken; moved left if it would not fit;
- `hanging`: a first piece never split (a date and a kind), then text wrapped at
  spaces into the column after it.

Plain output (piped, or NO_COLOR) is never wrapped: every `Line` is one line of text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plnctl.render.terminal import visible

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# A piece of a line: its text and its style on a terminal (None: the default).
Piece = tuple[str, str | None]
SHORTEST_NAME = 8  # a name is never cut shorter
SHORT_NAME = 16  # nor, to keep a line whole, shorter than this


@dataclass
class Line:
    shape: str  # parts | words | command | hanging
    pieces: list[Piece] = field(default_factory=list)
    indent: int = 0


def parts(*pieces: Piece, indent: int = 0, label: Piece | None = None) -> Line:
    """Pieces joined by two spaces; `label` (a slug) follows the first after one space."""
    if label is not None and pieces:
        return Line("parts", [pieces[0], ("\0" + label[0], label[1]), *pieces[1:]], indent)
    return Line("parts", list(pieces), indent)


def _joined(pieces: Sequence[Piece]) -> list[tuple[str, Piece]]:
    """Each piece with the separator before it: none first, one space before a label."""
    out: list[tuple[str, Piece]] = []
    for text, style in pieces:
        if not text:
            continue
        if text.startswith("\0"):
            out.append((" " if out else "", (text[1:], style)))
        else:
            out.append(("  " if out else "", (text, style)))
    return out


def words(text: str, style: str | None = None, indent: int = 0) -> Line:
    return Line("words", [(text, style)], indent)


def command(text: str, indent: int = 0, style: str = "bold cyan") -> Line:
    return Line("command", [(text, style)], indent)


def hanging(head: Piece, text: Piece, indent: int = 0) -> Line:
    return Line("hanging", [head, text], indent)


def plain_text(line: Line) -> str:
    if line.shape == "parts":
        return " " * line.indent + "".join(sep + visible(t) for sep, (t, _) in _joined(line.pieces))
    return " " * line.indent + "".join(visible(text) for text, _ in line.pieces)


def cells(text: str) -> int:
    from rich.cells import cell_len

    return len(text) if text.isascii() else cell_len(text)


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` cells, ending in `…` when cut."""
    if cells(text) <= width:
        return text
    from rich.cells import set_cell_size

    return set_cell_size(text, max(width - 1, 0)).rstrip() + "…"


def _text(pieces: Iterable[Piece]) -> Text:
    from rich.text import Text

    out = Text()
    for text, style in pieces:
        out.append(visible(text), style or "")
    return out


def fit(line: Line, width: int, console: Console) -> list[Text]:
    """The terminal lines `line` becomes at `width` columns, none wider (but a long command)."""
    from rich.text import Text

    pad = " " * line.indent
    room = max(width - line.indent, 1)
    if line.shape == "command":
        text, style = line.pieces[0]
        spare = max(width - cells(text), 0)
        return [Text(" " * min(line.indent, spare)) + _text([(text, style)])]
    if line.shape == "hanging":
        lead_piece, body = line.pieces
        lead = cells(lead_piece[0])
        if lead < room // 2:
            wrapped = _text([body]).wrap(console, room - lead, overflow="fold")
            first_row = Text(pad) + _text([lead_piece])
            if wrapped:
                first_row += wrapped[0]
            return [first_row] + [Text(pad + " " * lead) + piece for piece in wrapped[1:]]
        line = Line("words", [lead_piece, body], line.indent)
    if line.shape == "words":
        wrapped = _text(line.pieces).wrap(console, room, overflow="fold")
        return [Text(pad) + piece for piece in wrapped]
    pieces = [(sep, (visible(text), style)) for sep, (text, style) in _joined(line.pieces)]
    if not pieces:
        return [Text(pad)]
    # The first piece (a name) may give up cells to keep the line whole; when
    # even that does not do, the pieces after the first and its label move to
    # lines of their own, and the name is cut only if it alone does not fit.
    head = 2 if len(pieces) > 1 and pieces[1][0] == " " else 1
    tail = sum(len(sep) + cells(text) for sep, (text, _) in pieces[1:])
    label = sum(len(sep) + cells(text) for sep, (text, _) in pieces[1:head])
    _, (first, style) = pieces[0]
    if cells(first) + tail > room:
        if room - tail >= min(SHORT_NAME, cells(first)):
            first = shorten(first, room - tail)
        elif cells(first) + label > room:
            first = shorten(first, max(room - label, SHORTEST_NAME))
    rows: list[list[tuple[str, Piece]]] = [[("", (first, style))]]
    used = cells(first)
    for n, (sep, (text, style)) in enumerate(pieces[1:], start=1):
        limit = room if len(rows) == 1 else room - 2
        if n >= head and used + len(sep) + cells(text) > limit:
            # Continuation lines are indented two more; a piece wider than one is cut.
            rows.append([])
            used, limit, sep = 0, room - 2, ""
            text = shorten(text, max(limit, 1))
        used += len(sep) + cells(text)
        rows[-1].append((sep, (text, style)))
    out = []
    for i, row in enumerate(rows):
        line_text = Text(pad + ("  " if i else ""))
        for sep, piece in row:
            line_text.append(sep)
            line_text.append_text(_text([piece]))
        out.append(line_text)
    return out


def show(lines: Sequence[Line], console: Console | None) -> None:
    """The lines on the terminal `console` fits them to, or as plain text when None."""
    import sys

    if console is None:
        text = "\n".join(plain_text(line).rstrip() for line in lines)
        sys.stdout.write(text + "\n" if text else "")
        return
    width = console.width
    for line in lines:
        for row in fit(line, width, console):
            row.rstrip()
            console.print(row, soft_wrap=True, highlight=False)


# -- tables whose columns drop out as the terminal narrows -----------------------


@dataclass
class Column:
    header: str
    # The order columns leave a narrowing terminal: lowest first; None never leaves.
    drop: int | None = None
    # The fewest cells it may be shortened to with `…`; None: never shortened.
    shrink_to: int | None = None
    justify: str = "left"


def choose_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int, gap: int = 2
) -> list[int | None]:
    """Each column's width at `width` cells, or None for a column left out.

    Columns leave in their `drop` order until the narrowest the rest can be
    fits; then the columns that may be shortened give up cells, the last one
    first, down to their `shrink_to`.
    """
    natural = [
        max([cells(col.header), *(cells(row[i]) for row in rows)]) for i, col in enumerate(columns)
    ]
    least = [
        n if c.shrink_to is None else min(n, max(c.shrink_to, cells(c.header)))
        for n, c in zip(natural, columns, strict=True)
    ]
    kept = list(range(len(columns)))

    def total(sizes: Sequence[int]) -> int:
        return sum(sizes[i] for i in kept) + gap * (len(kept) - 1)

    leaving = sorted(
        (c.drop, i) for i, c in enumerate(columns) if c.drop is not None
    )  # fewest first
    dropped = []
    for _, i in leaving:
        if total(least) <= width:
            break
        kept.remove(i)
        dropped.append(i)
    # A wide column that had to go may leave room for a narrower one dropped
    # before it, as long as nothing then needs shortening.
    for i in reversed(dropped[:-1]):
        kept.append(i)
        kept.sort()
        if total(natural) > width:
            kept.remove(i)
    sizes = list(natural)
    over = total(sizes) - width
    for i in reversed(kept):
        if over <= 0:
            break
        give = min(over, sizes[i] - least[i])
        sizes[i] -= give
        over -= give
    return [sizes[i] if i in kept else None for i in range(len(columns))]
