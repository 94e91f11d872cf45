"""Two devices, one network: sync through a bare git remote, with plnctl's merge driver."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Cli
from gitdevices import Device, bare_remote, git, git_identity

# Real git: a bare remote and two clones for each test, a second or more each.
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _identity(monkeypatch: pytest.MonkeyPatch) -> None:
    git_identity(monkeypatch)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return bare_remote(tmp_path / "remote.git")


@pytest.fixture
def laptop(cli: Cli, tmp_path: Path, remote: Path) -> Device:
    """A device with a small network, synced once to the remote."""
    device = Device(cli, tmp_path / "laptop")
    device.ok("add", "Ann Lee", "--topic", "pedagogy")
    device.ok("add", "Ben Okafor")
    device.ok("add", "Cat Wu", "--via", "ben")
    device.ok("add", "Ben O.")  # a duplicate to merge later
    device.ok("checkin", "ann-lee", "--on", "2025-06-01")
    device.ok("checkin", "ben-okafor", "--on", "2025-06-02", "--note", "first talk")
    device.ok("checkin", "ben-o", "--on", "2025-06-03")
    device.ok("checkin", "cat", "--on", "2025-06-04")
    device.ok("sync", "init", str(remote))
    device.ok("sync")
    return device


@pytest.fixture
def desktop(cli: Cli, tmp_path: Path, remote: Path, laptop: Device) -> Device:
    device = Device(cli, tmp_path / "desktop")
    device.ok("sync", "init", "--clone", str(remote))
    return device


def all_ids(*devices: Device) -> set[str]:
    found: set[str] = set()
    for device in devices:
        for path in device.root.glob("*.toml"):
            if not path.name.startswith("_"):
                found |= device.event_ids(path.stem)
    return found


@pytest.mark.parametrize("first", ["laptop", "desktop"])
def test_two_devices_apart_end_with_identical_files_and_every_event(
    laptop: Device, desktop: Device, first: str
) -> None:
    # Apart: the laptop renames Ben, folds the duplicate into him, removes Cat,
    # logs and shares; the desktop logs with all of them, adds a tie via Ben.
    laptop.ok("checkin", "ann", "--kind", "converse", "--on", "2025-06-20")
    laptop.ok("share", "https://example.org/rubrics", "--with", "ann", "--with", "ben-okafor")
    laptop.ok("set", "ann", "--every", "14")
    laptop.ok("rename", "ben-okafor", "Ben Okafor-Lee")
    laptop.ok("merge", "ben-o", "ben-okafor-lee")
    laptop.ok("rm", "cat", "--yes")
    desktop.ok("checkin", "ann", "--kind", "read", "--on", "2025-06-21", "--note", "desk")
    desktop.ok("checkin", "ben-okafor", "--kind", "ask", "--on", "2025-06-22")
    desktop.ok("checkin", "ben-o", "--kind", "comment", "--on", "2025-06-23")
    desktop.ok("checkin", "cat", "--kind", "converse", "--on", "2025-06-24")
    desktop.ok("add", "Dee Park", "--via", "ben-okafor")
    desktop.ok("set", "ann", "--add-topic", "assessment")
    desktop.ok("share", "Notes on feedback")  # publicly: the share log
    logged = all_ids(laptop, desktop)

    one, two = (laptop, desktop) if first == "laptop" else (desktop, laptop)
    one.ok("sync")
    merged = two.ok("sync").out
    one.ok("sync")
    # The ties the laptop moved got the desktop's changes, and the vias followed.
    assert (
        "moved the changes to ben-o.toml into ben-okafor-lee.toml\n"
        "moved the changes to ben-okafor.toml into ben-okafor-lee.toml\n"
        "kept cat-wu.toml: changed on one device, deleted on the other\n"
        "updated --via in cat-wu, dee-park\n"
    ) in merged

    assert laptop.files() == desktop.files()
    names = sorted(laptop.files())
    assert names == [
        ".gitattributes",
        ".gitignore",
        "_shares.toml",
        "ann-lee.toml",
        "ben-okafor-lee.toml",
        "cat-wu.toml",  # removed on one device, logged with on the other: the log wins
        "dee-park.toml",
    ]
    assert all_ids(laptop) == logged
    ann = laptop.tie("ann-lee")
    assert ann["every"] == 14 and ann["topics"] == ["pedagogy", "assessment"]
    assert [e["kind"] for e in ann["events"]] == ["read", "converse", "read", "share"]
    ben = laptop.tie("ben-okafor-lee")
    assert ben["name"] == "Ben Okafor-Lee"
    assert sorted(e["kind"] for e in ben["events"]) == ["ask", "comment", "read", "read", "share"]
    assert laptop.tie("dee-park")["via"] == "ben-okafor-lee"
    assert laptop.tie("cat-wu")["via"] == "ben-okafor-lee"
    assert [s["what"] for s in laptop.tie("_shares")["shares"]] == ["Notes on feedback"]
    for content in laptop.files().values():
        assert b"<<<<<<<" not in content and b">>>>>>>" not in content
    for device in (laptop, desktop):
        assert device.git("status", "--porcelain") == ""
        doctor = device.ok("doctor")
        assert doctor.out == "all 4 ties OK\n", doctor.out
    assert laptop.git("rev-parse", "HEAD") == desktop.git("rev-parse", "HEAD")


def test_a_field_both_devices_changed_keeps_this_ones_and_records_the_other(
    laptop: Device, desktop: Device
) -> None:
    laptop.ok("set", "ann", "--note", "from the laptop")
    desktop.ok("set", "ann", "--note", "from the desktop")
    laptop.ok("sync")
    synced = desktop.ok("sync")
    assert (
        "ann-lee.toml: 1 change both devices made differently set aside "
        "(`plnctl show ann-lee` or `plnctl doctor`)"
    ) in synced.out
    ann = desktop.tie("ann-lee")
    assert ann["note"] == "from the desktop"
    assert ann["conflicts"] == [
        {"field": "note", "theirs": "from the laptop", "date": ann["added"]}
    ]
    shown = desktop.ok("show", "ann")
    assert (
        "Set aside by a merge (1): `plnctl set ann-lee --clear-conflicts` clears them\n"
        "  - note: the other device had 'from the laptop' (merged 2025-06-30)\n"
    ) in shown.out
    doctor = desktop.ok("doctor")
    assert "note: set aside by a merge: note: the other device had 'from the laptop'" in doctor.out
    refused = desktop.fails("undo", "--yes")
    assert "merged another device's changes; undo reverts only a change plnctl made here" in (
        refused.err
    )
    desktop.ok("set", "ann", "--clear-conflicts")
    assert "conflicts" not in desktop.tie("ann-lee")
    assert desktop.subjects()[0] == "set ann-lee: conflicts"
    desktop.ok("sync")
    laptop.ok("sync")
    assert laptop.files() == desktop.files()


def test_every_write_is_one_commit_of_exactly_its_files(laptop: Device) -> None:
    (laptop.root / "notes.md").write_text("my own notes\n")
    laptop.ok("checkin", "ann", "--kind", "converse")
    laptop.ok("rename", "cat", "Cat Wu-Park")
    laptop.ok("share", "a post")
    made_by = "%(trailers:key=Made-by,valueonly,separator=)"
    log = laptop.git("log", "-3", f"--format=%x00%s [{made_by}]", "--name-status", "--no-renames")
    assert [" ".join(entry.split()) for entry in log.split("\0")[1:]] == [
        "share 'a post' publicly [plnctl] A _shares.toml",
        "rename cat-wu: to cat-wu-park (Cat Wu-Park) [plnctl] A cat-wu-park.toml D cat-wu.toml",
        "checkin ann-lee: converse on 2025-06-30 [plnctl] M ann-lee.toml",
    ]
    assert laptop.git("status", "--porcelain") == "?? notes.md\n"


def test_autocommit_false_leaves_committing_to_you(laptop: Device) -> None:
    (laptop.root / "_settings.toml").write_text("autocommit = false\n")
    head = laptop.git("rev-parse", "HEAD")
    laptop.ok("checkin", "ann")
    assert laptop.git("rev-parse", "HEAD") == head
    synced = laptop.ok("sync")
    assert synced.out.startswith("committed hand edits: _settings.toml, ann-lee.toml\n")
    assert laptop.subjects()[0] == "hand edits: _settings.toml, ann-lee.toml"


def test_a_write_that_cannot_be_committed_is_saved_and_says_why(laptop: Device) -> None:
    laptop.git("checkout", "-q", "--detach")
    done = laptop.ok("checkin", "ann")
    assert "logged read with Ann Lee" in done.out
    assert done.err.startswith(
        "plnctl: warning: the change is saved but not committed: the repository is on a "
        "detached HEAD"
    )
    assert laptop.git("status", "--porcelain") == " M ann-lee.toml\n"
    stopped = laptop.fails("sync")
    assert "cannot sync: the repository is on a detached HEAD" in stopped.err


def test_log_shows_what_changed_newest_first(laptop: Device) -> None:
    laptop.ok("checkin", "ann", "--kind", "converse")
    laptop.ok("rename", "ann", "Ann Lee-Park")
    shown = laptop.ok("log", "-n", "2")
    lines = shown.out.splitlines()
    import re

    assert all(re.match(r"[0-9a-f]{7,}  \d{4}-\d\d-\d\d \d\d:\d\d  \S", line) for line in lines)
    assert [line.split("  ", 2)[2] for line in lines] == [
        "rename ann-lee: to ann-lee-park (Ann Lee-Park)",
        "checkin ann-lee: converse on 2025-06-30",
    ]
    one_tie = laptop.ok("log", "ann-lee-park").out.splitlines()
    assert [line.split("  ", 2)[2] for line in one_tie] == [
        "rename ann-lee: to ann-lee-park (Ann Lee-Park)",
        "checkin ann-lee: converse on 2025-06-30",
        "sync init: the data directory in git",
    ]
    gone = laptop.ok("log", "ann-lee", "--json")  # a slug that is no more
    import json

    doc = json.loads(gone.out)
    assert [c["message"] for c in doc] == [
        "rename ann-lee: to ann-lee-park (Ann Lee-Park)",
        "checkin ann-lee: converse on 2025-06-30",
        "sync init: the data directory in git",
    ]
    assert doc[0]["files"] == ["ann-lee-park.toml"]  # the tie's file, as that commit named it
    assert doc[0]["by_plnctl"] is True and doc[0]["merge"] is False
    assert len(doc[0]["commit"]) == 40 and doc[0]["date"].startswith("20")
    everything = json.loads(laptop.ok("log", "--json", "-n", "1").out)
    assert everything[0]["files"] == ["ann-lee-park.toml", "ann-lee.toml"]


def test_undo_reverts_plnctls_last_change_with_a_new_commit(laptop: Device) -> None:
    laptop.ok("checkin", "ann", "--kind", "converse")
    before = laptop.event_ids("ann-lee")
    laptop.ok("rm", "ben-okafor", "--yes")
    refused = laptop.fails("undo")
    assert "no terminal to confirm on; pass --yes" in refused.err
    done = laptop.ok("undo", "--yes")
    assert done.out.endswith(": rm ben-okafor\n")
    assert (laptop.root / "ben-okafor.toml").is_file()
    assert laptop.subjects()[:2] == ["undo rm ben-okafor", "rm ben-okafor"]
    laptop.ok("undo", "--yes")  # undoing the undo removes it again
    assert not (laptop.root / "ben-okafor.toml").exists()
    laptop.ok("undo", "--yes")
    laptop.ok("list")  # the index sees the files git changed
    assert laptop.event_ids("ann-lee") == before
    assert oct((laptop.root / "ben-okafor.toml").stat().st_mode & 0o777) == "0o600"


def test_undo_refuses_another_commit_hand_edits_and_no_git(
    laptop: Device, cli: Cli, tmp_path: Path
) -> None:
    (laptop.root / "ann-lee.toml").write_text(
        (laptop.root / "ann-lee.toml").read_text() + "# mine\n"
    )
    edits = laptop.fails("undo", "--yes")
    assert "changes not committed yet (ann-lee.toml)" in edits.err
    laptop.git("commit", "-qam", "my own commit")
    theirs = laptop.fails("undo", "--yes")
    assert "'my own commit') was not made by plnctl" in theirs.err
    plain = Device(cli, tmp_path / "plain")
    plain.ok("add", "Ann")
    nogit = plain.fails("undo", "--yes")
    assert nogit.err == (
        f"plnctl: error: {plain.root} is not kept in git yet: `plnctl sync init` makes it a "
        "repository, and then every change is a commit\n"
    )
    assert "not kept in git yet" in plain.fails("log").err


def test_sync_without_a_remote_or_offline_keeps_the_commits_and_exits_1(
    cli: Cli, tmp_path: Path
) -> None:
    alone = Device(cli, tmp_path / "alone")
    alone.ok("add", "Ann")
    alone.ok("sync", "init")
    alone.ok("checkin", "ann")
    stopped = alone.fails("sync")
    assert "no remote to sync with: your changes are committed here" in stopped.err
    alone.git("remote", "add", "origin", str(tmp_path / "nowhere.git"))
    offline = alone.fails("sync")
    assert "could not reach origin" in offline.err
    assert "your changes stay committed here (2 commits to push)" in offline.err
    assert alone.subjects()[0] == "checkin ann: read on 2025-06-30"


def test_a_remote_that_refuses_the_push_loses_nothing(laptop: Device, remote: Path) -> None:
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'read-only mirror' >&2\nexit 1\n")
    hook.chmod(0o755)
    laptop.ok("checkin", "ann")
    refused = laptop.fails("sync")
    assert "origin refused the push (pre-receive hook declined: read-only mirror)" in refused.err
    assert "your changes stay committed here (1 commit to push)" in refused.err
    assert laptop.subjects()[0] == "checkin ann-lee: read on 2025-06-30"


def test_a_push_rejected_by_a_race_fetches_merges_and_pushes_again(
    laptop: Device, desktop: Device, tmp_path: Path
) -> None:
    """The desktop pushes between the laptop's fetch and push: the laptop's first push
    is rejected, so it fetches, merges and pushes again."""
    desktop.ok("checkin", "ann", "--kind", "ask", "--note", "raced")
    hook = laptop.root / ".git" / "hooks" / "pre-push"
    marker = tmp_path / "raced"
    hook.write_text(
        f"#!/bin/sh\n[ -e '{marker}' ] && exit 0\ntouch '{marker}'\n"
        f"git -C '{desktop.root}' push -q origin main\n"
    )
    hook.chmod(0o755)
    laptop.ok("checkin", "ann", "--kind", "converse")
    synced = laptop.ok("sync")
    assert "merged 1 commit from origin/main: ann-lee.toml" in synced.out
    assert [e["kind"] for e in laptop.tie("ann-lee")["events"]] == ["read", "converse", "ask"]
    assert laptop.git("rev-parse", "HEAD") == laptop.git("rev-parse", "origin/main")


def test_two_syncs_at_once_take_turns(laptop: Device, desktop: Device) -> None:
    import subprocess
    import sys

    from helpers import SRC

    desktop.ok("checkin", "ann", "--kind", "ask")
    desktop.ok("sync")
    laptop.ok("checkin", "ann", "--kind", "converse")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "plnctl", "--data-dir", str(laptop.root), "sync"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert laptop.git("status", "--porcelain") == ""
    assert [e["kind"] for e in laptop.tie("ann-lee")["events"]] == ["read", "converse", "ask"]
    assert laptop.git("rev-parse", "HEAD") == laptop.git("rev-parse", "origin/main")


def test_a_merge_killed_part_way_says_what_to_do_and_loses_nothing(
    laptop: Device, desktop: Device
) -> None:
    desktop.ok("checkin", "ann", "--kind", "ask")
    desktop.ok("sync")
    laptop.ok("checkin", "ann", "--kind", "converse")
    laptop.git("fetch", "-q")
    driver = laptop.git("config", "merge.plnctl.driver").strip()
    # The merge dies in the middle, as under SIGKILL, holding git's index lock.
    laptop.git("config", "merge.plnctl.driver", "kill -9 $PPID")
    laptop.git("merge", "-q", "--no-ff", "--no-commit", "origin/main", check=False)
    laptop.git("config", "merge.plnctl.driver", driver)
    stopped = laptop.fails("sync")
    assert "index.lock exists: another git command is running, or one was killed" in stopped.err
    assert [e["kind"] for e in laptop.tie("ann-lee")["events"]] == ["read", "converse"]
    (laptop.root / ".git" / "index.lock").unlink()
    laptop.ok("sync")
    assert [e["kind"] for e in laptop.tie("ann-lee")["events"]] == ["read", "converse", "ask"]
    assert laptop.git("status", "--porcelain") == ""


def test_an_unreadable_side_stops_the_merge_and_keeps_both_versions(
    laptop: Device, desktop: Device
) -> None:
    desktop.ok("checkin", "ann", "--kind", "ask")
    desktop.ok("sync")
    path = laptop.root / "ann-lee.toml"
    path.write_text(path.read_text().replace('kind = "person"', 'kind = "person'))
    laptop.git("commit", "-qam", "broken by hand")  # sync itself commits no broken edit
    stopped = laptop.fails("sync")
    assert "git could not merge ann-lee.toml (ann-lee.toml: ours: not valid TOML" in stopped.err
    assert "`git add` each, then run `plnctl sync` again" in stopped.err
    assert stopped.out == ""
    again = laptop.fails("sync")
    assert "A merge is waiting for you, both versions kept: fix ann-lee.toml" in again.err
    assert "a git merge is not finished" in laptop.fails("doctor").out
    laptop.git("checkout", "--theirs", "ann-lee.toml")
    laptop.git("add", "ann-lee.toml")
    finished = laptop.ok("sync")
    assert finished.out.startswith("finished the merge left unfinished\n")
    assert [e["kind"] for e in laptop.tie("ann-lee")["events"]] == ["read", "ask"]


def test_the_index_notices_files_git_changed(laptop: Device, desktop: Device) -> None:
    import json

    assert json.loads(laptop.ok("list", "--json").out)[0]["event_count"] == 1
    desktop.ok("checkin", "ann", "--kind", "converse")
    desktop.ok("sync")
    laptop.ok("sync")
    listed = {t["slug"]: t["event_count"] for t in json.loads(laptop.ok("list", "--json").out)}
    assert listed["ann-lee"] == 2


def test_sync_init_twice_changes_nothing_and_refuses_a_repository_around_it(
    cli: Cli, tmp_path: Path, remote: Path
) -> None:
    device = Device(cli, tmp_path / "pln")
    device.ok("add", "Ann")
    first = device.ok("sync", "init", str(remote))
    assert first.out == (
        f"made {device.root} a git repository\n"
        "registered plnctl's merge driver in .git/config\n"
        "wrote .gitattributes, .gitignore\n"
        "committed the data directory as it is\n"
        f"origin is {remote}\n"
    )
    files = device.files()
    config = (device.root / ".git" / "config").read_text()
    head = device.git("rev-parse", "HEAD")
    again = device.ok("sync", "init", str(remote))
    assert again.out == ""
    assert again.err == f"plnctl: sync is already set up in {device.root}; nothing changed\n"
    assert (device.files(), (device.root / ".git" / "config").read_text()) == (files, config)
    assert device.git("rev-parse", "HEAD") == head
    moved = device.ok("sync", "init", str(tmp_path / "elsewhere.git"))
    assert moved.out == f"origin is {tmp_path / 'elsewhere.git'} (was {remote})\n"
    assert device.git("check-attr", "merge", "ann.toml") == "ann.toml: merge: plnctl\n"
    assert device.git("check-ignore", ".lock", ".ann.toml.x1.tmp").split() == [
        ".lock",
        ".ann.toml.x1.tmp",
    ]

    outer = tmp_path / "notes"
    outer.mkdir()
    git(outer, "init", "-q")
    inside = Device(cli, outer / "pln")
    inside.ok("add", "Ann")
    refused = inside.fails("sync", "init")
    assert f"is inside the git repository {outer}" in refused.err
    assert not (outer / "pln" / ".git").exists()


def test_sync_init_without_git_says_how_to_get_it(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    device = Device(cli, tmp_path / "pln")
    device.ok("add", "Ann")
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    failed = device.fails("sync", "init")
    assert failed.err.startswith("plnctl: error: git is not installed (or not on PATH)")


def test_a_clone_made_by_hand_is_adopted(cli: Cli, tmp_path: Path, laptop: Device) -> None:
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), "by-hand")
    device = Device(cli, tmp_path / "by-hand")
    device.ok("sync", "init")
    assert device.git("config", "merge.plnctl.driver").endswith(" merge-file %O %A %B %P\n")
    assert sorted(p.name for p in device.root.glob("*.toml")) == sorted(
        p.name for p in laptop.root.glob("*.toml")
    )
    assert all((p.stat().st_mode & 0o077) == 0 for p in device.root.glob("*.toml"))
    device.ok("doctor")


def test_a_rename_on_one_device_takes_the_check_ins_of_the_other(
    laptop: Device, desktop: Device
) -> None:
    laptop.ok("rename", "ann", "Ann Lee-Park")
    desktop.ok("checkin", "ann", "--kind", "converse", "--on", "2025-06-10")
    desktop.ok("checkin", "ann", "--kind", "ask", "--on", "2025-06-12")
    desktop.ok("add", "Eve Moreau", "--via", "ann")
    laptop.ok("sync")
    merged = desktop.ok("sync")
    assert "updated --via in eve-moreau" in merged.out
    laptop.ok("sync")
    assert laptop.files() == desktop.files()
    assert not (laptop.root / "ann-lee.toml").exists()
    ann = laptop.tie("ann-lee-park")
    assert ann["name"] == "Ann Lee-Park"
    assert [e["kind"] for e in ann["events"]] == ["read", "converse", "ask"]
    assert laptop.tie("eve-moreau")["via"] == "ann-lee-park"
    laptop.ok("doctor")


def test_one_tie_renamed_differently_on_two_devices_says_how_to_fold_them(
    laptop: Device, desktop: Device
) -> None:
    laptop.ok("rename", "ann", "Ann Lee-Park")
    desktop.ok("rename", "ann", "Ann Park")
    desktop.ok("checkin", "ann-park", "--kind", "ask", "--on", "2025-06-12")
    laptop.ok("sync")
    merged = desktop.ok("sync")
    assert (
        "ann-lee.toml became ann-park.toml here and ann-lee-park.toml on the other device: "
        "both hold its history; `plnctl merge ann-lee-park ann-park` folds them into one"
    ) in merged.out
    desktop.ok("merge", "ann-lee-park", "ann-park")
    desktop.ok("sync")
    laptop.ok("sync")
    assert laptop.files() == desktop.files()
    assert [e["kind"] for e in laptop.tie("ann-park")["events"]] == ["read", "ask"]
    laptop.ok("doctor")
    # Merged into two ties that were there before: no advice to fold those two together.
    laptop.ok("merge", "ben-o", "ben-okafor")
    desktop.ok("merge", "ben-o", "cat")
    laptop.ok("sync")
    assert "became" not in desktop.ok("sync").out


def test_the_sync_walkthrough_shows_real_commands_and_output(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/sync.md, run step by step: its /tmp paths are this test's, and commit ids
    (which differ on every run) are compared as placeholders."""
    import re
    import shlex
    import subprocess

    monkeypatch.setenv("GIT_AUTHOR_DATE", "2025-06-30T09:00:00+00:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2025-06-30T09:00:00+00:00")
    text = (Path(__file__).resolve().parent.parent / "docs" / "sync.md").read_text("utf-8")
    here = f"{tmp_path}/pln-"

    def same(shown: str) -> str:
        return re.sub(r"\b[0-9a-f]{7}\b", "<commit>", shown)

    steps = 0
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, shown = chunk.partition("\n")
            words = shlex.split(command.replace("/tmp/pln-", here))
            if words[0] == "export":
                name, _, value = words[1].partition("=")
                monkeypatch.setenv(name, value)
                continue
            if words[0] == "git":
                done = subprocess.run(words, capture_output=True, text=True, check=True)
                got = done.stdout + done.stderr
            else:
                assert words[0] == "plnctl", command
                result = cli(*words[1:])
                assert result.code == (1 if "plnctl: error:" in shown else 0), str(result)
                got = result.out + result.err
            got = got.replace(here, "/tmp/pln-")
            assert same(got) == same(shown), f"docs/sync.md: $ {command}\n{got}"
            steps += 1
    assert steps >= 20


def test_sync_init_says_how_to_tell_git_who_you_are(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key)
    # Never guess a name from the machine, as git may where the host has a domain.
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.useConfigOnly")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "true")
    device = Device(cli, tmp_path / "pln")
    device.ok("add", "Ann")
    failed = device.fails("sync", "init")
    assert failed.err == (
        "plnctl: error: git does not know who you are: run `git config --global user.name "
        "'Your Name'` and `git config --global user.email you@example.org`\n"
    )
    assert not (device.root / ".git").exists()


def test_set_aside_changes_in_the_profile_share_log_and_settings_say_how_to_see_them(
    laptop: Device, desktop: Device
) -> None:
    import json

    laptop.ok("learn", "statistics", "--why", "for work")
    laptop.ok("share", "https://example.org/p")
    (laptop.root / "_settings.toml").write_text("quiet_days = 30\n\n[weights]\nread = 1.5\n")
    laptop.ok("sync")
    desktop.ok("sync")
    laptop.ok("learn", "statistics", "--why", "for the thesis")
    laptop.ok("profile", "set", "--about", "from the laptop")
    desktop.ok("learn", "statistics", "--why", "for fun")
    desktop.ok("profile", "set", "--about", "from the desktop")
    for device, kept in ((laptop, "2"), (desktop, "3")):
        settings = device.root / "_settings.toml"
        settings.write_text(settings.read_text().replace("read = 1.5", f"read = {kept}"))
        shares = device.root / "_shares.toml"
        shares.write_text(
            shares.read_text().replace(
                'what = "https://example.org/p"', f'what = "https://example.org/{device.root.name}"'
            )
        )
    laptop.ok("sync")
    synced = desktop.ok("sync")
    assert synced.out == (
        "committed hand edits: _settings.toml, _shares.toml\n"
        "merged 3 commits from origin/main: _profile.toml, _shares.toml\n"
        "_profile.toml: 2 changes both devices made differently set aside "
        "(`plnctl profile` or `plnctl doctor`)\n"
        "_shares.toml: 1 change both devices made differently set aside "
        "(`plnctl shares` or `plnctl doctor`)\n"
        "_settings.toml: weights.read: the other device had 2; this device's value stays "
        "(edit _settings.toml to change it)\n"
        "pushed 4 commits to origin/main\n"
    )
    profile = desktop.ok("profile").out
    assert profile.endswith(
        "\nSet aside by a merge (2): `plnctl profile set --clear-conflicts` clears them\n"
        "  - about: the other device had 'from the laptop' (merged 2025-06-30)\n"
        "  - learn statistics why: the other device had 'for the thesis' (merged 2025-06-30)\n"
    )
    assert json.loads(desktop.ok("profile", "--json").out)["conflicts"] == [
        {"field": "about", "theirs": "from the laptop", "date": "2025-06-30"},
        {
            "field": "learn",
            "topic": "statistics",
            "key": "why",
            "theirs": "for the thesis",
            "date": "2025-06-30",
        },
    ]
    share_id = desktop.tie("_shares")["shares"][0]["id"]
    listed = desktop.ok("shares").out
    assert listed.startswith(
        "Set aside by a merge (1): `plnctl shares --clear-conflicts` clears them\n"
        f"  - shares {share_id}: the other device had 'https://example.org/laptop' on "
        "2025-06-30 (merged 2025-06-30)\n"
        "date        what"
    )
    assert json.loads(desktop.ok("shares", "--json").out)["conflicts"][0]["id"] == share_id
    doctor = desktop.ok("doctor").out
    assert doctor.count("; `plnctl profile set --clear-conflicts` clears them\n") == 2
    assert doctor.count("; `plnctl shares --clear-conflicts` clears them\n") == 1

    assert desktop.ok("profile", "set", "--clear-conflicts").out == (
        "updated your profile: conflicts\n"
    )
    assert desktop.ok("shares", "--clear-conflicts").out == (
        "cleared 1 conflict record from _shares.toml\n"
    )
    assert "conflicts" not in desktop.tie("_profile")
    assert "conflicts" not in desktop.tie("_shares")
    assert desktop.tie("_profile")["about"] == "from the desktop"
    assert desktop.subjects()[:2] == ["shares: conflicts", "profile set"]
    assert desktop.ok("doctor").out == "all 4 ties OK\n"
    again = desktop.fails("profile", "set", "--clear-conflicts")
    assert again.err == (
        "plnctl: error: no conflict records to clear in _profile.toml: `plnctl profile` lists "
        "any there are\n"
    )
    assert (
        "no conflict records to clear in _shares.toml"
        in desktop.fails("shares", "--clear-conflicts").err
    )


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            lambda text: text.replace('kind = "person"', 'kind = "robot"'),
            "ann-lee.toml:3: field 'kind': Input should be 'person' or 'source'",
        ),
        (
            lambda text: text + "\n[[events]\n",
            "ann-lee.toml:15: not valid TOML: Expected ']]' at the end of an array declaration",
        ),
    ],
)
def test_sync_commits_and_pushes_no_hand_edit_doctor_rejects(
    laptop: Device, remote: Path, edit: Callable[[str], str], problem: str
) -> None:
    head, pushed = laptop.git("rev-parse", "HEAD").strip(), git(remote, "rev-parse", "main")
    laptop.ok("checkin", "cat")  # a commit of plnctl's own, waiting to be pushed
    path = laptop.root / "ann-lee.toml"
    before = path.read_text()
    path.write_text(edit(before))
    (laptop.root / "notes.md").write_text("my own notes\n")  # not plnctl's: never checked
    stopped = laptop.fails("sync")
    assert stopped.out == ""
    assert stopped.err == (
        f"plnctl: error: cannot sync: {problem}; fix it (`plnctl doctor` lists every "
        "problem) or undo the edit, then sync again; to sync it as it is, commit it "
        "yourself (`git commit`) first; nothing was committed or pushed\n"
    )
    assert laptop.git("rev-list", "--count", f"{head}..HEAD") == "1\n"
    assert git(remote, "rev-parse", "main") == pushed
    assert laptop.git("status", "--porcelain") == " M ann-lee.toml\n?? notes.md\n"
    path.write_text(before.replace('kind = "person"', 'kind = "person"\nnote = "by hand"'))
    synced = laptop.ok("sync")
    assert synced.out.startswith("committed hand edits: ann-lee.toml, notes.md\n")


def test_sync_stops_at_a_conflict_copy_and_names_every_file_with_a_problem(
    laptop: Device,
) -> None:
    copy = laptop.root / "ann-lee (conflicted copy 2025-11-02).toml"
    copy.write_text((laptop.root / "ann-lee.toml").read_text())
    (laptop.root / "ben-o.toml").write_text("name = ")
    stopped = laptop.fails("sync")
    assert stopped.err.startswith(
        "plnctl: error: cannot sync: ann-lee (conflicted copy 2025-11-02).toml: a conflict copy "
        "of ann-lee.toml left by a sync tool: `plnctl doctor --fix` folds it into ann-lee.toml "
        "(and 1 more file); fix it"
    )


def test_log_of_a_tie_that_never_was_is_an_error(laptop: Device) -> None:
    unknown = laptop.fails("log", "nobody")
    assert unknown.err == "plnctl: error: no tie matches 'nobody'; `plnctl list` shows every tie\n"
    assert laptop.fails("log", "no body").err.startswith("plnctl: error: no tie matches")
    laptop.ok("rm", "cat", "--yes")
    assert laptop.ok("log", "cat-wu", "-n", "1").out.endswith("  rm cat-wu\n")


def test_sync_init_keeps_a_remote_it_cannot_reach_and_says_sync_will_fail(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = Device(cli, tmp_path / "pln")
    device.ok("add", "Ann")
    missing = tmp_path / "nowhere.git"
    done = device.ok("sync", "init", str(missing))
    assert done.out.endswith(f"origin is {missing}\n")
    assert done.err == (
        "plnctl: every change is now a commit; `plnctl sync` syncs with origin\n"
        f"plnctl: warning: cannot reach {missing} ('{missing}' does not appear to be a git "
        "repository): `plnctl sync` fails until it exists and can be reached; `plnctl sync "
        "init REMOTE` sets another\n"
    )
    assert "could not reach origin" in device.fails("sync").err
    # A relative path is the one the user sees from here, not from the data directory.
    bare_remote(tmp_path / "made-later.git")
    monkeypatch.chdir(tmp_path)
    moved = device.ok("sync", "init", "made-later.git")
    assert moved.out == f"origin is {tmp_path / 'made-later.git'} (was {missing})\n"
    assert "warning" not in moved.err
    device.ok("sync")
    clone = Device(cli, tmp_path / "clone")
    cloned = clone.ok("sync", "init", "--clone", "made-later.git")
    assert cloned.out.startswith(f"cloned {tmp_path / 'made-later.git'} into {clone.root}\n")
    assert (clone.root / "ann.toml").is_file()


def test_a_broken_file_committed_by_hand_elsewhere_is_named_when_it_arrives(
    laptop: Device, desktop: Device
) -> None:
    path = desktop.root / "ann-lee.toml"
    path.write_text(path.read_text().replace('kind = "person"', 'kind = "robot"'))
    desktop.git("commit", "-qam", "my own commit")
    desktop.ok("sync")
    synced = laptop.ok("sync")
    assert synced.out == "merged 1 commit from origin/main: ann-lee.toml\n"
    assert synced.err == (
        "plnctl: warning: received ann-lee.toml, which plnctl cannot use as it is: skipped "
        "until fixed (`plnctl doctor` says why)\n"
    )


def test_a_device_cloned_before_the_first_push_syncs_on_the_same_branch(
    cli: Cli, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    remote.mkdir()
    git(remote, "init", "-q", "--bare", "-b", "master")  # git's old default, not plnctl's
    one, two = Device(cli, tmp_path / "one"), Device(cli, tmp_path / "two")
    one.ok("add", "Ann Lee")
    one.ok("sync", "init", str(remote))
    two.ok("sync", "init", "--clone", str(remote))  # the remote is still empty
    assert two.git("symbolic-ref", "--short", "HEAD").strip() == "main"
    two.ok("add", "Ben Okafor")
    one.ok("sync")
    two.ok("sync")
    one.ok("sync")
    assert sorted(p.name for p in one.root.glob("*.toml")) == ["ann-lee.toml", "ben-okafor.toml"]
    assert one.files() == two.files()


def synced_pair(cli: Cli, tmp_path: Path) -> tuple[Device, Device]:
    """Two fresh devices: `one` with Ann Lee, synced, and `two` cloned from it."""
    remote = bare_remote(tmp_path / "remote.git")
    one, two = Device(cli, tmp_path / "one"), Device(cli, tmp_path / "two")
    one.ok("add", "Ann Lee")
    one.ok("sync", "init", str(remote))
    one.ok("sync")
    two.ok("sync", "init", "--clone", str(remote))
    return one, two


def test_a_tie_both_devices_added_is_private_after_the_merge(cli: Cli, tmp_path: Path) -> None:
    one, two = synced_pair(cli, tmp_path)
    two.ok("add", "Zoe Park")  # so that the two devices' commits differ
    two.ok("add", "Gus Ray")
    one.ok("add", "Gus Ray")
    one.ok("checkin", "gus-ray", "--kind", "converse")
    assert "pushed" in two.ok("sync").out
    assert "merged 2 commits" in one.ok("sync").out  # as this side has it, written again by git
    two.ok("sync")
    for device in (one, two):
        assert all(p.stat().st_mode & 0o077 == 0 for p in device.root.glob("*.toml"))
        device.ok("doctor")


def test_a_remote_branch_plnctl_does_not_sync_is_a_warning_until_brought_in(
    cli: Cli, tmp_path: Path
) -> None:
    one, two = synced_pair(cli, tmp_path)
    two.git("checkout", "-q", "-b", "master")  # set up by hand, on another branch
    two.ok("add", "Ben Okafor")
    two.git("push", "-q", "-u", "origin", "master")
    warned = one.ok("sync")
    assert warned.err == (
        "plnctl: warning: origin also has master, which plnctl does not sync (it syncs main): "
        "a device that syncs there never meets this one; see docs/sync.md, 'When something "
        "goes wrong'\n"
    )
    assert not (one.root / "ben-okafor.toml").exists()
    # What docs/sync.md says to do, on the device that syncs master:
    two.git("checkout", "-q", "-B", "main")
    two.ok("sync")
    two.git("push", "-q", "origin", "--delete", "master")
    assert one.ok("sync").err == ""
    assert (one.root / "ben-okafor.toml").exists()
    two.ok("sync")
    assert one.files() == two.files()
