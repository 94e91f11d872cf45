"""The tie and event models, their kinds, the slug rules and SCHEMA_VERSION."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plnctl.kinds import CHECKIN_KINDS as CHECKIN_KINDS
from plnctl.kinds import EVENT_KINDS as EVENT_KINDS
from plnctl.kinds import EventKind, Pin, TieKind
from plnctl.schema import SCHEMA_VERSION as SCHEMA_VERSION
from plnctl.schema import new_event_id as new_event_id
from plnctl.slug import MAX_SLUG as MAX_SLUG
from plnctl.slug import SLUG_RE as SLUG_RE

MAX_NAME = 300
# Device names Windows reserves whatever the extension: `con.toml` cannot exist there.
RESERVED_SLUGS = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)
_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")


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
    every: int | None = Field(default=None, ge=1, le=3650, strict=True)
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


def check_name(name: str) -> str:
    """Return the name stripped and without invisible characters (see
    `text.invisible_removed`), or raise ValueError saying what is wrong."""
    from plnctl.text import invisible_removed

    name = invisible_removed(unicodedata.normalize("NFC", name)).strip()
    if not name:
        raise ValueError("a name cannot be empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"a name can be at most {MAX_NAME} characters")
    if any(unicodedata.category(c) == "Cs" for c in name):
        raise ValueError("a name must be valid UTF-8 text")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise ValueError("a name cannot contain control characters")
    return name


def slugify(name: str) -> str:
    """A portable file name for a tie: lowercase ASCII letters, digits, hyphens.

    Other scripts are transliterated (`李小龙` -> `lixiaolong`); a name that
    leaves nothing readable gets a stable hash-based slug.
    """
    from anyascii import anyascii

    text = anyascii(unicodedata.normalize("NFKC", name)).lower()
    without_emoji = _EMOJI_CODE.sub(" ", text)
    if re.search(r"[a-z0-9]", without_emoji):
        text = without_emoji
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[MAX_SLUG // 2 :] else cut
        slug = slug.strip("-")
    if not slug:
        digest = hashlib.blake2b(name.encode("utf-8"), digest_size=4).hexdigest()
        slug = f"tie-{digest}"
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-tie"
    return slug


# Characters that only separate words: `Ann Lee`, `Ann-Lee` and `Ann. Lee` are one name.
_SEPARATORS = frozenset(".,'\"`\u2018\u2019\u201c\u201d")


def name_key(name: str) -> str:
    """What two names must share to be the same tie.

    Case, accents, spaces, dashes, dots, commas and quotes are ignored, and so are
    invisible characters (zero-width joiners, direction marks, variation selectors);
    other symbols count, so `C`, `C++` and `C#` stay three ties. A name made only
    of those (`...`) is compared as typed, ignoring case.
    """
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    key = "".join(
        c
        for c in decomposed
        if not unicodedata.combining(c)
        and not c.isspace()
        and unicodedata.category(c) not in ("Pd", "Pc", "Cf")
        and c not in _SEPARATORS
        and not ("\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef")
    )
    return key or name.casefold()


def same_name(a: str, b: str) -> bool:
    """Two names are one tie when their keys match (see `name_key`)."""
    return name_key(a) == name_key(b)


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... when another file already has it."""
    # A set is looked into as it is: copying it on every call made imports quadratic.
    used = taken if isinstance(taken, set | frozenset | dict) else set(taken)
    slug, number = base, 2
    while slug in used:
        slug = numbered_slug(base, number)
        number += 1
    return slug


def numbered_slug(base: str, number: int) -> str:
    """`base-N`, `base` cut so that the whole stays within MAX_SLUG."""
    suffix = f"-{number}"
    return base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix


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
