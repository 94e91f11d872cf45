"""The slug rule, apart from the model, so listing the data directory needs no pydantic."""

from __future__ import annotations

import re

MAX_SLUG = 48
# Lowercase ASCII letters and digits in words joined by single hyphens. Anchored with
# `\Z`, not `$`: `$` also matches before a final newline, which let `ann\n` pass.
SLUG_RE = re.compile(rf"(?=[a-z0-9-]{{1,{MAX_SLUG}}}\Z)[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def is_slug(text: str) -> bool:
    """Whether `text` is a whole slug (a portable file name; see docs/data-safety.md)."""
    return SLUG_RE.fullmatch(text) is not None
