"""Someone's published profile (`plnctl profile publish --format json`) as a person tie.

What they can help others learn becomes the tie's topics (what you may learn
from them), what they are learning becomes its `learning`, their first link
its URL and their `about` its note. It imports like every other file: matched
to a person you have by name, filling in only what you left empty.
"""

from __future__ import annotations

from typing import Any

from plnctl.formats import (
    FormatError,
    Incoming,
    Parsed,
    check_size,
    decode_text,
    first_error,
    load_json,
)


def is_card(doc: object) -> bool:
    """Whether a parsed JSON document is a published profile."""
    from plnctl.profile import CARD_FORMAT

    return isinstance(doc, dict) and doc.get("format") == CARD_FORMAT


def parse(data: bytes, what: str = "the profile") -> Parsed:
    from pydantic import ValidationError

    from plnctl.model import Tie
    from plnctl.profile import CARD_FORMAT, CARD_VERSION
    from plnctl.text import unique_labels

    check_size(data, what)
    doc = load_json(decode_text(data, what), what)
    if not is_card(doc):
        raise FormatError(
            f'{what} is not a published plnctl profile (no "format": "{CARD_FORMAT}")'
        )
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FormatError(f"{what}: 'version' must be a whole number")
    if version > CARD_VERSION:
        raise FormatError(
            f"{what} is a profile of version {version}; this plnctl reads up to "
            f"{CARD_VERSION}: upgrade plnctl to import it"
        )
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise FormatError(f"{what} has no name, so it cannot become a tie")
    links = [link for link in _list(doc, "links") if isinstance(link, str) and link.strip()]
    teaching = [_topic(entry) for entry in _list(doc, "teaching")]
    learning = [_topic(entry) for entry in _list(doc, "learning")]
    about = doc.get("about")
    parsed = Parsed()
    try:
        tie = Tie(
            name=name,
            kind="person",
            url=links[0].strip() if links else None,
            topics=unique_labels(t for t in teaching if t),
            learning=unique_labels(t for t in learning if t),
            note=about.strip() or None if isinstance(about, str) else None,
        )
    except ValidationError as exc:
        raise FormatError(f"{what}: {first_error(exc)}") from None
    parsed.records.append(Incoming(tie, "profile"))
    return parsed


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key, [])
    return value if isinstance(value, list) else []


def _topic(entry: object) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("topic"), str):
        return str(entry["topic"])
    return ""
