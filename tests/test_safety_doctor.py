"""`plnctl doctor` finds each kind of problem, names its file and line, and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli
from helpers import Ties, snapshot


@pytest.fixture
def two_ties(ties: Ties) -> None:
    ties.write("ann-lee", events=[("2025-06-01", "read")])
    ties.write("ben")


def test_a_missing_data_directory_is_not_an_error(cli: Cli) -> None:
    result = cli.ok("doctor")
    assert result.out == (
        f"{cli.data_dir}: note: the data directory does not exist yet\nall 0 ties OK\n"
    )
    assert result.err == ""
    assert not cli.data_dir.exists()  # doctor creates nothing


@pytest.mark.usefixtures("two_ties")
def test_a_healthy_directory_is_all_ok(cli: Cli) -> None:
    result = cli.ok("doctor")
    assert (result.out, result.err) == ("all 2 ties OK\n", "")
    assert json.loads(cli.ok("doctor", "--json").out) == {
        "data_dir": str(cli.data_dir),
        "ties": 2,
        "ok": True,
        "problems": [],
    }


@pytest.mark.usefixtures("two_ties")
def test_a_file_that_does_not_parse_is_reported_with_its_line(cli: Cli) -> None:
    path = cli.tie_file("ben")
    path.write_text('name = "Ben"\nurl = "unterminated\n', encoding="utf-8")
    before = snapshot(cli.data_dir)
    result = cli.fails("doctor")
    assert result.out.startswith(f"{path}:2: not valid TOML: ")
    assert result.err == (
        f"plnctl: error: 1 problem in 1 file of {cli.data_dir}; nothing was changed\n"
    )
    assert snapshot(cli.data_dir) == before


@pytest.mark.usefixtures("two_ties")
def test_each_wrong_field_gets_its_own_line(cli: Cli) -> None:
    path = cli.tie_file("ben")
    path.write_text(
        'name = "Ben"\nevery = "often"\n\n[[events]]\ndate = 2025-01-01\nkind = "teleport"\n',
        encoding="utf-8",
    )
    out = cli.fails("doctor").out.splitlines()
    assert out == [
        f"{path}:2: field 'every': Input should be a valid integer",
        f"{path}:6: field 'events[0].kind': Input should be 'read', 'listen', 'watch', 'visit', "
        "'comment', 'converse', 'ask', 'share', 'help-given' or 'help-received'",
    ]


def test_an_event_id_used_twice_in_a_file(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    path = cli.tie_file("ann-lee")
    path.write_text(
        'name = "Ann Lee"\n\n[[events]]\nid = "same"\ndate = 2025-01-01\nkind = "read"\n'
        '\n[[events]]\nid = "same"\ndate = 2025-01-02\nkind = "read"\n',
        encoding="utf-8",
    )
    result = cli.fails("doctor", "--json")
    assert json.loads(result.out)["problems"] == [
        {
            "file": "ann-lee.toml",
            "line": 9,
            "level": "error",
            "message": "event id 'same' is used twice (events 1 and 2); give one of them a new id",
        }
    ]


@pytest.mark.usefixtures("two_ties")
def test_two_files_claiming_one_tie_are_reported_and_never_merged(cli: Cli) -> None:
    original = cli.tie_file("ann-lee")
    copy = cli.tie_file("ann")
    copy.write_bytes(original.read_bytes())
    copy.chmod(0o600)
    before = snapshot(cli.data_dir)

    problems = json.loads(cli.fails("doctor", "--json").out)["problems"]
    assert problems == [
        {
            "file": "ann.toml",
            "line": None,
            "level": "note",
            "message": "holds 'Ann Lee', whose file would be ann-lee.toml: renamed by hand? "
            "plnctl keeps using the slug 'ann'",
        },
        {
            "file": "ann.toml",
            "line": None,
            "level": "error",
            "message": "claims the same tie as ann-lee.toml ('Ann Lee'); nothing was merged: "
            "`plnctl merge ann ann-lee` folds it in, or `plnctl rename ann NAME` tells the two "
            "apart",
        },
    ]
    # Commands keep working; the name alone is ambiguous, and says which files.
    err = cli.fails("checkin", "Ann Lee").err
    assert err == "plnctl: error: 2 ties are named 'Ann Lee': use a slug (ann, ann-lee)\n"
    assert snapshot(cli.data_dir) == before
    cli.ok("checkin", "ann")
    assert len(cli.read_tie("ann")["events"]) == 2
    assert cli.tie_file("ann-lee").read_bytes() == before["ann-lee.toml"]


@pytest.mark.usefixtures("two_ties")
def test_a_copy_under_another_name_is_found_by_its_event_ids(cli: Cli) -> None:
    text = cli.tie_file("ann-lee").read_text(encoding="utf-8")
    copy = cli.tie_file("annie")
    copy.write_text(text.replace('name = "Ann Lee"', 'name = "Annie"'), encoding="utf-8")
    copy.chmod(0o600)
    out = cli.fails("doctor").out
    assert f"{copy}: holds event " in out
    assert "that ann-lee.toml also holds: a copy of the same tie?" in out


@pytest.mark.usefixtures("two_ties")
def test_a_renamed_file_that_is_not_a_slug(cli: Cli) -> None:
    renamed = cli.data_dir / "Ann Lee.toml"
    cli.tie_file("ann-lee").rename(renamed)
    expected = (
        "the file name is not a tie slug (lowercase letters, digits and hyphens), so plnctl "
        "does not read it; rename it (for instance to ann-lee.toml, if no file has that name yet)"
    )
    assert cli.fails("doctor").out == f"{renamed}: {expected}\n"
    # Reading commands say so too, and still list the rest.
    listed = cli.ok("list", "--json")
    assert [t["slug"] for t in json.loads(listed.out)] == ["ben"]
    assert listed.err == (
        f"plnctl: warning: skipped {renamed}: {expected}\n"
        "plnctl: warning: skipped 1 unreadable file; `plnctl doctor` checks them\n"
    )
    assert renamed.exists()


@pytest.mark.usefixtures("two_ties")
def test_stray_files_temp_files_and_directories_are_notes(cli: Cli) -> None:
    (cli.data_dir / "README.md").write_text("my network\n", encoding="utf-8")
    (cli.data_dir / "archive").mkdir()
    (cli.data_dir / ".git").mkdir()
    temp = cli.data_dir / ".ben.toml.x1y2.tmp"
    temp.write_text("half", encoding="utf-8")
    result = cli.ok("doctor")
    assert result.out.splitlines() == [
        f"{temp}: note: a temporary file left by an interrupted write; the next change plnctl "
        "makes removes it, or delete it yourself",
        f"{cli.data_dir / 'README.md'}: note: not a tie file: plnctl ignores it",
        f"{cli.data_dir / 'archive'}: note: a directory: plnctl ignores it",
        "all 2 ties OK",
    ]
    # The next write, under the lock, removes the leftover; other files stay.
    cli.ok("checkin", "ben")
    assert not temp.exists()
    assert (cli.data_dir / "README.md").exists()


@pytest.mark.usefixtures("two_ties")
def test_permissions_others_could_read(cli: Cli) -> None:
    cli.data_dir.chmod(0o755)
    cli.tie_file("ben").chmod(0o644)
    assert cli.fails("doctor").out.splitlines() == [
        f"{cli.data_dir}: others can read or change it (mode 755); run: chmod 700 '{cli.data_dir}'",
        f"{cli.tie_file('ben')}: others can read or change it (mode 644); "
        f"run: chmod 600 '{cli.tie_file('ben')}'",
    ]
    # Rewriting a tie makes it private again.
    cli.ok("checkin", "ben")
    assert cli.tie_file("ben").stat().st_mode & 0o777 == 0o600
    cli.data_dir.chmod(0o755)
    cli.tie_file("ben").chmod(0o644)
    link = cli.data_dir / "linked.toml"
    link.symlink_to(cli.tie_file("ben"))
    fixed = cli("doctor", "--fix")
    assert fixed.out.splitlines()[:2] == [
        f"made {cli.data_dir} private (only you can read or change it)",
        "made ben.toml private (only you can read or change it)",
    ]
    assert cli.data_dir.stat().st_mode & 0o777 == 0o700
    assert cli.tie_file("ben").stat().st_mode & 0o777 == 0o600
    link.unlink()
    assert cli.ok("doctor").out.endswith("all 2 ties OK\n")


@pytest.mark.usefixtures("two_ties")
def test_newer_schema_settings_and_share_log(cli: Cli) -> None:
    newer = cli.tie_file("ben")
    newer.write_text('schema_version = 9\nname = "Ben"\n', encoding="utf-8")
    settings = cli.data_dir / "_settings.toml"
    settings.write_text("strong_at = 5\nhalf_lif_days = 10\n", encoding="utf-8")
    shares = cli.data_dir / "_shares.toml"
    shares.write_text('[[shares]]\nid = "s1"\ndate = "soon"\nwhat = "x"\n', encoding="utf-8")
    for path in (settings, shares):
        path.chmod(0o600)
    out = cli.fails("doctor").out.splitlines()
    assert out == [
        f"{settings}:2: invalid setting: unknown setting 'half_lif_days'",
        f"{shares}:1: share 1: 'date' must be a date (YYYY-MM-DD)",
        f"{newer}:1: written by a newer plnctl (schema_version 9, this one reads up to 1); "
        "upgrade plnctl to use it. The file was not changed",
    ]


def test_a_data_directory_that_is_a_file(cli: Cli) -> None:
    cli.data_dir.write_text("oops", encoding="utf-8")
    result = cli.fails("doctor")
    assert result.out == f"{cli.data_dir}: the data directory is not a directory\n"


@pytest.mark.usefixtures("two_ties")
def test_links_and_windows_device_names_are_notes(cli: Cli) -> None:
    cli.tie_file("ben").rename(cli.tie_file("nul"))
    ghost = cli.tie_file("ghost")
    ghost.symlink_to(cli.data_dir / "nowhere.toml")
    assert cli.fails("doctor").out.splitlines() == [
        f"{ghost}: note: a symbolic link: plnctl replaces it with a regular file when it writes it",
        f"{ghost}: No such file or directory",
        f"{cli.tie_file('nul')}: note: 'nul' is a device name on Windows, where this file "
        "cannot exist; rename it if you sync your ties there",
        f"{cli.tie_file('nul')}: note: holds 'Ben', whose file would be ben.toml: renamed by "
        "hand? plnctl keeps using the slug 'nul'",
    ]


def test_doctor_is_documented(cli: Cli) -> None:
    root = Path(__file__).resolve().parent.parent
    help_text = cli.ok("doctor", "--help").out
    assert "Example: plnctl doctor" in help_text
    assert "## plnctl doctor" in (root / "docs" / "cli.md").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "`plnctl doctor`" in readme
    assert "docs/data-safety.md" in readme
    assert (root / "docs" / "data-safety.md").exists()


def test_an_event_dated_after_today_is_a_note(cli: Cli, ties: Ties) -> None:
    ties.write("ann-lee", events=[("2025-06-01", "read"), ("2031-01-01", "converse")])
    result = cli.ok("doctor")
    event = cli.read_tie("ann-lee")["events"][1]["id"]
    assert result.out == (
        f"{cli.tie_file('ann-lee')}:{_line(cli, 'date = 2031-01-01')}: note: event {event!r} "
        "is dated 2031-01-01, after today: review, show and stats leave it out until then "
        "(a typo in the date?)\n1 tie OK\n"
    )


def _line(cli: Cli, text: str) -> int:
    lines = cli.tie_file("ann-lee").read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1
