"""What merges leave behind: sync tools' conflict copies, conflict markers, conflict records."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from conftest import Cli
from gitdevices import git, git_identity
from plnctl.copies import conflict_copy

ANN = """schema_version = 1
name = "Ann Lee"
note = "{note}"

[[events]]
id = "a1"
date = 2025-06-01
kind = "read"
{more}"""


def write_ann(path: Path, note: str = "mine", more: str = "") -> None:
    path.write_text(ANN.format(note=note, more=more), encoding="utf-8")
    path.chmod(0o600)


@pytest.fixture(autouse=True)
def _private_data_dir(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)


EVENT = '\n[[events]]\nid = "{id}"\ndate = 2025-06-{day}\nkind = "converse"\n'


@pytest.mark.parametrize(
    ("name", "original", "tool"),
    [
        ("ann-lee.sync-conflict-20251102-123456-ABCDEFG.toml", "ann-lee.toml", "Syncthing"),
        ("ann-lee.sync-conflict-20251102-123456.toml", "ann-lee.toml", "Syncthing"),
        ("ann-lee (conflicted copy 2025-11-02).toml", "ann-lee.toml", "a sync tool"),
        ("ann-lee (Ann Lee's conflicted copy 2025-11-02).toml", "ann-lee.toml", "a sync tool"),
        ("ann-lee (conflicted copy 2025-11-02 123456).toml", "ann-lee.toml", "a sync tool"),
        ("ann-lee (Nextcloud conflict).toml", "ann-lee.toml", "a sync tool"),
        ("ann-lee_conflict-20251102-123456.toml", "ann-lee.toml", "ownCloud or Nextcloud"),
        ("_shares (conflicted copy).toml", "_shares.toml", "a sync tool"),
        (
            "ann.sync-conflict-20251102-123456-ABCDEFG.sync-conflict-20251103-010101-XYZ1234.toml",
            "ann.toml",
            "Syncthing",
        ),
    ],
)
def test_sync_tools_conflict_copies_are_recognised(name: str, original: str, tool: str) -> None:
    copy = conflict_copy(name)
    assert copy is not None
    assert (copy.name, copy.original, copy.tool) == (name, original, tool)


@pytest.mark.parametrize(
    "name", ["ann (1).toml", "Ann Lee.toml", "ann-lee.toml", "notes (conflict).txt", "x.toml.bak"]
)
def test_other_files_are_not_conflict_copies(name: str) -> None:
    assert conflict_copy(name) is None


def test_review_says_once_that_there_are_copies_and_doctor_fix_folds_them(
    cli: Cli, data_dir: Path
) -> None:
    cli.ok("add", "Ben Stone")
    write_ann(data_dir / "ann-lee.toml", "mine", EVENT.format(id="o1", day="05"))
    write_ann(
        data_dir / "ann-lee.sync-conflict-20251102-123456-ABCDEFG.toml",
        "theirs",
        EVENT.format(id="t1", day="03"),
    )
    write_ann(data_dir / "ann-lee (conflicted copy 2025-11-02).toml", "mine")
    reviewed = cli.ok("review")
    assert reviewed.err == (
        "plnctl: warning: 2 conflict copies left by a sync tool (ann-lee (conflicted copy "
        "2025-11-02).toml, ann-lee.sync-conflict-20251102-123456-ABCDEFG.toml): "
        "`plnctl doctor --fix` folds them into their files\n"
    )
    doctor = cli.fails("doctor")
    assert doctor.out.count("a conflict copy of ann-lee.toml left by") == 2

    fixed = cli.ok("doctor", "--fix")
    assert fixed.out == (
        "folded ann-lee (conflicted copy 2025-11-02).toml into ann-lee.toml (nothing new)\n"
        "folded ann-lee.sync-conflict-20251102-123456-ABCDEFG.toml into ann-lee.toml "
        "(1 entry added, 1 set aside as conflicts)\n"
        f"{data_dir / 'ann-lee.toml'}:5: note: set aside by a merge: note: the other device had "
        "'theirs' (merged 2025-06-30); `plnctl set ann-lee --clear-conflicts` clears them\n"
        "all 2 ties OK\n"
    )
    assert sorted(p.name for p in data_dir.glob("*.toml")) == ["ann-lee.toml", "ben-stone.toml"]
    ann = cli.read_tie("ann-lee")
    assert [e["id"] for e in ann["events"]] == ["a1", "t1", "o1"]
    assert ann["note"] == "mine"
    assert ann["conflicts"] == [{"field": "note", "theirs": "theirs", "date": dt.date(2025, 6, 30)}]
    assert (
        "  - note: the other device had 'theirs' (merged 2025-06-30)" in cli.ok("show", "ann").out
    )
    assert cli.ok("review").err == ""


def test_doctor_fix_lines_say_what_each_fold_did(cli: Cli, data_dir: Path) -> None:
    write_ann(data_dir / "ann-lee.toml", "mine")
    write_ann(
        data_dir / "ann-lee (Nextcloud conflict).toml", "theirs", EVENT.format(id="t", day="09")
    )
    assert cli.ok("list").err == (
        "plnctl: warning: a conflict copy left by a sync tool (ann-lee (Nextcloud conflict).toml): "
        "`plnctl doctor --fix` folds it into the file it copies\n"
    )
    fixed = cli.ok("doctor", "--fix")
    assert fixed.out == (
        "folded ann-lee (Nextcloud conflict).toml into ann-lee.toml "
        "(1 entry added, 1 set aside as conflicts)\n"
        f"{data_dir / 'ann-lee.toml'}:5: note: set aside by a merge: note: the other device had "
        "'theirs' (merged 2025-06-30); `plnctl set ann-lee --clear-conflicts` clears them\n"
        "1 tie OK\n"
    )


def test_a_copy_of_a_file_that_is_gone_becomes_the_file_and_an_unreadable_copy_stays(
    cli: Cli, data_dir: Path
) -> None:
    write_ann(data_dir / "ann-lee (conflicted copy).toml", "theirs")
    (data_dir / "_shares.sync-conflict-20251102-123456-ABCDEFG.toml").write_text("shares = [")
    (data_dir / "_shares.sync-conflict-20251102-123456-ABCDEFG.toml").chmod(0o600)
    fixed = cli("doctor", "--fix")
    assert fixed.code == 1
    assert "folded ann-lee (conflicted copy).toml into ann-lee.toml (1 entry added)" in fixed.out
    copy = data_dir / "_shares.sync-conflict-20251102-123456-ABCDEFG.toml"
    assert fixed.err.startswith(
        f"plnctl: warning: kept {copy.name}: {copy}: not valid TOML: Invalid value"
    )
    assert fixed.err.endswith(
        f"plnctl: error: 1 problem in 1 file of {data_dir}; the change above is the only one made\n"
    )
    assert cli.read_tie("ann-lee")["note"] == "theirs"
    assert (data_dir / "_shares.sync-conflict-20251102-123456-ABCDEFG.toml").exists()
    (data_dir / "ben.toml").write_text('name = "Ben"\nevery = "often"\n')
    (data_dir / "ben.toml").chmod(0o600)
    write_ann(data_dir / "ann-lee (conflicted copy 2).toml", "two")
    write_ann(data_dir / "ann-lee (conflicted copy 3).toml", "three")
    again = cli("doctor", "--fix")
    assert again.code == 1
    assert again.err.endswith(
        f"plnctl: error: 2 problems in 2 files of {data_dir}; the 2 changes above are the only "
        "ones made\n"
    )
    assert cli.fails("doctor").err.endswith("; nothing was changed\n")


def test_a_copy_of_the_share_log_is_folded_by_id(cli: Cli, data_dir: Path) -> None:
    cli.ok("share", "one")
    log = (data_dir / "_shares.toml").read_text()
    other = log.replace('what = "one"', 'what = "two"').replace('id = "', 'id = "x')
    (data_dir / "_shares (conflicted copy).toml").write_text(other)
    cli.ok("doctor", "--fix")
    shares = tomllib.loads((data_dir / "_shares.toml").read_text())["shares"]
    assert [s["what"] for s in shares] == ["one", "two"]


def test_doctor_fix_in_a_git_data_directory_commits_the_fold(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git_identity(monkeypatch)
    cli.ok("add", "Ann Lee")
    cli.ok("sync", "init")
    copy = data_dir / "ann-lee.sync-conflict-20251102-123456-ABCDEFG.toml"
    copy.write_bytes(
        (data_dir / "ann-lee.toml").read_bytes() + EVENT.format(id="t", day="02").encode()
    )
    cli.ok("doctor", "--fix")
    assert git(data_dir, "log", "-1", "--format=%s") == f"doctor --fix: folded {copy.name}\n"
    assert git(data_dir, "status", "--porcelain") == ""


def test_conflict_markers_are_reported_never_read(cli: Cli, data_dir: Path) -> None:
    write_ann(data_dir / "ann-lee.toml")
    text = (data_dir / "ann-lee.toml").read_text()
    # Inside a multi-line string the markers would even be valid TOML.
    text = text.replace(
        'note = "mine"',
        'note = """\n<<<<<<< ours\nmine\n=======\ntheirs\n>>>>>>> theirs\n"""',
    )
    (data_dir / "ann-lee.toml").write_text(text)
    shown = cli.fails("show", "ann-lee")
    assert shown.err == (
        f"plnctl: error: {data_dir / 'ann-lee.toml'}: a merge left conflict markers in it "
        "(at line 4, column 1): keep the lines you want, delete the lines <<<<<<<, ======= "
        "and >>>>>>>, then run `plnctl doctor`\n"
    )
    doctor = cli.fails("doctor")
    assert f"{data_dir / 'ann-lee.toml'}:4: a merge left conflict markers in it" in doctor.out
    assert "skipped" in cli.ok("list").err
    cli.fails("checkin", "ann-lee")
    assert (data_dir / "ann-lee.toml").read_text() == text


def test_set_clears_conflict_records_and_show_json_lists_them(cli: Cli, data_dir: Path) -> None:
    write_ann(data_dir / "ann-lee.toml")
    refused = cli.fails("set", "ann", "--clear-conflicts")
    assert "no conflict records to clear" in refused.err
    with (data_dir / "ann-lee.toml").open("a") as handle:
        handle.write(
            '\n[[conflicts]]\nfield = "events"\nid = "a1"\ndate = 2025-07-01\n'
            '\n[conflicts.theirs]\nid = "a1"\ndate = 2025-06-01\nkind = "ask"\n'
        )
    doc = json.loads(cli.ok("show", "ann", "--json").out)
    assert doc["conflicts"] == [
        {
            "field": "events",
            "id": "a1",
            "date": "2025-07-01",
            "theirs": {"id": "a1", "date": "2025-06-01", "kind": "ask"},
        }
    ]
    shown = cli.ok("show", "ann").out
    assert "  - events a1: the other device had ask on 2025-06-01 (merged 2025-07-01)\n" in shown
    cli.ok("checkin", "ann")  # saving the tie keeps the records, as tables
    text = (data_dir / "ann-lee.toml").read_text()
    assert '\n[[conflicts]]\nfield = "events"\nid = "a1"\ndate = 2025-07-01\n' in text
    assert '\n[conflicts.theirs]\nid = "a1"\n' in text
    cli.ok("set", "ann", "--clear-conflicts")
    assert "conflicts" not in cli.read_tie("ann-lee")
    assert json.loads(cli.ok("show", "ann", "--json").out)["conflicts"] == []


def test_sharing_keeps_the_rest_of_the_share_log(cli: Cli, data_dir: Path) -> None:
    (data_dir / "_shares.toml").write_text(
        'schema_version = 1\nmine = "kept"\n\n[[conflicts]]\nfield = "shares"\nid = "s0"\n'
        'date = 2025-06-01\nremoved = true\n\n[[shares]]\nid = "s1"\ndate = 2025-06-02\n'
        'what = "one"\n'
    )
    cli.ok("share", "two")
    text = (data_dir / "_shares.toml").read_text()
    assert text.startswith(
        'schema_version = 1\nmine = "kept"\n\n[[conflicts]]\nfield = "shares"\nid = "s0"\n'
        'date = 2025-06-01\nremoved = true\n\n[[shares]]\nid = "s1"\ndate = 2025-06-02\n'
        'what = "one"\n\n[[shares]]\n'
    )
    assert "conflicts" in cli.ok("doctor").out
    before = (data_dir / "_shares.toml").read_bytes()
    for option in (("--since", "2025-06-01"), ("--json",)):
        refused = cli.fails("shares", "--clear-conflicts", *option)
        assert refused.err == (
            "plnctl: error: --clear-conflicts clears every conflict record of the share log; "
            f"run it without {option[0]}\n"
        )
    assert (data_dir / "_shares.toml").read_bytes() == before
    assert (
        cli.ok("shares", "--clear-conflicts").out == "cleared 1 conflict record from _shares.toml\n"
    )
    assert "conflicts" not in tomllib.loads((data_dir / "_shares.toml").read_text())


def test_merge_file_is_the_driver_git_runs(cli: Cli, tmp_path: Path) -> None:
    base, ours, theirs = (tmp_path / n for n in ("base", "ours", "theirs"))
    write_ann(base)
    write_ann(ours, "ours", EVENT.format(id="o", day="05"))
    write_ann(theirs, more=EVENT.format(id="t", day="04"))
    cli.ok("merge-file", str(base), str(ours), str(theirs), "ann-lee.toml")
    merged = tomllib.loads(ours.read_text())
    assert (merged["note"], [e["id"] for e in merged["events"]]) == ("ours", ["a1", "t", "o"])
    theirs.write_text("name = ")
    before = ours.read_bytes()
    failed = cli.fails("merge-file", str(base), str(ours), str(theirs), "ann-lee.toml")
    assert failed.err.startswith("plnctl: error: ann-lee.toml: theirs: not valid TOML")
    assert ours.read_bytes() == before
    assert "merge-file" not in cli.ok("--help").out


def test_doctor_fix_names_each_setting_the_copy_had_differently(cli: Cli, data_dir: Path) -> None:
    write_ann(data_dir / "ann-lee.toml", "mine")
    settings = data_dir / "_settings.toml"
    settings.write_text("half_life_days = 14\n\n[weights]\nconverse = 3\n", encoding="utf-8")
    copy = data_dir / "_settings (conflicted copy 2025-11-02).toml"
    copy.write_text(
        "half_life_days = 30\ndormant_days = 200\n\n[weights]\nconverse = 3\nread = 2\n",
        encoding="utf-8",
    )
    settings.chmod(0o600)
    copy.chmod(0o600)
    fixed = cli.ok("doctor", "--fix")
    assert fixed.out.splitlines()[:2] == [
        f"folded {copy.name} into _settings.toml (2 entries added)",
        "_settings.toml: half_life_days: the other device had 30; the value in _settings.toml "
        "stays (edit _settings.toml to change it)",
    ]
    assert not copy.exists()
    kept = tomllib.loads(settings.read_text(encoding="utf-8"))
    assert kept["half_life_days"] == 14
    assert kept["dormant_days"] == 200
    assert kept["weights"] == {"converse": 3, "read": 2}
