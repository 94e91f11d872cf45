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
# Words a user may say for a source; each is stored as kind "source", and any
# word but "source" itself also as the tie's `medium`, so `list --kind podcast` finds it.
SOURCE_WORDS = (
    "source",
    "site",
    "blog",
    "feed",
    "podcast",
    "newsletter",
    "forum",
    "video",
    "organization",
)
KIND_WORDS = ("person", *SOURCE_WORDS)
# What a tie may carry besides its name, kind and urls: the medium word and a
# person's or organisation's contact details, as imports bring them.
DETAILS = ("medium", "email", "phone", "org", "position", "handle")

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
    raise InvalidValueError(
        f"unknown kind {word!r}: use person or source ({', '.join(SOURCE_WORDS[1:])})"
    )


def kind_word(word: str) -> str:
    """A kind word as `--kind` takes it, lowercased, or an error naming the choices."""
    tie_kind(word)
    return word.strip().lower()


def medium_of(word: str) -> str | None:
    """The medium a kind word names: `podcast` for "podcast", None for person and source."""
    word = word.strip().lower()
    tie_kind(word)
    return None if word in ("person", "source") else word


def kind_matches(word: str, kind: str, medium: str | None) -> bool:
    """Whether a tie of `kind` and `medium` is one `--kind word` asks for."""
    wanted = medium_of(word)
    if wanted is None:
        return kind == tie_kind(word)
    return kind == "source" and medium == wanted
