"""`plnctl stats`: activity over time, counted from the events, on a terminal and in JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli, Run
from helpers import examples
from plnctl.activity import month_ends
from plnctl.settings import Settings
from plnctl.ties import derive, status_timeline

AS_OF = dt.date(2025, 6, 30)
KINDS = ("read", "comment", "converse", "share", "help-received")

moments = st.lists(
    st.tuples(
        st.integers(0, 900).map(lambda n: AS_OF - dt.timedelta(days=n)), st.sampled_from(KINDS)
    ),
    max_size=60,
)


@settings(max_examples=examples(300), deadline=None)
@given(events=moments, pin=st.sampled_from([None, "strong", "weak"]))
def test_the_status_timeline_is_derive_at_every_checkpoint(
    events: list[tuple[dt.date, str]], pin: str | None
) -> None:
    ends = month_ends(AS_OF, 24)
    timeline = status_timeline(events, ends, Settings(), pin=pin)
    for end, status in zip(ends, timeline, strict=True):
        before = [e for e in events if e[0] <= end]
        expected = derive(events, end, Settings(), pin=pin).status if before else None
        assert status == expected, end


def test_month_ends_run_up_to_the_day() -> None:
    assert month_ends(dt.date(2025, 3, 15), 4) == [
        dt.date(2024, 12, 31),
        dt.date(2025, 1, 31),
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 15),
    ]


def small_network(cli: Cli) -> None:
    cli.ok("add", "Ann", "--topic", "pedagogy")
    cli.ok("add", "Blog", "--kind", "blog", "--topic", "Open Education")
    cli.ok("add", "Gone", "--topic", "open-education")
    for days in (0, 1, 2, 9, 30, 45):
        cli.ok("checkin", "ann", "--kind", "converse", "--on", f"{days}d")
    cli.ok("checkin", "ann", "--kind", "help-received", "--on", "3d")
    cli.ok("share", "https://example.org/x", "--with", "ann", "--on", "2d")
    cli.ok("checkin", "blog", "--on", "8d")
    cli.ok("checkin", "blog", "--kind", "comment", "--on", "8d")
    cli.ok("checkin", "gone", "--on", "400d")
    cli.ok("share", "a public note", "--on", "1d")


def test_stats_json_counts_every_chart(cli: Cli) -> None:
    small_network(cli)
    doc = json.loads(cli.ok("stats", "--json", "--weeks", "3").out)
    assert doc["as_of"] == "2025-06-30"
    assert doc["heatmap"]["start"] == "2024-07-08"  # a Monday, 51 weeks before this one
    weeks = doc["heatmap"]["weeks"]
    assert len(weeks) == 52 and all(len(w) == 7 for w in weeks)
    assert weeks[-1] == [1, None, None, None, None, None, None]  # today's converse, no later day
    assert sum(c or 0 for w in weeks for c in w) == 11  # all but the read of 400 days ago
    assert doc["weeks"] == [
        {"start": "2025-06-16", "reading": 1, "commenting": 1, "conversing": 1, "giving": 0},
        {"start": "2025-06-23", "reading": 0, "commenting": 0, "conversing": 3, "giving": 2},
        {"start": "2025-06-30", "reading": 0, "commenting": 0, "conversing": 1, "giving": 0},
    ]
    june = doc["months"][-1]
    assert june["month"] == "2025-06" and june["end"] == "2025-06-30"
    assert (june["given"], june["received"]) == (2, 1)
    assert (june["strong"], june["weak"], june["dormant"]) == (1, 1, 1)
    assert june["participation"] == {
        "events": 11,
        "giving": 3,
        "share": 0.27,
        "stage": "sharing",
    }
    # On May 31 Ann had events on two days only (weak); the blog, added today and
    # with no event yet, was not in the network; Gone was dormant.
    may = doc["months"][-2]
    assert (may["strong"], may["weak"], may["dormant"]) == (0, 1, 1)
    assert doc["topics"][0]["topic"] == "pedagogy" and doc["topics"][0]["ties"] == 1
    # "Open Education" and "open-education" are one topic; the first spelling is kept.
    assert doc["topics"][1]["topic"] == "Open Education" and doc["topics"][1]["ties"] == 2
    assert doc["warnings"] == []


def test_archived_ties_count_in_activity_but_not_in_statuses(cli: Cli) -> None:
    small_network(cli)
    cli.ok("archive", "gone")
    june = json.loads(cli.ok("stats", "--json").out)["months"][-1]
    assert (june["strong"], june["weak"], june["dormant"]) == (1, 1, 0)
    assert june["participation"]["events"] == 11


@pytest.mark.parametrize("width", [60, 80, 120])
def test_stats_fits_a_terminal(cli: Cli, tmp_path: Path, terminal: Run, width: int) -> None:
    where = str(tmp_path / "demo")
    cli.ok("--data-dir", where, "demo")
    screen = terminal(width, "--data-dir", where, "stats")
    assert not screen.too_wide()
    for heading in (
        "Events in the last 52 weeks, as of 2025-06-30",
        "Events per week, last 26 weeks",
        "Given and received, by month",
        "Ties at the end of each month",
        "Participation stage at the end of each month",
        "Topics with the most engagement",
    ):
        assert heading in screen.rows
    # 11 ties in 30 cells: 7 strong end at cell 19, 10 at 27, 11 at 30.
    assert "  2025-06  " + "█" * 19 + "▒" * 8 + "░" * 3 + " 7/3/1" in screen.rows
    assert any(row.startswith("  learning design  ") for row in screen.rows)


def test_stats_piped_is_plain(cli: Cli) -> None:
    small_network(cli)
    out = cli.ok("stats", "--weeks", "2").out
    assert "\x1b[" not in out
    assert "  2025-06  sharing      ███········· 3/11" in out.splitlines()


def test_every_stats_key_is_documented(cli: Cli) -> None:
    from test_docs import code_words, keys_of

    small_network(cli)
    doc = json.loads(cli.ok("stats", "--json").out)
    keys = keys_of(doc) | keys_of(doc["weeks"][0]) | keys_of(doc["months"][0])
    keys |= keys_of(doc["topics"][0])
    missing = sorted(keys - code_words("json.md"))
    assert not missing, f"docs/json.md does not document: {missing}"


def test_the_readme_stats_screen_is_real(cli: Cli, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("```text\n$ plnctl stats --weeks 6\n", 1)[1].split("```", 1)[0]
    where = str(tmp_path / "demo")
    cli.ok("--data-dir", where, "demo")
    assert cli.ok("--data-dir", where, "stats", "--weeks", "6").out == block
