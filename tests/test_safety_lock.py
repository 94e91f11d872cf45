"""Decisions under the lock, and the lock, the data directory and doctor never following
a link somewhere else."""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import Cli
from helpers import SRC


def while_waiting(
    cli: Cli, args: list[str], meanwhile: Callable[[], None], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run plnctl while the test holds the lock; once plnctl says it waits, do what another
    plnctl holding the lock would (`meanwhile`), then let go."""
    cli.data_dir.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(cli.data_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    proc = subprocess.Popen(
        [sys.executable, "-m", "plnctl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC), **(env or {})},
    )
    try:
        assert proc.stderr is not None
        assert "waiting for another plnctl" in proc.stderr.readline()
        meanwhile()
    finally:
        os.close(fd)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def checkin_by_hand(cli: Cli, slug: str, day: str) -> None:
    """An event written the way a plnctl holding the lock would write it."""
    path = cli.tie_file(slug)
    event = f'\n[[events]]\nid = "h{day}"\ndate = {day}\nkind = "read"\n'
    path.write_text(path.read_text() + event)


def test_spread_decides_under_the_lock(cli: Cli) -> None:
    for name in ("Due Soon", "Overdue"):
        cli.ok("add", name)
        cli.ok("checkin", name, "--on", "2025-01-01")  # 180 days ago, every 90: overdue
    done = while_waiting(
        cli, ["spread", "--over", "14"], lambda: checkin_by_hand(cli, "overdue", "2025-06-29")
    )
    assert done.returncode == 0, done.stderr
    # The event logged while spread waited ended that tie's backlog: it is not snoozed.
    assert done.stdout.splitlines() == ["due-soon  overdue   2.0x  stays due today"]
    assert "snoozed_until" not in cli.read_tie("overdue")


def test_add_resolves_via_under_the_lock(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    done = while_waiting(
        cli, ["add", "Ben Tanaka", "--via", "ann"], lambda: cli.tie_file("ann-lee").unlink()
    )
    assert done.returncode == 1
    assert "no tie matches 'ann'" in done.stderr
    assert not cli.tie_file("ben-tanaka").exists()


def test_edit_checks_the_name_again_under_the_lock(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Ann Lee")
    script = tmp_path / "rename.py"
    script.write_text(
        "import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('Ann Lee', 'Zed Zed'))\n"
    )
    editor = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"

    def add_zed() -> None:
        cli.tie_file("zed").write_text('name = "Zed Zed"\n')

    done = while_waiting(cli, ["edit", "ann-lee"], add_zed, env={"EDITOR": editor, "VISUAL": ""})
    assert done.returncode == 1, done.stderr
    assert "'Zed Zed' is already the name of 'zed'" in done.stderr
    assert "nothing was saved, your edit is kept in" in done.stderr
    assert cli.read_tie("ann-lee")["name"] == "Ann Lee"


def test_a_checkin_that_cannot_read_the_settings_writes_nothing(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    before = cli.tie_file("ann-lee").read_bytes()
    (cli.data_dir / "_settings.toml").write_text("half_life_days = -1\n")
    assert "invalid settings" in cli.fails("checkin", "Ann Lee").err
    assert cli.tie_file("ann-lee").read_bytes() == before


def test_a_linked_lock_creates_nothing_outside_the_data_directory(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Ann Lee")
    before = cli.tie_file("ann-lee").read_bytes()
    outside = tmp_path / "outside" / "planted"
    outside.parent.mkdir()
    (cli.data_dir / ".lock").unlink()
    (cli.data_dir / ".lock").symlink_to(outside)
    result = cli.fails("checkin", "ann")
    assert result.err == (
        f"plnctl: error: {cli.data_dir / '.lock'} is a symbolic link; plnctl does not lock "
        "through one: remove it\n"
    )
    assert not outside.exists()
    assert cli.tie_file("ann-lee").read_bytes() == before
    problems = json.loads(cli.fails("doctor", "--json").out)["problems"]
    assert [(p["file"], p["level"]) for p in problems] == [(".lock", "error")]


def test_a_new_data_directorys_parents_are_private_whatever_the_umask(
    cli: Cli, tmp_path: Path
) -> None:
    deep = tmp_path / "made" / "by" / "plnctl"
    old = os.umask(0)
    try:
        cli.ok("--data-dir", str(deep), "add", "Ann Lee")
    finally:
        os.umask(old)
    for directory in (tmp_path / "made", tmp_path / "made" / "by", deep):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
    assert stat.S_IMODE((deep / "ann-lee.toml").stat().st_mode) == 0o600


def test_doctor_never_advises_a_chmod_through_a_link(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Ann Lee")
    shared = tmp_path / "shared-notes.toml"
    shared.write_text('name = "Bob Stone"\n')
    shared.chmod(0o644)
    (cli.data_dir / "bob-stone.toml").symlink_to(shared)
    out = cli("doctor").out
    assert "run: chmod" not in out
    assert f"{cli.data_dir / 'bob-stone.toml'}: note: a symbolic link: " in out
    assert "the file it points to is open to others (mode 644)" in out
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644


def test_doctor_names_a_linked_data_directory_by_its_real_path(cli: Cli, tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    real.chmod(0o755)
    link = tmp_path / "link"
    link.symlink_to(real)
    out = cli("--data-dir", str(link), "doctor").out
    assert f"run: chmod 700 '{real}'" in out
