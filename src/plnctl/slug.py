"""The slug rule, apart from the model, so listing the data directory needs no pydantic."""

from __future__ import annotations

import re

MAX_SLUG = 48
SLUG_RE = re.compile(rf"^[a-z0-9](?:[a-z0-9-]{{0,{MAX_SLUG - 2}}}[a-z0-9])?$")
