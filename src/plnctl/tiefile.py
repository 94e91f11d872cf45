"""Writing to a tie file the index has vouched for, without building the pydantic model.

The index keeps an entry only for a file it parsed and validated through
the model, with a digest of the content it read and what it found there. A
file whose content still has that digest is known valid (the index is kept
per plnctl version, Python, data directory and settings), so a write that
adds an event or changes a field need not validate it again: the event's
table is appended to the text, changed fields rewrite only the part above
the events, and what the command reports comes from the index entry. The
new event and changed fields are made by plnctl's own checked code, and are
valid by construction (tests/test_tiefile.py holds this against the model,
which stays the one definition of a valid tie).

Anything else goes the usual way, through the model: a file the index has
not vouched for (new, edited since, broken), one with a byte-order mark, or
one whose fields cannot be told from the events by a plain look at the text.
The bytes written are those the model would write for a file plnctl wrote;
a file edited by hand keeps its layout below the changed part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from plnctl.schema import SCHEMA_VERSION, TIE_FIELDS

if TYPE_CHECKING:
    from pathlib import Path

    from plnctl.index.records import Record, TieSummary
    from plnctl.store import Store

# An event's table as the model writes it (see `new_event`).
NewEvent = dict[str, Any]
# What the model writes for a field a file leaves out (None and these empty ones are left out).
_DEFAULTS: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "kind": "person"}
_LISTS = ("topics", "tags")  # written even when empty
_OMITTED_WHEN_EMPTY = ("learning", "archived")
_EVENTS = "\n[[events]]"


def new_event(
    *,
    id: str,
    date: dt.date,
    kind: str,
    note: str | None = None,
    link: str | None = None,
    what: str | None = None,
    role: str | None = None,
    topics: list[str] | None = None,
) -> NewEvent:
    """An event's table as the model writes it: its fields in order, None and no topics left out."""
    fields = {"id": id, "date": date, "kind": kind, "note": note, "link": link}
    fields |= {"what": what, "role": role, "topics": topics or None}
    return {key: value for key, value in fields.items() if value is not None}


def vouched(store: Store, slug: str, raw: bytes) -> Record | None:
    """The index's record of the tie, when it was made from exactly this content."""
    from plnctl.index.fileformat import read_entry
    from plnctl.index.loader import content_digest, identity_of
    from plnctl.index.location import index_path
    from plnctl.index.records import checked

    entry = read_entry(index_path(store.root), identity_of(store), slug)
    if entry is None or len(entry) != 3:
        return None
    if entry[1] != content_digest(raw):
        return None
    try:
        return checked(entry[2])  # a record of the wrong shape is no record: read the file
    except (TypeError, ValueError, IndexError):
        return None


def summary_after(record: Record, event: NewEvent) -> TieSummary:
    """The tie of an index record as it stands once `event` is added (its snooze ended)."""
    import array

    from plnctl.index.records import summary_of

    summary = summary_of(tuple(record))
    summary.days += array.array("i", [event["date"].toordinal()]).tobytes()
    summary.kinds = f"{summary.kinds}|{event['kind']}" if summary.kinds else event["kind"]
    summary.snoozed_until = None
    return summary


def rewritten(
    raw: bytes,
    record: Record,
    *,
    change: Callable[[dict[str, Any]], None] | None = None,
    event: dict[str, Any] | None = None,
) -> bytes | None:
    """The file with `change` made to its fields and `event` added, or None for the usual way.

    `raw` must be content the index vouched for, `record` its entry.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith("\ufeff"):
        return None
    # The fields end where the first `[[events]]` header starts: a valid file cannot
    # have a line starting with it inside a string, or the part above would not parse.
    cut = text.find(_EVENTS)
    head, rest = (text, "") if cut < 0 else (text[:cut], text[cut:])
    if change is None and event is not None and _appendable(head, cut, record):
        return _appended(text, event)
    import tomllib

    try:
        fields = tomllib.loads(head)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    # `events = [...]` written inline cannot be added to with a table; tables among the
    # fields (a merge's `[[conflicts]]`, a hand-added one) are laid out by the model's writer.
    if "events" in fields or fields.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        return None
    if any(
        isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, dict) for x in v))
        for v in fields.values()
    ):
        return None
    unsnoozes = event is not None and "snoozed_until" in fields  # any new event ends a snooze
    if change is not None or unsnoozes:
        if unsnoozes:
            del fields["snoozed_until"]
        if change is not None:
            change(fields)
        fields["name"] = record.name  # as validated: the model writes it so
        head = _dump(_in_model_order(fields))
    text = head + rest
    return text.encode("utf-8") if event is None else _appended(text, event)


def _appendable(head: str, cut: int, record: Record) -> bool:
    """Whether an event's table can go at the end of a valid file as it is, told without
    parsing it: the file already has events under a `[[events]]` header, which no
    multi-line string above can hide, its fields begin with the current schema version,
    and no snooze is to be ended."""
    return (
        cut >= 0
        and record.snoozed_until is None
        and head.startswith(f"schema_version = {SCHEMA_VERSION}\n")
        and '"""' not in head
        and "'''" not in head
    )


def _appended(text: str, event: NewEvent) -> bytes:
    import tomli_w

    text += ("" if text.endswith("\n") else "\n") + "\n[[events]]\n" + tomli_w.dumps(event)
    return text.encode("utf-8")


def _in_model_order(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields as the model dumps them: its own in its order, with its defaults, then extras."""
    ordered = {}
    for key in TIE_FIELDS:
        value = fields.get(key, _DEFAULTS.get(key, [] if key in _LISTS else None))
        if value is None or (key in _OMITTED_WHEN_EMPTY and not value):
            continue
        ordered[key] = value
    ordered.update((key, value) for key, value in fields.items() if key not in TIE_FIELDS)
    return ordered


def new_tie(fields: dict[str, Any]) -> bytes:
    """A new tie's file, with no events, as the model writes it (`add`).

    `fields` are made by plnctl's own checked code (a name through `check_name`,
    a kind from `kinds`, labels through `clean_labels`), so they are valid by
    construction; tests/test_tiefile.py holds the bytes against the model's.
    """
    return _dump(_in_model_order(fields)).encode("utf-8")


def _dump(fields: dict[str, Any]) -> str:
    import tomli_w

    return tomli_w.dumps(fields)


class Fields:
    """A tie's fields as `changes.apply_changes` sets them, on the parsed table of a file."""

    __slots__ = ("_fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name: str) -> Any:
        fields: dict[str, Any] = object.__getattribute__(self, "_fields")
        return fields.get(name, _DEFAULTS.get(name, [] if name in (*_LISTS, "learning") else None))

    def __setattr__(self, name: str, value: Any) -> None:
        fields: dict[str, Any] = object.__getattribute__(self, "_fields")
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value


class PlainEvent:
    """An event of a vouched file, with the attributes of the model's Event."""

    __slots__ = ("date", "id", "kind", "link", "note", "role", "topics", "what")

    def __init__(self, table: dict[str, Any], date: dt.date, kind: str, topics: list[str]) -> None:
        self.id: str = table["id"]
        self.date = date
        self.kind = kind
        self.note: str | None = table.get("note")
        self.link: str | None = table.get("link")
        self.what: str | None = table.get("what")
        self.role: str | None = table.get("role")
        self.topics = topics


class PlainTie:
    """A vouched tie file read without the model, with the attributes `show` reads of a Tie.

    The fields come from the index record (the model's values); of each event,
    the text fields the record does not keep come from the file, where the model
    keeps them as they are.
    """

    def __init__(
        self, record: Record, events: list[PlainEvent], extra: dict[str, Any] | None = None
    ) -> None:
        from plnctl.index.records import summary_of

        summary = summary_of(tuple(record))
        self.name = summary.name
        self.kind = summary.kind
        self.medium = summary.medium
        self.url = summary.url
        self.site_url = summary.site_url
        self.email = summary.email
        self.phone = summary.phone
        self.org = summary.org
        self.position = summary.position
        self.handle = summary.handle
        self.topics = summary.topics
        self.tags = summary.tags
        self.learning = summary.learning
        self.via = summary.via
        self.every = summary.every
        self.note = summary.note
        self.pin = summary.pin
        self.added = summary.added
        self.archived = summary.archived
        self.snoozed_until = summary.snoozed_until
        self.events = events
        # The fields the model does not know (`conflicts` a merge set aside, a hand-added
        # field), as the model keeps them.
        self.model_extra = extra or {}

    def moments(self) -> list[tuple[dt.date, str]]:
        return [(e.date, e.kind) for e in self.events]

    def topic_moments(self) -> list[tuple[dt.date, str, tuple[str, ...]]]:
        return [(e.date, e.kind, tuple(e.topics)) for e in self.events]

    def sorted_events(self) -> list[PlainEvent]:
        return sorted(self.events, key=lambda e: e.date)


def plain_tie(path: Path, raw: bytes, record: Record) -> PlainTie | None:
    """The tie of vouched content `raw` without the model; None when it cannot be told."""
    import tomllib

    from plnctl.index.records import summary_of
    from plnctl.store import _give_ids

    try:
        data = tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None
    _give_ids(path, data)
    tables = data.get("events", [])
    moments = summary_of(tuple(record)).moments()
    if not isinstance(tables, list) or len(tables) != len(moments):
        return None
    topics = dict(record.event_topics)
    events = [
        PlainEvent(table, day, kind, list(topics.get(i, ())))
        for i, (table, (day, kind)) in enumerate(zip(tables, moments, strict=True))
    ]
    extra = {k: v for k, v in data.items() if k not in TIE_FIELDS and k != "events"}
    return PlainTie(record, events, extra)
