"""Files other tools read and write: OPML, vCard, CSV, and plnctl's own JSON backup.

Each format module turns a file into a `Parsed` list of proposed ties (never
touching the data directory) and turns ties back into text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plnctl.errors import InvalidValueError

if TYPE_CHECKING:
    from plnctl.model import Tie

FORMATS = ("opml", "vcard", "csv", "json")
EXTENSIONS = {
    ".opml": "opml",
    ".xml": "opml",
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".csv": "csv",
    ".json": "json",
}


class FormatError(InvalidValueError):
    """A file to import is not what its format says it should be."""


@dataclass
class Incoming:
    """One tie a file proposes, and where in the file it came from."""

    tie: Tie
    where: str
    # The slug the tie had in a backup; kept when it is free.
    slug: str | None = None
    # `via` as the file gave it: a slug from a backup, or a name or slug from CSV.
    via: str | None = None


@dataclass
class Parsed:
    """What a file holds: ties, entries that could not be ties, and the rest of a backup."""

    records: list[Incoming] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    warnings: list[str] = field(default_factory=list)
    settings: dict[str, Any] | None = None
    shares: list[dict[str, Any]] | None = None


def guess_format(path: Path | None, given: str | None) -> str:
    """The format named by --format, else the one the file's extension says."""
    if given:
        return given
    if path is not None:
        found = EXTENSIONS.get(path.suffix.lower())
        if found:
            return found
        raise InvalidValueError(
            f"cannot tell the format of {str(path)!r} from its extension; "
            f"use --format ({', '.join(FORMATS)})"
        )
    raise InvalidValueError(f"reading standard input needs --format ({', '.join(FORMATS)})")


def decode_text(data: bytes, what: str) -> str:
    """UTF-8 text, with a leading byte-order mark (as spreadsheets write) dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"{what} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again"
        ) from None


def first_error(exc: Exception) -> str:
    """The first problem of a pydantic ValidationError, as `field: message`."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def join_name(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())
