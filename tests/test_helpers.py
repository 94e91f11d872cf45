"""The test helpers write tie files exactly as plnctl does, so tests may skip the CLI."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import Cli
from helpers import DAY, Ties, days_ago, weekly, write_tie


def without_ids(text: str) -> str:
    return re.sub(r'(?m)^id = "[0-9a-f]{16}"$', 'id = "?"', text)


def test_a_tie_with_every_field_is_written_byte_for_byte_as_plnctl_writes_it(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("add", "Open Pedagogy Blog", "--kind", "blog")
    cli.ok(
        "add",
        "Ann Lee",
        *("--url", "https://ann.example.org", "--topic", "pedagogy", "--tag", "colleague"),
        *("--via", "open", "--every", "14", "--note", "Runs the study group."),
    )
    cli.ok("set", "ann", "--pin", "strong")
    cli.ok("checkin", "ann", "--kind", "help-received", "--on", "2025-06-02", "--note", "syllabus")
    cli.ok(
        "checkin", "ann", "--kind", "converse", "--on", "2025-06-20", "--link", "https://l.example"
    )
    cli.ok("share", "https://example.org/rubrics", "--with", "ann", "--on", "2025-06-25")
    cli.ok("snooze", "ann", "--until", "2025-07-10")
    cli.ok("archive", "ann")
    ids = [event["id"] for event in cli.read_tie("ann-lee")["events"]]

    path = write_tie(
        tmp_path / "direct",
        "ann-lee",
        url="https://ann.example.org",
        topics=["pedagogy"],
        tags=["colleague"],
        via="open-pedagogy-blog",
        every=14,
        note="Runs the study group.",
        pin="strong",
        archived=True,
        snoozed_until="2025-07-10",
        events=[
            {"id": ids[0], "date": "2025-06-02", "kind": "help-received", "note": "syllabus"},
            {"id": ids[1], "date": "2025-06-20", "kind": "converse", "link": "https://l.example"},
            {
                "role": "with",  # keys in any order: the file has plnctl's order
                "what": "https://example.org/rubrics",
                "link": "https://example.org/rubrics",
                "kind": "share",
                "date": "2025-06-25",
                "id": ids[2],
            },
        ],
    )
    assert path.read_bytes() == cli.tie_file("ann-lee").read_bytes()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_a_history_is_written_as_check_ins_leave_it(cli: Cli, ties: Ties, tmp_path: Path) -> None:
    cli.ok("add", "Ann Lee")
    for weeks in range(3):
        cli.ok("checkin", "ann", "--on", f"{weeks}w")
    cli.ok("checkin", "ann", "--kind", "converse", "--on", "10d")
    by_cli = cli.tie_file("ann-lee").read_text(encoding="utf-8")
    cli.tie_file("ann-lee").unlink()

    path = ties.write("ann-lee", events=weekly(3, DAY) + days_ago(10, kind="converse"))
    assert path == cli.tie_file("ann-lee")
    assert without_ids(path.read_text(encoding="utf-8")) == without_ids(by_cli)
    assert cli.ok("show", "ann-lee").out.startswith("Ann Lee\n")


def ids_in(path: Path) -> list[str]:
    return re.findall(r'(?m)^id = "([0-9a-f]{16})"$', path.read_text(encoding="utf-8"))


def test_event_ids_are_unique_and_the_same_on_every_write(ties: Ties, data_dir: Path) -> None:
    first = ids_in(ties.write("ann", events=days_ago(1, 1, 2)))
    assert len(set(first)) == 3
    assert ids_in(ties.write("ann", events=days_ago(1, 1, 2))) == first
    assert not set(first) & set(ids_in(write_tie(data_dir, "ben", events=days_ago(1, 1, 2))))


def test_an_event_holding_a_table_is_laid_out_as_plnctl_does(cli: Cli, ties: Ties) -> None:
    path = ties.write("ann", events=[{"date": "2025-01-01", "kind": "read", "mine": {"a": 1}}])
    before = path.read_bytes()
    cli.ok("set", "ann", "--note", "x")
    cli.ok("set", "ann", "--note", "")
    assert path.read_bytes() == before
