"""The core commands through the real CLI, on real files in a temporary data directory."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import pytest

from conftest import Cli
from helpers import DAY, Ties, days_ago, weekly


def test_add_writes_one_toml_file_and_prints_the_slug(cli: Cli) -> None:
    result = cli.ok(
        "add",
        "Ann Lee",
        "--url",
        "https://ann.example.org",
        "--topic",
        "pedagogy",
        "--topic",
        "feedback",
        "--tag",
        "colleague",
        "--every",
        "14",
        "--note",
        "met at a MOOC",
    )
    assert result.out == "ann-lee\n"
    assert result.err == ""
    data = cli.read_tie("ann-lee")
    assert data["schema_version"] == 1
    assert data["name"] == "Ann Lee"
    assert data["kind"] == "person"
    assert data["url"] == "https://ann.example.org"
    assert data["topics"] == ["pedagogy", "feedback"]
    assert data["tags"] == ["colleague"]
    assert data["every"] == 14
    assert data["note"] == "met at a MOOC"
    assert "events" not in data or data["events"] == []


@pytest.mark.parametrize("word", ["source", "site", "blog", "podcast"])
def test_source_words(cli: Cli, word: str) -> None:
    cli.ok("add", "Some Feed", "--kind", word)
    assert cli.read_tie("some-feed")["kind"] == "source"


def test_unknown_kind_is_a_usage_error(cli: Cli) -> None:
    result = cli("add", "X", "--kind", "robot")
    assert result.code == 2
    assert not cli.data_dir.exists() or not list(cli.data_dir.glob("*.toml"))


def test_duplicate_name_is_refused_and_nothing_changes(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    before = cli.tie_file("ann-lee").read_bytes()
    for same in ("ann lee", "ANN-LEE", "Ann  Lee"):
        result = cli.fails("add", same)
        assert "already in your network as 'ann-lee'" in result.err
        assert result.out == ""
    assert cli.tie_file("ann-lee").read_bytes() == before
    assert sorted(p.name for p in cli.data_dir.glob("*.toml")) == ["ann-lee.toml"]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("José Ñúñez", "jose-nunez"),
        ("李小龙", "lixiaolong"),
        ("Zoë 🌱", "zoe"),
        ("con", "con-tie"),
        ("../../etc/passwd", "etc-passwd"),
    ],
)
def test_names_in_any_script_get_portable_slugs(cli: Cli, name: str, slug: str) -> None:
    assert cli.ok("add", name).out == f"{slug}\n"
    assert cli.read_tie(slug)["name"] == name
    assert cli.ok("show", name, "--json").out  # the name itself resolves


def test_name_without_letters_gets_a_stable_slug(cli: Cli) -> None:
    slug = cli.ok("add", "!!!").out.strip()
    assert slug.startswith("tie-")
    assert cli.ok("show", "!!!", "--json").out


def test_clashing_slug_from_a_different_name_gets_a_suffix(cli: Cli) -> None:
    cli.ok("add", "李")
    assert cli.ok("add", "理").out == "li-2\n"


@pytest.mark.parametrize("bad", ["", "   ", "a\x00b", "tab\x1bname"])
def test_bad_names_are_refused(cli: Cli, bad: str) -> None:
    result = cli.fails("add", bad)
    assert "invalid name" in result.err


def test_via_must_name_an_existing_tie(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "Ben", "--via", "ann")
    assert cli.read_tie("ben")["via"] == "ann-lee"
    assert "no tie matches" in cli.fails("add", "Cy", "--via", "nobody").err


def test_checkin_appends_an_event_with_an_id(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    result = cli.ok(
        "checkin",
        "ann",
        "--kind",
        "converse",
        "--on",
        "2025-06-01",
        "--note",
        "feedback",
        "--link",
        "https://x.example/1",
    )
    assert "converse" in result.out and result.err == ""
    cli.ok("checkin", "Ann Lee")
    events = cli.read_tie("ann-lee")["events"]
    assert [(str(e["date"]), e["kind"]) for e in events] == [
        ("2025-06-01", "converse"),
        ("2025-06-30", "read"),
    ]
    assert events[0]["note"] == "feedback" and events[0]["link"] == "https://x.example/1"
    assert len({e["id"] for e in events}) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", "2025-06-30"),
        ("yesterday", "2025-06-29"),
        ("3d", "2025-06-27"),
        ("2w", "2025-06-16"),
        ("2024-02-29", "2024-02-29"),
    ],
)
def test_dates(cli: Cli, text: str, expected: str) -> None:
    cli.ok("add", "Ann")
    cli.ok("checkin", "ann", "--on", text)
    assert str(cli.read_tie("ann")["events"][0]["date"]) == expected


@pytest.mark.parametrize("text", ["2025-02-30", "tomorrow", "3x", "-1d", "30/06/2025", "2025-6-1"])
def test_bad_dates_are_refused(cli: Cli, text: str) -> None:
    cli.ok("add", "Ann")
    before = cli.tie_file("ann").read_bytes()
    result = cli.fails("checkin", "ann", "--on", text)
    assert "YYYY-MM-DD" in result.err
    assert cli.tie_file("ann").read_bytes() == before


def test_future_checkin_is_refused(cli: Cli) -> None:
    cli.ok("add", "Ann")
    assert "after today" in cli.fails("checkin", "ann", "--on", "2025-07-01").err
    assert "after today" in cli.fails("share", "x", "--with", "ann", "--on", "2025-07-01").err


def test_resolution_exact_beats_prefix_and_prefixes_must_be_unique(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("add", "Anna Karenina")
    cli.ok("add", "Annabel")
    cli.ok("checkin", "ann")
    assert len(cli.read_tie("ann")["events"]) == 1
    ambiguous = cli.fails("checkin", "anna")
    assert "anna-karenina" in ambiguous.err and "annabel" in ambiguous.err
    cli.ok("checkin", "annab")
    assert len(cli.read_tie("annabel")["events"]) == 1
    unknown = cli.fails("checkin", "Anabel")
    assert "did you mean" in unknown.err and "annabel" in unknown.err


def test_share_with_and_from_gives_each_tie_a_share_event(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("add", "Ben")
    cli.ok("add", "Cy's Blog", "--kind", "blog")
    result = cli.ok(
        "share",
        "https://cy.example/post",
        "--with",
        "ann",
        "--with",
        "ben",
        "--from",
        "cy",
        "--note",
        "great post",
    )
    assert result.err == ""
    ids = set()
    for slug, role in (("ann", "with"), ("ben", "with"), ("cy-s-blog", "from")):
        (event,) = cli.read_tie(slug)["events"]
        assert event["kind"] == "share" and event["role"] == role
        assert event["link"] == "https://cy.example/post"
        ids.add(event["id"])
    assert len(ids) == 1
    shares = json.loads(cli.ok("shares", "--json").out)["shares"]
    assert shares == [
        {
            "id": ids.pop(),
            "date": "2025-06-30",
            "what": "https://cy.example/post",
            "link": "https://cy.example/post",
            "note": "great post",
            "with": ["ann", "ben"],
            "from": "cy-s-blog",
            "topics": [],
        }
    ]


def test_public_share_is_logged_not_dropped(cli: Cli) -> None:
    cli.ok("share", "My notes on peer feedback", "--on", "2025-06-01")
    cli.ok("add", "Ann")
    cli.ok("share", "A later link", "--with", "ann")
    doc = json.loads(cli.ok("shares", "--json").out)
    assert [(s["what"], s["with"]) for s in doc["shares"]] == [
        ("A later link", ["ann"]),
        ("My notes on peer feedback", []),
    ]
    since = json.loads(cli.ok("shares", "--since", "2025-06-15", "--json").out)
    assert [s["what"] for s in since["shares"]] == ["A later link"]
    assert "My notes on peer feedback" in cli.ok("shares").out
    assert not (cli.data_dir / "my-notes-on-peer-feedback.toml").exists()


def test_share_to_the_same_tie_as_with_and_from_is_refused(cli: Cli) -> None:
    cli.ok("add", "Ann")
    assert "both --with and --from" in cli.fails("share", "x", "--with", "ann", "--from", "ann").err


def test_set_changes_fields(cli: Cli) -> None:
    cli.ok("add", "Ann", "--topic", "a", "--tag", "t")
    cli.ok(
        "set",
        "ann",
        "--url",
        "https://ann.example",
        "--every",
        "10",
        "--pin",
        "strong",
        "--add-topic",
        "b",
        "--remove-topic",
        "a",
        "--add-tag",
        "u",
        "--note",
        "hi",
        "--kind",
        "source",
    )
    data = cli.read_tie("ann")
    assert (data["url"], data["every"], data["pin"], data["kind"]) == (
        "https://ann.example",
        10,
        "strong",
        "source",
    )
    assert data["topics"] == ["b"] and data["tags"] == ["t", "u"] and data["note"] == "hi"
    cli.ok("set", "ann", "--pin", "none", "--every", "0", "--url", "")
    data = cli.read_tie("ann")
    assert "pin" not in data and "every" not in data and "url" not in data


def test_set_refuses_nothing_and_unknown_labels(cli: Cli) -> None:
    cli.ok("add", "Ann")
    before = cli.tie_file("ann").read_bytes()
    assert "nothing to change" in cli.fails("set", "ann").err
    assert "no topic 'x'" in cli.fails("set", "ann", "--remove-topic", "x").err
    assert cli.tie_file("ann").read_bytes() == before
    assert cli("set", "ann", "--pin", "maybe").code == 2


def test_show_json_reproduces_the_model_checks(cli: Cli, ties: Ties) -> None:
    ties.write("steady", events=weekly(20, DAY))
    ties.write("faded", events=weekly(12, DAY - dt.timedelta(days=60)))
    steady = json.loads(cli.ok("show", "steady", "--json", "--as-of", "2025-06-30").out)
    assert (
        steady["score"],
        steady["status"],
        steady["trend"],
        steady["band"],
        steady["interval_days"],
    ) == (6.43, "strong", "steady", "ok", 7)
    assert len(steady["events"]) == 20
    faded_result = cli.ok("show", "faded", "--json")
    assert faded_result.err == ""
    faded = json.loads(faded_result.out)
    assert (faded["score"], faded["status"], faded["trend"], faded["band"]) == (
        1.43,
        "weak",
        "fading",
        "lapsing",
    )
    assert faded["weakened_on"] is not None


def test_show_as_of_ignores_later_events(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("checkin", "ann", "--on", "2025-01-01")
    cli.ok("checkin", "ann", "--on", "2025-06-01")
    doc = json.loads(cli.ok("show", "ann", "--json", "--as-of", "2025-03-01").out)
    assert [e["date"] for e in doc["events"]] == ["2025-01-01"]
    assert doc["last_event"] == "2025-01-01" and doc["days_since"] == 59


def test_tie_with_no_events_in_json(cli: Cli) -> None:
    cli.ok("add", "Ann", "--topic", "x")
    doc = json.loads(cli.ok("show", "ann", "--json").out)
    expected = {
        "slug": "ann",
        "name": "Ann",
        "kind": "person",
        "url": None,
        "topics": ["x"],
        "tags": [],
        "status": "weak",
        "pinned": None,
        "score": 0.0,
        "trend": "inactive",
        "last_event": None,
        "days_since": None,
        "interval_days": 90,
        "interval_source": "default-weak",
        "overdue_ratio": None,
        "band": "ok",
        "reciprocity": {"given": 0.0, "received": 0.0, "p": 0.5, "label": "insufficient"},
        "events": [],
    }
    assert {k: doc[k] for k in expected} == expected


def test_list_filters_and_json(cli: Cli, ties: Ties) -> None:
    ties.write("ann", topics=["Python"], tags=["work"], events=weekly(20, DAY))
    ties.write("blog", kind="source", topics=["python"])
    ties.write("cy")

    def slugs(*args: str) -> list[str]:
        return [t["slug"] for t in json.loads(cli.ok("list", "--json", *args).out)]

    assert slugs() == ["ann", "blog", "cy"]
    assert slugs("--kind", "source") == ["blog"]
    assert slugs("--kind", "person") == ["ann", "cy"]
    assert slugs("--status", "strong") == ["ann"]
    assert slugs("--topic", "python") == ["ann", "blog"]
    assert slugs("--tag", "WORK") == ["ann"]
    plain = cli.ok("list").out
    assert "Ann" in plain and "\x1b[" not in plain


def test_review_orders_sections_and_gives_reasons(cli: Cli, ties: Ties) -> None:
    # still strong, but a month quiet
    ties.write("strong-lapsing", events=weekly(12, DAY - dt.timedelta(days=30)))
    ties.write("weak-due", events=days_ago(100))  # interval 90 default: due
    ties.write("weak-lapsing", events=days_ago(300))  # 300/90 >= 3: lapsing
    ties.write("dormant", events=days_ago(400))
    ties.write("taker", events=days_ago(1, 2, 3, kind="help-received"))
    ties.write("fine", events=days_ago(1))
    result = cli.ok("review", "--json")
    assert result.err == ""
    doc = json.loads(result.out)
    assert doc["as_of"] == "2025-06-30"
    got = [(item["slug"], item["section"]) for item in doc["items"]]
    assert got == [
        ("strong-lapsing", "at-risk"),
        ("weak-lapsing", "due"),
        ("weak-due", "due"),
        ("dormant", "dormant"),
        ("taker", "taking"),
    ]
    for item in doc["items"]:
        assert item["reasons"] and item["next"]
    assert doc["warnings"] == []
    everything = json.loads(cli.ok("review", "--all", "--json").out)
    assert [i["slug"] for i in everything["items"]][-1] == "fine"
    human = cli.ok("review").out
    assert human.index("Strong Lapsing") < human.index("Weak Lapsing") < human.index("Taker")


def test_review_as_of_ignores_later_events(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("checkin", "ann", "--on", "2024-01-01")
    cli.ok("checkin", "ann", "--on", "2025-06-29")
    doc = json.loads(cli.ok("review", "--as-of", "2025-03-01", "--json").out)
    assert [(i["slug"], i["section"]) for i in doc["items"]] == [("ann", "dormant")]


def test_archived_and_snoozed_ties_stay_out_of_review(cli: Cli) -> None:
    for name in ("Old", "Sleepy"):
        cli.ok("add", name)
        cli.ok("checkin", name, "--on", "200d")
    path = cli.tie_file("old")
    path.write_text(path.read_text().replace('kind = "person"', 'kind = "person"\narchived = true'))
    path = cli.tie_file("sleepy")
    path.write_text(
        path.read_text().replace('kind = "person"', 'kind = "person"\nsnoozed_until = 2025-07-10')
    )
    doc = json.loads(cli.ok("review", "--json").out)
    assert doc["items"] == [] and doc["hidden"] == {"archived": 1, "snoozed": 1}
    assert json.loads(cli.ok("review", "--as-of", "2025-07-10", "--json").out)["items"]
    cli.ok("checkin", "sleepy")  # any new event ends the snooze
    assert "snoozed_until" not in cli.read_tie("sleepy")


def test_broken_file_is_skipped_by_many_and_refused_by_one(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("add", "Ben")
    broken = cli.tie_file("ben")
    broken.write_text('name = "Ben"\nevents = [ { date = "not a date", kind = "read" } ]\n')
    before = broken.read_bytes()
    listed = cli.ok("list")
    assert "Ann" in listed.out
    assert str(broken) in listed.err and "skipped 1 unreadable file" in listed.err
    review = cli.ok("review", "--json")
    assert len(json.loads(review.out)["warnings"]) == 1
    for args in (("show", "ben"), ("checkin", "ben"), ("set", "ben", "--note", "x")):
        result = cli.fails(*args)
        assert str(broken) in result.err and "events[0].date" in result.err
    assert broken.read_bytes() == before


def test_invalid_toml_names_file_and_line(cli: Cli) -> None:
    cli.data_dir.mkdir(parents=True)
    bad = cli.tie_file("bad")
    bad.write_text('name = "Bad"\nkind = \n')
    result = cli.fails("show", "bad")
    assert str(bad) in result.err and "line 2" in result.err


def test_usage_errors_exit_two(cli: Cli) -> None:
    assert cli("frobnicate").code == 2
    assert cli("checkin").code == 2
    assert cli("add", "x", "--bogus").code == 2
    assert cli("checkin", "x", "--kind", "sing").code == 2


def test_help_for_every_command(cli: Cli) -> None:
    for command in ("add", "checkin", "share", "set", "review", "show", "list", "shares", "demo"):
        result = cli.ok(command, "--help")
        assert "Example:" in result.out


def test_demo_builds_a_network_without_touching_the_data_dir(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = cli.ok("demo")
    assert "Review as of 2025-06-30" in result.out
    assert "sample network is in" in result.err
    assert not cli.data_dir.exists()
    demo_dirs = list(tmp_path.glob("plnctl-demo-*"))
    assert len(demo_dirs) == 1 and len(list(demo_dirs[0].glob("*.toml"))) >= 6


def test_demo_refuses_a_directory_with_ties(cli: Cli) -> None:
    cli.ok("add", "Ann")
    assert "already holds ties" in cli.fails("--data-dir", str(cli.data_dir), "demo").err


def test_data_dir_option_beats_the_environment(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other"
    cli.ok("--data-dir", str(other), "add", "Ann")
    assert (other / "ann.toml").is_file()
    assert not cli.data_dir.exists()
    assert oct(os.stat(other).st_mode & 0o777) == "0o700"
    assert oct(os.stat(other / "ann.toml").st_mode & 0o777) == "0o600"


def test_data_dir_that_is_a_file(cli: Cli, tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = cli.fails("--data-dir", str(afile), "add", "Ann")
    assert "not a directory" in result.err
    assert afile.read_text() == "x"


@pytest.mark.parametrize("option", [("checkin", "ann", "--on"), ("review", "--as-of")])
# Arabic-Indic three, fullwidth three, a fullwidth year: digits, but not ASCII ones.
@pytest.mark.parametrize("text", ["", "\u0663d", "\uff13d", "\uff12\uff10\uff12\uff15-01-01"])
def test_empty_and_non_ascii_dates_are_refused(
    cli: Cli, option: tuple[str, ...], text: str
) -> None:
    cli.ok("add", "Ann")
    assert "YYYY-MM-DD" in cli.fails(*option, text).err


def test_dates_past_year_one_are_a_clear_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.ok("add", "Ann")
    monkeypatch.setenv("PLNCTL_TODAY", "0001-01-01")
    assert "too near year 1 or year 9999" in cli.fails("checkin", "ann", "--on", "yesterday").err


def test_reading_a_data_dir_that_does_not_exist_says_so(cli: Cli, data_dir: Path) -> None:
    missing = data_dir.parent / "dat"
    warning = (
        f"plnctl: warning: {missing} does not exist (check --data-dir and PLNCTL_DATA_DIR); "
        "`plnctl add NAME` creates it\n"
    )
    for command in ("list", "review"):
        read = cli.ok("--data-dir", str(missing), command)
        assert read.err == warning
    assert not missing.exists()
    assert cli.ok("list").err == warning.replace(str(missing), str(data_dir))  # from the env
    cli.ok("add", "Ann Lee")
    data_dir.joinpath("ann-lee.toml").unlink()
    assert cli.ok("list").err == ""  # an empty directory that exists is just empty


def test_a_first_review_in_the_default_data_dir_is_not_a_warning(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLNCTL_DATA_DIR")
    review = cli.ok("review")
    assert review.err == ""
    assert "Your network is empty: `plnctl add NAME` adds a person or source." in review.out
    assert not (tmp_path / "xdg-data" / "plnctl").exists()


@pytest.mark.parametrize(
    ("args", "command"),
    [(["list", "--data-dir", "x"], "list"), (["profile", "set", "--data-dir=x"], "profile set")],
)
def test_a_global_option_after_the_command_says_where_it_goes(
    cli: Cli, args: list[str], command: str
) -> None:
    wrong = cli.fails(*args, code=2)
    assert wrong.err.endswith(
        f"Error: No such option: --data-dir for {command}; --data-dir goes before the command: "
        f"plnctl --data-dir DIR {command} ...\n"
    )
    assert "goes before" not in cli.fails("list", "--bogus", code=2).err


def test_set_to_what_a_tie_already_says_changes_nothing(cli: Cli, ties: Ties) -> None:
    ties.write("ann-lee", every=14, events=[("2025-06-01", "read")])
    cli.ok("list")  # the index vouches for the file: the quick way
    path = cli.tie_file("ann-lee")
    before = path.read_bytes(), path.stat().st_mtime_ns
    for args in (["--every", "14"], ["--url", ""], ["--remove-tag", "x", "--every", "14"]):
        same = cli("set", "ann-lee", *args)
        if same.code == 0:
            assert same.out == ""
            assert same.err == "plnctl: ann-lee (Ann Lee) already says that; nothing changed\n"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    (cli.data_dir.parent / "cache").rename(cli.data_dir.parent / "cache-gone")  # the model's way
    assert cli.ok("set", "ann", "--every", "14").err.endswith("nothing changed\n")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert cli.ok("set", "ann", "--every", "21").out == "updated ann-lee (Ann Lee)\n"
    assert cli.read_tie("ann-lee")["every"] == 21
