"""Devices for sync tests: data directories kept in real git, with a bare remote between them."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli, Result

IDENTITY = {
    "GIT_AUTHOR_NAME": "Pat Tester",
    "GIT_AUTHOR_EMAIL": "pat@example.org",
    "GIT_COMMITTER_NAME": "Pat Tester",
    "GIT_COMMITTER_EMAIL": "pat@example.org",
}


def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Git needs a name for its commits: the tests give their own, never the user's."""
    for key, value in IDENTITY.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(cwd: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check:
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def bare_remote(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "--bare", "-b", "main")
    return path


class Device:
    """One device's data directory, used through the real CLI."""

    def __init__(self, cli: Cli, root: Path) -> None:
        self.cli = cli
        self.root = root

    def __call__(self, *args: str) -> Result:
        return self.cli("--data-dir", str(self.root), *args)

    def ok(self, *args: str) -> Result:
        return self.cli.ok("--data-dir", str(self.root), *args)

    def fails(self, *args: str, code: int = 1) -> Result:
        return self.cli.fails("--data-dir", str(self.root), *args, code=code)

    def git(self, *args: str, check: bool = True) -> str:
        return git(self.root, *args, check=check)

    def tie(self, slug: str) -> dict[str, Any]:
        return tomllib.loads((self.root / f"{slug}.toml").read_text(encoding="utf-8"))

    def event_ids(self, slug: str) -> set[str]:
        return {e["id"] for e in self.tie(slug).get("events", [])}

    def files(self) -> dict[str, bytes]:
        """Every file of the data directory but git's own and the lock, by name."""
        return {
            p.name: p.read_bytes()
            for p in self.root.iterdir()
            if p.is_file() and p.name not in (".lock",)
        }

    def subjects(self) -> list[str]:
        return self.git("log", "--format=%s").splitlines()
