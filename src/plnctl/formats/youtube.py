"""YouTube subscriptions: Google Takeout's `subscriptions.csv` (any language), its older
`subscriptions.json`, and NewPipe's export. Each channel is a source with medium
`video`, matched by its channel URL.
"""

from __future__ import annotations

import csv
import re
from typing import Any

from plnctl.formats import (
    FormatError,
    Incoming,
    Parsed,
    check_entries,
    check_size,
    decode_text,
    first_error,
    load_json,
    text_lines,
    visible,
)

MEDIUM = "video"
_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")


def channel_url(channel_id: str) -> str:
    return f"https://www.youtube.com/channel/{channel_id}"


def looks_like(first_line: str, lines: list[str]) -> bool:
    """Takeout's CSV, in any language: three columns, a channel id and its URL."""
    from plnctl.formats.csvfile import column_key

    if column_key(first_line.split(",", 1)[0]) == "channelid":
        return True
    rows = [line.split(",", 2) for line in lines if line.strip()]
    return bool(rows) and all(
        len(r) == 3 and _CHANNEL_ID.fullmatch(r[0].strip()) and "youtube.com/" in r[1]
        for r in rows[:20]
    )


def parse(data: bytes, what: str = "the subscriptions file") -> Parsed:
    check_size(data, what)
    parsed = Parsed()
    text = decode_text(data, what, parsed.warnings)
    if text.lstrip().startswith(("{", "[")):
        _parse_json(text, what, parsed)
    else:
        _parse_csv(text, what, parsed)
    return parsed


def _parse_csv(text: str, what: str, parsed: Parsed) -> None:
    reader = csv.reader(text_lines(text))
    try:
        for row in reader:
            if len(row) < 3 or not _CHANNEL_ID.fullmatch(row[0].strip()):
                continue  # the header (in the account's language) and blank lines
            channel_id, url, title = (cell.strip() for cell in row[:3])
            _add(parsed, what, f"line {reader.line_num}", channel_id, url, title)
    except csv.Error as exc:
        raise FormatError(f"{what}, line {reader.line_num}: not valid CSV: {exc}") from None


def _parse_json(text: str, what: str, parsed: Parsed) -> None:
    doc = load_json(text, what)
    if isinstance(doc, dict) and isinstance(doc.get("subscriptions"), list):
        for number, entry in enumerate(doc["subscriptions"]):
            if isinstance(entry, dict) and isinstance(entry.get("url"), str):
                url = entry["url"].strip()
                channel = url.rstrip("/").rsplit("/", 1)[-1]
                _add(parsed, what, f"subscriptions[{number}]", channel, url, _str(entry, "name"))
        return
    if isinstance(doc, list):
        for number, entry in enumerate(doc):
            snippet = entry.get("snippet") if isinstance(entry, dict) else None
            if not isinstance(snippet, dict):
                continue
            resource = snippet.get("resourceId")
            # `snippet.channelId` is the exporting account's own channel, not the one followed.
            channel = _str(resource, "channelId") if isinstance(resource, dict) else ""
            if channel:
                _add(parsed, what, f"[{number}]", channel, "", _str(snippet, "title"))
        return
    raise FormatError(
        f"{what} is JSON but not a list of YouTube subscriptions (Takeout's "
        "subscriptions.json) nor NewPipe's export"
    )


def _str(doc: Any, key: str) -> str:
    value = doc.get(key) if isinstance(doc, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _add(parsed: Parsed, what: str, where: str, channel: str, url: str, title: str) -> None:
    from pydantic import ValidationError

    from plnctl.model import Tie

    check_entries(len(parsed.records) + 1, what)
    where = f"{where} ({title})" if visible(title) else where
    if not visible(title):
        parsed.warnings.append(f"{where}: channel {channel} has no visible title; named by its id")
        title = channel
    try:
        tie = Tie(name=title, kind="source", medium=MEDIUM, url=url or channel_url(channel))
    except ValidationError as exc:
        parsed.skipped.append((where, first_error(exc)))
        return
    parsed.records.append(Incoming(tie, where, identity="url"))
