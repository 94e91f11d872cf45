"""The everyday screens as a person sees them: rendered through a VT100 emulator (pyte).

plnctl runs with a terminal for stdout, `COLUMNS` columns wide; its output
(colours, symbols and all) is fed to pyte's screen of that width, and the
tests read the screen back. A line the program wrote wider than the terminal
would wrap there, so the program's own lines are checked too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import Cli, Run, Screen

WIDTHS = (60, 80, 100, 160)


def demo(cli: Cli, tmp_path: Path) -> str:
    where = str(tmp_path / "demo")
    cli.ok("--data-dir", where, "demo")
    return where


def fits(screen: Screen) -> None:
    wide = screen.too_wide()
    assert not wide, f"wider than {screen.width}:\n" + "\n".join(wide)


def whole_on_a_line(screen: Screen, text: str) -> None:
    found = any(text in row for row in screen.rows)
    assert found, f"{text!r} not whole on one line:\n{screen.text}"


@pytest.mark.parametrize("width", WIDTHS)
def test_review_on_a_terminal_keeps_slugs_and_commands_whole(
    cli: Cli, tmp_path: Path, terminal: Run, width: int
) -> None:
    where = demo(cli, tmp_path)
    doc = json.loads(cli.ok("--data-dir", where, "review", "--json").out)
    screen = terminal(width, "--data-dir", where, "review")
    fits(screen)
    assert doc["items"]
    for item in doc["items"]:
        whole_on_a_line(screen, f"({item['slug']})")
        command = item["next"].rsplit("`", 2)[1]
        whole_on_a_line(screen, command)
        for reason in item["reasons"]:
            assert reason in screen.flat(), reason
    for heading in (
        "Strong ties you are about to lose (1)",
        "Weak ties due for a visit (2)",
        "Dormant ties: revive or subtract? (1)",
        "People you only take from (1)",
    ):
        assert heading in screen.rows
    assert "↓ fading" in screen.text


@pytest.mark.parametrize("width", WIDTHS)
def test_list_on_a_terminal_is_one_line_per_tie(
    cli: Cli, tmp_path: Path, terminal: Run, width: int
) -> None:
    where = demo(cli, tmp_path)
    cli.ok("--data-dir", where, "add", "Professor Maximiliana Featherstonehaugh-Worthington III")
    views = json.loads(cli.ok("--data-dir", where, "list", "--json").out)
    screen = terminal(width, "--data-dir", where, "list")
    fits(screen)
    assert len(screen.rows) == len(views) + 1
    header = screen.rows[0].split()
    assert {"name", "status", "last"} <= set(header)
    for row, tie in zip(screen.rows[1:], views, strict=True):
        if "slug" in header:
            assert row.startswith(tie["slug"] + " ")
        name = tie["name"]
        shown = next(word for word in re.split(r"  +", row) if word[:3] == name[:3])
        assert shown == name or (shown.endswith("…") and name.startswith(shown[:-1])), row
        assert tie["status"] in row.split()
    # The slug leaves before the trend, band and topics: names are what people read.
    assert ("slug" in header) == (width >= 160)
    assert "trend" in header or width < 80


@pytest.mark.parametrize("width", WIDTHS)
def test_show_on_a_terminal_lists_the_newest_fifteen_by_month(
    cli: Cli, tmp_path: Path, terminal: Run, width: int
) -> None:
    where = demo(cli, tmp_path)
    events = json.loads(cli.ok("--data-dir", where, "show", "ada", "--json").out)["events"]
    screen = terminal(width, "--data-dir", where, "show", "ada")
    fits(screen)
    dates = [row.split()[0] for row in screen.rows if re.match(r"  \d{4}-\d\d-\d\d ", row)]
    newest = sorted((e["date"] for e in events), reverse=True)
    assert dates == newest[:15]
    whole_on_a_line(screen, f"… {len(events) - 15} older events (`plnctl show ada-okafor --all`)")
    june = sum(1 for e in events if e["date"].startswith("2025-06"))
    assert f"June 2025 ({june})" in screen.rows
    everything = terminal(width, "--data-dir", where, "show", "ada", "--all")
    assert sum(1 for row in everything.rows if re.match(r"  \d{4}-", row)) == len(events)
    assert "older events" not in everything.text


def test_review_shows_five_per_section_and_counts_the_rest(cli: Cli, terminal: Run) -> None:
    for i in range(8):
        cli.ok("add", f"Weak Tie {i}")
        cli.ok("checkin", f"weak-tie-{i}", "--on", f"{100 + i}d")
    screen = terminal(80, "review")
    assert "Weak ties due for a visit (8)" in screen.rows
    assert sum(1 for row in screen.rows if row.startswith("  Weak Tie")) == 5
    whole_on_a_line(screen, "… 3 more (`plnctl review --all` shows them)")
    two = terminal(80, "review", "--limit", "2")
    assert sum(1 for row in two.rows if row.startswith("  Weak Tie")) == 2
    every = terminal(80, "review", "--all")
    assert sum(1 for row in every.rows if row.startswith("  Weak Tie")) == 8
    assert "more (" not in every.text


def test_review_all_marks_snoozed_ties_and_never_contradicts_itself(cli: Cli) -> None:
    for i in range(3):
        cli.ok("add", f"Due {i}")
        cli.ok("checkin", f"due-{i}", "--on", f"{100 + 10 * i}d")
    cli.ok("spread", "--over", "9")
    # A strong tie only just due is not at risk, but still has something to do.
    cli.ok("add", "Steady Friend", "--every", "7")
    for day in range(9, 60, 5):
        cli.ok("checkin", "steady", "--on", f"{day}d")
    out = cli.ok("review", "--all").out
    assert "(not shown:" not in out, out
    assert out.count("  snoozed until 2025-07-0") == 2, out
    block = re.split(r"\n  \S", out.split("Steady Friend (steady-friend)", 1)[1])[0]
    assert "nothing to do" not in block and "plnctl checkin steady-friend" in block, out
    assert "(not shown: 2 snoozed)" in cli.ok("review").out


def test_hostile_names_are_text_on_a_terminal(cli: Cli, terminal: Run) -> None:
    cli.ok("add", "[bold]<script>alert(1)</script>")
    cli.ok("checkin", "bold", "--on", "200d")
    screen = terminal(80, "review")
    assert "[bold]<script>alert(1)</script>" in screen.flat()
