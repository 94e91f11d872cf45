"""Name a field of a TOML file and find its line, to point a user at it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_KEY = re.compile(r"""^\s*("?)([A-Za-z0-9_-]+)\1\s*=""")
_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.-]+)\s*\]")


def field_path(loc: Iterable[object]) -> str:
    """A field's location (such as ('events', 3, 'date')) as a user reads it: `events[3].date`."""
    return "".join(
        f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(loc)
    )


def line_of(text: str, loc: Sequence[object]) -> int | None:
    """The 1-based line of `loc` (such as ('events', 3, 'date')), or None."""
    if not loc:
        return None
    target_table: str | None = None
    target_index = -1
    key: object = loc[0]
    if len(loc) >= 2 and isinstance(loc[1], int):
        target_table, target_index = str(loc[0]), loc[1]
        key = loc[2] if len(loc) > 2 else None
    table: str | None = None
    index = -1
    counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        array = _ARRAY_TABLE.match(line)
        if array:
            table = array.group(1)
            counts[table] = counts.get(table, -1) + 1
            index = counts[table]
            if table == target_table and index == target_index and key is None:
                return number
            continue
        plain = _TABLE.match(line)
        if plain:
            table, index = plain.group(1), -1
            continue
        found = _KEY.match(line)
        if not found:
            continue
        name = found.group(2)
        if target_table is None and table is None and name == key:
            return number
        if table == target_table and index == target_index and name == key:
            return number
    if target_table is not None and key is not None:
        return line_of(text, loc[:2])
    return None
