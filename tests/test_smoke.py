"""The installed entry points start and answer."""

from __future__ import annotations

from conftest import Cli


def test_python_m_plnctl_prints_version(cli: Cli) -> None:
    proc = cli.process("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("plnctl ")
    assert proc.stderr == ""


def test_add_then_list_in_a_real_process(cli: Cli) -> None:
    proc = cli.process("add", "Ann Lee")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ann-lee\n"
    listed = cli.process("list")
    assert "Ann Lee" in listed.stdout
