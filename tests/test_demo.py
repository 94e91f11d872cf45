"""`plnctl demo` builds a believable sample network."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Cli


def test_demo_shares_say_what_was_passed_along(cli: Cli, tmp_path: Path) -> None:
    where = str(tmp_path / "demo")
    cli.ok("--data-dir", where, "demo")
    result = cli.ok("--data-dir", where, "shares", "--json")
    shares = json.loads(result.out)["shares"]
    assert shares, result.out
    assert all(s["what"] != "(untitled)" and s["with"] for s in shares), result.out
