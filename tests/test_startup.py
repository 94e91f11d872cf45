"""Start-up stays fast: a command imports only what it needs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import Cli
from helpers import plnctl_env
from plnctl.index import fileformat, loader, location
from plnctl.store import Store

HEAVY = ("rich", "pydantic", "tomllib", "tomli_w", "platformdirs")

PROBE = """
import sys
from plnctl.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print("MODULES", " ".join(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def imported(*args: str) -> set[str]:
    """Top-level modules a real plnctl process has imported when it ends."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=plnctl_env(),
        check=False,
    )
    line = [x for x in proc.stderr.splitlines() if x.startswith("MODULES ")]
    assert line, proc.stderr
    return set(line[0].split()[1:])


@pytest.mark.parametrize("args", [["--help"], ["checkin", "--help"], ["--version"]])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    modules = imported(*args)
    assert "typer" in modules  # the probe does see imports
    assert not modules.intersection(HEAVY), modules.intersection(HEAVY)


def test_warm_review_and_list_never_import_pydantic(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("checkin", "ann")
    cli.ok("list")  # builds the index
    # Pretend the index looked at the files long after they last changed.
    store = Store(cli.data_dir)
    path = location.index_path(cli.data_dir)
    seen_ns, entries = fileformat.read_index(path, loader.identity_of(store))
    assert "ann-lee" in entries
    fileformat.write_index(path, loader.identity_of(store), seen_ns + 2 * loader.RACY_NS, entries)
    for args in (["review"], ["list", "--json"], ["review", "--json"]):
        modules = imported(*args)
        assert "plnctl" in modules
        assert "pydantic" not in modules, args
