"""The subjects of plnctl's own commits that move or remove a tie's file.

`rename`, `merge` and `rm` commit under these subjects (network/curation.py);
`sync` reads them back (reconcile.py) to follow a tie that one device renamed
or merged while another changed it. One place writes and reads each, so the
two cannot drift apart.
"""

from __future__ import annotations

import re

_SLUG = r"[a-z0-9-]+"
RENAME_RE = re.compile(rf"^rename (?P<old>{_SLUG}): to (?P<new>{_SLUG}) \(")
MERGE_RE = re.compile(rf"^merge (?P<old>{_SLUG}) into (?P<new>{_SLUG})$")
REMOVE_RE = re.compile(rf"^rm (?P<old>{_SLUG})$")


def renamed(old: str, new: str, name: str) -> str:
    """`rename ann: to ann-lee (Ann Lee)`."""
    return f"rename {old}: to {new} ({name})"


def merged(old: str, into: str) -> str:
    """`merge ann-2 into ann-lee`."""
    return f"merge {old} into {into}"


def removed(old: str) -> str:
    """`rm ann-lee`."""
    return f"rm {old}"
