"""The tie and event models: the one definition of a valid tie file (names.py has the
name and slug rules, schema.py the field order and SCHEMA_VERSION)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plnctl.kinds import CHECKIN_KINDS as CHECKIN_KINDS
from plnctl.kinds import EVENT_KINDS as EVENT_KINDS
from plnctl.kinds import EventKind, Pin, TieKind
from plnctl.names import MAX_NAME as MAX_NAME
from plnctl.names import check_name as check_name
from plnctl.schema import MAX_EVERY
from plnctl.schema import SCHEMA_VERSION as SCHEMA_VERSION
from plnctl.schema import new_event_id as new_event_id
from plnctl.slug import MAX_SLUG as MAX_SLUG
from plnctl.slug import SLUG_RE as SLUG_RE


class Event(BaseModel):
    """Something dated between the user and a tie."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(default_factory=new_event_id, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    date: dt.date
    kind: EventKind
    note: str | None = None
    link: str | None = None
    # For `share` events: what was passed along, and whether the tie received
    # it ("with") or was credited as its author ("from").
    what: str | None = None
    role: Literal["with", "from"] | None = None
    # What the event was about; without any, it is about every topic of its tie.
    topics: list[str] = Field(default_factory=list)


class Tie(BaseModel):
    """A person or a source in the learning network: one TOML file."""

    model_config = ConfigDict(extra="allow")

    schema_version: int = SCHEMA_VERSION
    name: str = Field(min_length=1, max_length=MAX_NAME)
    kind: TieKind = "person"
    # The word for a source (podcast, video, blog, ...), as `add --kind` or an import said it.
    medium: str | None = None
    url: str | None = None
    # A source's web site when `url` is its feed (OPML's htmlUrl).
    site_url: str | None = None
    # Contact details an address book, LinkedIn or the Fediverse gives: kept, exported back.
    email: str | None = None
    phone: str | None = None
    org: str | None = None
    position: str | None = None
    # A Fediverse address, `user@instance`: how a follows list names a person.
    handle: str | None = None
    topics: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    # For a person: what they want to learn (their side of a peer profile).
    learning: list[str] = Field(default_factory=list)
    via: str | None = None
    every: int | None = Field(default=None, ge=1, le=MAX_EVERY, strict=True)
    note: str | None = None
    pin: Pin | None = None
    added: dt.date | None = None
    archived: bool = Field(default=False, strict=True)
    snoozed_until: dt.date | None = None
    events: list[Event] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name_is_printable(cls, value: str) -> str:
        return check_name(value)

    def topic_moments(self) -> list[tuple[dt.date, str, tuple[str, ...]]]:
        """The events with what each was about (its own topics, () when it has none)."""
        return [(e.date, e.kind, tuple(e.topics)) for e in self.events]

    def moments(self) -> list[tuple[dt.date, str]]:
        """The events as the tie model sees them: (date, kind), in file order."""
        return [(e.date, e.kind) for e in self.events]

    def sorted_events(self) -> list[Event]:
        return sorted(self.events, key=lambda e: e.date)


def to_toml_dict(tie: Tie) -> dict[str, Any]:
    """The tie as plain data for tomli-w: None dropped, events last, extras kept."""
    data = tie.model_dump(mode="python", exclude_none=True)
    # Fields most files never use are left out while they are empty.
    if not data.get("archived"):
        data.pop("archived", None)
    if not data.get("learning"):
        data.pop("learning", None)
    events = data.pop("events", [])
    for event in events:
        if not event.get("topics"):
            event.pop("topics", None)
    data["events"] = events
    return data
