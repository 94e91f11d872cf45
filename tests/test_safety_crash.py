"""Many writers at once, and writers killed at random moments: nothing acknowledged is lost."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from conftest import Cli
from helpers import notes_of, plnctl_env
from plnctl.store import Store

pytestmark = pytest.mark.slow  # real processes, killed over several rounds: seconds each

PLNCTL = [sys.executable, "-m", "plnctl"]


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*PLNCTL, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=plnctl_env(),
    )


def assert_every_file_is_sound(root: Path) -> None:
    ties, problems = Store(root).load_all()
    assert problems == [], [p.message for p in problems]
    for _, tie in ties:
        ids = [e.id for e in tie.events]
        assert len(ids) == len(set(ids)), ids


def test_24_parallel_checkins_leave_24_events(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    procs = [start("checkin", "ann-lee", "--note", f"n{i}") for i in range(24)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.startswith("logged read with Ann Lee (ann-lee)"), out
    assert sorted(notes_of(cli.data_dir, "ann-lee")) == sorted(f"n{i}" for i in range(24))
    assert_every_file_is_sound(cli.data_dir)
    assert sorted(p.name for p in cli.data_dir.iterdir()) == [".lock", "ann-lee.toml"]


def test_killing_plnctl_at_random_moments_loses_no_acknowledged_event(cli: Cli) -> None:
    """Each round starts a mix of check-ins and shares, kills some with SIGKILL at a random
    moment, and keeps those that exited 0 as acknowledged."""
    rng = random.Random(20250630)
    cli.ok("add", "Ann")
    cli.ok("add", "Ben")
    acknowledged: dict[str, list[str]] = {"ann": [], "ben": []}
    for round_ in range(4):
        procs: list[tuple[subprocess.Popen[str], list[str], str]] = []
        for i in range(6):
            note = f"r{round_}-{i}"
            if i % 3 == 2:
                proc = start("share", f"post {note}", "--with", "ann", "--with", "ben")
                procs.append((proc, ["ann", "ben"], f"post {note}"))
            else:
                slug = "ann" if i % 2 else "ben"
                procs.append((start("checkin", slug, "--note", note), [slug], note))
        time.sleep(rng.uniform(0.05, 0.6))
        for proc, _, _ in procs:
            if rng.random() < 0.5:
                proc.send_signal(signal.SIGKILL)
        for proc, slugs, marker in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode in (0, -signal.SIGKILL), err
            if proc.returncode == 0:
                for slug in slugs:
                    acknowledged[slug].append(marker)
        assert_every_file_is_sound(cli.data_dir)
    for slug, markers in acknowledged.items():
        events = cli.read_tie(slug)["events"]
        present = [e.get("what") or e.get("note") for e in events]
        missing = [m for m in markers if m not in present]
        assert missing == [], f"{slug} lost acknowledged events {missing}"
        assert len(present) == len(set(present)), present
    # The first write after the crashes sweeps any temporary file a killed writer left.
    cli.ok("checkin", "ann")
    assert sorted(p.name for p in cli.data_dir.iterdir()) == [".lock", "ann.toml", "ben.toml"]
    assert cli.ok("doctor").out == "all 2 ties OK\n"


WRITER = """
import sys
from pathlib import Path
from plnctl.network import Network
from plnctl.store import Store
import datetime as dt

network = Network(Store(Path(sys.argv[1])), dt.date(2025, 6, 30))
name = sys.argv[2]
for i in range(100000):
    network.checkin(sys.argv[3], note=f"{name}-{i}")
    print(f"{name}-{i}", flush=True)
"""


def test_killing_busy_writers_mid_write_loses_no_acknowledged_event(cli: Cli) -> None:
    """Writers that do nothing but write, killed while they are busy: most kills land
    inside a write. A note printed by a writer was acknowledged and must be in the file."""
    rng = random.Random(7)
    cli.ok("add", "Ann")
    cli.ok("add", "Ben")
    acknowledged: list[tuple[str, str]] = []
    for round_ in range(4):
        writers = []
        for w in range(3):
            slug = "ann" if w < 2 else "ben"
            proc = subprocess.Popen(
                [sys.executable, "-c", WRITER, str(cli.data_dir), f"w{round_}{w}", slug],
                stdout=subprocess.PIPE,
                text=True,
                env=plnctl_env(),
            )
            writers.append((proc, slug))
        for proc, slug in writers:
            assert proc.stdout is not None
            # Wait until each writer is writing; its first line is acknowledged too.
            acknowledged.append((slug, proc.stdout.readline().strip()))
        time.sleep(rng.uniform(0.0, 0.3))
        for proc, _ in writers:
            proc.send_signal(signal.SIGKILL)
        for proc, slug in writers:
            out, _ = proc.communicate(timeout=60)
            assert proc.returncode == -signal.SIGKILL
            acknowledged.extend((slug, line) for line in out.split())
        assert_every_file_is_sound(cli.data_dir)
    for slug in ("ann", "ben"):
        with cli.tie_file(slug).open("rb") as handle:
            notes = {e["note"] for e in tomllib.load(handle)["events"]}
        missing = [n for s, n in acknowledged if s == slug and n not in notes]
        assert missing == [], f"{slug} lost acknowledged events {missing[:5]}"
    assert len(acknowledged) > 12
