"""Hostile and odd input: names in any script or none, and text that looks like TOML."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli
from helpers import examples
from plnctl.model import MAX_SLUG
from plnctl.names import RESERVED_SLUGS, slugify

PORTABLE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def assert_portable(slug: str) -> None:
    assert PORTABLE.match(slug), slug
    assert len(slug) <= MAX_SLUG, slug
    assert slug not in RESERVED_SLUGS, slug


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


ACCEPTED = [
    ("a/b", "a-b"),
    ("../../etc/passwd", "etc-passwd"),
    ("..", None),
    ("/", None),
    ("\\\\server\\share", "server-share"),
    ("C:\\Windows\\System32", "c-windows-system32"),
    ("!!!", None),
    ("???", None),
    ("—", None),
    ("李小龙", "lixiaolong"),
    ("محمد علي", None),
    ("🎉🎉", "tada-tada"),
    ("👩‍🔬 Ada", "ada"),
    ("con", "con-tie"),
    ("NUL", "nul-tie"),
    ("com1", "com1-tie"),
    ("LPT9", "lpt9-tie"),
    ("CON.toml", "con-toml"),
    ("Ünïcödé Nåme", "unicode-name"),
    ("   spaced   out   ", "spaced-out"),
    ('Ann "the quote" O\'Brien', "ann-the-quote-o-brien"),
    ('name = "x"\n'[:-1], "name-x"),
    ("x" * 300, "x" * MAX_SLUG),
]


@pytest.mark.parametrize(("name", "expected"), ACCEPTED)
def test_odd_names_work_with_portable_slugs(cli: Cli, name: str, expected: str | None) -> None:
    result = cli.ok("add", "--", name)
    slug = result.out.strip()
    assert_portable(slug)
    if expected:
        assert slug == expected
    assert files_under(cli.data_dir.parent) == {cli.tie_file(slug), cli.data_dir / ".lock"}
    assert cli.read_tie(slug)["name"] == name.strip()
    shown = json.loads(cli.ok("show", slug, "--json").out)
    assert shown["name"] == name.strip()
    # Found again by the name as typed.
    cli.ok("checkin", "--", name)
    assert len(cli.read_tie(slug)["events"]) == 1


def test_a_name_in_another_script_gets_a_stable_slug(cli: Cli) -> None:
    first = cli.ok("add", "محمد علي").out.strip()
    assert first == slugify("محمد علي")
    assert_portable(first)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "invalid name: a name cannot be empty"),
        ("   ", "invalid name: a name cannot be empty"),
        ("tab\there", "invalid name: a name cannot contain control characters"),
        ("new\nline", "invalid name: a name cannot contain control characters"),
        ("\x1b[31mred", "invalid name: a name cannot contain control characters"),
        ("nul\x00byte", "invalid name: a name cannot contain control characters"),
        ("bad\udcffbyte", "invalid name: a name must be valid UTF-8 text"),
        ("x" * 301, "invalid name: a name can be at most 300 characters"),
    ],
)
def test_unusable_names_are_refused_clearly(cli: Cli, name: str, message: str) -> None:
    result = cli.fails("add", "--", name)
    assert result.err == f"plnctl: error: {message}\n"
    assert result.out == ""
    assert not cli.data_dir.exists() or not any(cli.data_dir.glob("*.toml"))


def test_clashing_slugs_get_a_suffix_and_never_overwrite(cli: Cli) -> None:
    assert cli.ok("add", "李小龙").out == "lixiaolong\n"
    assert cli.ok("add", "LiXiaolong").out == "lixiaolong-2\n"
    long_a, long_b = "y" * 300, "Y" * 300
    assert cli.ok("add", "--", long_a).out == "y" * MAX_SLUG + "\n"
    cli.fails("add", "--", long_b)  # the same tie by its letters: refused, not duplicated
    assert cli.ok("add", "--", "y" * 299 + "z").out == "y" * (MAX_SLUG - 2) + "-2\n"
    assert cli.ok("add", "con").out == "con-tie\n"
    assert cli.ok("add", "con tie").out == "con-tie-2\n"
    files = cli.data_dir.glob("*.toml")
    names = {p.stem: tomllib.loads(p.read_text("utf-8"))["name"] for p in files}
    assert names["lixiaolong"] == "李小龙"
    assert names["lixiaolong-2"] == "LiXiaolong"
    assert names["con-tie"] == "con"


def test_the_same_tie_under_a_different_spelling_is_refused(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    for spelling in ("ann-LEE", "Ann. Lee", "Ánn  Lee"):
        err = cli.fails("add", spelling).err
        assert err == (
            "plnctl: error: 'Ann Lee' is already in your network as 'ann-lee'; "
            "use `plnctl checkin ann-lee` or `plnctl set ann-lee`\n"
        )


def test_symbols_make_a_different_name(cli: Cli) -> None:
    assert cli.ok("add", "C").out == "c\n"
    assert cli.ok("add", "C++").out == "c-2\n"
    assert cli.ok("add", "C#").out == "c-3\n"
    assert cli.fails("add", "c").code == 1


def test_a_slug_argument_never_reaches_outside_the_data_dir(cli: Cli) -> None:
    cli.ok("add", "Ann")
    outside = cli.data_dir.parent / "secret.toml"
    outside.write_text('name = "Secret"\n', encoding="utf-8")
    for query in ("../secret", "../secret.toml", "/etc/passwd", str(outside)):
        result = cli.fails("checkin", query)
        assert result.err.startswith("plnctl: error: no tie matches"), str(result)
    assert outside.read_text(encoding="utf-8") == 'name = "Secret"\n'


TRICKY = [
    "He said \"hi\" and 'bye'",
    'line one\nline two\n[[events]]\nkind = "read"\ndate = 2025-01-01',
    "\"\"\"triple\"\"\" and '''single triple'''",
    "back\\slash \\n not a newline \\u0041",
    'windows\r\nline\rend\ttab # not a comment = "x"',
    'name = "Evil"\nschema_version = 99',
    "[section]\nkey = 1",
    "émoji 🎉 and 中文 and عربى and \u200b zero width",
]


@pytest.mark.parametrize("text", TRICKY)
def test_notes_links_and_topics_round_trip_byte_for_byte(cli: Cli, text: str) -> None:
    one_line = text.replace("\n", " ").replace("\r", " ")
    url = "https://example.org/?q=" + one_line.replace(" ", "%20")
    cli.ok("add", "Ann", "--note", text, "--topic", one_line, "--url", url, "--tag", one_line)
    cli.ok("checkin", "ann", "--note", text, "--link", url)
    cli.ok("share", one_line, "--with", "ann", "--note", text)
    cli.ok("share", one_line + " (public)", "--note", text)
    data = cli.read_tie("ann")
    assert data["note"] == text
    assert data["topics"] == [one_line]
    assert data["tags"] == [one_line]
    assert data["url"] == url
    assert data["name"] == "Ann"
    assert data["schema_version"] == 1
    checkin, shared = data["events"]
    assert (checkin["note"], checkin["link"]) == (text, url)
    assert (shared["note"], shared["what"]) == (text, one_line)
    log = tomllib.loads((cli.data_dir / "_shares.toml").read_text("utf-8"))
    assert log["shares"][0]["note"] == text
    shown = json.loads(cli.ok("show", "ann", "--json").out)
    assert shown["note"] == text
    assert shown["events"][0]["note"] == text


NOTE_TEXT = st.text(
    st.one_of(
        st.characters(exclude_categories=["Cc", "Cs"]),
        st.sampled_from(['"', "'", "\\", "\n", "\r", "\t", "[", "]", "=", "#", "{", "}"]),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=examples(40), deadline=None)
@given(note=NOTE_TEXT, link=NOTE_TEXT.map(lambda s: "".join(s.split()) or "x"))
def test_any_note_and_link_survive_a_rewrite(note: str, link: str) -> None:
    """Pure round trip through the writer and reader, with other fields rewritten around them."""
    from plnctl.model import Event, Tie
    from plnctl.store import dump_tie, parse_tie

    tie = Tie(name="Ann", note=note, topics=[link], url=link)
    tie.events.append(Event(date=dt.date(2025, 1, 1), kind="read", note=note, link=link))
    once = parse_tie(Path("ann.toml"), dump_tie(tie))
    twice = parse_tie(Path("ann.toml"), dump_tie(once))
    for read in (once, twice):
        assert read.note == note
        assert read.events[0].note == note
        assert read.events[0].link == link
        assert read.topics == [link]
    assert dump_tie(once) == dump_tie(twice)


@settings(max_examples=examples(300), deadline=None)
@given(name=st.text(max_size=80))
def test_every_slug_is_portable_and_stable(name: str) -> None:
    slug = slugify(name)
    assert_portable(slug)
    assert slugify(name) == slug


def test_unknown_fields_and_tables_are_kept_on_rewrite(cli: Cli) -> None:
    cli.ok("add", "Ann")
    path = cli.tie_file("ann")
    path.write_text(
        'schema_version = 1\nname = "Ann"\nmood = "curious"\nscores = [1, 2.5]\n'
        'met = 2020-02-02T10:00:00+01:00\n\n[profile]\nwants = ["rust"]\n\n'
        '[[events]]\nid = "e1"\ndate = 2025-01-01\nkind = "read"\nmine = {a = 1}\n',
        encoding="utf-8",
    )
    before = tomllib.loads(path.read_text("utf-8"))
    cli.ok("checkin", "ann", "--note", "again")
    after = tomllib.loads(path.read_text("utf-8"))
    assert after["events"][0] == before["events"][0]
    assert after["events"][1]["note"] == "again"
    for key in ("mood", "scores", "met", "profile"):
        assert after[key] == before[key]


BROKEN = 'name = "Ben"\nevery = "often"\n'


def test_a_broken_file_is_named_with_line_and_field_and_never_overwritten(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("add", "Ben")
    path = cli.tie_file("ben")
    path.write_text(BROKEN, encoding="utf-8")
    problem = f"{path}: line 2: field 'every': Input should be a valid integer"
    for args in (["show", "ben"], ["checkin", "ben"], ["set", "ben", "--every", "3"]):
        assert cli.fails(*args).err == f"plnctl: error: {problem}\n"
    err = cli.fails("share", "a post", "--with", "ann", "--with", "ben").err
    assert err == f"plnctl: error: {problem}\n"
    assert path.read_text(encoding="utf-8") == BROKEN
    assert "events" not in cli.read_tie("ann")  # a share is all or nothing
    # By name, the unreadable file is pointed at rather than "no such tie".
    assert cli.fails("checkin", "Ben").err == (
        "plnctl: error: no tie matches 'Ben'; `plnctl list` shows every tie; "
        "1 file could not be read (ben.toml): `plnctl doctor` says why\n"
    )


def test_reading_many_ties_warns_per_bad_file_and_finishes(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("add", "Ben")
    cli.ok("add", "Cy")
    cli.tie_file("ben").write_text(BROKEN, encoding="utf-8")
    cli.tie_file("cy").write_text("name = \n", encoding="utf-8")
    for args in (["review"], ["list"], ["shares"]):
        result = cli.ok(*args)
        assert result.err.splitlines() == [
            f"plnctl: warning: skipped {cli.tie_file('ben')}: line 2: field 'every': Input "
            "should be a valid integer",
            f"plnctl: warning: skipped {cli.tie_file('cy')}: not valid TOML: Invalid value "
            "(at line 1, column 8)",
            "plnctl: warning: skipped 2 unreadable files; `plnctl doctor` checks them",
        ]
    listed = json.loads(cli.ok("list", "--json").out)
    assert [t["slug"] for t in listed] == ["ann"]


def test_a_newer_file_is_refused_and_kept(cli: Cli) -> None:
    cli.ok("add", "Ann")
    path = cli.tie_file("ann")
    newer = 'schema_version = 2\nname = "Ann"\nfuture_field = "kept"\n'
    path.write_text(newer, encoding="utf-8")
    err = cli.fails("checkin", "ann").err
    assert err == (
        f"plnctl: error: {path}: written by a newer plnctl (schema_version 2, this one reads "
        "up to 1); upgrade plnctl to use it. The file was not changed\n"
    )
    assert path.read_text(encoding="utf-8") == newer


def test_a_file_without_a_schema_version_is_read_and_upgraded(cli: Cli) -> None:
    cli.data_dir.mkdir(mode=0o700)
    path = cli.tie_file("ann")
    path.write_text('name = "Ann"\n', encoding="utf-8")
    cli.ok("checkin", "ann")
    assert cli.read_tie("ann")["schema_version"] == 1
