"""The kinds of ties and events, and the words for them: defined once, with no pydantic.

The model types its fields with these, and the command line offers them as
choices; `plnctl --help` must not pay for importing the model to list them.
"""

from __future__ import annotations

from typing import Literal, get_args

from plnctl.errors import InvalidValueError

EventKind = Literal[
    "read",
    "listen",
    "watch",
    "visit",
    "comment",
    "converse",
    "ask",
    "share",
    "help-given",
    "help-received",
]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
# A share is logged with `plnctl share`, which records what went to whom.
CHECKIN_KINDS: tuple[str, ...] = tuple(k for k in EVENT_KINDS if k != "share")

TieKind = Literal["person", "source"]
TIE_KINDS: tuple[str, ...] = get_args(TieKind)
# Words a user may say for a source; each is stored as kind "source".
SOURCE_WORDS = ("source", "site", "blog", "feed", "podcast", "newsletter", "forum")
KIND_WORDS = ("person", *SOURCE_WORDS)

Pin = Literal["strong", "weak"]
PINS: tuple[str, ...] = get_args(Pin)
STATUSES = ("strong", "weak", "dormant")


def tie_kind(word: str) -> TieKind:
    """`person`, or `source` for any of the words a user may say for one."""
    word = word.strip().lower()
    if word == "person":
        return "person"
    if word in SOURCE_WORDS:
        return "source"
    raise InvalidValueError(f"unknown kind {word!r}: use person or source")
