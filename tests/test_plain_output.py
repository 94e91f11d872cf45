"""Piped output is plain text that reads line by line."""

from __future__ import annotations

from conftest import Cli
from helpers import DAY, Ties, weekly


def test_show_history_title_stays_on_one_line_above_a_narrow_table(cli: Cli, ties: Ties) -> None:
    ties.write("old-friend", events=weekly(12, DAY))
    result = cli.ok("show", "old")
    lines = result.out.splitlines()
    assert "History (12 events, newest first)" in lines, result.out
    assert "\x1b[" not in result.out
    assert result.err == ""
