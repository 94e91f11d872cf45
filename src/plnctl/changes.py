"""Field changes for `plnctl set`, checked before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plnctl.errors import InvalidValueError
from plnctl.kinds import medium_of, tie_kind
from plnctl.text import clean_text, edit_labels

if TYPE_CHECKING:
    from plnctl.model import Tie


@dataclass
class Changes:
    url: str | None = None
    kind: str | None = None
    every: int | None = None
    pin: str | None = None
    add_topics: list[str] = field(default_factory=list)
    remove_topics: list[str] = field(default_factory=list)
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    add_learning: list[str] = field(default_factory=list)
    remove_learning: list[str] = field(default_factory=list)
    note: str | None = None
    clear_conflicts: bool = False

    def empty(self) -> bool:
        return self == Changes()

    def fields(self) -> list[str]:
        """The names of the fields this changes, for the change's commit message."""
        named = {
            "url": self.url is not None,
            "kind": self.kind is not None,
            "every": self.every is not None,
            "pin": self.pin is not None,
            "topics": bool(self.add_topics or self.remove_topics),
            "tags": bool(self.add_tags or self.remove_tags),
            "note": self.note is not None,
            "conflicts": self.clear_conflicts,
        }
        return [name for name, changed in named.items() if changed]


def apply_changes(tie: Tie, changes: Changes) -> None:
    """Apply every change or raise before touching the tie."""
    if changes.empty():
        raise InvalidValueError("nothing to change: give at least one option (see --help)")
    if changes.clear_conflicts and "conflicts" not in (tie.model_extra or {}):
        raise InvalidValueError("no conflict records to clear: `plnctl show` lists any there are")
    topics = edit_labels(tie.topics, changes.add_topics, changes.remove_topics, "topic")
    tags = edit_labels(tie.tags, changes.add_tags, changes.remove_tags, "tag")
    learning = edit_labels(
        tie.learning, changes.add_learning, changes.remove_learning, "learning topic"
    )
    kind = tie.kind if changes.kind is None else tie_kind(changes.kind)
    if learning and kind != "person":
        raise InvalidValueError(
            "only a person has a `learning` list (what they want to learn); "
            "a source's topics are what you learn there"
        )
    if changes.url is not None:
        tie.url = clean_text(changes.url, "url").strip() or None
    tie.kind = kind
    if changes.kind is not None:
        tie.medium = medium_of(changes.kind)
    if changes.every is not None:
        tie.every = changes.every or None
    if changes.pin is not None:
        tie.pin = None if changes.pin == "none" else changes.pin  # type: ignore[assignment]
    if changes.note is not None:
        tie.note = clean_text(changes.note, "note", multiline=True) or None
    tie.topics = topics
    tie.tags = tags
    tie.learning = learning
    if changes.clear_conflicts and tie.model_extra:
        del tie.model_extra["conflicts"]
