"""Fediverse follows: Mastodon's follows CSV in and out, and the one rule for handles.

A handle is `user@instance`, written without the leading `@`; its profile is
`https://instance/@user`. Mastodon exports the accounts you follow as
`following_accounts.csv` (`Account address,Show boosts,Notify on new posts,Languages`),
and older versions as one address per line with no header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from plnctl.formats import (
    FormatError,
    Incoming,
    Parsed,
    check_entries,
    check_size,
    decode_text,
    first_error,
    text_lines,
)

if TYPE_CHECKING:
    from plnctl.model import Tie

_HANDLE = re.compile(r"@?([A-Za-z0-9_][A-Za-z0-9_.-]*)(?:@([^\s@/]+\.[^\s@/]+))?")
_PROFILE = re.compile(r"https?://([^/\s]+)/@([A-Za-z0-9_][A-Za-z0-9_.-]*)/?")


def parse_handle(text: str) -> tuple[str, str | None] | None:
    """(user, instance) of an address such as `@ann@social.example`, `ann@social.example`
    or a local `ann`; None when the text is not an address."""
    match = _HANDLE.fullmatch(text.strip())
    if match is None:
        return None
    return match.group(1), match.group(2)


def handle_key(handle: str) -> str:
    """What two handles share when they name one account: case and a leading `@` aside."""
    return handle.strip().removeprefix("@").casefold()


def profile_url(user: str, instance: str) -> str:
    return f"https://{instance}/@{user}"


def handle_of_url(url: str) -> str | None:
    """`ann@social.example` for `https://social.example/@ann`, else None."""
    match = _PROFILE.fullmatch(url.strip())
    return f"{match.group(2)}@{match.group(1)}" if match else None


HEADER = ("Account address", "Show boosts", "Notify on new posts", "Languages")


def parse(data: bytes, what: str = "the follows file") -> Parsed:
    """The accounts a follows file lists: each a person named and matched by its handle."""
    from pydantic import ValidationError

    from plnctl.formats.csvfile import column_key
    from plnctl.model import Tie

    check_size(data, what)
    parsed = Parsed()
    text = decode_text(data, what, parsed.warnings)
    reader = csv.reader(text_lines(text))
    try:
        for row in reader:
            line = reader.line_num
            address = row[0].strip() if row else ""
            if not address or (line == 1 and column_key(address) == "accountaddress"):
                continue
            check_entries(len(parsed.records) + 1, what)
            where = f"line {line} ({address})"
            found = parse_handle(address)
            if found is None:
                parsed.skipped.append((where, "not an account address (user@instance)"))
                continue
            user, instance = found
            handle = f"{user}@{instance}" if instance else user
            if instance is None:
                parsed.warnings.append(
                    f"{where}: no instance: an account on the server that wrote the file, "
                    "which the file does not name; imported without a profile URL"
                )
            try:
                tie = Tie(
                    name=handle,
                    handle=handle,
                    url=profile_url(user, instance) if instance else None,
                )
            except ValidationError as exc:
                parsed.skipped.append((where, first_error(exc)))
                continue
            parsed.records.append(Incoming(tie, where, identity="handle"))
    except csv.Error as exc:
        raise FormatError(f"{what}, line {reader.line_num}: not valid CSV: {exc}") from None
    return parsed


def looks_like(first_line: str, lines: list[str]) -> bool:
    """A follows file: Mastodon's header, or lines that are all `user@instance`."""
    from plnctl.formats.csvfile import column_key

    if column_key(first_line.split(",", 1)[0]) == "accountaddress":
        return True
    found = [parse_handle(line.split(",", 1)[0]) for line in lines if line.strip()]
    return bool(found) and all(f is not None and f[1] is not None for f in found)


def dump(ties: Sequence[tuple[str, Tie]]) -> str:
    """Mastodon's follows CSV: one row per tie with a handle, boosts shown, no alerts."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for _slug, tie in ties:
        if tie.handle:
            writer.writerow([tie.handle, "true", "false", ""])
    return out.getvalue()
