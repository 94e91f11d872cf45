"""Three-way merges of plnctl's files, for syncing a data directory through git.

`merge_bytes` is what a merge driver calls; `merge_tie`, `merge_shares`,
`merge_profile` and `merge_settings` merge the tables tomllib reads. The
rules themselves are in `threeway_rules.py`.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

from plnctl.errors import TieFileError
from plnctl.text import label_key
from plnctl.threeway_rules import (
    ABSENT,
    Handler,
    Merge,
    Merger,
    Table,
    UnmergeableError,
    Where,
    canon,
    max_version,
    pick,
    text_key,
    value_of,
)

__all__ = [
    "Merge",
    "UnmergeableError",
    "dump_document",
    "file_kind",
    "merge_bytes",
    "merge_file",
    "merge_profile",
    "merge_settings",
    "merge_shares",
    "merge_tie",
]


def _skip(key: str, base: Any, ours: Any, theirs: Any) -> Any:
    return ABSENT


def _by_id(entry: Table) -> Hashable | None:
    return ("id", canon(entry["id"])) if "id" in entry else None


def _by(field_name: str, key: Callable[[Any], Hashable]) -> Callable[[Table], Hashable | None]:
    return lambda entry: key(entry[field_name]) if field_name in entry else None


def _top(key: str) -> Where:
    return {"field": key}


def merge_tie(base: Table | None, ours: Table, theirs: Table, *, today: dt.date) -> Merge:
    """Merge three versions of a tie file; with no base, a two-way merge (a sync
    tool's conflict copy), which is the three-way merge from an empty file."""
    m = Merger(today)
    events = m.entries(_by_id, whole=True, dated=True, key_field="id")
    labels = m.labels(text_key(label_key))
    special: dict[str, Handler] = {
        "schema_version": m.version,
        "topics": labels,
        "tags": labels,
        "learning": labels,
        "events": events,
        "conflicts": _skip,
    }
    b = base or {}
    return m.finish(m.fields(b, ours, theirs, _top, special), b, ours, theirs)


def merge_shares(base: Table | None, ours: Table, theirs: Table, *, today: dt.date) -> Merge:
    """Merge three versions of `_shares.toml`: shares by id, with the events' rules."""
    m = Merger(today)
    special: dict[str, Handler] = {
        "schema_version": m.version,
        "shares": m.entries(_by_id, whole=True, dated=True, key_field="id"),
        "conflicts": _skip,
    }
    b = base or {}
    return m.finish(m.fields(b, ours, theirs, _top, special), b, ours, theirs)


def merge_profile(base: Table | None, ours: Table, theirs: Table, *, today: dt.date) -> Merge:
    """Merge three versions of `_profile.toml`: goals and offers by topic (the label
    rule), projects by name (the name rule), each entry's fields with the scalar
    rule; links as a set."""
    from plnctl.names import name_key

    m = Merger(today)

    def by_topic() -> Handler:
        return m.entries(
            _by("topic", text_key(label_key)), whole=False, dated=False, key_field="topic"
        )

    special: dict[str, Handler] = {
        "schema_version": m.version,
        "links": m.labels(canon),
        "learn": by_topic(),
        "teach": by_topic(),
        "projects": m.entries(
            _by("name", text_key(name_key)), whole=False, dated=False, key_field="name"
        ),
        "conflicts": _skip,
    }
    b = base or {}
    return m.finish(m.fields(b, ours, theirs, _top, special), b, ours, theirs)


def merge_settings(base: Table | None, ours: Table, theirs: Table) -> tuple[Table, list[str]]:
    """Merge three versions of `_settings.toml`, key by key and inside tables
    (`weights`); ours wins a true conflict. Returns the table and the dotted names
    of the keys where theirs lost (settings are not data: nothing is recorded)."""
    lost: list[str] = []

    def merge(b: Mapping[str, Any], o: Mapping[str, Any], t: Mapping[str, Any], at: str) -> Table:
        merged: Table = {}
        for key in [*o, *(k for k in t if k not in o)]:
            bv, ov, tv = value_of(b, key), value_of(o, key), value_of(t, key)
            if isinstance(ov, dict) and isinstance(tv, dict):
                merged[key] = merge(bv if isinstance(bv, dict) else {}, ov, tv, f"{at}{key}.")
                continue
            rule = max_version if key == "schema_version" and not at else pick
            value, conflict = rule(bv, ov, tv)
            if conflict:
                lost.append(f"{at}{key}")
            if value is not ABSENT:
                merged[key] = value
        return merged

    return copy.deepcopy(merge(base or {}, ours, theirs, "")), lost


SHARES_NAME = "_shares.toml"
PROFILE_NAME = "_profile.toml"
SETTINGS_NAME = "_settings.toml"

# The arrays of tables each kind of file writes as `[[name]]` tables, in this order.
_TABLES: dict[str, tuple[str, ...]] = {
    "tie": ("conflicts", "events"),
    SHARES_NAME: ("conflicts", "shares"),
    PROFILE_NAME: ("conflicts", "learn", "teach", "projects"),
    SETTINGS_NAME: (),
}


def file_kind(name: str) -> str:
    """Which merge a path gets: its base name, or `tie` for any other file."""
    base = re.split(r"[\\/]", name)[-1]
    return base if base in _TABLES else "tie"


def merge_bytes(
    name: str, base: bytes | None, ours: bytes, theirs: bytes, *, today: dt.date
) -> bytes:
    """Merge three versions of the file at `name` (relative to the data directory;
    only its base name counts) and return the merged file's text.

    `base` is None for a two-way merge (a sync tool's conflict copy); an empty
    base (git's for a file added on both sides) is the same. Raise
    UnmergeableError when a side is not UTF-8 TOML, or was written by a newer
    plnctl: the caller should then leave the file alone and report the conflict.
    """
    kind = file_kind(name)
    b = None if base is None else _load(name, "base", base)
    o = _load(name, "ours", ours)
    t = _load(name, "theirs", theirs)
    try:
        if kind == SETTINGS_NAME:
            merged, _lost = merge_settings(b, o, t)
        elif kind == SHARES_NAME:
            merged = merge_shares(b, o, t, today=today).merged
        elif kind == PROFILE_NAME:
            merged = merge_profile(b, o, t, today=today).merged
        else:
            merged = merge_tie(b, o, t, today=today).merged
    except RecursionError:
        raise UnmergeableError(f"{name}: values nested too deeply to merge") from None
    return dump_document(merged, _TABLES[kind])


def merge_file(base: Path, ours: Path, theirs: Path, name: str, *, today: dt.date) -> None:
    """What git's merge driver does: merge the three files as the file `name` and
    write the result over `ours`, atomically. On an UnmergeableError `ours` is left
    as it was, so git keeps both versions and marks the file conflicted."""
    from plnctl.store import atomic_write

    sides: list[bytes] = []
    for side, path in (("base", base), ("ours", ours), ("theirs", theirs)):
        try:
            sides.append(path.read_bytes())
        except OSError as exc:
            raise UnmergeableError(f"{name}: {side}: {exc.strerror or exc}") from None
    merged = merge_bytes(name, sides[0], sides[1], sides[2], today=today)
    try:
        atomic_write(ours, merged)
    except OSError as exc:
        raise UnmergeableError(f"{name}: cannot write the merge: {exc.strerror or exc}") from None


def _load(name: str, side: str, raw: bytes) -> Table:
    """One side's table; any reason plnctl could not read it is an UnmergeableError."""
    from plnctl.model import SCHEMA_VERSION
    from plnctl.store import load_toml

    try:
        data, _text = load_toml(Path(name), raw)
    except TieFileError as exc:
        raise UnmergeableError(f"{name}: {side}: {exc.problem}") from None
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        # Its merge rules may differ from these: let git keep both versions.
        raise UnmergeableError(
            f"{name}: {side}: written by a newer plnctl (schema_version {version}); "
            "upgrade plnctl to merge it"
        )
    return data


def dump_document(doc: Mapping[str, Any], tables: Sequence[str]) -> bytes:
    """TOML text in the data directory's one layout (`store.dump_with_tables`): the
    fields on top, then one `[[name]]` table per entry of each array in `tables`."""
    from plnctl.store import dump_with_tables

    return dump_with_tables(doc, tables).encode("utf-8")
