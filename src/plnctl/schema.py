"""What every tie file shares, apart from the pydantic model: its version, its fields in
order, and new event ids. The model (model.py) uses these; writes that need no model
(tiefile.py) use them without importing pydantic. tests/test_tiefile.py checks the field
lists against the model's.
"""

from __future__ import annotations

SCHEMA_VERSION = 1
# A cadence (`every`) is a whole number of days from 1 to this.
MAX_EVERY = 3650

# The model's fields in its order (and so in the files it writes); the events come last.
TIE_FIELDS = (
    "schema_version",
    "name",
    "kind",
    "medium",
    "url",
    "site_url",
    "email",
    "phone",
    "org",
    "position",
    "handle",
    "topics",
    "tags",
    "learning",
    "via",
    "every",
    "note",
    "pin",
    "added",
    "archived",
    "snoozed_until",
)
EVENT_FIELDS = ("id", "date", "kind", "note", "link", "what", "role", "topics")


def new_event_id() -> str:
    """A random id, unique enough to merge two copies of a file by id: 16 hex digits."""
    import os

    return os.urandom(8).hex()
