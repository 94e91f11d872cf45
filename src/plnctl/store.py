"""The data directory: paths, load, atomic save, delete, iterate and lock."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plnctl.errors import (
    DataDirError,
    InvalidValueError,
    LockTimeoutError,
    NewerSchemaError,
    TieFileError,
    UnknownTieError,
)

if TYPE_CHECKING:
    from plnctl.model import Tie
    from plnctl.settings import Settings

ENV_VAR = "PLNCTL_DATA_DIR"
TIE_SUFFIX = ".toml"
LOCK_FILE = ".lock"
SHARES_FILE = "_shares.toml"
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


def atomic_write(path: Path, data: bytes | Iterable[bytes], dir_fd: int | None = None) -> None:
    """Replace `path` with `data`, or its pieces: the old content or the new, never half.

    With `dir_fd`, `path` is a name in that open directory, which nothing can swap
    for another while the file is written.
    """
    fd, tmp = _temp_file(path, dir_fd)
    try:
        try:
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
        return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    import secrets

    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        name = f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        with contextlib.suppress(FileExistsError):
            return os.open(name, flags, 0o600, dir_fd=dir_fd), name


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
    from plnctl.model import slugify

    suggestion = slugify(path.name[: -len(TIE_SUFFIX)])
    return (
        "the file name is not a tie slug (lowercase letters, digits and hyphens), so plnctl "
        f"does not read it; rename it (for instance to {suggestion}{TIE_SUFFIX}, if no "
        "file has that name yet)"
    )


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


def parse_tie(path: Path, raw: bytes) -> Tie:
    """Parse and validate one tie file, upgrading older schema versions."""
    from pydantic import ValidationError

    from plnctl.model import SCHEMA_VERSION, Tie

    data, text = load_toml(path, raw)
    version = data.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise TieFileError(path, "field 'schema_version' must be a whole number >= 1")
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            path,
            f"written by a newer plnctl (schema_version {version}, this one reads up to "
            f"{SCHEMA_VERSION}); upgrade plnctl to use it. The file was not changed",
        )
    data["schema_version"] = SCHEMA_VERSION
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
    from collections.abc import Mapping

    import tomli_w

    from plnctl.model import to_toml_dict

    data = to_toml_dict(tie)
    events = data.pop("events")

    def nested(value: object) -> bool:
        return isinstance(value, Mapping) or (
            isinstance(value, list) and any(isinstance(v, Mapping) for v in value)
        )

    # tomli-w would write short events as inline tables; a table per event
    # is easier to read, edit by hand and merge.
    parts = [tomli_w.dumps(data)]
    for event in events:
        if any(nested(v) for v in event.values()):
            parts.append("\n" + _nested_event(event))
        else:
            parts.append("\n[[events]]\n" + tomli_w.dumps(event))
    return "".join(parts).encode("utf-8")


# An array element tomli-w cannot write inline, so that it writes the whole array
# as `[[events]]` tables; it is cut off again.
_FILLER = {"_": "x" * 128}


def _nested_event(event: dict[str, Any]) -> str:
    """One `[[events]]` table holding a hand-added table (as `[events.<key>]`)."""
    import tomli_w

    text = tomli_w.dumps({"events": [event, _FILLER]})
    return text[: text.rindex("[[events]]\n_ = ")].rstrip("\n") + "\n"


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
        (`ann (conflicted copy).toml`) is reported this way, never ignored silently.
        """
        from plnctl.slug import is_slug

        self.check_dir()
        try:
            entries = list(os.scandir(self.root))
        except FileNotFoundError:
            return [], []
        except OSError as exc:
            raise DataDirError(describe_os_error(exc, self.root)) from None
        slugs: list[str] = []
        misnamed: list[Path] = []
        for entry in entries:
            name = entry.name
            if not name.endswith(TIE_SUFFIX):
                continue
            if is_slug(name[: -len(TIE_SUFFIX)]):
                slugs.append(name[: -len(TIE_SUFFIX)])
            elif not name.startswith(("_", ".")) and entry.is_file():
                misnamed.append(self.root / name)
        problems = [TieFileError(path, misnamed_problem(path)) for path in sorted(misnamed)]
        return sorted(slugs), problems

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

    def create(self, slug: str, tie: Tie) -> None:
        """Write a new tie; call under `lock()` after checking it does not exist."""
        if self.exists(slug):
            from plnctl.errors import DuplicateTieError

            raise DuplicateTieError(f"a tie with slug {slug!r} already exists")
        self.save(slug, tie)

    def delete(self, slug: str) -> None:
        path = self.path_for(slug)
        try:
            path.unlink()
        except FileNotFoundError:
            raise UnknownTieError(f"no tie {slug!r} in {self.root}") from None
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

    def save_shares(self, shares: list[dict[str, Any]]) -> None:
        import tomli_w

        from plnctl.model import SCHEMA_VERSION

        doc = {"schema_version": SCHEMA_VERSION, "shares": shares}
        self.write_file(self.shares_path(), tomli_w.dumps(doc).encode("utf-8"))

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
            self._sweep_temp_files()
            yield
        finally:
            os.close(fd)

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
