"""Plain tables for piped output: rich's borderless layout, without rich's cost per cell.

Laying out a table of thousands of rows with rich takes seconds; plain output
(piped, or NO_COLOR) needs only padding. Text that rich would treat
specially (markup, escapes, control characters, line breaks) goes to rich, so
the output is the same either way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from plnctl.render.fit import cells

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def _simple(text: str) -> bool:
    """Text rich only pads: no markup or escapes, no tabs, line breaks or control characters."""
    return text.isprintable() and "[" not in text and "\\" not in text


class PlainTable:
    """Columns, rows and a title, laid out like rich's borderless table when plain."""

    def __init__(self, title: str | None = None) -> None:
        self.title = title
        self.headers: list[str] = []
        self.rows: list[Sequence[str]] = []

    def add_column(self, header: str, overflow: str = "fold") -> None:
        self.headers.append(header)

    def add_row(self, *cells: str) -> None:
        self.rows.append(cells)

    def lines(self) -> list[str] | None:
        """The table's lines, right-stripped; None when only rich can lay it out."""
        columns = len(self.headers)
        if not self.rows or any(len(row) != columns for row in self.rows):
            return None
        texts = [self.headers, *self.rows]
        joined = ["".join(row) for row in texts]
        if not all(map(_simple, joined)):
            return None
        measure = len if all(map(str.isascii, joined)) else cells
        widths = [max(map(measure, column)) for column in zip(*texts, strict=True)]
        out: list[str] = []
        if self.title:
            if not _simple(self.title) or cells(self.title) > sum(widths) + 2 * (columns - 1):
                return None
            out.append(self.title.rstrip())
        for row, text in zip(texts, joined, strict=True):
            if text.isascii():
                line = "  ".join(map(str.ljust, row, widths))
            else:
                line = "  ".join(
                    cell + " " * (width - cells(cell))
                    for cell, width in zip(row, widths, strict=True)
                )
            out.append(line.rstrip())
        return out

    def to_rich(self, table: Table) -> Table:
        """Fill `table` (made with the plain style) with these columns and rows."""
        for header in self.headers:
            table.add_column(header, overflow="fold")
        for row in self.rows:
            table.add_row(*row)
        return table


class PlainConsole:
    """rich's `Console.print` for plain output: simple lines go straight to stdout."""

    def __init__(self, make_rich: Callable[[], Console]) -> None:
        self._make_rich = make_rich
        self._rich: Console | None = None

    def rich(self) -> Console:
        """The rich console, made on first need, for anything more than a simple line."""
        if self._rich is None:
            self._rich = self._make_rich()
        return self._rich

    def print(self, renderable: object = "") -> None:
        # rich prints such text as it is, line by line (its width is unlimited here).
        if isinstance(renderable, str) and all(map(_simple, renderable.split("\n"))):
            sys.stdout.write(renderable + "\n")
        else:
            self.rich().print(renderable)
