"""A tie is its slug and its events' ids: sync never pairs two ties' files for looking alike."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import Cli
from gitdevices import Device, bare_remote, git_identity
from helpers import examples

# Real git: a bare remote and two clones for each test, a second or more each.
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _identity(monkeypatch: pytest.MonkeyPatch) -> None:
    git_identity(monkeypatch)


def pair(cli: Cli, tmp_path: Path, *names: str) -> tuple[Device, Device]:
    """Two devices holding the ties `names` (no events), synced through a bare remote."""
    remote = bare_remote(tmp_path / "remote.git")
    one = Device(cli, tmp_path / "one")
    for name in names:
        one.ok("add", name)
    one.ok("sync", "init", str(remote))
    one.ok("sync")
    two = Device(cli, tmp_path / "two")
    two.ok("sync", "init", "--clone", str(remote))
    return one, two


def tie_files(device: Device) -> list[str]:
    return sorted(p.name for p in device.root.glob("*.toml"))


def test_a_removed_tie_and_a_new_look_alike_stay_two_ties(cli: Cli, tmp_path: Path) -> None:
    """Git would see ben-stone.toml renamed to cara-diaz.toml (the files differ by a name)
    and put Ben's check-in into Cara's file; the check-in must stay Ben's."""
    one, two = pair(cli, tmp_path, "Ben Stone")
    one.ok("rm", "ben", "--yes")
    one.ok("add", "Cara Diaz")
    two.ok("checkin", "ben", "--note", "desk read")
    logged = two.event_ids("ben-stone")
    one.ok("sync")
    synced = two.ok("sync")
    assert synced.out == (
        "merged 2 commits from origin/main: cara-diaz.toml\n"
        "kept ben-stone.toml: changed on one device, deleted on the other\n"
        "pushed 2 commits to origin/main\n"
    )
    one.ok("sync")
    for device in (one, two):
        assert tie_files(device) == ["ben-stone.toml", "cara-diaz.toml"]
        assert device.event_ids("ben-stone") == logged
        assert device.tie("ben-stone")["name"] == "Ben Stone"
        cara = device.tie("cara-diaz")
        assert (cara["name"], "events" in cara) == ("Cara Diaz", False)
        assert device.ok("doctor").out == "all 2 ties OK\n"


def test_a_removed_tie_with_events_is_never_taken_for_a_new_one(cli: Cli, tmp_path: Path) -> None:
    one, two = pair(cli, tmp_path, "Ben Stone")
    one.ok("checkin", "ben", "--on", "2025-06-01")
    one.ok("sync")
    two.ok("sync")
    one.ok("rm", "ben", "--yes")
    one.ok("add", "Cara Diaz")
    one.ok("checkin", "cara", "--on", "2025-06-01")
    two.ok("checkin", "ben", "--on", "2025-06-02")
    bens = two.event_ids("ben-stone")
    caras = one.event_ids("cara-diaz")
    one.ok("sync")
    two.ok("sync")
    assert tie_files(two) == ["ben-stone.toml", "cara-diaz.toml"]
    assert (two.event_ids("ben-stone"), two.event_ids("cara-diaz")) == (bens, caras)


def test_a_check_in_with_a_tie_merged_away_lands_in_the_tie_it_became(
    cli: Cli, tmp_path: Path
) -> None:
    one, two = pair(cli, tmp_path, "Dee Ray", "Dee Ray Jr")
    one.ok("merge", "dee ray jr", "dee-ray")
    two.ok("checkin", "dee ray jr", "--note", "met at the fair")
    logged = two.event_ids("dee-ray-jr")
    one.ok("sync")
    synced = two.ok("sync")
    assert synced.out == (
        "merged 1 commit from origin/main: dee-ray-jr.toml, dee-ray.toml\n"
        "moved the changes to dee-ray-jr.toml into dee-ray.toml\n"
        "pushed 2 commits to origin/main\n"
    )
    one.ok("sync")
    for device in (one, two):
        assert tie_files(device) == ["dee-ray.toml"]
        dee = device.tie("dee-ray")
        assert dee["name"] == "Dee Ray"
        assert device.event_ids("dee-ray") == logged


def test_a_check_in_with_a_tie_renamed_away_follows_every_rename(cli: Cli, tmp_path: Path) -> None:
    one, two = pair(cli, tmp_path, "Eve Moss", "Fay Lin")
    two.ok("add", "Gus Ode", "--via", "eve")
    one.ok("rename", "eve", "Eve Moss-Park")
    one.ok("rename", "eve-moss-park", "Eve Park")
    two.ok("checkin", "eve", "--kind", "converse")
    logged = two.event_ids("eve-moss")
    one.ok("sync")
    synced = two.ok("sync")
    assert "moved the changes to eve-moss.toml into eve-park.toml\n" in synced.out
    assert "updated --via in gus-ode\n" in synced.out
    one.ok("sync")
    for device in (one, two):
        assert tie_files(device) == ["eve-park.toml", "fay-lin.toml", "gus-ode.toml"]
        assert device.tie("eve-park")["name"] == "Eve Park"
        assert device.event_ids("eve-park") == logged
        assert "events" not in device.tie("fay-lin")
        assert device.tie("gus-ode")["via"] == "eve-park"


def test_a_check_in_with_a_tie_whose_rename_was_undone_goes_back_with_it(
    cli: Cli, tmp_path: Path
) -> None:
    one, two = pair(cli, tmp_path, "Eve Moss")
    one.ok("rename", "eve", "Eve Park")
    one.ok("sync")
    two.ok("sync")
    one.ok("undo", "--yes")
    two.ok("checkin", "eve-park", "--kind", "ask")
    logged = two.event_ids("eve-park")
    one.ok("sync")
    synced = two.ok("sync")
    assert "moved the changes to eve-park.toml into eve-moss.toml\n" in synced.out
    one.ok("sync")
    for device in (one, two):
        assert tie_files(device) == ["eve-moss.toml"]
        assert device.tie("eve-moss")["name"] == "Eve Moss"
        assert device.event_ids("eve-moss") == logged


def test_a_rename_plnctl_cannot_follow_keeps_a_duplicate_and_says_so(
    cli: Cli, tmp_path: Path
) -> None:
    """With autocommit off, a rename is committed as a hand edit: nothing says where a tie
    with no events went, so the changed tie stays, never mixed into another one."""
    one, two = pair(cli, tmp_path, "Eve Moss")
    (one.root / "_settings.toml").write_text("autocommit = false\n")
    one.ok("rename", "eve", "Eve Park")
    two.ok("checkin", "eve", "--kind", "converse")
    logged = two.event_ids("eve-moss")
    one.ok("sync")
    synced = two.ok("sync")
    assert (
        "kept eve-moss.toml: changed on one device, deleted on the other without a rename or "
        "merge plnctl could follow; if it lives on in another tie, `plnctl merge eve-moss "
        "OTHER` folds it in\n"
    ) in synced.out
    assert tie_files(two) == ["_settings.toml", "eve-moss.toml", "eve-park.toml"]
    assert two.event_ids("eve-moss") == logged
    assert "events" not in two.tie("eve-park")
    two.ok("merge", "eve-moss", "eve-park")
    assert two.event_ids("eve-park") == logged


def test_your_own_git_merge_in_the_data_directory_pairs_no_files_either(
    cli: Cli, tmp_path: Path
) -> None:
    one, two = pair(cli, tmp_path, "Ben Stone")
    one.ok("rm", "ben", "--yes")
    one.ok("add", "Cara Diaz")
    one.ok("sync")
    two.ok("checkin", "ben")
    assert two.git("config", "pull.twohead") == "recursive\n"
    assert two.git("config", "merge.renames") == "false\n"
    two.git("pull", "-q", "--no-rebase", "origin", "main", check=False)
    assert two.git("status", "--porcelain") == "UD ben-stone.toml\nA  cara-diaz.toml\n"
    assert "events" not in two.tie("cara-diaz")


# -- a property: whatever two devices do apart, no event goes into another tie's file ---------

NAMES = ["Ann Lee", "Ben Stone", "Cara Diaz", "Dee Ray", "Eve Moss", "Ann Lee Jr", "Ben Stones"]
Step = tuple[str, int, int]  # (what, a number picking a tie, a number picking a name or tie)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(["checkin", "checkin", "add", "rm", "rename", "merge"]),
        st.integers(0, 99),
        st.integers(0, 99),
    ),
    max_size=6,
)


class Lineage:
    """Which slugs name one tie: a rename or a merge joins two slugs, and one slug is one
    tie wherever it is (a tie removed and added again under its name is the same tie)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def root(self, slug: str) -> str:
        while self.parent.get(slug, slug) != slug:
            slug = self.parent[slug]
        return slug

    def join(self, one: str, other: str) -> None:
        self.parent[self.root(one)] = self.root(other)


def play(device: Device, steps: list[Step], lineage: Lineage, logged: dict[str, str]) -> set[str]:
    """Run `steps` on a device; returns the slugs it removed. `logged` gets each new
    event's id with the slug of the tie it was logged with."""
    removed = set()
    for what, pick, other in steps:
        slugs = sorted(p.stem for p in device.root.glob("*.toml") if not p.stem.startswith("_"))
        if what == "add":
            name = NAMES[other % len(NAMES)]
            done = device("add", name)  # refused when the name is taken
            if done.code == 0:
                lineage.root(done.out.strip())
            continue
        if not slugs:
            continue
        slug = slugs[pick % len(slugs)]
        if what == "checkin":
            before = device.event_ids(slug)
            device.ok("checkin", slug, "--kind", "converse")
            (new,) = device.event_ids(slug) - before
            logged[new] = slug
        elif what == "rm":
            device.ok("rm", slug, "--yes")
            removed.add(slug)
        elif what == "rename":
            done = device("rename", slug, NAMES[other % len(NAMES)])
            if done.code == 0:
                lineage.join(slug, done.out.split(") to ")[1].split()[0])
        elif what == "merge" and len(slugs) > 1:
            into = [s for s in slugs if s != slug][other % (len(slugs) - 1)]
            device.ok("merge", slug, into)
            lineage.join(slug, into)
    return removed


@pytest.mark.slow
@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(one_steps=STEPS, two_steps=STEPS)
# What a new user did: one device removes Ben and adds Dee, the other checks in with Ben.
@example(one_steps=[("rm", 1, 0), ("add", 0, 3)], two_steps=[("checkin", 1, 0)])
# One device folds Cara into Ann, the other checks in with Cara.
@example(one_steps=[("merge", 2, 0)], two_steps=[("checkin", 2, 0)])
def test_a_sync_never_puts_an_event_into_another_ties_file(
    cli: Cli, one_steps: list[Step], two_steps: list[Step]
) -> None:
    with tempfile.TemporaryDirectory(prefix="plnctl-sync-") as scratch:
        # Ann has an event; Ben and Cara, new, have none, so their files differ by a name.
        one, two = pair(cli, Path(scratch), "Ann Lee", "Ben Stone", "Cara Diaz")
        lineage, logged = Lineage(), {}
        one.ok("checkin", "ann-lee", "--on", "2025-06-01")
        logged.update(dict.fromkeys(one.event_ids("ann-lee"), "ann-lee"))
        one.ok("sync")
        two.ok("sync")
        removed = play(one, one_steps, lineage, logged)
        removed |= play(two, two_steps, lineage, logged)
        one.ok("sync")
        two.ok("sync")
        one.ok("sync")
        assert one.files() == two.files()
        found: set[str] = set()
        for path in one.root.glob("*.toml"):
            if path.stem.startswith("_"):
                continue
            for event_id in one.event_ids(path.stem):
                found.add(event_id)
                assert lineage.root(logged[event_id]) == lineage.root(path.stem), (
                    f"{logged[event_id]}'s event {event_id} is in {path.name}"
                )
        gone = {lineage.root(slug) for slug in removed}
        for event_id, slug in logged.items():
            assert event_id in found or lineage.root(slug) in gone, f"{slug}: lost {event_id}"
