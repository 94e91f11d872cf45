"""The index is a cache, never an authority: a poisoned, shared or linked cache changes
no file, hangs nothing, and is left alone with one warning."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import Cli
from plnctl.index import fileformat, loader, location
from plnctl.store import Store


@pytest.fixture
def network(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Two ties and an index that trusts them: they changed well before it looked."""
    monkeypatch.setattr(loader, "RACY_NS", 50_000_000)
    cli.ok("add", "Ann Lee")
    cli.ok("add", "Bob Stone")
    time.sleep(0.06)
    cli.ok("list")
    assert index_file(cli).is_file()
    return cli


def index_file(cli: Cli) -> Path:
    return location.index_path(cli.data_dir)


def cache(cli: Cli) -> Path:
    return index_file(cli).parent


def test_a_poisoned_index_never_sends_a_checkin_to_another_file(network: Cli) -> None:
    store = Store(network.data_dir)
    seen_ns, entries = fileformat.read_index(index_file(network), loader.identity_of(store))
    ann, bob = entries["ann-lee"], entries["bob-stone"]
    # Each entry keeps the stat fields and digest of its own file, with the other's record.
    swapped = {"ann-lee": (*ann[:2], bob[2]), "bob-stone": (*bob[:2], ann[2])}
    fileformat.write_index(index_file(network), loader.identity_of(store), seen_ns, swapped)
    bob_before = network.tie_file("bob-stone").read_bytes()

    logged = network.ok("checkin", "Ann Lee", "--note", "met at the workshop")
    assert logged.out.startswith("logged read with Ann Lee (ann-lee)")
    assert network.read_tie("ann-lee")["events"][0]["note"] == "met at the workshop"
    assert network.tie_file("bob-stone").read_bytes() == bob_before
    # The index that lied is gone: the next listing is made from the files.
    assert network.ok("list").out.splitlines()[1].startswith("ann-lee    Ann Lee ")


def test_a_fifo_at_the_index_path_is_ignored_with_one_warning(network: Cli) -> None:
    for command in (["list"], ["checkin", "Ann Lee"], ["review"]):
        index_file(network).unlink()
        os.mkfifo(index_file(network), 0o600)
        result = network.bounded(*command, timeout=30)
        assert result.returncode == 0, result.stderr
        assert result.stderr.count("warning: not using the cache") == 1, result.stderr
        assert "it is not a regular file" in result.stderr
    # Its own directory is private: the FIFO is replaced by a fresh index.
    assert index_file(network).is_file()
    assert network.bounded("list", timeout=30).stderr == ""


def test_a_linked_index_is_not_followed(network: Cli, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(index_file(network).read_bytes())
    index_file(network).unlink()
    index_file(network).symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    result = network.ok("list")
    assert result.err.count("warning: not using the cache") == 1
    assert "it is a symbolic link" in result.err
    assert elsewhere.read_bytes() == before
    # Its own directory is private: the link is replaced by a fresh index of its own.
    assert not index_file(network).is_symlink()
    assert network.ok("list").err == ""


@pytest.mark.parametrize("what", ["directory", "index"])
def test_a_cache_others_can_write_is_not_used(network: Cli, what: str) -> None:
    target = cache(network) if what == "directory" else index_file(network)
    target.chmod(0o777 if what == "directory" else 0o666)
    before = {p.name: p.read_bytes() for p in cache(network).iterdir()}
    result = network.ok("checkin", "Bob Stone")
    assert result.err.count("warning: not using the cache") == 1, result.err
    assert "others can write to it (mode" in result.err
    if what == "directory":
        assert {p.name: p.read_bytes() for p in cache(network).iterdir()} == before
    else:  # in a private directory, plnctl writes a private index in its place
        assert network.ok("list").err == ""
        assert index_file(network).stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a directory away needs root")
def test_a_cache_another_user_owns_is_not_used(network: Cli) -> None:
    os.chown(cache(network), 65534, -1)
    result = network.ok("list")
    assert result.err.count("warning: not using the cache") == 1
    assert "it belongs to another user (uid 65534)" in result.err


def test_a_linked_cache_directory_is_not_used(cli: Cli, tmp_path: Path) -> None:
    real = tmp_path / "real-cache"
    real.mkdir(mode=0o700)
    link = tmp_path / "linked-cache"
    link.symlink_to(real)
    cli.ok("add", "Ann Lee")
    result = cli.process("list", env={location.CACHE_ENV: str(link)})
    assert result.returncode == 0
    assert result.stderr.count("warning: not using the cache") == 1
    assert "it is a symbolic link" in result.stderr
    assert list(real.iterdir()) == []


def test_a_killed_index_writes_temporary_file_is_swept(network: Cli) -> None:
    stale = cache(network) / f".{index_file(network).name}.dead1234.tmp"
    fresh = cache(network) / f".{index_file(network).name}.live5678.tmp"
    stale.write_bytes(b"half an index")
    fresh.write_bytes(b"an index being written right now")
    old = time.time() - fileformat.STALE_TEMP_SECONDS - 60
    os.utime(stale, (old, old))
    network.ok("add", "Cy Young")
    network.ok("list")  # writes the index
    assert not stale.exists()
    assert fresh.exists()
