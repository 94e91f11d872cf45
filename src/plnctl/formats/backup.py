"""The JSON backup: every tie with all its fields and events, the settings, the profile
and the share log.

Nothing is lost: ids, hand-added fields and their TOML types come back as they
were. Fields plnctl does not know may hold TOML dates and times, which JSON
lacks; those are written as `{"$date": "2025-06-30"}` (or `$datetime`, `$time`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from plnctl.formats import (
    FormatError,
    Incoming,
    Parsed,
    check_entries,
    check_size,
    decode_text,
    load_json,
)

if TYPE_CHECKING:
    from plnctl.model import Tie

FORMAT_NAME = "plnctl-backup"
BACKUP_VERSION = 1
_TAGS: dict[str, Callable[[str], Any]] = {
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$time": dt.time.fromisoformat,
}


def _plain(value: Any) -> Any:
    """A known field's value as JSON: dates as ISO strings."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def encode(value: Any) -> Any:
    """An unknown field's value as JSON, its TOML date and time types tagged."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(value: Any) -> Any:
    """The inverse of `encode`."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, text),) = value.items()
            parse_iso = _TAGS.get(key)
            if parse_iso is not None and isinstance(text, str):
                try:
                    return parse_iso(text)
                except ValueError:
                    raise FormatError(f"{key} value {text!r} is not ISO 8601") from None
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _record(data: dict[str, Any], known: set[str]) -> dict[str, Any]:
    return {k: _plain(v) if k in known else encode(v) for k, v in data.items()}


def tie_to_json(tie: Tie) -> dict[str, Any]:
    from plnctl.model import Event, Tie, to_toml_dict

    data = to_toml_dict(tie)
    events = data.pop("events")
    out = _record(data, set(Tie.model_fields))
    out["events"] = [_record(e, set(Event.model_fields)) for e in events]
    return out


def dump(
    ties: Sequence[tuple[str, Tie]],
    *,
    settings: dict[str, Any] | None,
    shares: list[dict[str, Any]],
    today: dt.date,
    profile: dict[str, Any] | None = None,
) -> str:
    from plnctl import __version__

    doc = {
        "format": FORMAT_NAME,
        "version": BACKUP_VERSION,
        "plnctl": __version__,
        "exported": today.isoformat(),
        "settings": None if settings is None else encode(settings),
        "profile": None if profile is None else encode(profile),
        "shares": [_record(s, {"date"}) for s in shares],
        "ties": [{"slug": slug, "tie": tie_to_json(tie)} for slug, tie in ties],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def parse(data: bytes, what: str = "the backup") -> Parsed:
    """Everything a backup holds, validated as plnctl validates its own files."""
    from pydantic import ValidationError

    from plnctl.model import SCHEMA_VERSION, SLUG_RE, Event, Tie
    from plnctl.settings import settings_from_dict
    from plnctl.store import format_validation_error

    check_size(data, what)
    doc = load_json(decode_text(data, what), what)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise FormatError(
            f'{what} is not a plnctl backup (no "format": "{FORMAT_NAME}"); '
            "`plnctl export --format json` writes one"
        )
    version = doc.get("version")
    if not isinstance(version, int) or version > BACKUP_VERSION:
        raise FormatError(
            f"{what} is a backup version {version!r}; this plnctl reads up to "
            f"{BACKUP_VERSION}: upgrade plnctl to restore it"
        )
    parsed = Parsed()
    settings = doc.get("settings")
    if settings is not None:
        if not isinstance(settings, dict):
            raise FormatError(f"{what}: 'settings' must be an object")
        refused: list[str] = []
        parsed.settings = tomlable(decode(settings), "settings", refused)
        if refused:
            raise FormatError(f"{what}: invalid settings: {refused[0]}")
        try:
            settings_from_dict(parsed.settings)
        except ValueError as exc:
            raise FormatError(f"{what}: invalid settings: {exc}") from None
    parsed.profile = _profile(doc.get("profile"), what)
    shares = doc.get("shares", [])
    if not isinstance(shares, list) or not all(isinstance(s, dict) for s in shares):
        raise FormatError(f"{what}: 'shares' must be a list of objects")
    parsed.shares = _shares(shares, what, parsed.warnings)
    ties = doc.get("ties", [])
    if not isinstance(ties, list):
        raise FormatError(f"{what}: 'ties' must be a list")
    known_event = set(Event.model_fields)
    check_entries(len(ties), what)
    for number, entry in enumerate(ties, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("tie"), dict):
            raise FormatError(f"{what}: ties[{number - 1}] must be an object with a 'tie'")
        slug = entry.get("slug")
        slug = slug if isinstance(slug, str) and SLUG_RE.match(slug) else None
        raw = entry["tie"]
        where = f"ties[{number - 1}]" + (f" ({slug})" if slug else "")
        dropped: list[str] = []
        fields = _known_and_unknown(raw, set(Tie.model_fields), "", dropped)
        events = fields.get("events", [])
        if isinstance(events, list):
            fields["events"] = [
                _known_and_unknown(e, known_event, f"events[{i}].", dropped)
                if isinstance(e, dict)
                else e
                for i, e in enumerate(events)
            ]
        stored = fields.get("schema_version", SCHEMA_VERSION)
        if isinstance(stored, int) and stored > SCHEMA_VERSION:
            raise FormatError(
                f"{what}, {where}: written by a newer plnctl (schema_version {stored}); "
                "upgrade plnctl to restore it"
            )
        fields["schema_version"] = SCHEMA_VERSION
        try:
            tie = Tie.model_validate(fields)
        except ValidationError as exc:
            raise FormatError(f"{what}, {where}: {format_validation_error(exc, '')}") from None
        dropped.extend(_unique_event_ids(tie))
        parsed.warnings.extend(f"{what}, {where}: {problem}" for problem in dropped)
        parsed.records.append(Incoming(tie, where, slug=slug, via=tie.via))
    return parsed


def _profile(value: Any, what: str) -> dict[str, Any] | None:
    """The backup's `_profile.toml`, checked as plnctl checks the file; None when it has none
    (a backup written before profiles were backed up has no `profile` at all)."""
    from plnctl.profile import SCHEMA_VERSION, ProfileError, profile_from_dict

    if value is None:
        return None
    if not isinstance(value, dict):
        raise FormatError(f"{what}: 'profile' must be an object")
    refused: list[str] = []
    profile = tomlable(decode(value), "profile", refused)
    if refused:
        raise FormatError(f"{what}: invalid profile: {refused[0]}")
    stored = profile.get("schema_version", SCHEMA_VERSION)
    if isinstance(stored, int) and stored > SCHEMA_VERSION:
        raise FormatError(
            f"{what}: the profile was written by a newer plnctl (schema_version {stored}); "
            "upgrade plnctl to restore it"
        )
    try:
        profile_from_dict(profile)
    except ProfileError as exc:
        raise FormatError(f"{what}: invalid profile: {exc}") from None
    return dict(profile)


INT_MIN, INT_MAX = -(2**63), 2**63 - 1


_DROP = object()


def tomlable(value: Any, path: str, dropped: list[str]) -> Any:
    """`value` as TOML can hold it: nulls and integers past 64 bits left out, and said.

    `plnctl doctor` rejects a file holding such an integer, and TOML has no null.
    """
    if value is None:
        dropped.append(f"{path} is null; TOML has no null, so it was left out")
        return _DROP
    if isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
        dropped.append(f"{path} is an integer past TOML's 64-bit range; left out")
        return _DROP
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            kept = tomlable(item, f"{path}.{key}" if path else key, dropped)
            if kept is not _DROP:
                out[key] = kept
        return out
    if isinstance(value, list):
        items = [tomlable(item, f"{path}[{i}]", dropped) for i, item in enumerate(value)]
        return [item for item in items if item is not _DROP]
    return value


def _known_and_unknown(
    raw: dict[str, Any], known: set[str], prefix: str, dropped: list[str]
) -> dict[str, Any]:
    """Known fields as they are (the model checks them); unknown ones decoded, made TOML."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in known:
            out[key] = value
            continue
        kept = tomlable(decode(value), f"{prefix}{key}", dropped)
        if kept is not _DROP:
            out[key] = kept
    return out


def _unique_event_ids(tie: Tie) -> list[str]:
    """One event per id, as doctor requires: a repeat dropped, a different event renumbered."""
    from plnctl.model import new_event_id

    seen: dict[str, Any] = {}
    kept = []
    problems = []
    for event in tie.events:
        first = seen.get(event.id)
        if first is None:
            seen[event.id] = event
        elif first == event:
            problems.append(f"event {event.id!r} is listed twice; kept once")
            continue
        else:
            old = event.id
            event.id = new_event_id()
            problems.append(f"two different events share the id {old!r}; the second is {event.id}")
        kept.append(event)
    tie.events = kept
    return problems


def _shares(entries: list[dict[str, Any]], what: str, warnings: list[str]) -> list[dict[str, Any]]:
    """The share log's entries plnctl can keep: each with a date and what, ids unique."""
    from plnctl.store import share_problems

    kept: list[dict[str, Any]] = []
    ids: set[str] = set()
    for number, entry in enumerate(entries):
        dropped: list[str] = []
        share = _share(entry, what)
        share = tomlable(share, f"shares[{number}]", dropped)
        problems = share_problems(share)
        share_id = share.get("id")
        if isinstance(share_id, str) and share_id in ids:
            problems.append(f"id {share_id!r} is used twice")
        if problems:
            warnings.append(f"{what}, shares[{number}]: left out: {'; '.join(problems)}")
            continue
        if isinstance(share_id, str):
            ids.add(share_id)
        warnings.extend(f"{what}: {problem}" for problem in dropped)
        kept.append(share)
    return kept


def _share(entry: dict[str, Any], what: str) -> dict[str, Any]:
    out = {k: v if k == "date" else decode(v) for k, v in entry.items()}
    if isinstance(out.get("date"), str):
        try:
            out["date"] = dt.date.fromisoformat(out["date"])
        except ValueError:
            raise FormatError(f"{what}: share date {out['date']!r} is not YYYY-MM-DD") from None
    return out
