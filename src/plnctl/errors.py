"""PlnctlError and its kinds, each with the exit code a script can rely on."""

from __future__ import annotations

from pathlib import Path


class PlnctlError(Exception):
    """A user error: one line for stderr, and exit status 1."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownTieError(PlnctlError):
    """No tie matches the name the user gave."""


class AmbiguousTieError(PlnctlError):
    """A prefix matches more than one tie."""


class DuplicateTieError(PlnctlError):
    """A tie with that name or slug already exists."""


class InvalidValueError(PlnctlError):
    """A date, number, name or other value the user typed is not acceptable."""


class TieFileError(PlnctlError):
    """A file in the data directory cannot be read, parsed or validated."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class NewerSchemaError(TieFileError):
    """A file was written by a newer plnctl; it is refused, never rewritten."""


class ConflictCopyError(TieFileError):
    """A sync tool's conflict copy of a file; `plnctl doctor --fix` folds it into the file."""


class SyncError(PlnctlError):
    """Git is missing or refused, the remote cannot be reached, or a merge needs a person."""


class DataDirError(PlnctlError):
    """The data directory is missing, unwritable, full, or not a directory."""


class PartialWriteError(DataDirError):
    """Writing many ties stopped part-way: `written` of `total` are in place."""

    def __init__(self, message: str, written: int, total: int) -> None:
        super().__init__(message)
        self.written = written
        self.total = total


class LockTimeoutError(PlnctlError):
    """Another plnctl held the data directory's lock for too long."""


class ProblemsFoundError(PlnctlError):
    """`plnctl doctor` found something wrong in the data directory."""


class EditError(PlnctlError):
    """An edit could not be made or was not saved; the tie file is unchanged."""


class ConfirmationError(PlnctlError):
    """A destructive command was not confirmed."""
