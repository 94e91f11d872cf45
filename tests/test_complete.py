"""Shell completion of tie names, kinds, topics and tags, from the data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Cli
from helpers import Ties
from plnctl.complete import data_dir_of, label_candidates, read_heads, tie_candidates


@pytest.fixture
def network(cli: Cli, ties: Ties) -> Cli:
    ties.write("ann-lee", topics=["pedagogy"], tags=["colleague"], events=[("2025-06-01", "read")])
    ties.write("ben-tanaka", topics=["Open Education", "pedagogy"])
    ties.write("open-pedagogy-blog", kind="source", tags=["feeds", "Colleague"])
    return cli


def complete(cli: Cli, monkeypatch: pytest.MonkeyPatch, line: str) -> list[str]:
    """What zsh would be offered after typing `line`, through Typer's own mechanism."""
    monkeypatch.setenv("_PLNCTL_COMPLETE", "complete_zsh")
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", line)
    result = cli.ok()
    monkeypatch.delenv("_PLNCTL_COMPLETE")
    assert result.err == ""
    body = result.out.split("(", 1)[1].rsplit(")", 1)[0].strip("()")
    return [item.strip('"').split('":"')[0] for item in body.split("\n") if item]


def test_heads_skip_events_and_bad_files(network: Cli) -> None:
    (network.data_dir / "broken.toml").write_text("name = [unclosed\n")
    (network.data_dir / "notes.txt").write_text("not a tie")
    heads = dict(read_heads(network.data_dir))
    assert sorted(heads) == ["ann-lee", "ben-tanaka", "open-pedagogy-blog"]
    assert "events" not in heads["ann-lee"]
    assert heads["ann-lee"]["name"] == "Ann Lee"


def test_heads_of_a_missing_directory(tmp_path: Path) -> None:
    assert read_heads(tmp_path / "nowhere") == []


def test_tie_candidates_match_slug_or_name(network: Cli) -> None:
    heads = read_heads(network.data_dir)
    assert tie_candidates(heads, "") == [
        ("ann-lee", "Ann Lee"),
        ("ben-tanaka", "Ben Tanaka"),
        ("open-pedagogy-blog", "Open Pedagogy Blog"),
    ]
    assert tie_candidates(heads, "Op") == [("open-pedagogy-blog", "Open Pedagogy Blog")]
    assert tie_candidates(heads, "ben-") == [("ben-tanaka", "Ben Tanaka")]
    assert tie_candidates(heads, "zed") == []


def test_label_candidates_are_distinct_and_sorted(network: Cli) -> None:
    heads = read_heads(network.data_dir)
    assert label_candidates(heads, "topics", "") == ["Open Education", "pedagogy"]
    assert label_candidates(heads, "topics", "o") == ["Open Education"]
    assert label_candidates(heads, "tags", "c") == ["colleague"]


def test_a_file_with_fields_after_its_events_is_read_whole(network: Cli) -> None:
    path = network.tie_file("ann-lee")
    path.write_text(path.read_text() + "\n[extra]\nx = 1\n")
    heads = dict(read_heads(network.data_dir))
    assert heads["ann-lee"]["name"] == "Ann Lee"


def test_data_dir_follows_the_environment(data_dir: Path) -> None:
    assert data_dir_of(None) == data_dir


def test_tie_argument_completes_through_typer(
    network: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert complete(network, monkeypatch, "plnctl checkin ") == [
        "ann-lee",
        "ben-tanaka",
        "open-pedagogy-blog",
    ]
    assert complete(network, monkeypatch, "plnctl show b") == ["ben-tanaka"]
    assert complete(network, monkeypatch, "plnctl merge ann ") == [
        "ann-lee",
        "ben-tanaka",
        "open-pedagogy-blog",
    ]


def test_options_complete_through_typer(network: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert complete(network, monkeypatch, "plnctl list --topic ") == [
        "Open Education",
        "pedagogy",
    ]
    assert complete(network, monkeypatch, "plnctl list --tag f") == ["feeds"]
    assert complete(network, monkeypatch, "plnctl set ann --add-tag ") == ["colleague", "feeds"]
    assert complete(network, monkeypatch, "plnctl list --kind p") == ["person", "podcast"]
    assert complete(network, monkeypatch, "plnctl checkin ann --kind c") == [
        "comment",
        "converse",
    ]


def test_completion_reads_the_typed_data_dir(
    network: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    network.ok("--data-dir", str(other), "add", "Zoe")
    assert complete(network, monkeypatch, f"plnctl --data-dir {other} show ") == ["zoe"]


def test_bash_completion_in_a_real_process(network: Cli) -> None:
    proc = network.process(
        env={"_PLNCTL_COMPLETE": "complete_bash", "COMP_WORDS": "plnctl rm o", "COMP_CWORD": "2"}
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["open-pedagogy-blog"]
    assert proc.stderr == ""


def test_show_completion_prints_a_script(cli: Cli) -> None:
    # Typer's switch to name the shell instead of detecting it.
    env = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    proc = cli.process("--show-completion", "zsh", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "#compdef plnctl" in proc.stdout
    assert "_PLNCTL_COMPLETE=complete_zsh" in proc.stdout
