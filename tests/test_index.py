"""The derived index never answers differently from the files it summarises."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import Cli
from helpers import Ties
from plnctl.index import fileformat, loader, location
from plnctl.store import Store


def cache_root(data_dir: Path) -> Path:
    return data_dir.parent / "cache"


def index_file(data_dir: Path) -> Path:
    return location.index_path(data_dir)


def answers(cli: Cli) -> tuple[str, str, str]:
    review = cli.ok("review", "--all", "--json")
    listing = cli.ok("list", "--json", "--archived")
    plain = cli.ok("review", "--all")
    assert review.err == listing.err
    return review.out + review.err, listing.out, plain.out


def assert_same_as_without_cache(cli: Cli) -> tuple[str, str, str]:
    cached = answers(cli)
    shutil.rmtree(cache_root(cli.data_dir), ignore_errors=True)
    fresh = answers(cli)
    assert cached == fresh
    return cached


@pytest.fixture
def network(cli: Cli, ties: Ties, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Two ties, and an index that trusts them: they changed well before it looked."""
    monkeypatch.setattr(loader, "RACY_NS", 50_000_000)
    ties.write("ann-lee", topics=["pedagogy"], events=[("2025-06-01", "converse")])
    ties.write("ben-tanaka", kind="source", events=[("2025-05-01", "read")])
    time.sleep(0.06)
    cli.ok("list")  # builds the index
    assert index_file(cli.data_dir).is_file()
    return cli


def rewrite(path: Path, old: str, new: str) -> None:
    """Change the file in place (same inode), keeping its size and mtime."""
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    data = text.replace(old, new).encode("utf-8")
    with open(path, "r+b") as handle:
        handle.write(data)
        handle.truncate()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        st.st_size,
        st.st_mtime_ns,
        st.st_ino,
    )


def test_a_valid_index_is_used_without_parsing(
    network: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_parsing(*args: object) -> None:
        raise AssertionError("parsed a file the index already holds")

    monkeypatch.setattr("plnctl.store.parse_tie", no_parsing)
    result = network.ok("list", "--json")
    assert '"Ann Lee"' in result.out


def test_hand_edit_is_read_again(network: Cli) -> None:
    path = network.tie_file("ann-lee")
    path.write_text(path.read_text().replace("Ann Lee", "Ann Leigh-Smith"))
    _, listing, _ = assert_same_as_without_cache(network)
    assert '"Ann Leigh-Smith"' in listing
    assert network.ok("show", "ann leigh").out.startswith("Ann Leigh-Smith")


def test_same_size_rewrite_with_the_old_mtime_is_read_again(
    network: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    rewrite(network.tie_file("ann-lee"), 'name = "Ann Lee"', 'name = "Ann Lex"')
    monkeypatch.setattr(loader, "RACY_NS", 0)  # the stat alone must give it away
    _, listing, _ = assert_same_as_without_cache(network)
    assert '"Ann Lex"' in listing


def test_same_tick_rewrite_is_caught_even_when_ctime_says_nothing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a file system whose ctime does not give the change away, only the
    # rule against trusting recently changed files catches a rewrite made
    # within the same timestamp tick as the index's look at the file.
    monkeypatch.setattr(
        loader,
        "_stat_key",
        lambda st: (loader.STAT.pack(st.st_size, st.st_mtime_ns, st.st_ino, 0), st.st_mtime_ns),
    )
    cli.ok("add", "Ann Lee")
    assert '"Ann Lee"' in cli.ok("list", "--json").out
    rewrite(cli.tie_file("ann-lee"), 'name = "Ann Lee"', 'name = "Ann Lex"')
    assert '"Ann Lex"' in cli.ok("list", "--json").out


def test_racy_entries_become_trusted_once_old_enough(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("list")
    store = Store(cli.data_dir)
    seen_ns, entries = fileformat.read_index(index_file(cli.data_dir), loader.identity_of(store))
    _, mtime_ns, _, ctime_ns = loader.STAT.unpack(entries["ann-lee"][0])
    assert max(mtime_ns, ctime_ns) >= seen_ns - loader.RACY_NS  # too fresh to trust yet
    monkeypatch.setattr(loader, "RACY_NS", 0)
    time.sleep(0.01)
    cli.ok("list")  # reads it again, now well after its last change
    monkeypatch.setattr("plnctl.store.parse_tie", lambda *a: 1 / 0)
    assert '"Ann Lee"' in cli.ok("list", "--json").out


def test_deleted_file_disappears(network: Cli) -> None:
    network.tie_file("ben-tanaka").unlink()
    _, listing, _ = assert_same_as_without_cache(network)
    assert "ben-tanaka" not in listing
    network.fails("show", "ben")


def test_new_file_appears(network: Cli) -> None:
    shutil.copy(network.tie_file("ann-lee"), network.data_dir / "ann-copy.toml")
    path = network.data_dir / "ann-copy.toml"
    path.write_text(path.read_text().replace("Ann Lee", "Carla Diaz"))
    _, listing, _ = assert_same_as_without_cache(network)
    assert '"carla-diaz"' not in listing and '"ann-copy"' in listing
    assert network.ok("show", "carla", "--json").out.count('"Carla Diaz"') == 1


def test_added_tie_is_found_by_name_and_duplicates_still_refused(network: Cli) -> None:
    network.ok("add", "Chen Wei")
    assert network.ok("checkin", "chen").out.startswith("logged read with Chen Wei")
    network.fails("add", "Chen Wei")
    assert_same_as_without_cache(network)


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"",
        lambda blob: b"not an index at all",
        lambda blob: blob[: len(blob) // 2],
        lambda blob: blob[:-1] + bytes([blob[-1] ^ 0xFF]),
        lambda blob: blob[:13] + b"\x00" * 4 + blob[17:],
    ],
    ids=["empty", "garbage", "truncated", "flipped-byte", "bad-checksum"],
)
def test_corrupt_index_is_rebuilt_silently(network: Cli, damage: object) -> None:
    path = index_file(network.data_dir)
    assert callable(damage)
    path.write_bytes(damage(path.read_bytes()))
    review, _, _ = answers(network)
    assert '"warnings": []' in review
    assert path.read_bytes().startswith(fileformat.MAGIC)
    assert_same_as_without_cache(network)


def test_forged_index_for_another_identity_is_not_trusted(network: Cli) -> None:
    """An index whose records lie is ignored when it belongs to another version."""
    store = Store(network.data_dir)
    path = index_file(network.data_dir)
    seen_ns, entries = fileformat.read_index(path, loader.identity_of(store))
    assert entries
    key, digest, record = entries["ann-lee"]
    forged = {**entries, "ann-lee": (key, digest, ("Forged Name", *record[1:]))}
    older = ("0.0.1", *loader.identity_of(store)[2:])
    identity = (fileformat.FORMAT, *older)
    fileformat.write_index(path, identity, seen_ns, forged)
    assert '"Forged Name"' not in network.ok("list", "--json").out


def plant_stale_name(network: Cli) -> None:
    """Give ann-lee's index entry a name its file does not have, under the current identity."""
    store = Store(network.data_dir)
    path = index_file(network.data_dir)
    seen_ns, entries = fileformat.read_index(path, loader.identity_of(store))
    key, digest, record = entries["ann-lee"]
    fileformat.write_index(
        path,
        loader.identity_of(store),
        seen_ns,
        {**entries, "ann-lee": (key, digest, ("Stale Name", *record[1:]))},
    )


def test_newer_plnctl_version_rebuilds(network: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(network.data_dir)
    path = index_file(network.data_dir)
    plant_stale_name(network)
    monkeypatch.setattr(loader, "__version__", "99.0.0")
    listing = network.ok("list", "--json").out
    assert '"Stale Name"' not in listing and '"Ann Lee"' in listing
    assert fileformat.read_index(path, loader.identity_of(store))[1]


def test_changed_settings_rebuild_and_change_the_answers(network: Cli) -> None:
    before, _, _ = answers(network)
    store = Store(network.data_dir)
    old_identity = loader.identity_of(store)
    (network.data_dir / "_settings.toml").write_text("strong_at = 2\nstrong_min_days = 1\n")
    after, _, _ = assert_same_as_without_cache(network)
    assert loader.identity_of(store) != old_identity
    assert before != after


def test_broken_file_warns_every_time_and_is_never_cached(network: Cli) -> None:
    path = network.tie_file("ben-tanaka")
    good = path.read_bytes()
    path.write_text('name = "Ben\n')
    first = network.ok("review", "--json")
    second = network.ok("review", "--json")
    assert first.err == second.err
    assert "ben-tanaka.toml" in first.err and "not valid TOML" in first.err
    shutil.rmtree(cache_root(network.data_dir))
    assert network.ok("review", "--json").err == first.err
    assert (
        "ben-tanaka"
        not in fileformat.read_index(
            index_file(network.data_dir), loader.identity_of(Store(network.data_dir))
        )[1]
    )
    path.write_bytes(good)
    assert '"ben-tanaka"' in network.ok("list", "--json").out


def test_unwritable_cache_costs_nothing_but_time(network: Cli) -> None:
    shutil.rmtree(cache_root(network.data_dir))
    cache_root(network.data_dir).write_text("a file where the cache directory should be")
    result = network.ok("list", "--json")
    assert result.err == ""
    assert '"Ann Lee"' in result.out


def test_index_is_keyed_per_data_directory(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other"
    cli.ok("add", "Ann Lee")
    cli.ok("--data-dir", str(other), "add", "Ann Lee-Other")
    assert '"Ann Lee"' in cli.ok("list", "--json").out
    listing = cli.ok("--data-dir", str(other), "list", "--json").out
    assert '"Ann Lee-Other"' in listing and '"ann-lee"' not in listing
    assert location.index_path(cli.data_dir) != location.index_path(other)


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(location.CACHE_ENV, str(tmp_path / "elsewhere"))
    assert location.cache_dir() == tmp_path / "elsewhere"
    assert location.index_path(tmp_path).parent == tmp_path / "elsewhere"


def test_touched_file_with_the_same_content_is_not_parsed_again(
    network: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = network.tie_file("ann-lee")
    path.write_bytes(path.read_bytes())  # as `git checkout` or a sync tool might
    monkeypatch.setattr("plnctl.store.parse_tie", lambda *a: 1 / 0)
    assert '"Ann Lee"' in network.ok("list", "--json").out


def test_derived_values_follow_the_date_asked_for(network: Cli) -> None:
    days = ("2025-06-30", "2025-01-15", "2025-06-30", "2024-12-01")
    cached = [network.ok("review", "--all", "--json", "--as-of", day).out for day in days]
    shutil.rmtree(cache_root(network.data_dir))
    fresh = []
    for day in days:
        fresh.append(network.ok("review", "--all", "--json", "--as-of", day).out)
        shutil.rmtree(cache_root(network.data_dir))
    assert cached == fresh
    assert cached[0] != cached[1]


def test_derived_values_are_kept_for_the_next_run(
    network: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = network.ok("review", "--all", "--json").out

    def no_deriving(*args: object, **kwargs: object) -> None:
        raise AssertionError("derived again what the index keeps")

    monkeypatch.setattr("plnctl.ties.derive", no_deriving)
    monkeypatch.setattr("plnctl.review.derive", no_deriving)
    assert network.ok("review", "--all", "--json").out == before
    assert '"Ann Lee"' in network.ok("list", "--json").out


def test_checkin_changes_the_derived_values(network: Cli) -> None:
    network.ok("review", "--all", "--json")
    network.ok("checkin", "ben", "--kind", "help-given")
    review, _, _ = assert_same_as_without_cache(network)
    assert '"event_count": 2' in review


def test_reading_in_two_processes_gives_the_same_answers(
    network: Cli, ties: Ties, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(6):
        ties.write(f"tie-number-{i}")
    network.tie_file("tie-number-3").write_text("name = [\n")
    shutil.rmtree(cache_root(network.data_dir))
    serial = answers(network)
    shutil.rmtree(cache_root(network.data_dir))
    monkeypatch.setattr(loader, "PARALLEL_MIN", 1)
    parallel = answers(network)
    assert parallel == serial
    assert "tie-number-3.toml" in parallel[0]


def test_edited_plnctl_code_rebuilds(network: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A changed tie model under the same version number must not reuse old values."""
    plant_stale_name(network)
    monkeypatch.setattr(loader, "_code_stamp", lambda: ("edited",))
    assert '"Stale Name"' not in network.ok("list", "--json").out


def test_index_in_many_pieces_is_read_whole_and_a_damaged_piece_refuses_it(
    network: Cli, ties: Ties, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One entry per piece: every piece is read back, and one bad piece spoils them all."""
    monkeypatch.setattr(fileformat, "PIECE_ENTRIES", 1)
    for slug in ("carla-diaz", "dev-rao", "eva-berg"):
        ties.write(slug)
    shutil.rmtree(cache_root(network.data_dir))
    before = answers(network)
    store = Store(network.data_dir)
    path = index_file(network.data_dir)
    _, entries = fileformat.read_index(path, loader.identity_of(store))
    assert set(entries) == {"ann-lee", "ben-tanaka", "carla-diaz", "dev-rao", "eva-berg"}
    blob = path.read_bytes()
    # Damage a byte inside the third tie's piece, far from either end of the file.
    where = blob.index(b"dev-rao")
    path.write_bytes(blob[:where] + b"X" + blob[where + 1 :])
    assert fileformat.read_index(path, loader.identity_of(store)) == (0, {})
    assert answers(network) == before
    assert fileformat.read_index(path, loader.identity_of(store))[1].keys() == entries.keys()
    # A piece dropped from the middle, checksums intact, is noticed too.
    pieces = []
    rest = memoryview(blob)[len(fileformat.MAGIC) :]
    while rest:
        length = fileformat.PIECE_HEAD.unpack(rest[: fileformat.PIECE_HEAD.size])[0]
        pieces.append(bytes(rest[: fileformat.PIECE_HEAD.size + length]))
        rest = rest[fileformat.PIECE_HEAD.size + length :]
    assert len(pieces) >= 7  # head, five ties, derived values, end
    path.write_bytes(fileformat.MAGIC + b"".join(pieces[:3] + pieces[4:]))
    assert fileformat.read_index(path, loader.identity_of(store)) == (0, {})


def names(store: Store) -> dict[str, str] | None:
    heads = loader.load_heads(store)
    return None if heads is None else {slug: head.name for slug, head in heads.items()}


def test_names_come_from_the_index_only_while_it_matches_the_files(
    cli: Cli, ties: Ties, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "RACY_NS", 0)
    ties.write("ann-lee", name="Ann Lee", events=[("2025-06-01", "read")])
    ties.write("ben", name="Ben Okafor")
    store = Store(cli.data_dir)
    assert names(store) is None  # no index yet
    cli.ok("list")
    assert names(store) == {"ann-lee": "Ann Lee", "ben": "Ben Okafor"}
    assert cli.ok("checkin", "Ben Okafor").out.startswith("logged read with Ben Okafor (ben)")
    assert names(store) is None  # ben's file changed since the index looked
    # The duplicate check then reads ben's file (and writes the index again).
    assert cli.fails("add", "ben okafor").err == (
        "plnctl: error: 'Ben Okafor' is already in your network as 'ben'; "
        "use `plnctl checkin ben` or `plnctl set ben`\n"
    )
    assert names(store) == {"ann-lee": "Ann Lee", "ben": "Ben Okafor"}
    ties.write("cy", name="Cy")
    assert names(store) is None  # a new file
    cli.ok("list")
    (cli.data_dir / "Dee.toml").write_text('name = "Dee"\n')
    assert names(store) is None  # a file that is no tie: the usual way says so
    (cli.data_dir / "Dee.toml").unlink()
    assert names(store) == {"ann-lee": "Ann Lee", "ben": "Ben Okafor", "cy": "Cy"}
    # The same bytes written again (a sync, a checkout): the digest vouches for them.
    ann = cli.data_dir / "ann-lee.toml"
    ann.write_bytes(ann.read_bytes())
    assert names(store) == {"ann-lee": "Ann Lee", "ben": "Ben Okafor", "cy": "Cy"}
    ann.write_bytes(ann.read_bytes().replace(b"Ann Lee", b"Ann Lea"))
    assert names(store) is None
