"""The one way into the core: every command reads and changes the network through `Network`.

A `Network` is a data directory seen on one day. Reads of many ties go
through the derived index; each write takes the directory's lock, reads what
it changes under it, decides, and writes atomically, so no update is lost
and no decision rests on a file that changed meanwhile.

Its methods are grouped by what they do, one module each: `base` (finding
ties, the lock, the settings), `queries` (reads), `tracking` (add, checkin,
share, set), `curation` (edit, rename, merge, archive, rm, snooze, spread),
`exchange` (import, export, the demo), `personal` (your profile and goals),
`expertise` (who knows what: topics, who, scouts, suggest, growth), which
`queries` builds on, and `syncing` (git: sync, log, undo, and folding other
sync tools' conflict copies).
"""

from __future__ import annotations

from plnctl.network.base import ShareRecord
from plnctl.network.curation import Curation, Merged, Renamed
from plnctl.network.exchange import Exchange, Exported
from plnctl.network.personal import Personal
from plnctl.network.queries import Queries
from plnctl.network.syncing import Syncing
from plnctl.network.tracking import Tracking, looks_like_url

__all__ = [
    "Exported",
    "Merged",
    "Network",
    "Renamed",
    "ShareRecord",
    "looks_like_url",
]


class Network(Queries, Tracking, Curation, Exchange, Personal, Syncing):
    """A data directory as a network of ties, on one day: see the module's docstring."""
