"""Fixes found while importing real exports: cadence without events, ambiguous names, hints."""

from __future__ import annotations

import json

import pytest

from conftest import Cli


def test_a_cadence_tie_with_no_events_is_due_from_its_added_date(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLNCTL_TODAY", "2025-06-01")
    cli.ok("add", "Feed A", "--kind", "blog", "--every", "7")
    cli.ok("add", "Feed B", "--kind", "blog")
    monkeypatch.setenv("PLNCTL_TODAY", "2025-06-09")
    doc = json.loads(cli.ok("review", "--json").out)
    assert [(i["slug"], i["band"], i["overdue_ratio"], i["days_since"]) for i in doc["items"]] == [
        ("feed-a", "due", 1.14, None)
    ]
    assert doc["items"][0]["reasons"] == [
        "due: never engaged, added 8 days ago, every ~7 days expected"
    ]
    # Without a cadence a tie with no events is never due: an import of 200 feeds floods nothing.
    listed = {t["slug"]: t["band"] for t in json.loads(cli.ok("list", "--json").out)}
    assert listed == {"feed-a": "due", "feed-b": "ok"}


def test_a_slug_that_is_another_ties_name_is_ambiguous(cli: Cli) -> None:
    assert cli.ok("add", "C++").out == "c\n"
    assert cli.ok("add", "C").out == "c-2\n"
    for typed in ("c", "C"):
        err = cli.fails("checkin", typed).err
        assert err == (
            f"plnctl: error: {typed!r} is the slug of 'C++' and the name of 'C' (c-2): "
            "type 'C++' for the first, or the slug c-2 for the other\n"
        )
    assert "with C++ (c)" in cli.ok("checkin", "C++").out
    assert "with C (c-2)" in cli.ok("checkin", "c-2").out


def test_checkin_kind_share_points_to_plnctl_share(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    assert cli.fails("checkin", "ann", "--kind", "share").err == (
        "plnctl: error: a share is logged with `plnctl share WHAT --with TIE` (or `--from TIE`), "
        "which also records what you passed along\n"
    )


@pytest.mark.parametrize(
    ("day", "why"),
    [
        ("2025-02-30", "February 2025 has no 30th (it has 28 days)"),
        ("2024-02-30", "February 2024 has no 30th (it has 29 days)"),
        ("2025-04-31", "April 2025 has no 31st (it has 30 days)"),
        ("2025-13-01", "there is no month 13"),
    ],
)
def test_an_impossible_date_says_why(cli: Cli, day: str, why: str) -> None:
    cli.ok("add", "Ann Lee")
    err = cli.fails("checkin", "ann", "--on", day).err
    assert err.startswith(f"plnctl: error: invalid --on '{day}': {why}; use YYYY-MM-DD"), err


def test_a_checkin_on_an_archived_tie_is_logged_and_says_so(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("archive", "ann")
    result = cli.ok("checkin", "ann-lee")
    assert result.out.startswith("logged read with Ann Lee (ann-lee) on 2025-06-30")
    assert result.err == (
        "plnctl: ann-lee is archived: the check-in is logged, but the tie stays out of review "
        "until `plnctl unarchive ann-lee`\n"
    )
    assert len(cli.read_tie("ann-lee")["events"]) == 1


def test_the_lock_waiting_line_is_said_once_per_process_on_its_own_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from plnctl.render.terminal import say_once

    say_once("waiting for another plnctl to finish with /d ...")
    say_once("waiting for another plnctl to finish with /d ...")
    assert capsys.readouterr().err == "plnctl: waiting for another plnctl to finish with /d ...\n"
