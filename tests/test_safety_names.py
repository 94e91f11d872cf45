"""Slugs that only look like slugs, and names with characters no one can see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli
from plnctl.slug import is_slug


def write_tie(cli: Cli, file_name: str, name: str) -> Path:
    cli.data_dir.mkdir(mode=0o700, exist_ok=True)
    path = cli.data_dir / file_name
    path.write_text(f"name = {json.dumps(name)}\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("slug", ["ann\n", "a--b", "-ann", "ann-", "Ann", "x" * 49, ""])
def test_only_a_whole_slug_is_a_slug(slug: str) -> None:
    assert not is_slug(slug)


@pytest.mark.parametrize("file_name", ["ann\n.toml", "a--b.toml"])
def test_a_file_whose_name_only_looks_like_a_slug_is_not_read_and_doctor_says_so(
    cli: Cli, file_name: str
) -> None:
    cli.ok("add", "Ben Tanaka")
    path = write_tie(cli, file_name, "Ann Lee")
    listed = cli.ok("list", "--json")
    assert [tie["slug"] for tie in json.loads(listed.out)] == ["ben-tanaka"]
    assert "the file name is not a tie slug" in listed.err
    problems = json.loads(cli.fails("doctor", "--json").out)["problems"]
    assert [(p["file"], p["level"]) for p in problems] == [(file_name, "error")]
    assert "no tie matches 'a--b'" in cli.fails("checkin", "a--b").err
    assert path.read_text() == 'name = "Ann Lee"\n'


def test_a_backup_slug_with_a_newline_never_names_a_file(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "Ben Tanaka")
    backup = tmp_path / "backup.json"
    cli.ok("export", "-o", str(backup))
    doc = json.loads(backup.read_text("utf-8"))
    doc["ties"][0]["slug"] = "ann\n"
    doc["ties"][1]["slug"] = "a--b"
    backup.write_text(json.dumps(doc), encoding="utf-8")
    other = tmp_path / "other"
    cli.ok("--data-dir", str(other), "import", str(backup))
    assert sorted(p.name for p in other.iterdir() if not p.name.startswith(".")) == [
        "ann-lee.toml",
        "ben-tanaka.toml",
    ]


INVISIBLE = {
    "right-to-left override": ("Invoice\u202egpj.exe", "Invoicegpj.exe"),
    "left-to-right isolate": ("Ann\u2066 Lee\u2069", "Ann Lee"),
    "zero-width space": ("Ann\u200bLee", "AnnLee"),
    "byte-order mark": ("\ufeffAnn Lee", "Ann Lee"),
    "line separator": ("Ann\u2028Lee", "Ann Lee"),
    "paragraph separator": ("Ann Lee\u2029", "Ann Lee"),
}


@pytest.mark.parametrize(("typed", "stored"), list(INVISIBLE.values()), ids=list(INVISIBLE))
def test_invisible_characters_are_removed_from_a_name(cli: Cli, typed: str, stored: str) -> None:
    slug = cli.ok("add", "--", typed).out.strip()
    assert cli.read_tie(slug)["name"] == stored
    assert json.loads(cli.ok("list", "--json").out)[0]["name"] == stored


@pytest.mark.parametrize(
    "twin", ["Ann\u200bLee", "Ann\u200dLee", "Ann\u200cLee", "Ann\u2028Lee", "Ann Lee\ufe0f"]
)
def test_a_name_that_differs_only_by_invisible_characters_is_the_same_tie(
    cli: Cli, twin: str
) -> None:
    cli.ok("add", "Ann Lee")
    refused = cli.fails("add", "--", twin)
    assert "'Ann Lee' is already in your network as 'ann-lee'" in refused.err
    assert [p.name for p in cli.data_dir.glob("*.toml")] == ["ann-lee.toml"]


def test_a_hand_edited_name_loses_its_invisible_characters_and_doctor_finds_its_twin(
    cli: Cli,
) -> None:
    cli.ok("add", "Ann Lee")
    write_tie(cli, "bob.toml", "Bob\u202e Stone")
    write_tie(cli, "ann-lee-2.toml", "Ann\u200dLee")
    names = {t["slug"]: t["name"] for t in json.loads(cli.ok("list", "--json").out)}
    assert names["bob"] == "Bob Stone"
    problems = json.loads(cli.fails("doctor", "--json").out)["problems"]
    errors = [p for p in problems if p["level"] == "error"]
    assert len(errors) == 1 and errors[0]["file"] == "ann-lee.toml", errors
    assert "claims the same tie as ann-lee-2.toml" in errors[0]["message"]
