"""Conflict copies: the second version of a file that a file-sync tool leaves beside it.

Syncthing, Dropbox, Nextcloud and ownCloud never merge two versions of a file
changed on two devices: they keep one under the file's name and save the
other next to it under a name of their own. `plnctl doctor --fix` folds such a
copy back into its file. No pydantic here: listing the directory uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TOML = ".toml"
# The files of the data directory other than ties that a copy may be of.
SPECIAL = ("_shares", "_settings", "_profile")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # ann-lee.sync-conflict-20251102-123456-ABCDEFG.toml (older versions: no device id)
    ("Syncthing", re.compile(r"^(?P<stem>.+)\.sync-conflict-\d{8}-\d{6}(?:-[A-Z0-9]{7})?$")),
    # ann-lee_conflict-20251102-123456.toml
    ("ownCloud or Nextcloud", re.compile(r"^(?P<stem>.+)_conflict-\d{8}-\d{6}$")),
    # ann-lee (conflicted copy 2025-11-02).toml, ann-lee (Ann's conflicted copy).toml,
    # ann-lee (conflicted copy 2025-11-02 123456).toml, ann-lee (Nextcloud conflict).toml
    (
        "a sync tool",
        re.compile(r"^(?P<stem>.+?) ?\([^()]*\bconflict[^()]*\)(?: ?\(\d+\))?$", re.IGNORECASE),
    ),
)


@dataclass(frozen=True)
class ConflictCopy:
    """A copy's file name, the name of the file it is a copy of, and who made it."""

    name: str
    original: str
    tool: str


def conflict_copy(name: str) -> ConflictCopy | None:
    """The copy `name` is, when it is a sync tool's conflict copy of a tie file or of
    `_shares.toml`, `_settings.toml` or `_profile.toml`; a copy of a copy counts too."""
    from plnctl.slug import SLUG_RE

    if not name.endswith(TOML):
        return None
    stem, tool = name[: -len(TOML)], ""
    while True:
        found = next(((who, m) for who, pattern in _PATTERNS if (m := pattern.match(stem))), None)
        if found is None:
            break
        tool = tool or found[0]
        stem = found[1].group("stem")
        if SLUG_RE.match(stem) or stem in SPECIAL:
            return ConflictCopy(name, stem + TOML, tool)
    return None


def copy_problem(copy: ConflictCopy) -> str:
    """What `doctor` and the commands that skip the copy say about it."""
    return (
        f"a conflict copy of {copy.original} left by {copy.tool}: `plnctl doctor --fix` "
        f"folds it into {copy.original}"
    )
