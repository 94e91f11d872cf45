"""Files other tools read and write: OPML, vCard, CSV, and plnctl's own JSON backup.

Each format module turns a file into a `Parsed` list of proposed ties (never
touching the data directory) and turns ties back into text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plnctl.errors import InvalidValueError

if TYPE_CHECKING:
    from plnctl.model import Tie

FORMATS = ("opml", "vcard", "csv", "mastodon", "youtube", "linkedin", "profile", "json")
EXTENSIONS = {
    ".opml": "opml",
    ".xml": "opml",
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".csv": "csv",
    ".json": "json",
}
KINDS_READ = (
    "OPML (feed readers, podcast apps), vCard (address books), CSV (spreadsheets, Google "
    "Contacts, Outlook), LinkedIn's Connections.csv, Mastodon's follows CSV, YouTube's "
    "subscriptions (Takeout CSV or JSON, NewPipe), or a plnctl JSON backup"
)


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
    # What identifies the entry: "url" (a feed, a channel, a profile: matched by URL,
    # and by name only to a tie of its kind that has no URL), "handle" (a Fediverse
    # account), "email" (a contact), or "name" (matched by URL for sources, then by name).
    identity: str = "name"


@dataclass
class Parsed:
    """What a file holds: ties, entries that could not be ties, and the rest of a backup."""

    records: list[Incoming] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    warnings: list[str] = field(default_factory=list)
    settings: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None  # a backup's `_profile.toml`
    shares: list[dict[str, Any]] | None = None


def detect(data: bytes, path: Path | None, given: str | None) -> str:
    """The format `--format` names, else the one the file's content shows, else its extension.

    Content wins over the extension: a Mastodon follows file is a `.csv`, a
    Takeout export may be saved under any name.
    """
    if given:
        return given
    head = data[:65536]
    wide = wide_encoding(head)
    text = head.decode(wide or "utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    lines = text.splitlines()[:50]
    first = lines[0] if lines else ""
    found = _by_content(text, first, lines)
    if found:
        return found
    if path is not None:
        by_extension = EXTENSIONS.get(path.suffix.lower())
        if by_extension:
            return by_extension
    where = "standard input" if path is None else repr(str(path))
    raise FormatError(
        f"cannot tell what {where} holds; plnctl reads {KINDS_READ}: "
        f"use --format ({', '.join(FORMATS)}) if it is one of these"
    )


def _by_content(text: str, first: str, lines: list[str]) -> str | None:
    from plnctl.formats import backup, fediverse, youtube
    from plnctl.profile import CARD_FORMAT

    if text.startswith("<"):
        return "opml"  # the OPML reader says it when the root is something else
    if "BEGIN:VCARD" in text.upper():
        return "vcard"
    if text.startswith(("{", "[")):
        if f'"{backup.FORMAT_NAME}"' in text:
            return "json"
        if f'"{CARD_FORMAT}"' in text:
            return "profile"
        if "youtube#subscription" in text or '"subscriptions"' in text:
            return "youtube"
        return "json"
    if first.startswith("Notes:") or "connected on" in first.casefold():
        return "linkedin"
    if fediverse.looks_like(first, lines):
        return "mastodon"
    if youtube.looks_like(first, lines[1:]):
        return "youtube"
    if "," in first or ";" in first or "\t" in first:
        return "csv"
    return None


def read(data: bytes, fmt: str, what: str, mapping: dict[str, str] | None = None) -> Parsed:
    """Parse `data` as `fmt`: the ties it proposes, never touching the data directory."""
    from plnctl.formats import backup, csvfile, fediverse, opml, vcard, youtube

    if mapping and fmt not in ("csv", "linkedin"):
        raise InvalidValueError(f"--map applies to CSV files, not to {fmt}")
    if fmt == "opml":
        return opml.parse(data, what)
    if fmt == "vcard":
        return vcard.parse(data, what)
    if fmt in ("csv", "linkedin"):
        return csvfile.parse(data, what, mapping=mapping, linkedin=fmt == "linkedin")
    if fmt == "mastodon":
        return fediverse.parse(data, what)
    if fmt == "youtube":
        return youtube.parse(data, what)
    if fmt == "profile":
        from plnctl.formats import peercard

        return peercard.parse(data, what)
    return backup.parse(data, what)


# Limits checked before a file is parsed (docs/formats.md, "Limits"): far above any
# real export, low enough that a hostile or broken file cannot take gigabytes.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 200_000
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def check_size(data: bytes, what: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(
            f"{what} is {len(data) // (1024 * 1024)} MB; plnctl imports files of at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB (split it, or export less)"
        )


def check_entries(count: int, what: str) -> None:
    """Called as entries are read, so a file past the limit stops before it is all parsed."""
    if count > MAX_ENTRIES:
        raise FormatError(
            f"{what} holds more than {MAX_ENTRIES:,} entries; plnctl imports at most "
            f"{MAX_ENTRIES:,} per file (split it)"
        )


# A JSON file nests no deeper than this (docs/formats.md, "Limits").
MAX_NESTING = 64


def load_json(text: str, what: str) -> Any:
    """A JSON document, or one clear error: bad JSON, a huge number, or too deep."""
    import json

    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{what} is not JSON (line {exc.lineno}): {exc.msg}") from None
    except RecursionError:
        raise FormatError(f"{what} nests values too deeply to read") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise FormatError(
            f"{what} holds a number of more than 4,300 digits, which no plnctl file can hold"
        ) from None
    _check_depth(doc, what)
    return doc


def _check_depth(doc: Any, what: str) -> None:
    """Refuse a document nested past MAX_NESTING, without recursing into it."""
    stack = [(doc, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            raise FormatError(
                f"{what} nests values more than {MAX_NESTING} levels deep; "
                f"plnctl reads at most {MAX_NESTING}"
            )
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def wide_encoding(data: bytes) -> str | None:
    """The encoding of text with a byte-order mark, or of UTF-16 without one; else None.

    Apple's Address Book and Windows' "Unicode text" write UTF-16, often with
    no mark: every other byte of ASCII text is then zero.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding + ("-sig" if encoding == "utf-8" else "")
    head = data[:4096]
    if len(head) >= 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
    return None


def decode_text(data: bytes, what: str, warnings: list[str] | None = None) -> str:
    """The text of a file: UTF-8 (a byte-order mark dropped) or UTF-16/32 by its mark.

    With `warnings`, text in another encoding is read too, as Shift_JIS when
    that decodes it to Japanese, else as windows-1252, and one warning says so.
    Without, only Unicode is accepted (a JSON backup is always UTF-8).
    """
    wide = wide_encoding(data)
    if wide is not None:
        try:
            return data.decode(wide).removeprefix("\ufeff")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if warnings is None:
            raise FormatError(
                f"{what} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again"
            ) from None
    text, encoding = _guess_legacy(data)
    warnings.append(
        f"{what} is not UTF-8; read it as {encoding}: check the names "
        "(or save the file as UTF-8 and import it again)"
    )
    return text


def _guess_legacy(data: bytes) -> tuple[str, str]:
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        pass
    else:
        if any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text):
            return text, "Shift_JIS"
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "ISO-8859-1"


def text_lines(text: str) -> Iterator[str]:
    """The lines of `text`, each with its line end, made one at a time for csv.reader.

    `io.StringIO` would hold a copy of the whole text at four bytes a character.
    """
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def visible(text: str) -> bool:
    """Whether a name shows anything: not only spaces, marks or invisible format characters."""
    import unicodedata

    return any(unicodedata.category(c)[0] not in "ZCM" for c in text)


def first_error(exc: Exception) -> str:
    """The first problem of a pydantic ValidationError, as `field: message`."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def join_name(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())
