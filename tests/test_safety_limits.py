"""Huge, deep and hostile TOML files: one error naming the file, never exit 70 or gigabytes.

The memory bombs run in a process with a small address space (`Cli.bounded`): before
the limits, each one made plnctl take over a gigabyte, or crash with exit 70.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli
from helpers import examples
from plnctl import tomlguard

HUGE = {
    "5,000 digits": "9" * 5000,
    "0x and 20,000 f": "0x" + "f" * 20000,
    "just past 2^63": "9223372036854775808",
    "0xffffffffffffffff": "0xffffffffffffffff",
}


def two_ties(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "Bob Stone")


def files_of(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.is_file()}


def doctor_problems(cli: Cli) -> list[dict[str, object]]:
    result = cli("doctor", "--json")
    assert result.code in (0, 1), str(result)
    problems: list[dict[str, object]] = json.loads(result.out)["problems"]
    # Files the tests write are open to others; that finding is not what is tested.
    return [
        p
        for p in problems
        if p["level"] == "error" and not str(p["message"]).startswith("others can read")
    ]


@pytest.mark.parametrize("number", list(HUGE.values()), ids=list(HUGE))
def test_a_huge_integer_in_a_tie_file_is_one_error_naming_it(cli: Cli, number: str) -> None:
    two_ties(cli)
    path = cli.tie_file("bob-stone")
    line = len(path.read_text().splitlines()) + 1
    path.write_text(path.read_text() + f"x = {number}\n")
    before = files_of(cli.data_dir)

    for command in (["list"], ["review"], ["list", "--json"], ["shares"]):
        result = cli.ok(*command)
        assert f"skipped {path}: not read: " in result.err, str(result)
        assert f"(at line {line}, column 5)" in result.err, str(result)
    assert "Ann Lee" in cli.ok("list").out
    assert cli.ok("add", "Cy Young").out == "cy-young\n"
    assert cli.ok("checkin", "Ann Lee").out.startswith("logged read with Ann Lee (ann-lee)")
    refused = cli.fails("checkin", "bob-stone")
    assert str(path) in refused.err
    assert cli.fails("export", "--format", "json").err.startswith("plnctl: error: cannot back up")
    assert "Ann Lee" in cli.ok("export", "--format", "csv").out
    assert path.read_bytes() == before["bob-stone.toml"]
    [problem] = doctor_problems(cli)
    assert problem["file"] == "bob-stone.toml" and problem["line"] == line, problem
    assert str(problem["message"]).startswith("not read: ")


@pytest.mark.parametrize("number", list(HUGE.values()), ids=list(HUGE))
def test_a_huge_integer_in_the_settings_is_an_error_naming_the_file(cli: Cli, number: str) -> None:
    two_ties(cli)
    settings = cli.data_dir / "_settings.toml"
    settings.write_text(f"strong_at = {number}\n")
    before = files_of(cli.data_dir)
    for command in (["list"], ["review"], ["checkin", "ann"]):
        result = cli.fails(*command)
        assert result.err.startswith(f"plnctl: error: {settings}: invalid settings: not read: ")
    assert files_of(cli.data_dir) == before
    [problem] = doctor_problems(cli)
    assert problem["file"] == "_settings.toml" and problem["line"] == 1, problem


@pytest.mark.parametrize("number", list(HUGE.values()), ids=list(HUGE))
def test_a_huge_integer_in_the_share_log_leaves_the_network_served(cli: Cli, number: str) -> None:
    two_ties(cli)
    log = cli.data_dir / "_shares.toml"
    log.write_text(f'[[shares]]\ndate = 2025-06-01\nwhat = "a post"\nviews = {number}\n')
    before = log.read_bytes()
    for command in (["shares"], ["review"]):
        result = cli.ok(*command)
        assert f"skipped {log}: not read: " in result.err, str(result)
    assert "Ann Lee" in cli.ok("review", "--all").out
    assert cli.fails("share", "a link").err.startswith(f"plnctl: error: {log}: not read: ")
    assert log.read_bytes() == before
    [problem] = doctor_problems(cli)
    assert problem["file"] == "_shares.toml" and problem["line"] == 4, problem


def test_the_largest_integers_toml_allows_are_kept(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    path = cli.tie_file("ann-lee")
    path.write_text(
        path.read_text() + "big = 0x7fffffffffffffff\nsmall = -9_223_372_036_854_775_808\n"
    )
    cli.ok("checkin", "ann")
    assert cli.read_tie("ann-lee")["big"] == 2**63 - 1
    assert cli.read_tie("ann-lee")["small"] == -(2**63)


BOMBS = {
    # 40 KB: one dotted key of 20,000 parts took 1.6 GB and 4.6 s.
    "dotted key": '"a" = 1\n' + ".".join(["a"] * 20_000) + " = 1\n",
    "table name": "[" + ".".join(["t"] * 20_000) + "]\n",
    "nested arrays": "x = " + "[" * 10_000 + "]" * 10_000 + "\n",
    "nested tables": "x = " + "{a = " * 2_000 + "1" + "}" * 2_000 + "\n",
    "many tables": "".join(f"[t{i}.a.b.c]\n" for i in range(130_000)),
    "many entries": "x = [" + ",".join(["[]"] * 3_100_000) + "]\n",
    "long line": 'note = "' + "x" * 1_000_001 + '"\n',
}


@pytest.mark.slow
@pytest.mark.parametrize("text", list(BOMBS.values()), ids=list(BOMBS))
def test_a_memory_bomb_is_refused_before_it_is_parsed(cli: Cli, text: str) -> None:
    two_ties(cli)
    bomb = cli.tie_file("bomb")
    bomb.write_text('name = "Bomb"\n' + text)
    before = files_of(cli.data_dir)
    for command in (["list"], ["review", "--json"], ["doctor"], ["checkin", "bomb"]):
        result = cli.bounded(*command, memory_mb=300)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        assert f"{bomb}" in result.stderr + result.stdout
        assert "not read: " in result.stderr + result.stdout
    assert "ann-lee" in cli.bounded("list", memory_mb=300).stdout
    assert files_of(cli.data_dir) == before


def test_a_file_past_the_size_limit_is_not_read(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tomlguard, "MAX_FILE_BYTES", 1000)
    two_ties(cli)
    path = cli.tie_file("bob-stone")
    path.write_text(path.read_text() + f'note = "{"x" * 1000}"\n')
    result = cli.ok("list")
    assert f"skipped {path}: not read: larger than" in result.err


def test_a_fifo_in_place_of_a_tie_file_is_refused_not_waited_on(cli: Cli) -> None:
    two_ties(cli)
    fifo = cli.tie_file("cy-young")
    os.mkfifo(fifo, 0o600)
    for command in (["list"], ["review"], ["doctor"], ["checkin", "cy-young"]):
        result = cli.bounded(*command, timeout=30)
        assert result.returncode in (0, 1), result.stderr
        assert f"{fifo}: not a regular file" in result.stderr + result.stdout
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_change_that_would_pass_a_limit_is_refused_and_writes_nothing(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    before = cli.tie_file("ann-lee").read_bytes()
    result = cli.fails("checkin", "ann", "--note", "x" * 1_000_001)
    assert "past plnctl's limits for a file (a line of more than 1,000,000 characters)" in (
        result.err
    )
    assert cli.tie_file("ann-lee").read_bytes() == before


@pytest.mark.slow
def test_a_tie_of_100000_events_still_loads(cli: Cli) -> None:
    cli.ok("add", "Big Source", "--kind", "blog")
    path = cli.tie_file("big-source")
    events = "".join(
        f'\n[[events]]\nid = "e{i:015x}"\ndate = 2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n'
        f'kind = "read"\nnote = "post {i}, on open pedagogy"\n'
        for i in range(100_000)
    )
    path.write_text(path.read_text() + events)
    logged = cli.ok("checkin", "big-source", "--note", "one more")
    assert logged.out.startswith("logged read with Big Source (big-source)")
    assert len(tomllib.loads(path.read_text())["events"]) == 100_001
    assert "big-source" in cli.ok("list").out


def test_one_nested_table_in_an_event_keeps_the_events_layout(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("checkin", "ann", "--on", "2025-06-01")
    path = cli.tie_file("ann-lee")
    path.write_text(path.read_text() + '\n[events.meta]\nmood = "curious"\n')
    cli.ok("checkin", "ann", "--note", "again")
    text = path.read_text()
    assert "events = [" not in text
    assert text.count("[[events]]\n") == 2
    assert '\n[events.meta]\nmood = "curious"\n' in text
    assert tomllib.loads(text)["events"][0]["meta"] == {"mood": "curious"}


def test_the_limits_are_documented() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "data-safety.md").read_text()
    for what, limit in tomlguard.LIMITS.items():
        assert f"| {what} | {limit} |" in doc, what


KEYS = st.text(min_size=1, max_size=6)
SCALAR = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(),
    st.times(),
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=10,
)


@settings(max_examples=examples(300), deadline=None)
@given(doc=st.dictionaries(KEYS, VALUE, max_size=5), multiline=st.booleans())
def test_the_limit_check_follows_any_toml_tomli_w_writes(
    doc: dict[str, object], multiline: bool
) -> None:
    text = tomli_w.dumps(doc, multiline_strings=multiline)
    assert tomlguard.check(text) is None, text


HAND_WRITTEN = [
    # The TOML 1.0 forms tomli-w never writes.
    'a.b . c = 1\n\'quoted.key\'."x\\"y" = 2\n',
    "[ t . u ]\nx = 1 # comment\n[[ a . b ]]\n[[a.b]]\n",
    "s = 'literal \\ no escape'\nm = '''\nline ''\n'''''\n",
    'b = """\nquote " and "" and \\""" inside\n"""""\n',
    'b = """a \\\n   continued"""\n',
    "x = [\n  1,  # one\n  2,\n\n  [3, [4]], {a = 1, b.c = [5]},\n]\n",
    "i = {}\nj = { }\nk = {a = {b = {c = 1}}}\n",
    "d = 1979-05-27 07:32:00Z\ne = 1979-05-27T00:32:00.999999-07:00\nf = 07:32:00\n",
    "h = 0xDEAD_BEEF\no = 0o755\nb = 0b1101\nn = -0\np = +17\nf = -inf\ng = nan\n",
    "big = 9_223_372_036_854_775_807\nsmall = -9223372036854775808\n",
    "crlf = 1\r\n[t]\r\ny = 'x'\r\n",
    "\ufeff# a byte-order mark, then a comment\n",
    "3.14159 = 'pi'\n1234 = 1\n",
    "trailing = 1",
]


@pytest.mark.parametrize("text", HAND_WRITTEN)
def test_the_limit_check_follows_hand_written_toml(text: str) -> None:
    tomllib.loads(text.removeprefix("\ufeff"))  # valid TOML
    assert tomlguard.check(text.removeprefix("\ufeff")) is None


TOKENS = st.sampled_from(
    [
        *["a", "b", " = ", "=", "1", "-2", "0x1f", "1.5", "1979-05-27", " 07:32:00", "true", "inf"],
        *["[", "]", "[[", "]]", ".", " ", "\t", "\n", "\r\n", "{", "}", ",", "#c", "\\"],
        *['"x"', "'y'", '""', '"""', "'''", '"a\\"b"', '"\\u00e9"', "é", "\x00"],
    ]
)


@settings(max_examples=examples(500), deadline=None)
@given(tokens=st.lists(TOKENS, max_size=30))
def test_whatever_tomllib_reads_the_limit_check_follows(tokens: list[str]) -> None:
    text = "".join(tokens)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    assert tomlguard.check(text) is None, text
