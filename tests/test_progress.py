"""Long work shows a progress bar on a terminal's stderr, and nothing anywhere else."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from conftest import Cli


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(args: list[str], err: io.StringIO) -> str:
    from plnctl.cli import main

    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            assert exc.code in (0, None, 1), err.getvalue()
    return out.getvalue()


@pytest.fixture
def many(cli: Cli, data_dir: Path) -> Path:
    data_dir.mkdir(mode=0o700)
    for i in range(100):
        path = data_dir / f"tie-{i}.toml"
        path.write_text(f'name = "Tie {i}"\n', encoding="utf-8")
        path.chmod(0o600)
    return data_dir


@pytest.mark.parametrize(
    ("args", "what"),
    [(["list"], "reading tie files"), (["doctor"], "checking files")],
)
def test_long_work_draws_a_bar_on_a_terminal(
    many: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], what: str
) -> None:
    monkeypatch.setattr("plnctl.render.meter.DELAY", 0.0)
    monkeypatch.setattr("plnctl.progress.EVERY", 10)
    err = Tty()
    out = run(args, err)
    assert f"{what} " in err.getvalue()
    assert "/100" in err.getvalue()
    assert "tie-99" in out or "100 ties OK" in out


def test_an_import_draws_a_bar_on_a_terminal(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("plnctl.render.meter.DELAY", 0.0)
    monkeypatch.setattr("plnctl.progress.EVERY", 10)
    sheet = tmp_path / "people.csv"
    sheet.write_text("name\n" + "".join(f"Person {i}\n" for i in range(50)), encoding="utf-8")
    err = Tty()
    run(["import", str(sheet)], err)
    assert "importing " in err.getvalue()
    assert "/50" in err.getvalue()


@pytest.mark.parametrize("args", [["list", "--json"], ["doctor", "--json"], ["review", "--json"]])
def test_no_bar_with_json(many: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.setattr("plnctl.render.meter.DELAY", 0.0)
    err = Tty()
    run(args, err)
    assert err.getvalue() == ""


def test_no_bar_when_stderr_is_no_terminal(many: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("plnctl.render.meter.DELAY", 0.0)
    err = io.StringIO()
    run(["list"], err)
    assert err.getvalue() == ""


def test_quick_work_draws_nothing(many: Path) -> None:
    err = Tty()
    run(["list"], err)  # 100 files take far less than half a second
    assert err.getvalue() == ""
