"""The data directory missing, a file, unwritable or full; and the lock between commands."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Cli
from helpers import notes_of, plnctl_env, snapshot
from plnctl.errors import LockTimeoutError
from plnctl.store import Store


def test_a_missing_data_dir_is_created_private(cli: Cli, data_dir: Path) -> None:
    nested = data_dir / "deeper" / "still"
    cli.ok("list")
    assert not data_dir.exists()  # reading creates nothing
    assert cli.ok("--data-dir", str(nested), "add", "Ann").out == "ann\n"
    assert nested.stat().st_mode & 0o777 == 0o700
    assert (nested / "ann.toml").stat().st_mode & 0o777 == 0o600
    assert (nested / ".lock").stat().st_mode & 0o777 == 0o600


def test_a_data_dir_that_is_a_file(cli: Cli, data_dir: Path) -> None:
    data_dir.write_text("not a directory", encoding="utf-8")
    for args in (["add", "Ann"], ["list"], ["review"], ["checkin", "ann"], ["shares"]):
        result = cli.fails(*args)
        assert result.err == f"plnctl: error: data directory {data_dir} is not a directory\n"
    assert data_dir.read_text(encoding="utf-8") == "not a directory"


def test_a_data_dir_below_a_file(cli: Cli, data_dir: Path) -> None:
    data_dir.write_text("a file", encoding="utf-8")
    below = data_dir / "plnctl"
    result = cli.fails("--data-dir", str(below), "add", "Ann")
    assert result.err.startswith(f"plnctl: error: cannot create data directory: {below}: ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only directories")
def test_an_unwritable_data_dir(cli: Cli, data_dir: Path) -> None:
    cli.ok("add", "Ann")
    before = snapshot(data_dir)
    data_dir.chmod(0o500)
    try:
        result = cli.fails("checkin", "ann")
    finally:
        data_dir.chmod(0o700)
    assert "permission denied" in result.err
    assert snapshot(data_dir) == before


def test_permission_denied_while_writing(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs as any user, root included: the refusal comes from the temporary file.
    cli.ok("add", "Ann")
    before = snapshot(data_dir)

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    result = cli.fails("checkin", "ann")
    assert result.err == f"plnctl: error: permission denied: {data_dir / 'ann.toml'}\n"
    assert snapshot(data_dir) == before


@pytest.mark.parametrize("failing", ["write", "fsync", "replace", "half-write"])
def test_a_full_disk_leaves_the_old_file_and_no_temp_file(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    cli.ok("add", "Ann")
    cli.ok("checkin", "ann", "--note", "first")
    before = snapshot(data_dir)
    real_write = os.write
    calls = []

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def half_then_full(fd: int, data: bytes) -> int:
        calls.append(fd)
        if len(calls) == 1:
            return real_write(fd, bytes(data)[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    replacement = {
        "write": ("os.write", no_space),
        "fsync": ("os.fsync", no_space),
        "replace": ("os.replace", no_space),
        "half-write": ("os.write", half_then_full),
    }[failing]
    with monkeypatch.context() as patched:
        patched.setattr(*replacement)
        result = cli.fails("checkin", "ann", "--note", "second")
    assert result.err == (
        f"plnctl: error: no space left on the device holding {data_dir / 'ann.toml'}; "
        "nothing was changed\n"
    )
    assert result.out == ""
    assert snapshot(data_dir) == before
    assert sorted(p.name for p in data_dir.iterdir()) == [".lock", "ann.toml"]
    # Once there is room again, the write goes through.
    cli.ok("checkin", "ann", "--note", "second")
    assert notes_of(cli.data_dir, "ann") == ["first", "second"]


def test_a_full_disk_while_adding_leaves_nothing_behind(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("add", "Ann")

    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("os.fsync", no_space)
        cli.fails("add", "Ben")
    assert sorted(p.name for p in data_dir.iterdir()) == [".lock", "ann.toml"]


def hold_lock(root: Path) -> int:
    root.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_waiting_command_says_so_and_then_finishes(cli: Cli, data_dir: Path) -> None:
    cli.ok("add", "Ann")
    fd = hold_lock(data_dir)
    proc = subprocess.Popen(
        [sys.executable, "-m", "plnctl", "checkin", "ann", "--note", "waited"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=plnctl_env(),
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()  # blocks until plnctl reports that it waits
        assert first == f"plnctl: waiting for another plnctl to finish with {data_dir} ...\n"
    finally:
        os.close(fd)  # releases the lock
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.startswith("logged read with Ann (ann)"), out
    assert notes_of(cli.data_dir, "ann") == ["waited"]


def test_a_lock_held_too_long_gives_up_with_a_message(data_dir: Path) -> None:
    fd = hold_lock(data_dir)
    messages: list[str] = []
    try:
        with (
            pytest.raises(LockTimeoutError) as raised,
            Store(data_dir).lock(on_wait=messages.append, timeout=0.05),
        ):
            pass
    finally:
        os.close(fd)
    assert messages == [f"waiting for another plnctl to finish with {data_dir} ..."]
    assert raised.value.message == (
        f"another plnctl has held the lock on {data_dir} for 0s; try again when it has finished"
    )


def test_a_killed_lock_holder_never_blocks_the_next_command(cli: Cli, data_dir: Path) -> None:
    cli.ok("add", "Ann")
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from plnctl.store import Store\n"
        "with Store(Path(sys.argv[1])).lock():\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(120)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        env=plnctl_env(),
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "locked\n"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    holder.stdout.close()
    result = cli.ok("checkin", "ann")
    assert "waiting" not in result.err


def test_a_share_that_fails_half_way_is_undone(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("add", "Ann")
    cli.ok("add", "Ben")
    before = snapshot(data_dir)
    real_write = os.write
    calls: list[int] = []

    def second_write_fails(fd: int, data: bytes) -> int:
        calls.append(fd)
        if len(calls) == 2:  # ann.toml went through; ben.toml hits a full disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    with monkeypatch.context() as patched:
        patched.setattr("os.write", second_write_fails)
        result = cli.fails("share", "a post", "--with", "ann", "--with", "ben")
    assert result.err == (
        f"plnctl: error: no space left on the device holding {data_dir / 'ben.toml'}; "
        "nothing was changed\n"
    )
    assert len(calls) == 3  # the third write put ann.toml back
    assert snapshot(data_dir) == before


def test_a_share_that_cannot_be_undone_says_where_it_is(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("add", "Ann")
    cli.ok("add", "Ben")
    real_write = os.write
    calls: list[int] = []

    def full_after_first(fd: int, data: bytes) -> int:
        calls.append(fd)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    with monkeypatch.context() as patched:
        patched.setattr("os.write", full_after_first)
        result = cli.fails("share", "a post", "--with", "ann", "--with", "ben")
    assert result.err == (
        f"plnctl: error: no space left on the device holding {data_dir / 'ben.toml'}; "
        "the share is already logged with ann\n"
    )
    assert [e["what"] for e in cli.read_tie("ann")["events"]] == ["a post"]
    assert "events" not in cli.read_tie("ben")


def test_a_file_system_that_cannot_lock(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("add", "Ann")

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    with monkeypatch.context() as patched:
        patched.setattr("fcntl.flock", no_locks)
        result = cli.fails("checkin", "ann")
    assert result.err == f"plnctl: error: cannot lock {data_dir / '.lock'}: No locks available\n"
