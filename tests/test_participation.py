"""The participation stage counts everything you passed along, public shares too."""

from __future__ import annotations

import json

from conftest import Cli
from helpers import Ties, days_ago


def test_a_public_share_counts_towards_participation(cli: Cli, ties: Ties) -> None:
    ties.write("ann", events=days_ago(3, 2, 1))
    cli.ok("share", "Notes on peer feedback", "--on", "1d")
    result = cli.ok("review", "--json")
    assert json.loads(result.out)["participation"] == {
        "events": 4,
        "giving": 1,
        "share": 0.25,
        "stage": "sharing",
    }
    assert result.err == ""


def test_a_public_share_after_the_review_date_does_not_count(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("checkin", "ann", "--on", "2w")
    cli.ok("share", "Notes on peer feedback", "--on", "1w")
    doc = json.loads(cli.ok("review", "--json", "--as-of", "10d").out)
    assert doc["participation"]["giving"] == 0
    assert doc["participation"]["stage"] == "listening"


def test_an_unreadable_share_log_is_a_warning_and_the_review_goes_on(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("checkin", "ann")
    log = cli.data_dir / "_shares.toml"
    log.write_text("shares = 3\n")
    result = cli.ok("review", "--json")
    doc = json.loads(result.out)
    assert doc["participation"]["events"] == 1
    assert doc["warnings"] == [f"skipped {log}: field 'shares' must be an array of tables"]
    assert f"plnctl: warning: skipped {log}" in result.err
    assert log.read_text() == "shares = 3\n"
