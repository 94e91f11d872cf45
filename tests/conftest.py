"""Every test gets its own data directory and a fixed 'today'; nothing touches real data."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
TODAY = "2025-06-30"


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
        env = {**os.environ, "PYTHONPATH": str(SRC)}
        env.update(kwargs.pop("env", {}))
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
