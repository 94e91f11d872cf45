"""Every path that prints is fed hostile text: nothing reaches a terminal that could drive it.

Hand edits and file names can hold anything: escape sequences (an OSC that retitles the
window, a screen clear), C1 controls (U+009B starts a sequence on many terminals),
direction overrides, zero-width characters, line separators and bytes that are not
UTF-8. Text output shows them as escapes (`render.terminal.visible`), piped or not;
JSON escapes them when stdout is a terminal and stays byte for byte when piped.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from conftest import Cli
from helpers import SRC

HOSTILE = "\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202eevil\u2066\u2028\u200b\r\nFORGED"
# What must never be printed as it is (a newline is fine where lines are expected).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\u200b]")
# Sequences plnctl's own colours never use.
PAYLOADS = ("\x1b]0;PWNED", "\x1b[2J", "\x9b", "\u202e", "\u2066", "\u2028", "\u200b", "\x07")


def assert_safe(text: str, *, lines_forged: bool = True) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"{found.group()!r} printed as it is in {text!r}"
    if lines_forged:
        assert not any(line.startswith("FORGED") for line in text.splitlines()), text


@pytest.fixture
def hostile(cli: Cli) -> Cli:
    """A network whose free text (from hand edits) and file names are all hostile."""
    cli.ok("add", "Ann Lee")
    cli.ok("add", "Ann Other")
    tie = cli.read_tie("ann-lee")
    tie.update(
        url=f"https://ann.example.org/{HOSTILE}",
        topics=[HOSTILE],
        tags=[HOSTILE],
        note=HOSTILE,
        pin="strong",
        events=[
            {"id": "e1", "date": "2025-06-01", "kind": "read", "note": HOSTILE, "link": HOSTILE},
            {"id": "e2", "date": "2025-06-02", "kind": "share", "what": HOSTILE, "role": "with"},
        ],
    )
    cli.tie_file("ann-lee").write_text(tomli_w.dumps(tie), encoding="utf-8")
    other = cli.read_tie("ann-other")
    other["topics"] = [f"{HOSTILE} 2"]
    cli.tie_file("ann-other").write_text(tomli_w.dumps(other), encoding="utf-8")
    shares = {"shares": [{"id": "s1", "date": "2025-06-03", "what": HOSTILE, "note": HOSTILE}]}
    (cli.data_dir / "_shares.toml").write_text(tomli_w.dumps(shares), encoding="utf-8")
    # File names: a misnamed tie file, and one whose name is not UTF-8 at all.
    (cli.data_dir / f"{HOSTILE.replace('/', '')}.toml").write_text('name = "x"\n')
    (cli.data_dir / os.fsdecode(b"\xff\x1b[2J.toml")).write_text('name = "y"\n')
    return cli


TEXT_COMMANDS = [
    ["list"],
    ["list", "--archived"],
    ["review", "--all"],
    ["show", "ann-lee"],
    ["shares"],
    ["doctor"],
    ["checkin", "ann-lee"],
    ["snooze", "ann-lee", "--for", "3"],
    ["spread", "--dry-run"],
]


@pytest.mark.parametrize("command", TEXT_COMMANDS, ids=" ".join)
def test_text_output_shows_hostile_text_as_escapes(hostile: Cli, command: list[str]) -> None:
    result = hostile(*command)
    assert result.code in (0, 1), str(result)
    assert_safe(result.err)
    # Multi-line notes are shown on several lines in `show`; no line is forged elsewhere.
    assert_safe(result.out, lines_forged=command[0] != "show")


def test_a_merge_report_shows_a_hostile_topic_as_escapes(hostile: Cli) -> None:
    result = hostile.ok("merge", "ann-other", "ann-lee")
    assert "topics added: \\x1b]0;PWNED\\x07" in result.out
    assert_safe(result.out + result.err)


def test_warnings_and_doctor_show_hostile_file_names_as_escapes(hostile: Cli) -> None:
    listed = hostile.ok("list")
    assert "skipped " in listed.err and "\\x1b]0;PWNED\\x07\\x1b[2J\\x9b31m\\u202e" in listed.err
    assert "\\xff\\x1b[2J.toml" in listed.err  # the byte that is not UTF-8, as it is on disk
    doctor = hostile.fails("doctor")
    assert "\\xff\\x1b[2J.toml" in doctor.out
    assert_safe(doctor.out + doctor.err)


def test_the_one_line_error_shows_a_hostile_path_as_escapes(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / f"dir{HOSTILE}"
    bad.write_text("a file where the data directory should be")
    result = cli.fails("--data-dir", str(bad), "list")
    assert result.err.count("\n") == 1
    assert "\\x1b]0;PWNED" in result.err
    assert_safe(result.err)


def test_path_shows_a_hostile_data_directory_as_escapes(cli: Cli, tmp_path: Path) -> None:
    result = cli.ok("--data-dir", str(tmp_path / f"dir{HOSTILE}"), "path")
    assert "\\u202eevil" in result.out
    assert_safe(result.out)


JSON_COMMANDS = [
    ["list", "--json"],
    ["review", "--all", "--json"],
    ["show", "ann-lee", "--json"],
    ["shares", "--json"],
    ["doctor", "--json"],
]


@pytest.mark.parametrize("command", JSON_COMMANDS, ids=" ".join)
def test_piped_json_is_byte_for_byte_what_it_was(hostile: Cli, command: list[str]) -> None:
    result = hostile(*command)
    doc = json.loads(result.out)
    # json's own encoding, unchanged: C0 escaped, everything else (C1, U+202E) as it is,
    # but for the byte of a file name that is not UTF-8, which no UTF-8 stream can hold.
    expected = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    assert result.out == expected.replace("\udcff", "\\udcff")
    if command[0] != "doctor":
        assert "\u202e" in result.out and "\x9b" in result.out


def on_a_terminal(cli: Cli, *args: str) -> tuple[str, str]:
    """plnctl's stdout and stderr when stdout is a terminal (rich output, colours on)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200", "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "plnctl", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    _, err = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode in (0, 1), err
    return b"".join(chunks).decode("utf-8", "surrogateescape"), err.decode()


@pytest.mark.parametrize("command", JSON_COMMANDS, ids=" ".join)
def test_json_on_a_terminal_escapes_what_could_drive_it(hostile: Cli, command: list[str]) -> None:
    out, err = on_a_terminal(hostile, *command)
    for payload in PAYLOADS:
        assert payload not in out, payload
    assert json.loads(out.replace("\r\n", "\n")) == json.loads(hostile(*command).out)
    assert_safe(err)


@pytest.mark.parametrize(
    "command", [["list"], ["review", "--all"], ["show", "ann-lee"], ["shares"]], ids=" ".join
)
def test_tables_on_a_terminal_show_hostile_text_as_escapes(
    hostile: Cli, command: list[str]
) -> None:
    out, err = on_a_terminal(hostile, *command)
    assert ("\\x1b]0;PWNED" in out) == (command[0] != "review")  # shown, escaped
    for payload in PAYLOADS:
        assert payload not in out, payload
    assert_safe(err)


@pytest.mark.parametrize("fmt", ["csv", "vcard", "json"])
def test_export_to_a_terminal_is_escaped_and_piped_is_unchanged(hostile: Cli, fmt: str) -> None:
    for path in hostile.data_dir.glob("*.toml"):  # a backup needs every file readable
        if not path.name.startswith(("ann-", "_")):
            path.unlink()
    out, _ = on_a_terminal(hostile, "export", "--format", fmt)
    assert "PWNED" in out
    for payload in PAYLOADS:
        assert payload not in out, payload
    assert "\u202e" in hostile.ok("export", "--format", fmt).out
