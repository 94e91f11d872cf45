"""Learning with the network through the CLI: profile, goals, topics, who, scouts, suggest."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli, Run
from helpers import Ties

STATS = ["statistics"]


def network(ties: Ties) -> None:
    """A small network on statistics; the comments give the numbers by hand (as of 2025-06-30)."""
    # Strong: converse today (3) + reads 10 and 20 days ago (0.79 + 0.63) = 4.42.
    ties.write(
        "ann-lee",
        topics=STATS,
        events=[("2025-06-10", "read"), ("2025-06-20", "read"), ("2025-06-30", "converse")],
    )
    # Weak source: one read 29 days ago, 2^(-29/30) = 0.51.
    ties.write("stats-blog", kind="source", topics=STATS, events=[("2025-06-01", "read")])
    # Learns statistics; on pedagogy by a read 5 days ago: 0.89.
    ties.write(
        "bo-chen", topics=["pedagogy"], learning=["Statistics"], events=[("2025-06-25", "read")]
    )
    # On statistics by its events only; helped twice (taking: R 5.51, p 0.13); strong at 4.61.
    about = {"topics": STATS}
    ties.write(
        "cy-diaz",
        topics=["data viz"],
        events=[
            {"date": "2025-06-01", "kind": "help-received", **about},
            {"date": "2025-06-15", "kind": "help-received", **about},
            {"date": "2025-06-28", "kind": "read", **about},
        ],
    )
    ties.write("dee-ng", topics=STATS, archived=True, events=[("2025-06-29", "converse")])
    ties.write("eve-ito", topics=STATS, events=[("2024-01-01", "read")])  # dormant
    # Weak, due: one read 121 days ago against the weak default of 90; led here by Ann.
    ties.write("fay-obi", topics=STATS, via="ann-lee", events=[("2025-03-01", "read")])


def json_of(cli: Cli, *args: str) -> Any:
    result = cli.ok(*args, "--json")
    assert result.err == "", result
    return json.loads(result.out)


def profile_file(data_dir: Path) -> dict[str, Any]:
    with (data_dir / "_profile.toml").open("rb") as handle:
        return tomllib.load(handle)


# -- your profile ------------------------------------------------------------------


def test_learn_teach_and_the_profile_file(cli: Cli, data_dir: Path) -> None:
    assert cli.ok("learn", "Machine learning", "--why", "to read papers").out == (
        "learning: Machine learning\n"
    )
    assert cli.ok("learn", "machine-learning", "--until", "2025-12-31").out == (
        "updated goal: Machine learning (until 2025-12-31)\n"
    )
    assert cli.ok("learn", "statistics").out == "learning: statistics\n"
    assert cli.ok("learn", "statistics", "--drop").out.startswith("dropped: statistics")
    assert cli.ok("teach", "R", "--note", "I teach a course").out == "teaching: R\n"
    cli.ok("profile", "set", "--name", "Sam", "--add-link", "https://sam.example")
    cli.ok("profile", "project", "Stats notes", "--url", "https://sam.example/notes")
    data = profile_file(data_dir)
    assert data["name"] == "Sam" and data["links"] == ["https://sam.example"]
    assert data["learn"] == [
        {
            "topic": "Machine learning",
            "why": "to read papers",
            "added": dt.date(2025, 6, 30),
            "until": dt.date(2025, 12, 31),
        },
        {
            "topic": "statistics",
            "added": dt.date(2025, 6, 30),
            "dropped": dt.date(2025, 6, 30),
        },
    ]
    assert data["teach"][0]["note"] == "I teach a course"
    assert data["projects"] == [{"name": "Stats notes", "url": "https://sam.example/notes"}]
    text = (data_dir / "_profile.toml").read_text()
    assert text.count("[[learn]]") == 2 and "learn = [" not in text
    # Picking a dropped goal up again makes it active, kept where it was.
    assert cli.ok("learn", "Statistics").out == "learning again: statistics\n"
    assert "dropped" not in profile_file(data_dir)["learn"][1]


def test_goal_errors_change_nothing(cli: Cli, data_dir: Path) -> None:
    assert "is in the past" in cli.fails("learn", "R", "--until", "2020-01-01").err
    assert not (data_dir / "_profile.toml").exists()
    assert "empty topic" in cli.fails("learn", "  ").err
    assert "control character" in cli.fails("learn", "a\x1bb").err
    cli.ok("learn", "R")
    before = (data_dir / "_profile.toml").read_bytes()
    err = cli.fails("learn", "knitting", "--done").err
    assert err == ("plnctl: error: 'knitting' is not one of your learning goals (your goals: R)\n")
    assert "not both" in cli.fails("learn", "R", "--done", "--drop").err
    assert "you do not teach 'R'" in cli.fails("teach", "R", "--drop").err
    assert "nothing to change" in cli.fails("profile", "set").err
    assert (data_dir / "_profile.toml").read_bytes() == before


def test_a_hand_broken_profile_is_reported_and_never_rewritten(cli: Cli, data_dir: Path) -> None:
    data_dir.mkdir()
    broken = b'schema_version = 1\nname = "Sam"\n\n[[learn]]\ntopic = "R"\nuntil = "soon"\n'
    (data_dir / "_profile.toml").write_bytes(broken)
    err = cli.fails("learn", "statistics").err
    assert err.startswith("plnctl: error: ") and "_profile.toml: line 6: " in err
    assert "learn[0].until" in err and err.count("\n") == 1
    assert (data_dir / "_profile.toml").read_bytes() == broken
    report = cli("doctor")
    assert report.code == 1
    assert "_profile.toml:6: field 'learn[0].until': must be a date (YYYY-MM-DD)" in report.out


def test_unknown_keys_in_the_profile_are_kept(cli: Cli, data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "_profile.toml").write_text(
        'pronouns = "they"\n\n[[learn]]\ntopic = "R"\nmood = "keen"\n'
    )
    cli.ok("learn", "statistics")
    data = profile_file(data_dir)
    assert data["pronouns"] == "they" and data["learn"][0]["mood"] == "keen"


def test_a_profile_from_a_newer_plnctl_is_refused(cli: Cli, data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "_profile.toml").write_text("schema_version = 99\n")
    assert "newer plnctl" in cli.fails("learn", "R").err


def test_profile_shows_each_goals_coverage(cli: Cli, ties: Ties) -> None:
    network(ties)
    cli.ok("learn", "statistics")
    cli.ok("learn", "machine learning")
    doc = json_of(cli, "profile")
    stats, ml = doc["learn"]
    assert stats["state"] == "active"
    assert stats["coverage"]["strong"] == 2 and stats["coverage"]["flags"] == []
    assert ml["coverage"]["flags"] == ["gap", "quiet"]
    out = cli.ok("profile").out
    assert "    network: 2 strong, 2 weak, 1 dormant; 4 people" in out
    assert "    network: 0 strong, 0 weak, 0 dormant; 0 people; gap, quiet" in out


# -- publishing -------------------------------------------------------------------


def test_publish_names_no_person_and_escapes_what_was_typed(
    cli: Cli, ties: Ties, tmp_path: Path
) -> None:
    network(ties)
    ties.write(
        "blog-b",
        name="<script>alert(1)</script>",
        kind="source",
        topics=STATS,
        url="https://b.example/feed",
        events=[("2025-06-20", "read"), ("2025-06-25", "read"), ("2025-06-30", "converse")],
    )
    cli.ok("profile", "set", "--name", "Sam *bold* <b>", "--about", "I [link](x) things")
    cli.ok("learn", "statistics", "--why", "for <work> & fun")
    cli.ok("teach", "R")
    markdown = cli.ok("profile", "publish", "--with-sources").out
    assert "# Sam \\*bold\\* \\<b\\>" in markdown
    assert "I \\[link\\]\\(x\\) things" in markdown
    assert "  - [\\<script\\>alert\\(1\\)\\</script\\>](<https://b.example/feed>)" in markdown
    page = tmp_path / "card.html"
    cli.ok("profile", "publish", "--format", "html", "-o", str(page), "--with-sources")
    html = page.read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "for &lt;work&gt; &amp; fun" in html
    assert "src=" not in html and "default-src 'none'" in html
    card = json.loads(cli.ok("profile", "publish", "--format", "json", "--with-sources").out)
    assert [s["name"] for s in card["learning"][0]["sources"]] == ["<script>alert(1)</script>"]
    for person in ("Ann Lee", "Cy Diaz", "Fay Obi", "Bo Chen"):
        assert person not in markdown and person not in html and person not in json.dumps(card)


def test_the_published_json_card(cli: Cli) -> None:
    cli.ok("learn", "statistics", "--until", "2025-09-01")
    cli.ok("learn", "open education")
    cli.ok("learn", "open education", "--done")
    cli.ok("teach", "R", "--note", "a course")
    out = cli.ok("profile", "publish", "--format", "json").out
    assert json.loads(out) == {
        "format": "plnctl-profile",
        "version": 1,
        "published": "2025-06-30",
        "name": None,
        "about": None,
        "links": [],
        "learning": [{"topic": "statistics", "why": None, "until": "2025-09-01", "sources": []}],
        "learned": [{"topic": "open education", "done": "2025-06-30"}],
        "teaching": [{"topic": "R", "note": "a course"}],
        "projects": [],
    }


# -- who knows what -----------------------------------------------------------------


def test_topics_counts_flags_and_engagement(cli: Cli, ties: Ties) -> None:
    network(ties)
    cli.ok("learn", "Statistics")
    cli.ok("learn", "machine learning")
    rows = {row["topic"]: row for row in json_of(cli, "topics")["topics"]}
    assert list(rows) == ["Statistics", "machine learning", "pedagogy", "data viz"]
    stats = rows["Statistics"]
    assert (stats["strong"], stats["weak"], stats["dormant"]) == (2, 2, 1)
    assert (stats["people"], stats["sources"]) == (4, 1)
    # 4.42 + 0.51 + 4.61 + 0.06 + eve's 0.0: dee is archived and counts for nothing.
    assert stats["engagement"] == 9.61
    assert stats["last_engaged"] == "2025-06-30"
    assert stats["goal"] and stats["flags"] == []
    assert rows["machine learning"]["flags"] == ["gap", "quiet"]
    assert rows["pedagogy"]["engagement"] == 0.89
    # cy's events are all about statistics, so none is about its own topic.
    assert rows["data viz"]["engagement"] == 0 and rows["data viz"]["last_engaged"] is None


def test_who_ranks_by_topic_engagement_and_lists_learners(cli: Cli, ties: Ties) -> None:
    network(ties)
    doc = json_of(cli, "who", "STATISTICS")
    assert [(t["slug"], t["engagement"], t["helped"]) for t in doc["ties"]] == [
        ("cy-diaz", 4.61, 2),
        ("ann-lee", 4.42, 0),
        ("stats-blog", 0.51, 0),
        ("fay-obi", 0.06, 0),
        ("eve-ito", 0, 0),
    ]
    assert doc["learners"] == [{"slug": "bo-chen", "name": "Bo Chen", "status": "weak"}]
    out = cli.ok("who", "statistics").out
    assert "Cy Diaz     cy-diaz     person  strong   4.6" in out
    assert (
        "Learning statistics too: peers to learn with, or to help\n  Bo Chen (bo-chen)  weak\n"
        in out
    )


def test_who_on_a_topic_nobody_has_explains(cli: Cli, ties: Ties) -> None:
    network(ties)
    result = cli.ok("who", "knitting")
    assert result.out.startswith("Nobody in your network is on 'knitting' yet.")
    assert json_of(cli, "who", "knitting")["ties"] == []


def test_an_event_about_a_topic_counts_for_it(cli: Cli, ties: Ties) -> None:
    ties.write("ann-lee", topics=["pedagogy"])
    cli.ok("checkin", "ann", "--topic", "Statistics", "--kind", "converse")
    (event,) = cli.read_tie("ann-lee")["events"]
    assert event["topics"] == ["Statistics"]
    assert [t["slug"] for t in json_of(cli, "who", "statistics")["ties"]] == ["ann-lee"]
    assert json_of(cli, "who", "pedagogy")["ties"][0]["engagement"] == 0
    cli.ok("share", "https://x.example", "--with", "ann", "--topic", "R")
    share = cli.read_tie("ann-lee")["events"][1]
    assert share["kind"] == "share" and share["topics"] == ["R"]
    assert json_of(cli, "shares")["shares"][0]["topics"] == ["R"]


def test_scouts_rank_by_ties_that_became_strong(cli: Cli, ties: Ties) -> None:
    network(ties)
    ties.write("gus", via="bo-chen")
    ties.write("hal", via="bo-chen", events=[("2025-06-28", "read")])
    ties.write("ivy", via="fay-obi", topics=STATS, events=cli_strong_events())
    scouts = json_of(cli, "scouts")["scouts"]
    assert [(s["slug"], s["led_to"], s["became_strong"]) for s in scouts] == [
        ("fay-obi", ["ivy"], ["ivy"]),
        ("bo-chen", ["gus", "hal"], []),
        ("ann-lee", ["fay-obi"], []),
    ]
    assert "Ask Fay Obi whom they pay attention to" in cli.ok("scouts").out


def cli_strong_events() -> list[tuple[str, str]]:
    return [("2025-06-10", "converse"), ("2025-06-20", "converse"), ("2025-06-30", "converse")]


def test_show_follows_via_up_and_stops_at_a_loop(cli: Cli, ties: Ties) -> None:
    ties.write("a-one", via="b-two")
    ties.write("b-two", via="c-three")
    ties.write("c-three", via="a-one")
    doc = json_of(cli, "show", "a-one")
    assert doc["found_via"] == ["b-two", "c-three"]
    assert doc["led_to"] == ["c-three"]
    out = cli.ok("show", "a-one").out
    assert "found via  B Two (b-two) ← C Three (c-three) ← back to a-one (a loop)" in out
    assert "   led to  C Three (c-three)" in out


def test_suggest_orders_learners_takers_due_then_the_rest(cli: Cli, ties: Ties) -> None:
    network(ties)
    found = json_of(cli, "suggest", "statistics")["suggestions"]
    assert [(s["slug"], s["group"]) for s in found] == [
        ("bo-chen", "learning"),
        ("cy-diaz", "taking"),
        ("fay-obi", "due"),
        ("ann-lee", "rest"),
    ]
    assert found[0]["reason"] == "learning Statistics"
    limited = json_of(cli, "suggest", "statistics", "--limit", "2")["suggestions"]
    assert [s["slug"] for s in limited] == ["bo-chen", "cy-diaz"]
    with_sources = json_of(cli, "suggest", "statistics", "--sources")["suggestions"]
    assert "stats-blog" in [s["slug"] for s in with_sources]
    out = cli.ok("suggest", "statistics").out
    assert "plnctl share LINK --with bo-chen" in out


def test_a_person_learning_has_it_sources_do_not(cli: Cli) -> None:
    cli.ok("add", "Ann Lee", "--learning", "R", "--learning", "r")
    assert cli.read_tie("ann-lee")["learning"] == ["R"]
    cli.ok("set", "ann", "--add-learning", "Python", "--remove-learning", "R")
    assert cli.read_tie("ann-lee")["learning"] == ["Python"]
    assert "only a person" in cli.fails("add", "A Blog", "--kind", "blog", "--learning", "R").err
    assert "only a person" in cli.fails("set", "ann", "--kind", "source").err


# -- review ---------------------------------------------------------------------------


def test_review_lists_goal_holes_the_next_rung_and_promising_ties(cli: Cli, ties: Ties) -> None:
    network(ties)
    cli.ok("learn", "statistics")
    cli.ok("learn", "machine learning")
    # A strong person you only read: 7 reads in 180 days.
    ties.write(
        "reader",
        name="Rae Reader",
        events=[(f"2025-06-{d:02d}", "read") for d in (2, 6, 10, 14, 18, 22, 26, 30)],
    )
    # A weak tie rising on a goal: one read long ago, two recent events.
    ties.write(
        "kai",
        topics=["machine learning"],
        events=[("2025-01-10", "read"), ("2025-06-10", "comment"), ("2025-06-25", "read")],
    )
    doc = json_of(cli, "review")
    sections = {item["slug"]: item["section"] for item in doc["items"]}
    assert sections["reader"] == "next-rung"
    assert sections["kai"] == "promising"
    assert [g["topic"] for g in doc["goals"]] == ["machine learning"]
    hole = doc["goals"][0]
    assert hole["flags"] == ["gap"]
    assert [c["slug"] for c in hole["candidates"]] == ["kai"]
    order = [item["section"] for item in doc["items"]]
    assert order.index("due") < order.index("next-rung") < order.index("promising")
    out = cli.ok("review").out
    assert "Goals with holes (1)" in out and "Ready for the next rung (1)" in out
    assert "      plnctl checkin reader --kind comment" in out
    assert "    listening: 8 events in the last 180 days, all reading\n" in out
    (cli.data_dir / "_settings.toml").write_text("rung_window_days = 120\n", encoding="utf-8")
    assert "    listening: 8 events in the last 120 days, all reading\n" in cli.ok("review").out


@pytest.mark.parametrize("width", [60, 80, 120])
def test_learning_screens_fit_a_terminal(
    cli: Cli, tmp_path: Path, terminal: Run, width: int
) -> None:
    where = str(tmp_path / "demo")
    cli.ok("--data-dir", where, "demo")
    screens = (
        ["topics"],
        ["who", "statistics"],
        ["scouts"],
        ["suggest", "statistics"],
        ["profile"],
    )
    for args in screens:
        screen = terminal(width, "--data-dir", where, *args)
        assert not screen.too_wide(), (args, screen.text)
        assert screen.rows, args
    screen = terminal(width, "--data-dir", where, "suggest", "statistics")
    for slug in ("chen-wei", "farah-haddad"):
        assert f"      plnctl share LINK --with {slug}" in screen.rows
    screen = terminal(width, "--data-dir", where, "topics")
    assert any(row.startswith("machine learning ") for row in screen.rows)
    profile = terminal(width, "--data-dir", where, "profile")
    assert re.search(r"statistics \(by [-\d]+\): to run my own classroom studies", profile.flat())
    assert "Can help with (1)" in profile.rows


def test_importing_a_published_profile_makes_a_person_tie(cli: Cli, tmp_path: Path) -> None:
    card = tmp_path / "ann.json"
    cli.ok("profile", "set", "--name", "Ann Lee", "--about", "Teaches stats",
           "--add-link", "https://ann.example")  # fmt: skip
    cli.ok("learn", "machine learning")
    cli.ok("teach", "statistics")
    cli.ok("teach", "R")
    cli.ok("profile", "publish", "--format", "json", "-o", str(card))
    (tmp_path / "data" / "_profile.toml").unlink()
    assert (
        cli.ok("import", str(card)).out
        == "added  ann-lee: Ann Lee\n1 added, 0 updated, 0 skipped\n"
    )
    tie = cli.read_tie("ann-lee")
    assert (tie["kind"], tie["url"], tie["note"]) == (
        "person",
        "https://ann.example",
        "Teaches stats",
    )
    assert tie["topics"] == ["statistics", "R"] and tie["learning"] == ["machine learning"]
    again = cli.ok("import", str(card)).out
    assert again.endswith("0 added, 0 updated, 1 skipped\n")
    card.write_text(card.read_text().replace('"version": 1', '"version": 2'))
    assert "upgrade plnctl" in cli.fails("import", str(card)).err
