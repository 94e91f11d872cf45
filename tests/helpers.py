"""Shared test helpers: tie files written straight to disk, histories, example budgets."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import settings

# The order plnctl writes known fields in; fields it does not know come after them.
from plnctl.schema import EVENT_FIELDS, TIE_FIELDS

SRC = Path(__file__).resolve().parent.parent / "src"
TODAY = "2025-06-30"
DAY = dt.date.fromisoformat(TODAY)

# What the ci profile runs per property when a test names no budget of its own.
FULL_EXAMPLES = 100

Moment = tuple[dt.date, str]
EventSpec = tuple[dt.date | str, str] | Mapping[str, Any]

# -- histories ------------------------------------------------------------------


def weekly(n: int, end: dt.date, kind: str = "read") -> list[Moment]:
    """`n` events a week apart, newest first, the newest on `end`."""
    return [(end - dt.timedelta(days=7 * k), kind) for k in range(n)]


def days_ago(*ages: int, kind: str = "read") -> list[Moment]:
    """One event per age, counted in days back from the tests' fixed today."""
    return [(DAY - dt.timedelta(days=a), kind) for a in ages]


# -- tie files ------------------------------------------------------------------


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _ordered(data: Mapping[str, Any], known: tuple[str, ...]) -> dict[str, Any]:
    first = {k: data[k] for k in known if data.get(k) is not None}
    return first | {k: v for k, v in data.items() if k not in known and v is not None}


def _nested(value: object) -> bool:
    return isinstance(value, Mapping) or (
        isinstance(value, list) and any(isinstance(v, Mapping) for v in value)
    )


def event_table(slug: str, position: int, spec: EventSpec) -> dict[str, Any]:
    """One event as plnctl stores it; an event without an id gets a stable one."""
    event = dict(spec) if isinstance(spec, Mapping) else {"date": spec[0], "kind": spec[1]}
    event["date"] = _date(event["date"])
    if "id" not in event:
        seed = f"{slug}/{position}/{event['date']}/{event['kind']}"
        event["id"] = hashlib.sha256(seed.encode()).hexdigest()[:16]
    return _ordered(event, EVENT_FIELDS)


def tie_text(
    slug: str,
    *,
    name: str | None = None,
    kind: str = "person",
    events: Iterable[EventSpec] = (),
    **fields: Any,
) -> str:
    """The TOML plnctl would write for this tie: fields on top, then one `[[events]]` each.

    The name defaults to the slug in title case (`ann-lee` is "Ann Lee"); `topics` and
    `tags` default to empty and `added` to today, as `plnctl add` leaves them.
    """
    head: dict[str, Any] = {
        "schema_version": 1,
        "name": name if name is not None else slug.replace("-", " ").title(),
        "kind": kind,
        "topics": [],
        "tags": [],
        "added": DAY,
        **fields,
    }
    for key in ("added", "snoozed_until"):
        if head.get(key) is not None:
            head[key] = _date(head[key])
    if head.get("archived") is False:
        del head["archived"]  # plnctl writes it only when true
    data = _ordered(head, TIE_FIELDS)
    tables = [event_table(slug, i, spec) for i, spec in enumerate(events)]
    blocks = [_event_block(t) for t in tables]
    if any(block is None for block in blocks):
        # plnctl lets tomli-w lay out a file whose events hold anything deeper.
        return tomli_w.dumps({**data, "events": tables})
    return tomli_w.dumps(data) + "".join(b for b in blocks if b is not None)


def _event_block(event: Mapping[str, Any]) -> str | None:
    """`[[events]]` and the event's fields, a table in it as `[events.key]` (as
    store.dump_with_tables lays it out); None when it holds anything deeper."""
    literals = {k: v for k, v in event.items() if not isinstance(v, Mapping)}
    inner = {k: v for k, v in event.items() if isinstance(v, Mapping)}
    if any(_nested(v) for v in literals.values()) or any(
        _nested(v) for table in inner.values() for v in table.values()
    ):
        return None
    block = "\n[[events]]\n" + tomli_w.dumps(literals)
    for key, table in inner.items():
        block += f"\n[events.{key}]\n" + tomli_w.dumps(table)
    return block


def write_tie(
    data_dir: Path,
    slug: str,
    *,
    name: str | None = None,
    kind: str = "person",
    events: Iterable[EventSpec] = (),
    **fields: Any,
) -> Path:
    """Write `<slug>.toml` into `data_dir` as plnctl would, without running plnctl.

    `events` are `(date, kind)` pairs or dicts of event fields; dates may be ISO strings.
    Other keyword arguments are tie fields (`topics=[...]`, `every=7`, `archived=True`).
    """
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / f"{slug}.toml"
    text = tie_text(slug, name=name, kind=kind, events=events, **fields)
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


class Ties:
    """Writes tie files into one test's data directory (the `ties` fixture)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def write(
        self,
        slug: str,
        *,
        name: str | None = None,
        kind: str = "person",
        events: Iterable[EventSpec] = (),
        **fields: Any,
    ) -> Path:
        return write_tie(self.data_dir, slug, name=name, kind=kind, events=events, **fields)


# -- reading back ---------------------------------------------------------------


def read_tie(data_dir: Path, slug: str) -> dict[str, Any]:
    with (data_dir / f"{slug}.toml").open("rb") as handle:
        return tomllib.load(handle)


def notes_of(data_dir: Path, slug: str) -> list[str]:
    """The notes of a tie's events in file order, "" for an event without one."""
    return [e.get("note", "") for e in read_tie(data_dir, slug)["events"]]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file directly in `root`, to show that nothing changed."""
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.is_file()}


# -- running plnctl elsewhere -----------------------------------------------------


_PROBE = """
import sys
from plnctl.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print("MODULES", " ".join(sorted(sys.modules)), file=sys.stderr)
"""


def imported_modules(*args: str) -> set[str]:
    """Every module (dotted names) a real plnctl process has imported when it ends."""
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        env=plnctl_env(),
        check=False,
    )
    line = [x for x in proc.stderr.splitlines() if x.startswith("MODULES ")]
    assert line, proc.stderr
    return set(line[0].split()[1:])


def plnctl_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that imports this checkout's plnctl."""
    return {**os.environ, "PYTHONPATH": str(SRC), **extra}


# -- hypothesis -----------------------------------------------------------------


def examples(full: int) -> int:
    """A property's example budget: `full` under the ci profile, scaled to the loaded one.

    Call it in `@settings(max_examples=examples(300))`: the dev profile then runs a
    fifth of that, and the full run exactly `full`.
    """
    return max(10, full * settings().max_examples // FULL_EXAMPLES)
