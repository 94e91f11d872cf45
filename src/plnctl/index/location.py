"""Where the index lives: one file per data directory in the user's cache directory."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

CACHE_ENV = "PLNCTL_CACHE_DIR"


def cache_dir() -> Path:
    """$PLNCTL_CACHE_DIR, else the platform's user cache directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("plnctl", appauthor=False))


def index_path(root: Path) -> Path:
    """One index per data directory, named by checksums of its resolved path.

    Two directories sharing a name only take turns with one file: the index
    records the path it belongs to and is rebuilt for any other.
    """
    resolved = os.fsencode(str(root.resolve()))
    return cache_dir() / f"index-{zlib.crc32(resolved):08x}{zlib.adler32(resolved):08x}.bin"
