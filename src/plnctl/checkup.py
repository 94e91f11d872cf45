"""The checkup behind `plnctl doctor`: every file in the data directory, and what is wrong."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from plnctl.copies import conflict_copy, copy_problem
from plnctl.errors import NewerSchemaError, TieFileError
from plnctl.store import (
    LOCK_FILE,
    PROFILE_FILE,
    SHARE_LOG_SHAPE,
    SHARES_FILE,
    TEMP_SUFFIX,
    TIE_SUFFIX,
    is_share_log,
    load_toml,
    misnamed_problem,
    parse_tie,
    read_regular,
    share_problems,
)
from plnctl.tomlpos import field_path, line_of

if TYPE_CHECKING:
    from pydantic import BaseModel

    from plnctl.model import Tie
    from plnctl.progress import Progress

Level = Literal["error", "note"]

_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class Finding:
    """One problem with one file. An error makes `doctor` fail; a note only informs."""

    path: Path
    message: str
    line: int | None = None
    level: Level = "error"


@dataclass
class Checkup:
    root: Path
    ties: int = 0
    findings: list[Finding] = field(default_factory=list)
    # Events after this day are noted: review, show and stats leave them out until then.
    today: dt.date | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    def add(
        self, path: Path, message: str, line: int | None = None, level: Level = "error"
    ) -> None:
        self.findings.append(Finding(path, message, line, level))


def check(root: Path, progress: Progress | None = None, today: dt.date | None = None) -> Checkup:
    """Read every file under `root` without changing any, and collect what is wrong."""
    from plnctl.progress import counted

    result = Checkup(root, today=today)
    if not root.exists():
        if root.is_symlink():
            result.add(root, "the data directory is a symbolic link to nothing")
        else:
            result.add(root, "the data directory does not exist yet", level="note")
        return result
    if not root.is_dir():
        result.add(root, "the data directory is not a directory")
        return result
    _check_mode(result, root, directory=True)
    if (root / ".git" / "MERGE_HEAD").exists():
        result.add(
            root,
            "a git merge is not finished: plnctl cannot commit changes until it is; "
            "`plnctl sync` finishes it or says what it needs",
        )
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        result.add(root, _os_problem(exc))
        return result

    ties: list[tuple[Path, str, Tie]] = []
    for entry in counted(entries, len(entries), "checking files", progress):
        path = Path(entry.path)
        name = entry.name
        if name.startswith("."):
            if name.endswith(TEMP_SUFFIX) and entry.is_file():
                result.add(
                    path,
                    "a temporary file left by an interrupted write; the next change plnctl "
                    "makes removes it, or delete it yourself",
                    level="note",
                )
            elif name == LOCK_FILE and entry.is_symlink():
                result.add(
                    path,
                    "a symbolic link: plnctl does not lock through one, so every change "
                    "stops until you remove it",
                )
            elif name == LOCK_FILE:
                _check_mode(result, path)
            continue  # hidden files belong to plnctl or to tools such as git
        if entry.is_symlink():
            result.add(path, _link_note(path), level="note")
        if entry.is_dir():
            result.add(path, "a directory: plnctl ignores it", level="note")
            continue
        if name.endswith(TIE_SUFFIX) and not entry.is_symlink():
            _check_mode(result, path)
        tie = _check_content(result, path)
        if tie is not None:
            ties.append((path, name[: -len(TIE_SUFFIX)], tie))
    result.ties = len(ties)
    _check_across(result, ties)
    result.findings.sort(key=lambda f: (f.path != root, f.path, f.line or 0))
    return result


def check_files(root: Path, names: Iterable[str]) -> Checkup:
    """What `doctor` says about what these files of `root` hold, each on its own
    (no permissions, no two files compared); hidden and missing files are skipped.
    `plnctl sync` checks hand edits with it before committing them."""
    result = Checkup(root)
    for name in names:
        path = root / name
        if "/" not in name and not name.startswith(".") and path.is_file():
            _check_content(result, path)
    return result


def _check_content(result: Checkup, path: Path) -> Tie | None:
    """Check one file by what its name says it is; the tie, when it is a readable one."""
    from plnctl.settings import SETTINGS_FILE
    from plnctl.slug import is_slug

    name = path.name
    if name == SHARES_FILE:
        _check_shares(result, path)
    elif name == SETTINGS_FILE:
        _check_settings(result, path)
    elif name == PROFILE_FILE:
        _check_profile(result, path)
    elif name.endswith(TIE_SUFFIX) and is_slug(name[: -len(TIE_SUFFIX)]):
        return _check_tie(result, path)
    elif copy := conflict_copy(name):
        result.add(path, copy_problem(copy))
    elif name.endswith(TIE_SUFFIX) and not name.startswith("_"):
        result.add(path, misnamed_problem(path))
    else:
        result.add(path, "not a tie file: plnctl ignores it", level="note")
    return None


def _check_mode(result: Checkup, path: Path, *, directory: bool = False) -> None:
    """Personal data: the directory is 0700 and files are 0600.

    The `chmod` advised never goes through a link: a linked data directory is
    named by its real path, and a linked file gets a note instead (`_link_note`).
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        real = path.resolve(strict=True) if path.is_symlink() else path
    except (OSError, RuntimeError):
        return
    if mode & 0o077:
        want = "700" if directory else "600"
        result.add(
            path,
            f"others can read or change it (mode {mode:03o}); run: chmod {want} "
            # Quoted for a shell, whatever the name holds.
            "'" + str(real).replace("'", "'\\''") + "'",
        )


def _link_note(path: Path) -> str:
    """A linked file is read through its link but replaced when plnctl writes it."""
    note = "a symbolic link: plnctl replaces it with a regular file when it writes it"
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return note
    if mode & 0o077 and path.name.endswith(TIE_SUFFIX):
        note += (
            f"; the file it points to is open to others (mode {mode:03o}), and is yours to "
            "change: a chmod through the link would change that file, wherever it is"
        )
    return note


def toml_error_line(message: str) -> tuple[str, int | None]:
    """tomllib's message without its '(at line N, column M)', and N."""
    found = _TOML_AT.search(message)
    if not found:
        return message, None
    return message[: found.start()] + message[found.end() :], int(found.group(1))


def _read(result: Checkup, path: Path) -> bytes | None:
    try:
        return read_regular(path)[0]
    except TieFileError as exc:
        result.add(path, exc.problem)
        return None
    except OSError as exc:
        result.add(path, _os_problem(exc))
        return None


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied: plnctl cannot read it"
    return exc.strerror or str(exc)


def _load_toml(result: Checkup, path: Path, raw: bytes) -> tuple[dict[str, Any], str] | None:
    try:
        return load_toml(path, raw)
    except TieFileError as exc:
        # The line goes in front of the message, where the other findings have it.
        message, line = toml_error_line(exc.problem)
        result.add(path, message, line)
        return None


def _report_invalid(
    result: Checkup, path: Path, raw: bytes, exc: TieFileError, model: type[BaseModel], current: int
) -> None:
    """One finding per bad field of a file that did not validate, each at its line."""
    from pydantic import ValidationError

    loaded = _load_toml(result, path, raw)
    if loaded is None:
        return
    data, text = loaded
    details: list[Any] = []
    if not isinstance(exc, NewerSchemaError) and "'schema_version'" not in exc.problem:
        data["schema_version"] = current
        try:
            model.model_validate(data)
        except ValidationError as detail:
            details = detail.errors()
    for err in details:
        loc = list(err["loc"])
        result.add(path, f"field '{field_path(loc)}': {err['msg']}", line_of(text, loc))
    if not details:
        result.add(path, exc.problem, line_of(text, ["schema_version"]))


def _check_tie(result: Checkup, path: Path) -> Tie | None:
    from plnctl.model import SCHEMA_VERSION, Tie

    raw = _read(result, path)
    if raw is None:
        return None
    try:
        tie = parse_tie(path, raw)
    except TieFileError as exc:
        _report_invalid(result, path, raw, exc, Tie, SCHEMA_VERSION)
        return None
    text = raw.decode("utf-8")
    seen: dict[str, int] = {}
    for index, event in enumerate(tie.events):
        if event.id in seen:
            result.add(
                path,
                f"event id {event.id!r} is used twice (events {seen[event.id] + 1} and "
                f"{index + 1}); give one of them a new id",
                line_of(text, ["events", index, "id"]),
            )
        else:
            seen[event.id] = index
        if result.today is not None and event.date > result.today:
            result.add(
                path,
                f"event {event.id!r} is dated {event.date.isoformat()}, after today: review, "
                "show and stats leave it out until then (a typo in the date?)",
                line_of(text, ["events", index, "date"]),
                level="note",
            )
    _check_conflicts(result, path, tie.model_extra or {}, text)
    _check_file_name(result, path, tie)
    return tie


def _check_conflicts(result: Checkup, path: Path, doc: dict[str, Any], text: str) -> None:
    """A note for each change a merge set aside; an error when the table is broken."""
    from plnctl.conflicts import commands_for, records_in, summary

    if "conflicts" not in doc:
        return
    records = records_in(doc)
    if not records and doc["conflicts"] != []:
        result.add(
            path,
            "field 'conflicts' must be an array of tables (the changes a merge set aside)",
            line_of(text, ["conflicts"]),
        )
        return
    how = f"`{commands_for(path.name)[1]}` clears them"
    for index, record in enumerate(records):
        result.add(
            path,
            f"set aside by a merge: {summary(record)}; {how}",
            line_of(text, ["conflicts", index]),
            level="note",
        )


def _check_file_name(result: Checkup, path: Path, tie: Tie) -> None:
    """A slug that no longer matches the name: the file (or the name) was changed by hand."""
    from plnctl.names import RESERVED_SLUGS, slugify

    slug = path.name[: -len(TIE_SUFFIX)]
    if slug in RESERVED_SLUGS:
        result.add(
            path,
            f"{slug!r} is a device name on Windows, where this file cannot exist; rename it "
            "if you sync your ties there",
            level="note",
        )
    base = slugify(tie.name)
    numbered = re.fullmatch(r"(.+)-\d+", slug)
    if slug == base or (numbered and base.startswith(numbered.group(1))):
        return
    result.add(
        path,
        f"holds {tie.name!r}, whose file would be {base}{TIE_SUFFIX}: renamed by hand? "
        f"plnctl keeps using the slug {slug!r}",
        level="note",
    )


def _check_across(result: Checkup, ties: list[tuple[Path, str, Tie]]) -> None:
    """Two files claiming one tie: the same name, or copies of the same events."""
    from plnctl.names import name_key

    by_name: dict[str, Path] = {}
    by_event: dict[str, Path] = {}
    reported: set[tuple[Path, Path]] = set()
    for path, _, tie in ties:
        key = name_key(tie.name)
        first = by_name.setdefault(key, path)
        if first != path:
            reported.add((first, path))
            result.add(
                path,
                f"claims the same tie as {first.name} ({tie.name!r}); nothing was merged: "
                f"`plnctl merge {path.stem} {first.stem}` folds it in, or `plnctl rename "
                f"{path.stem} NAME` tells the two apart",
            )
        # `share` events carry one id into every tie they went to, on purpose.
        for event in tie.events:
            if event.kind == "share":
                continue
            other = by_event.setdefault(event.id, path)
            if other != path and (other, path) not in reported:
                reported.add((other, path))
                result.add(
                    path,
                    f"holds event {event.id!r} that {other.name} also holds: a copy of the "
                    f"same tie? nothing was merged: `plnctl merge {path.stem} {other.stem}` "
                    "folds it in",
                )


def _check_profile(result: Checkup, path: Path) -> None:
    from plnctl.profile import SCHEMA_VERSION, ProfileError, profile_from_dict
    from plnctl.store import check_schema

    raw = _read(result, path)
    loaded = None if raw is None else _load_toml(result, path, raw)
    if loaded is None:
        return
    data, text = loaded
    try:
        check_schema(path, data, SCHEMA_VERSION)
        profile_from_dict(data)
    except TieFileError as exc:
        result.add(path, exc.problem, line_of(text, ["schema_version"]))
    except ProfileError as exc:
        for loc, message in exc.problems:
            result.add(path, message, line_of(text, loc))
    _check_conflicts(result, path, data, text)


def _check_settings(result: Checkup, path: Path) -> None:
    from plnctl.settings import settings_from_dict

    raw = _read(result, path)
    loaded = None if raw is None else _load_toml(result, path, raw)
    if loaded is None:
        return
    data, text = loaded
    bad = False
    for key, value in data.items():
        try:
            settings_from_dict({key: value})
        except ValueError as exc:
            bad = True
            result.add(path, f"invalid setting: {exc}", line_of(text, [key]))
    if not bad:
        try:
            settings_from_dict(data)
        except ValueError as exc:
            result.add(path, f"invalid settings: {exc}")


def _check_shares(result: Checkup, path: Path) -> None:
    raw = _read(result, path)
    loaded = None if raw is None else _load_toml(result, path, raw)
    if loaded is None:
        return
    data, text = loaded
    _check_conflicts(result, path, data, text)
    shares = data.get("shares", [])
    if not is_share_log(shares):
        result.add(path, SHARE_LOG_SHAPE, line_of(text, ["shares"]))
        return
    seen: set[str] = set()
    for index, entry in enumerate(shares):
        where = line_of(text, ["shares", index])
        for problem in share_problems(entry):
            result.add(path, f"share {index + 1}: {problem}", where)
        share_id = entry.get("id")
        if isinstance(share_id, str) and share_id in seen:
            result.add(path, f"share {index + 1}: id {share_id!r} is used twice", where)
        if isinstance(share_id, str):
            seen.add(share_id)
