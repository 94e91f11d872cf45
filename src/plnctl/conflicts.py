"""Conflict records: what a merge set aside in a file's `[[conflicts]]` table, in words.

When two devices changed one thing differently, the merge keeps this
device's value and records the other's, so nothing is dropped silently
(docs/data-format.md describes the records). `show`, `profile`, `shares`,
`sync` and `doctor` report them through these functions. No pydantic here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

# The keys that name what a record is about, besides `field`.
NAMING = ("id", "topic", "name", "key")
# The files other than ties that can hold records: the command that lists them,
# and the one that clears them.
_COMMANDS = {
    "_profile.toml": ("plnctl profile", "plnctl profile set --clear-conflicts"),
    "_shares.toml": ("plnctl shares", "plnctl shares --clear-conflicts"),
}


def commands_for(file_name: str) -> tuple[str, str]:
    """How to see the records of a file of the data directory, and how to clear them:
    (`plnctl show ann-lee`, `plnctl set ann-lee --clear-conflicts`) for a tie's file."""
    if file_name in _COMMANDS:
        return _COMMANDS[file_name]
    slug = file_name.removesuffix(".toml")
    return f"plnctl show {slug}", f"plnctl set {slug} --clear-conflicts"


def set_aside(records: list[dict[str, Any]], file_name: str) -> tuple[str, list[str]]:
    """A heading and one line per record, as `show`, `profile` and `shares` list them."""
    heading = f"Set aside by a merge ({len(records)}): `{commands_for(file_name)[1]}` clears them"
    return heading, [f"  - {summary(record)}" for record in records]


def records_in(doc: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """A file's (or a tie's extra fields') conflict records; none when the field is
    missing or is not an array of tables (`doctor` reports that)."""
    records = (doc or {}).get("conflicts")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return []
    return records


def subject(record: Mapping[str, Any]) -> str:
    """What a record is about: `note`, `events a1b2`, `learn Machine learning why`."""
    parts = [str(record.get("field", "?"))]
    parts += [str(record[k]) for k in NAMING if k in record]
    return " ".join(parts)


def other_value(record: Mapping[str, Any]) -> str:
    """The value the other side had, in a few words; `removed it` when it had none."""
    if record.get("removed") is True:
        return "removed it"
    theirs = record.get("theirs")
    if isinstance(theirs, Mapping) and "kind" in theirs and "date" in theirs:
        note = theirs.get("note") or theirs.get("what")
        words = f"{theirs['kind']} on {_text(theirs['date'])}"
        return f"{words}: {note}" if isinstance(note, str) else words
    if isinstance(theirs, Mapping) and "what" in theirs and "date" in theirs:  # a share
        words = f"{_text(theirs['what'])} on {_text(theirs['date'])}"
        note = theirs.get("note")
        return f"{words}: {note}" if isinstance(note, str) else words
    return _text(theirs)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_text(v)}" for k, v in value.items()) + "}"
    return str(value)


def day(record: Mapping[str, Any]) -> str | None:
    """The day the merge recorded it."""
    value = record.get("date")
    return value.isoformat() if isinstance(value, dt.date) else None


def summary(record: Mapping[str, Any]) -> str:
    """`note: the other device had 'copy' (merged 2025-07-01)`."""
    when = day(record)
    merged = f" (merged {when})" if when else ""
    value = other_value(record)
    had = value if record.get("removed") is True else f"had {value}"
    return f"{subject(record)}: the other device {had}{merged}"
