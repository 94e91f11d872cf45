"""The rules of a three-way merge, on the values tomllib reads: scalars, sets, keyed tables.

Every rule keeps what either side wrote: when both sides changed one thing
differently, ours is kept and theirs goes into a conflict record, so nothing
is dropped silently. `threeway.py` applies them to each of plnctl's files.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from plnctl.errors import PlnctlError

Table = dict[str, Any]
Where = dict[str, Any]


class UnmergeableError(PlnctlError):
    """A side of a merge is not a file plnctl can merge; the merge driver exits 1."""


class _Absent:
    """A key missing from one side: a value a merge may choose, but never writes."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


@dataclass(frozen=True)
class Merge:
    """The merged file's table, and the conflict records this merge added to it."""

    merged: Table
    conflicts: list[Table] = field(default_factory=list)


def canon(value: Any) -> Hashable:
    """A hashable stand-in for a TOML value, equal exactly when the values are.

    Python's `==` says `1 == True == 1.0` and `nan != nan`; TOML says none of that.
    """
    if value is ABSENT:
        return ("absent",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, dt.datetime):
        return ("datetime", value.isoformat())
    if isinstance(value, dt.date):
        return ("date", value.isoformat())
    if isinstance(value, dt.time):
        return ("time", value.isoformat())
    if isinstance(value, Mapping):
        items = sorted(((str(k), canon(v)) for k, v in value.items()), key=lambda kv: kv[0])
        return ("table", tuple(items))
    if isinstance(value, list | tuple):
        return ("array", tuple(canon(v) for v in value))
    return ("other", repr(value))


def _same(a: Any, b: Any) -> bool:
    return canon(a) == canon(b)


def pick(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """The scalar rule: the side that changed wins; both changed differently: ours,
    and True to say theirs lost. Any value may be ABSENT (the key was removed)."""
    if _same(ours, theirs):
        return ours, False
    if _same(base, ours):
        return theirs, False
    if _same(base, theirs):
        return ours, False
    return ours, True


def max_version(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """`schema_version`: the higher one, since the file now holds both sides' data
    (a value that is not a whole number falls back to the scalar rule)."""
    numbers = [v for v in (ours, theirs) if v is not ABSENT]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in numbers):
        return max(numbers, default=ABSENT), False
    return pick(base, ours, theirs)


def _spelling(base: Any, ours: Any, theirs: Any) -> Any:
    """Two spellings of one key (`Python`, `python`): the side that changed it wins,
    else ours; never a conflict, since both mean the same thing."""
    return theirs if base is not ABSENT and _same(base, ours) else ours


def text_key(rule: Callable[[str], str]) -> Callable[[Any], Hashable]:
    """A key comparing text by one of plnctl's rules (labels, names), and any
    other value a hand edit left as TOML compares it."""

    def key(value: Any) -> Hashable:
        return ("text", rule(value)) if isinstance(value, str) else canon(value)

    return key


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def value_of(table: Mapping[str, Any], key: str) -> Any:
    return table.get(key, ABSENT)


def set_merge(
    base: list[Any], ours: list[Any], theirs: list[Any], key: Callable[[Any], Hashable]
) -> list[Any]:
    """A three-way set merge keeping order: ours' items, then theirs' additions.

    An item is kept when both sides have it or one side added it; so an item in
    base that either side removed is gone.
    """
    if _same(ours, theirs):
        return list(ours)
    in_base = {key(v): v for v in reversed(base)}
    in_theirs = {key(v): v for v in reversed(theirs)}
    in_ours = {key(v) for v in ours}

    def kept(k: Hashable) -> bool:
        return k not in in_base or (k in in_ours and k in in_theirs)

    merged: list[Any] = []
    for value in ours:
        k = key(value)
        if kept(k):
            both = k in in_base and k in in_theirs
            merged.append(_spelling(in_base[k], value, in_theirs[k]) if both else value)
    seen = set(in_ours)
    for value in theirs:
        k = key(value)
        if k not in seen and kept(k):
            merged.append(value)
            seen.add(k)
    return merged


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(entry: Mapping[str, Any]) -> str | None:
    """An entry's day for ordering (a quoted date counts; anything else does not)."""
    value = entry.get("date")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DAY.match(value):
        return value[:10]
    return None


def _insert_by_day(entries: list[Table], entry: Table) -> None:
    """Put `entry` after the last entry of its day or earlier: in a file ordered by
    date the result stays ordered, ours first within a day; a hand-made order stays."""
    day = _day(entry)
    if day is None:
        entries.append(entry)
        return
    at = 0
    for index, other in enumerate(entries):
        other_day = _day(other)
        if other_day is not None and other_day <= day:
            at = index + 1
    entries.insert(at, entry)


def _keyed(
    entries: list[Table], key_of: Callable[[Table], Hashable | None]
) -> dict[Hashable, Table]:
    """Entries by key, in order. An entry with no key is keyed by its content, and
    a key used twice is numbered, so two equal entries stay two entries."""
    out: dict[Hashable, Table] = {}
    seen: Counter[Hashable] = Counter()
    for entry in entries:
        k = key_of(entry)
        if k is None:
            k = ("content", canon(entry))
        out[(k, seen[k])] = entry
        seen[k] += 1
    return out


Handler = Callable[[str, Any, Any, Any], Any]


class Merger:
    """One merge: the rules, and the conflict records they add."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.records: list[Table] = []

    def lose(self, where: Where, theirs: Any) -> None:
        """Record the value theirs lost (`removed = true` when theirs removed the key)."""
        record = dict(where)
        if theirs is ABSENT:
            record["removed"] = True
        else:
            record["theirs"] = theirs
        record["date"] = self.today
        self.records.append(record)

    def scalar(self, where: Where, base: Any, ours: Any, theirs: Any) -> Any:
        value, lost = pick(base, ours, theirs)
        if lost:
            self.lose(where, theirs)
        return value

    def fields(
        self,
        base: Mapping[str, Any],
        ours: Mapping[str, Any],
        theirs: Mapping[str, Any],
        where: Callable[[str], Where],
        special: Mapping[str, Handler] | None = None,
    ) -> Table:
        """Each key of a table on its own: ours' keys in order, then theirs' new ones."""
        special = special or {}
        merged: Table = {}
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            b, o, t = value_of(base, key), value_of(ours, key), value_of(theirs, key)
            handler = special.get(key)
            if handler is not None:
                value = handler(key, b, o, t)
            else:
                value = self.scalar(where(key), b, o, t)
            if value is not ABSENT:
                merged[key] = value
        return merged

    def version(self, key: str, base: Any, ours: Any, theirs: Any) -> Any:
        value, lost = max_version(base, ours, theirs)
        if lost:
            self.lose({"field": key}, theirs)
        return value

    def labels(self, key_of: Callable[[Any], Hashable]) -> Handler:
        def merge(key: str, base: Any, ours: Any, theirs: Any) -> Any:
            sides = [[] if v is ABSENT else v for v in (base, ours, theirs)]
            if not all(isinstance(v, list) for v in sides):
                return self.scalar({"field": key}, base, ours, theirs)
            return set_merge(sides[0], sides[1], sides[2], key_of)

        return merge

    def entries(
        self,
        key_of: Callable[[Table], Hashable | None],
        *,
        whole: bool,
        dated: bool,
        key_field: str | None = None,
    ) -> Handler:
        """An array of tables merged entry by entry, each entry found by its key.

        `whole`: an entry changed on both sides differently keeps ours and records
        theirs entire (events); else its fields merge one by one (profile goals).
        `dated`: theirs' additions go in by date; else after ours. `key_field`
        names the entry in its records (`id`, `topic`); its spelling never conflicts.
        """

        def merge(key: str, base: Any, ours: Any, theirs: Any) -> Any:
            sides = [[] if v is ABSENT else v for v in (base, ours, theirs)]
            if not all(_is_tables(v) for v in sides):
                return self.scalar({"field": key}, base, ours, theirs)
            in_base, in_ours, in_theirs = (_keyed(v, key_of) for v in sides)

            def resolve(k: Hashable) -> Table | None:
                b, o, t = in_base.get(k), in_ours.get(k), in_theirs.get(k)
                if o is not None and t is not None:
                    if _same(o, t):
                        return o
                    if not whole:
                        return self._entry_fields(key, b or {}, o, t, key_field)
                    if b is not None and _same(b, o):
                        return t
                    if b is None or not _same(b, t):
                        where = {key_field: o[key_field]} if key_field in o else {}
                        self.lose({"field": key, **where}, t)
                    return o
                one = o if o is not None else t
                if one is None or (b is not None and _same(b, one)):
                    return None  # removed on the other side, unchanged on this one
                return one  # added, or changed here and removed there: nothing is lost

            merged = [e for k in in_ours if (e := resolve(k)) is not None]
            for k in in_theirs:
                if k not in in_ours and (entry := resolve(k)) is not None:
                    if dated:
                        _insert_by_day(merged, entry)
                    else:
                        merged.append(entry)
            return merged

        return merge

    def _entry_fields(
        self, key: str, base: Table, ours: Table, theirs: Table, key_field: str | None
    ) -> Table:
        """One entry both sides kept, field by field; its records name the entry
        as the merge spells it, so merging again finds the same records."""
        special: dict[str, Handler] = {}
        where: Where = {}
        if key_field is not None and key_field in ours and key_field in theirs:
            spelled = _spelling(value_of(base, key_field), ours[key_field], theirs[key_field])
            special[key_field] = lambda *_: spelled
            where[key_field] = spelled
        return self.fields(
            base, ours, theirs, lambda name: {"field": key, **where, "key": name}, special
        )

    def conflicts(self, base: Any, ours: Any, theirs: Any) -> list[Table]:
        """Existing records merge as a set (one cleared on either side stays cleared),
        then this merge's own records follow, each once."""
        for side, value in (("base", base), ("ours", ours), ("theirs", theirs)):
            if value is not ABSENT and not _is_tables(value):
                raise UnmergeableError(f"field 'conflicts' of {side} is not an array of tables")
        sides = [[] if v is ABSENT else v for v in (base, ours, theirs)]
        merged = set_merge(sides[0], sides[1], sides[2], canon)
        present = {canon(r) for r in merged}
        added: list[Table] = []
        for record in self.records:
            if canon(record) not in present:
                present.add(canon(record))
                merged.append(record)
                added.append(record)
        self.records = added
        return merged

    def finish(self, merged: Table, base: Table, ours: Table, theirs: Table) -> Merge:
        """Add the conflict records; `conflicts` is kept when ours had it, even empty."""
        records = self.conflicts(
            value_of(base, "conflicts"), value_of(ours, "conflicts"), value_of(theirs, "conflicts")
        )
        if records or "conflicts" in ours:
            merged["conflicts"] = records
        # The merged table is the caller's to change without touching the sides.
        return Merge(copy.deepcopy(merged), copy.deepcopy(self.records))
