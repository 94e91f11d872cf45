"""The data directory: paths, load, atomic save, delete, iterate and lock."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plnctl.errors import (
    ConflictCopyError,
    DataDirError,
    InvalidValueError,
    LockTimeoutError,
    NewerSchemaError,
    PartialWriteError,
    TieFileError,
    UnknownTieError,
)

if TYPE_CHECKING:
    from plnctl.model import Tie
    from plnctl.profile import Profile
    from plnctl.settings import Settings

ENV_VAR = "PLNCTL_DATA_DIR"
TIE_SUFFIX = ".toml"
LOCK_FILE = ".lock"
SHARES_FILE = "_shares.toml"
PROFILE_FILE = "_profile.toml"
TEMP_SUFFIX = ".tmp"
NESTED_TOO_DEEPLY = "values nested too deeply to read (arrays or tables inside one another)"
LOCK_TIMEOUT_SECONDS = 30.0


def resolve_data_dir(option: str | Path | None) -> Path:
    """--data-dir, else $PLNCTL_DATA_DIR, else the platform's user data directory."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("plnctl", appauthor=False))


def atomic_write(
    path: Path, data: bytes | Iterable[bytes], dir_fd: int | None = None, *, mode: int | None = None
) -> None:
    """Replace `path` with `data`, or its pieces: the old content or the new, never half.

    The new file is readable by its owner only, unless `mode` says otherwise. With
    `dir_fd`, `path` is a name in that open directory, which nothing can swap for
    another while the file is written.
    """
    fd, tmp = _temp_file(path, dir_fd)
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)
            for piece in (data,) if isinstance(data, bytes) else data:
                view = memoryview(piece)
                while view:
                    view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if dir_fd is None:
            os.replace(tmp, path)
        else:
            os.replace(tmp, path, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    if dir_fd is None:
        _fsync_dir(path.parent)
    else:
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)


def _temp_file(path: Path, dir_fd: int | None) -> tuple[int, str]:
    """A new private temporary file next to `path`: `.<name>.<random>.tmp`."""
    if dir_fd is None:
        import tempfile

        return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    import secrets

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        name = f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        with contextlib.suppress(FileExistsError):
            return os.open(name, flags, 0o600, dir_fd=dir_fd), name


def _stage(path: Path, data: bytes, *, sync: bool) -> Path:
    """`data` in a temporary file beside `path`, to be renamed over it."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _unlink_all(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def make_private_dir(path: Path) -> None:
    """Create `path` and any missing parents, each readable by its owner only
    (`Path.mkdir(parents=True)` gives parents the umask's mode, 0777 under umask 000)."""
    missing = []
    while not os.path.lexists(path) and path.parent != path:
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):
            directory.mkdir(mode=0o700)


def _rewrite(fd: int, content: bytes) -> None:
    """Replace the content of an open file, best effort (the lock file's mark)."""
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        if content:
            os.pwrite(fd, content, 0)


def describe_os_error(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"no space left on the device holding {path}; nothing was changed"
    if isinstance(exc, PermissionError):
        return f"permission denied: {path}"
    return f"{path}: {exc.strerror or exc}"


def format_validation_error(exc: Any, text: str) -> str:
    """One line naming each bad field (and its line in the file when it can be found)."""
    from plnctl.tomlpos import field_path, line_of

    parts = []
    for err in exc.errors():
        loc = list(err["loc"])
        field = field_path(loc)
        line = line_of(text, loc)
        where = f"line {line}: " if line else ""
        parts.append(f"{where}field '{field or '(file)'}': {err['msg']}")
    return "; ".join(parts)


def misnamed_problem(path: Path) -> str:
    from plnctl.names import slugify

    suggestion = slugify(path.name[: -len(TIE_SUFFIX)])
    return (
        "the file name is not a tie slug (lowercase letters, digits and hyphens), so plnctl "
        f"does not read it; rename it (for instance to {suggestion}{TIE_SUFFIX}, if no "
        "file has that name yet)"
    )


CONFLICT_MARKERS = (
    "a merge left conflict markers in it (at line {line}, column 1): keep the lines you "
    "want, delete the lines <<<<<<<, ======= and >>>>>>>, then run `plnctl doctor`"
)


def conflict_marker_line(text: str) -> int | None:
    """The line of the first `<<<<<<<` of a conflict a merge wrote into the text, if any.

    Inside a multi-line string the markers could still be valid TOML: such a
    file is refused all the same, never read as if nothing had happened.
    """
    import re

    if "<<<<<<<" not in text:
        return None
    start = re.search(r"^<{7}(?:[ \t].*)?\r?$", text, re.MULTILINE)
    end = r"^>{7}(?:[ \t].*)?\r?$"
    if start is None or not re.search(end, text[start.end() :], re.MULTILINE):
        return None
    return text.count("\n", 0, start.start()) + 1


def read_regular(path: Path) -> tuple[bytes, os.stat_result]:
    """A data file's bytes and its stat, taken before reading.

    Only a regular file is read, and never waited on: a FIFO or a device put in
    its place is refused, as is a file past the size limit (see `tomlguard`).
    OSErrors (a missing file, permission denied) are the caller's to describe.
    """
    from plnctl.tomlguard import MAX_FILE_BYTES, TOO_LARGE

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb") as handle:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise TieFileError(path, "is a directory, not a tie file")
        if not stat.S_ISREG(st.st_mode):
            raise TieFileError(path, "not a regular file (a pipe or a device?); plnctl reads none")
        raw = b"" if st.st_size > MAX_FILE_BYTES else handle.read(MAX_FILE_BYTES + 1)
    if st.st_size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
        raise TieFileError(path, f"not read: {TOO_LARGE}; {LIMITS_DOC}")
    return raw, st


LIMITS_DOC = "plnctl's limits for a file are in docs/data-safety.md"


def load_toml(path: Path, raw: bytes) -> tuple[dict[str, Any], str]:
    """A TOML file's table and text; any failure is one TieFileError naming the file.

    The text is first checked against plnctl's limits (`tomlguard`), so that no file
    makes tomllib take gigabytes, the stack, or a number TOML cannot write back.
    """
    import tomllib

    from plnctl.tomlguard import MAX_FILE_BYTES, TOO_LARGE, LimitError, check, position

    if len(raw) > MAX_FILE_BYTES:
        raise TieFileError(path, f"not read: {TOO_LARGE}; {LIMITS_DOC}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TieFileError(path, f"not UTF-8 text (byte {exc.start})") from None
    marker = conflict_marker_line(text)
    if marker is not None:
        raise TieFileError(path, CONFLICT_MARKERS.format(line=marker))
    # A byte-order mark is not TOML, but some editors on Windows add one.
    body = text.removeprefix("\ufeff")
    try:
        stop = check(body)
        if stop is None:
            return tomllib.loads(body), text
        # The check could not follow the text from `stop` on: tomllib reads only as far
        # as it was checked, and says what is wrong there.
        tomllib.loads(body[: _line_end(body, stop)])
        line, column = position(body, stop)
        raise TieFileError(
            path, f"not read: plnctl cannot check this TOML (at line {line}, column {column})"
        )
    except LimitError as exc:
        line, column = position(body, exc.offset)
        raise TieFileError(
            path, f"not read: {exc.problem} (at line {line}, column {column}); {LIMITS_DOC}"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise TieFileError(path, f"not valid TOML: {exc}") from None
    except RecursionError:
        raise TieFileError(path, NESTED_TOO_DEEPLY) from None
    except (ValueError, MemoryError) as exc:
        raise TieFileError(path, f"not read: {type(exc).__name__}: {exc}") from None


def _line_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end + 1


def check_writable(path: Path, data: bytes) -> None:
    """Refuse to write what plnctl would refuse to read back."""
    from plnctl.tomlguard import MAX_FILE_BYTES, TOO_LARGE, LimitError, check

    problem = None
    if len(data) > MAX_FILE_BYTES:
        problem = TOO_LARGE
    else:
        try:
            check(data.decode("utf-8"))
        except LimitError as exc:
            problem = exc.problem
    if problem:
        raise InvalidValueError(
            f"cannot write {path}: it would be past plnctl's limits for a file ({problem}); "
            f"nothing was changed ({LIMITS_DOC})"
        )


def check_schema(path: Path, data: dict[str, Any], current: int) -> None:
    """Refuse a file from a newer plnctl (never rewriting it); mark older ones current."""
    version = data.get("schema_version", current)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TieFileError(path, "field 'schema_version' must be a whole number >= 1")
    if version > current:
        raise NewerSchemaError(
            path,
            f"written by a newer plnctl (schema_version {version}, this one reads up to "
            f"{current}); upgrade plnctl to use it. The file was not changed",
        )
    data["schema_version"] = current


def parse_tie(path: Path, raw: bytes) -> Tie:
    """Parse and validate one tie file, upgrading older schema versions."""
    from pydantic import ValidationError

    from plnctl.model import SCHEMA_VERSION, Tie

    data, text = load_toml(path, raw)
    check_schema(path, data, SCHEMA_VERSION)
    _give_ids(path, data)
    try:
        return Tie.model_validate(data)
    except ValidationError as exc:
        raise TieFileError(path, format_validation_error(exc, text)) from None
    except RecursionError:
        raise TieFileError(path, NESTED_TOO_DEEPLY) from None


def _give_ids(path: Path, data: dict[str, Any]) -> None:
    """An event typed in by hand without an id gets one derived from the file,
    its place and its content: the same on every read, so it stays mergeable."""
    import hashlib

    events = data.get("events")
    if not isinstance(events, list):
        return
    for index, event in enumerate(events):
        if isinstance(event, dict) and "id" not in event:
            seed = f"{path.name}|{index}|{sorted(event.items(), key=lambda kv: kv[0])!r}"
            event["id"] = "h" + hashlib.blake2b(seed.encode(), digest_size=8).hexdigest()[:15]


def dump_tie(tie: Tie) -> bytes:
    """TOML text for a tie: its fields on top, then one `[[events]]` table per event."""
    from plnctl.model import to_toml_dict

    return dump_with_tables(to_toml_dict(tie), ("conflicts", "events")).encode("utf-8")


def dump_with_tables(data: Mapping[str, Any], arrays: Sequence[str]) -> str:
    """TOML text: plain fields on top, then one `[[name]]` table per entry of each array.

    tomli-w would write short entries as inline tables; a table per entry is
    easier to read, edit by hand and merge. A table inside an entry (a conflict
    record's `theirs` event) becomes `[name.key]`; an entry holding anything
    deeper leaves the whole layout to tomli-w. An empty array is left out.
    """
    import tomli_w

    tables = {k: data[k] for k in arrays if _is_tables(data.get(k))}
    fields = {k: v for k, v in data.items() if k not in tables and not (k in arrays and v == [])}
    parts = [tomli_w.dumps(fields)]
    for name, entries in tables.items():
        for entry in entries:
            block = _table_block(name, entry)
            if block is None:
                # A hand-added table inside a table: let tomli-w lay the file out.
                return tomli_w.dumps({**fields, **tables})
            parts.append(block)
    return "".join(parts).lstrip("\n")


def _is_tables(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _nested(value: object) -> bool:
    return isinstance(value, Mapping) or (
        isinstance(value, list) and any(_nested(v) for v in value)
    )


def _table_block(name: str, entry: Mapping[str, Any]) -> str | None:
    """`[[name]]` and the entry's fields, each table in it as `[name.key]`; None
    when it holds anything deeper than that."""
    import tomli_w

    literals = {k: v for k, v in entry.items() if not isinstance(v, Mapping)}
    inner = {k: v for k, v in entry.items() if isinstance(v, Mapping)}
    if any(_nested(v) for v in literals.values()) or any(
        _nested(v) for table in inner.values() for v in table.values()
    ):
        return None
    block = f"\n[[{name}]]\n" + tomli_w.dumps(literals)
    for key, table in inner.items():
        header = tomli_w.dumps({key: 0}).rsplit(" = ", 1)[0]  # quoted when not a bare key
        block += f"\n[{name}.{header}]\n" + tomli_w.dumps(table)
    return block


SHARE_LOG_SHAPE = "field 'shares' must be an array of tables"


def is_share_log(shares: object) -> bool:
    return isinstance(shares, list) and all(isinstance(s, dict) for s in shares)


def share_day(entry: dict[str, Any]) -> dt.date | None:
    """The date of a share log entry (a hand-typed time of day is dropped)."""
    day = entry.get("date")
    if isinstance(day, dt.datetime):
        return day.date()
    return day if isinstance(day, dt.date) else None


def share_problems(entry: dict[str, Any]) -> list[str]:
    """What makes one share log entry unusable: it needs a date and says what was shared."""
    problems = []
    if not isinstance(entry.get("date"), dt.date):
        problems.append("'date' must be a date (YYYY-MM-DD)")
    what = entry.get("what")
    if not isinstance(what, str) or not what.strip():
        problems.append("'what' must say what was shared")
    return problems


class Store:
    """One data directory of tie files, each named `<slug>.toml`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._written: list[Path] | None = None
        self._written_set: set[Path] = set()

    # -- paths -------------------------------------------------------------

    def path_for(self, slug: str) -> Path:
        """The file of a slug; a slug can never name anything outside the directory."""
        from plnctl.slug import is_slug

        if not is_slug(slug):
            raise InvalidValueError(
                f"{slug!r} is not a valid tie slug (lowercase letters, digits and hyphens)"
            )
        return self.root / f"{slug}{TIE_SUFFIX}"

    def check_dir(self) -> None:
        """Fail clearly when the data directory exists but is not a directory."""
        if self.root.exists() and not self.root.is_dir():
            raise DataDirError(f"data directory {self.root} is not a directory")

    def ensure_dir(self) -> None:
        """Create the data directory, readable by its owner only."""
        self.check_dir()
        try:
            make_private_dir(self.root)
        except OSError as exc:
            raise DataDirError(
                f"cannot create data directory: {describe_os_error(exc, self.root)}"
            ) from None

    # -- reading -----------------------------------------------------------

    def slugs(self) -> list[str]:
        """Slugs of every tie file, sorted; other files are ignored."""
        return self.listing()[0]

    def listing(self) -> tuple[list[str], list[TieFileError]]:
        """One look at the directory: the tie slugs, sorted, and a problem for each
        `.toml` file plnctl cannot use because its name is not a slug.

        A tie renamed by hand (`Ann Lee.toml`) or a sync tool's conflict copy
        (`ann (conflicted copy).toml`, a ConflictCopyError) is reported this way,
        never ignored silently.
        """
        from plnctl.slug import is_slug

        self.check_dir()
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return [], []
        except OSError as exc:
            raise DataDirError(describe_os_error(exc, self.root)) from None
        from plnctl.copies import conflict_copy, copy_problem

        slugs: list[str] = []
        misnamed: list[TieFileError] = []
        for entry in entries:
            name = entry.name
            if not name.endswith(TIE_SUFFIX):
                continue
            if is_slug(name[: -len(TIE_SUFFIX)]):
                slugs.append(name[: -len(TIE_SUFFIX)])
            elif name.startswith(".") or not entry.is_file():
                continue
            elif copy := conflict_copy(name):
                misnamed.append(ConflictCopyError(self.root / name, copy_problem(copy)))
            elif not name.startswith("_"):
                misnamed.append(TieFileError(self.root / name, misnamed_problem(self.root / name)))
        return sorted(slugs), sorted(misnamed, key=lambda p: p.path)

    def free_slug(self, base: str) -> str:
        """`base`, or `base-2`, `base-3`, ...: the first no file has, asked of each name
        rather than of a listing of the whole directory."""
        from plnctl.names import numbered_slug

        slug, number = base, 2
        while self.exists(slug):
            slug = numbered_slug(base, number)
            number += 1
        return slug

    def numbered(self, slug: str) -> bool:
        """Whether a tie file `slug-N.toml` exists (a tie named like `slug` would have it):
        one look at the names alone, no more (a check-in by slug asks it, and a directory
        may hold 10,000 files)."""
        prefix, end = f"{slug}-", len(TIE_SUFFIX)
        try:
            names = os.listdir(self.root)
        except OSError:
            return False
        for name in names:
            if name.startswith(prefix) and name.endswith(TIE_SUFFIX):
                number = name[len(prefix) : -end]
                if number.isascii() and number.isdigit():
                    return True
        return False

    def exists(self, slug: str) -> bool:
        """Whether anything has the slug's file name: a FIFO or a directory there is
        refused when read, and never written over."""
        return os.path.lexists(self.path_for(slug))

    def read_bytes(self, slug: str) -> bytes:
        return self.read_tie_file(slug)[0]

    def read_tie_file(self, slug: str) -> tuple[bytes, os.stat_result]:
        """A tie file's bytes, and its stat taken before reading them."""
        path = self.path_for(slug)
        try:
            return read_regular(path)
        except FileNotFoundError:
            raise UnknownTieError(f"no tie {slug!r} in {self.root}") from None
        except OSError as exc:
            raise TieFileError(path, exc.strerror or str(exc)) from None

    def load(self, slug: str) -> Tie:
        return parse_tie(self.path_for(slug), self.read_bytes(slug))

    def name_in(self, slug: str) -> object:
        """The `name` a tie's file holds, read without parsing its events: top-level
        keys come before the first table, so the lines above it are enough (unless a
        line starting with `[` is inside a string; then the whole file is read)."""
        path = self.path_for(slug)
        raw = self.read_bytes(slug)
        try:
            data, _ = load_toml(path, raw.split(b"\n[", 1)[0])
        except TieFileError:
            data, _ = load_toml(path, raw)
        return data.get("name")

    def load_all(self) -> tuple[list[tuple[str, Tie]], list[TieFileError]]:
        """Every readable tie, and one error for each file that could not be read."""
        ties: list[tuple[str, Tie]] = []
        slugs, problems = self.listing()
        for slug in slugs:
            try:
                ties.append((slug, self.load(slug)))
            except UnknownTieError:
                continue  # removed while we listed
            except TieFileError as exc:
                problems.append(exc)
        return ties, problems

    # -- writing -----------------------------------------------------------

    def save(self, slug: str, tie: Tie) -> None:
        """Write a tie atomically; on any failure the old file is untouched."""
        path = self.path_for(slug)
        self.write_file(path, dump_tie(tie))

    def write_file(self, path: Path, data: bytes) -> None:
        check_writable(path, data)
        self.ensure_dir()
        try:
            atomic_write(path, data)
        except OSError as exc:
            raise DataDirError(describe_os_error(exc, path)) from None
        self._wrote(path)

    @contextlib.contextmanager
    def recording(self) -> Iterator[list[Path]]:
        """The files written or deleted while it lasts, each once, in order: what a
        change's commit holds, so no command has to list them itself."""
        outer = self._written, self._written_set
        self._written, self._written_set = [], set()
        try:
            yield self._written
        finally:
            self._written, self._written_set = outer

    def _wrote(self, path: Path) -> None:
        # A set beside the list: an import records 20,000 files, each looked up once.
        if self._written is not None and path not in self._written_set:
            self._written_set.add(path)
            self._written.append(path)

    def write_many(self, writes: Sequence[tuple[str, Tie, bool]]) -> None:
        """Write many ties, (slug, tie, is_new) each; every file is old or new, never half.

        Each tie goes to a temporary file first; on Linux one sync then puts them
        all on the disk (one fsync per file made an import of 20,000 ties take
        minutes), and only then are they renamed into place and the directory
        synced once. A failure while writing changes nothing; one while renaming
        raises PartialWriteError saying how many are in place.
        """
        import sys

        self.ensure_dir()
        bulk = sys.platform.startswith("linux")
        staged: list[tuple[str, Path]] = []
        try:
            for slug, tie, is_new in writes:
                path = self.path_for(slug)
                if is_new and self.exists(slug):
                    from plnctl.errors import DuplicateTieError

                    raise DuplicateTieError(f"a tie with slug {slug!r} already exists")
                data = dump_tie(tie)
                check_writable(path, data)
                staged.append((slug, _stage(path, data, sync=not bulk)))
            if bulk:
                os.sync()
        except OSError as exc:
            _unlink_all(tmp for _, tmp in staged)
            raise DataDirError(describe_os_error(exc, self.root)) from None
        except BaseException:
            _unlink_all(tmp for _, tmp in staged)
            raise
        for done, (slug, tmp) in enumerate(staged):
            try:
                os.replace(tmp, self.path_for(slug))
                self._wrote(self.path_for(slug))
            except OSError as exc:
                _unlink_all(t for _, t in staged[done:])
                raise PartialWriteError(
                    describe_os_error(exc, self.path_for(slug)), done, len(staged)
                ) from None
        _fsync_dir(self.root)

    def create(self, slug: str, tie: Tie | dict[str, Any]) -> None:
        """Write a new tie; call under `lock()` after checking it does not exist.

        A dict is a new tie's fields as `add` checks them, written without the model
        (see `tiefile.new_tie`)."""
        if self.exists(slug):
            from plnctl.errors import DuplicateTieError

            raise DuplicateTieError(f"a tie with slug {slug!r} already exists")
        if isinstance(tie, dict):
            from plnctl.tiefile import new_tie

            self.write_file(self.path_for(slug), new_tie(tie))
        else:
            self.save(slug, tie)

    def delete(self, slug: str) -> None:
        try:
            self.remove_file(self.path_for(slug))
        except FileNotFoundError:
            raise UnknownTieError(f"no tie {slug!r} in {self.root}") from None

    def remove_file(self, path: Path) -> None:
        """Delete a file of the data directory (FileNotFoundError when it is not there)."""
        path.unlink()
        self._wrote(path)
        _fsync_dir(self.root)

    # -- settings and the share log ---------------------------------------

    def settings_path(self) -> Path:
        from plnctl.settings import SETTINGS_FILE

        return self.root / SETTINGS_FILE

    def _read_doc(self, path: Path) -> tuple[dict[str, Any], str] | None:
        """A TOML file of the data directory and its text, or None when there is none."""
        self.check_dir()
        try:
            raw = read_regular(path)[0]
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise TieFileError(path, exc.strerror or str(exc)) from None
        return load_toml(path, raw)

    def settings_doc(self) -> tuple[dict[str, Any], str] | None:
        """`_settings.toml` as written and its text, or None when there is none."""
        path = self.settings_path()
        try:
            return self._read_doc(path)
        except TieFileError as exc:
            raise TieFileError(path, f"invalid settings: {exc.problem}") from None

    def settings(self) -> Settings:
        """The tie model's numbers: the defaults, changed by `_settings.toml`."""
        from plnctl.settings import Settings, settings_from_dict

        doc = self.settings_doc()
        if doc is None:
            return Settings()
        try:
            return settings_from_dict(doc[0])
        except ValueError as exc:
            raise TieFileError(self.settings_path(), f"invalid settings: {exc}") from None

    def save_settings(self, doc: dict[str, Any]) -> None:
        import tomli_w

        self.write_file(self.settings_path(), tomli_w.dumps(doc).encode("utf-8"))

    def shares_path(self) -> Path:
        return self.root / SHARES_FILE

    def shares_doc(self) -> tuple[dict[str, Any], str] | None:
        """`_shares.toml` as written and its text, or None when there is none."""
        return self._read_doc(self.shares_path())

    def load_shares(self) -> list[dict[str, Any]]:
        """The public share log: shares passed along with no tie named."""
        doc = self.shares_doc()
        if doc is None:
            return []
        shares = doc[0].get("shares", [])
        if not is_share_log(shares):
            raise TieFileError(self.shares_path(), SHARE_LOG_SHAPE)
        return list(shares)

    def save_shares(self, shares: list[dict[str, Any]], *, clear_conflicts: bool = False) -> None:
        """Write the share log; the rest of the file (conflict records, unless cleared,
        keys added by hand) is kept as it is."""
        from plnctl.model import SCHEMA_VERSION

        current = self.shares_doc()
        doc = {**(current[0] if current else {}), "schema_version": SCHEMA_VERSION}
        doc["shares"] = shares
        if clear_conflicts:
            doc.pop("conflicts", None)
        text = dump_with_tables(doc, ("conflicts", "shares"))
        self.write_file(self.shares_path(), text.encode("utf-8"))

    # -- your profile ----------------------------------------------------

    def profile_path(self) -> Path:
        return self.root / PROFILE_FILE

    def profile_doc(self) -> tuple[dict[str, Any], str] | None:
        """`_profile.toml` as written and its text, or None when there is none."""
        return self._read_doc(self.profile_path())

    def load_profile(self) -> Profile:
        """`_profile.toml`, checked; an empty profile when there is none yet."""
        from plnctl.profile import SCHEMA_VERSION, Profile, ProfileError, profile_from_dict
        from plnctl.tomlpos import line_of

        path = self.profile_path()
        doc = self.profile_doc()
        if doc is None:
            return Profile()
        data, text = doc
        check_schema(path, data, SCHEMA_VERSION)
        try:
            return profile_from_dict(data)
        except ProfileError as exc:
            parts = []
            for loc, message in exc.problems:
                line = line_of(text, loc)
                parts.append(f"line {line}: {message}" if line else message)
            raise TieFileError(path, "; ".join(parts)) from None

    def save_profile(self, profile: Profile) -> None:
        from plnctl.profile import profile_to_dict

        arrays = ("conflicts", "learn", "teach", "projects")
        text = dump_with_tables(profile_to_dict(profile), arrays)
        self.write_file(self.profile_path(), text.encode("utf-8"))

    # -- locking -----------------------------------------------------------

    @contextlib.contextmanager
    def lock(
        self,
        on_wait: Callable[[str], None] | None = None,
        timeout: float = LOCK_TIMEOUT_SECONDS,
    ) -> Iterator[None]:
        """Hold the data directory's write lock.

        The lock is an OS advisory lock on `.lock`: the kernel releases it
        when its holder dies, so a killed plnctl never blocks the next one.
        """
        import fcntl

        self.ensure_dir()
        path = self.root / LOCK_FILE
        try:
            # Never through a link: a `.lock` linked elsewhere would create a file there.
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o600)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise DataDirError(
                    f"{path} is a symbolic link; plnctl does not lock through one: remove it"
                ) from None
            raise DataDirError(describe_os_error(exc, path)) from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise DataDirError(f"{path} is not a regular file; remove it")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait(f"waiting for another plnctl to finish with {self.root} ...")
                deadline = time.monotonic() + timeout
                while True:
                    time.sleep(0.01)
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise LockTimeoutError(
                                f"another plnctl has held the lock on {self.root} for "
                                f"{timeout:.0f}s; try again when it has finished"
                            ) from None
            except OSError as exc:
                # Some network file systems cannot lock at all.
                raise DataDirError(f"cannot lock {path}: {exc.strerror or exc}") from None
            recorded = self._sweep_if_changed(fd)
            try:
                yield
            except BaseException:
                # Nothing is left half-written (atomic_write cleans up after
                # itself), so the claim the lock file made still holds.
                _rewrite(fd, recorded)
                raise
            _rewrite(fd, self._clean_mark())
        finally:
            os.close(fd)

    def _clean_mark(self) -> bytes:
        """What a clean release writes into the lock file: the directory's mtime."""
        try:
            return b"%d\n" % os.stat(self.root).st_mtime_ns
        except OSError:
            return b""

    def _sweep_if_changed(self, fd: int) -> bytes:
        """Sweep the directory for stale temporary files, unless it provably has none;
        return what the lock file held.

        A holder that releases the lock normally writes the directory's mtime
        into the lock file; while held, the file is empty. The same mtime at
        the next lock means no entry was added since a clean release, so no
        file needs sweeping and the directory is not listed (thousands of ties
        cost milliseconds to list). A writer killed while holding the lock
        leaves the file empty: the next holder sweeps. (Where timestamps are
        coarse, a file added by hand within the same tick as a clean release
        waits for the next change of the directory; doctor notes it meanwhile.)
        """
        try:
            recorded = os.pread(fd, 32, 0)
            os.ftruncate(fd, 0)
        except OSError:
            recorded = b""
        if not recorded or recorded != self._clean_mark():
            self._sweep_temp_files()
        return recorded

    def _sweep_temp_files(self) -> None:
        """Remove what a killed writer left: tie files are only written under the lock,
        so while we hold it any temporary file of a tie or the share log is stale."""
        from plnctl.slug import is_slug

        with contextlib.suppress(OSError):
            for entry in os.scandir(self.root):
                name = entry.name
                if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)):
                    continue
                target = name[1:].split(TIE_SUFFIX + ".", 1)[0]
                if target == SHARES_FILE[: -len(TIE_SUFFIX)] or is_slug(target):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
