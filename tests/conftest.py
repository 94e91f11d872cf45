"""Every test gets its own data directory and a fixed 'today'; nothing touches real data.

A plain `python -m pytest` is the quick loop: it leaves out the tests marked `slow`
(crash, fuzz, stateful, real git, real exports round-tripped) and runs properties
under the `dev` hypothesis profile.
`python -m pytest --slow` is the full suite, as CI runs it, under the `ci` profile.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from helpers import FULL_EXAMPLES, TODAY, Ties, plnctl_env

# Profiles: `dev` for the quick loop, `ci` for the full run (--slow) and whenever CI is
# set; HYPOTHESIS_PROFILE picks one by name. Tests state their budget for the full run
# with helpers.examples(), which dev scales down to a fifth.
#
# dev draws new random examples on every run: many quick runs together explore more than
# one fixed seed would, and the example database in .hypothesis/ replays a failure first.
# ci is derandomized, as hypothesis's own ci profile is: its examples depend only on the
# code, so a red build is never bad luck and `python -m pytest --slow` anywhere draws the
# very same examples; print_blob shows how to replay a failure.
# Both start from hypothesis's defaults, not from whatever profile it loaded on import
# (under CI it loads its own ci profile, which would leak into dev).
DEFAULTS = settings.get_profile("default")
settings.register_profile("dev", DEFAULTS, max_examples=FULL_EXAMPLES // 5)
settings.register_profile(
    "ci", DEFAULTS, max_examples=FULL_EXAMPLES, derandomize=True, database=None, print_blob=True
)

SLOW_LEFT_OUT = pytest.StashKey[int]()


@dataclass
class Result:
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out}--- stderr\n{self.err}"


class Cli:
    """Run plnctl the way a user does, in-process or as a real process."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    def __call__(self, *args: str) -> Result:
        from plnctl.cli import main

        out, err = io.StringIO(), io.StringIO()
        code = 0
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return Result(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.code == 0, str(result)
        return result

    def fails(self, *args: str, code: int = 1) -> Result:
        result = self(*args)
        assert result.code == code, str(result)
        assert result.err.startswith("plnctl: error:") or code == 2, str(result)
        assert "Traceback" not in result.err, str(result)
        return result

    def process(
        self, *args: str, python: tuple[str, ...] = ("-m", "plnctl"), **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        """plnctl as a separate process (python -m plnctl, or the `python` arguments given),
        using this checkout's source."""
        env = plnctl_env(**kwargs.pop("env", {}))
        return subprocess.run(
            [sys.executable, *python, *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            **kwargs,
        )

    def bounded(
        self, *args: str, memory_mb: int = 256, timeout: float = 60, **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        """plnctl as a process allowed `memory_mb` of address space and `timeout` seconds,
        so that a memory bomb or a hang fails the test instead of the machine."""
        import resource

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

        return self.process(*args, preexec_fn=limit, timeout=timeout, **kwargs)

    def tie_file(self, slug: str) -> Path:
        return self.data_dir / f"{slug}.toml"

    def read_tie(self, slug: str) -> dict[str, Any]:
        with self.tie_file(slug).open("rb") as handle:
            return tomllib.load(handle)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the tests marked slow (crash, fuzz, stateful, real git): the full suite",
    )


def pytest_configure(config: pytest.Config) -> None:
    full = config.getoption("--slow") or bool(os.environ.get("CI"))
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if full else "dev"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # An explicit -m expression decides by itself (`-m slow` runs only the slow tests).
    if config.getoption("--slow") or config.getoption("markexpr"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
        config.hook.pytest_deselected(items=slow)
    config.stash[SLOW_LEFT_OUT] = len(slow)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    left_out = config.stash.get(SLOW_LEFT_OUT, 0)
    if left_out:
        tests = "1 slow test was" if left_out == 1 else f"{left_out} slow tests were"
        terminalreporter.write_line(
            f"{tests} not run (crash, fuzz, stateful, real git); "
            "run everything: python -m pytest --slow"
        )


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "data"
    monkeypatch.setenv("PLNCTL_DATA_DIR", str(path))
    monkeypatch.setenv("PLNCTL_TODAY", TODAY)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    # Temporary files plnctl makes (an edit's copy, a demo network) stay in the test's dir.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    yield path


@pytest.fixture
def cli(data_dir: Path) -> Cli:
    return Cli(data_dir)


# -- screens: plnctl's output as a terminal of a given width shows it (pyte) ------

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@dataclass
class Screen:
    width: int
    written: list[str]  # the lines as written, escape codes removed
    rows: list[str]  # the emulator's screen, right-stripped

    @property
    def text(self) -> str:
        return "\n".join(self.rows)

    def flat(self) -> str:
        """The screen's words in order, wrapping undone."""
        return " ".join(" ".join(self.rows).split())

    def too_wide(self) -> list[str]:
        """The lines plnctl wrote wider than the terminal (the terminal would wrap them)."""
        from rich.cells import cell_len

        return [line for line in self.written if cell_len(line) > self.width]


Run = Callable[..., Screen]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Run:
    def run(width: int, *args: str) -> Screen:
        import pyte

        from plnctl.cli import main

        monkeypatch.setenv("COLUMNS", str(width))
        monkeypatch.setenv("LINES", "40")
        monkeypatch.setenv("TERM", "xterm-256color")
        monkeypatch.delenv("NO_COLOR", raising=False)
        out, err = Tty(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                assert not exc.code, err.getvalue()
        raw = out.getvalue()
        written = ANSI.sub("", raw).split("\n")
        screen = pyte.Screen(width, raw.count("\n") + 2)
        pyte.Stream(screen).feed(raw.replace("\n", "\r\n"))
        rows = [row.rstrip() for row in screen.display]
        while rows and not rows[-1]:
            rows.pop()
        return Screen(width, written, rows)

    return run


@pytest.fixture
def ties(data_dir: Path) -> Ties:
    """Writes tie files straight into the test's data directory, without plnctl."""
    return Ties(data_dir)
