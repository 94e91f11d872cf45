"""Fixes a new user's trial found: namesakes an import makes, ambiguity advice that went in
a circle, the profile missing from the backup, CSV round trips that folded feeds together."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Cli
from helpers import Ties
from plnctl.errors import AmbiguousTieError
from plnctl.resolve import resolve

REAL = Path(__file__).parent / "data" / "real"
NETNEWSWIRE = str(REAL / "opml" / "netnewswire-subs.opml")


def shown(cli: Cli, typed: str) -> tuple[str, str]:
    doc = json.loads(cli.ok("show", typed, "--json").out)
    return doc["slug"], doc["name"]


def test_feeds_sharing_a_title_become_ties_plnctl_can_name_and_doctor_accepts(
    cli: Cli,
) -> None:
    result = cli.ok("import", NETNEWSWIRE)
    lines = result.out.splitlines()
    for line in (
        "added  daring-fireball: Daring Fireball",
        "added  daring-fireball-daringfireball-net-index-xml: "
        "Daring Fireball (daringfireball.net/index.xml)",
        "added  natasha-the-robot-natashatherobot-com-feed: "
        "Natasha The Robot (natashatherobot.com/feed)",
        "added  nshipster: NSHipster",
        "added  nshipster-feeds-feedburner-com-nshipster: "
        "NSHipster (feeds.feedburner.com/NSHipster)",
        "added  doug-russell-www-getitdownonpaper-com-atom-xml: "
        "Doug Russell (www.getitdownonpaper.com/atom.xml)",
    ):
        assert line in lines
    assert len([w for w in result.err.splitlines() if "too, with another URL" in w]) == 4
    assert (
        "plnctl: warning: line 138 (NSHipster): nshipster is named 'NSHipster' too, with "
        "another URL; added as 'NSHipster (feeds.feedburner.com/NSHipster)' "
        "(nshipster-feeds-feedburner-com-nshipster)\n"
    ) in result.err
    assert cli.ok("doctor").out == "all 206 ties OK\n"
    assert shown(cli, "nshipster") == ("nshipster", "NSHipster")
    assert shown(cli, "NSHipster") == ("nshipster", "NSHipster")
    assert shown(cli, "NSHipster (feeds") == (
        "nshipster-feeds-feedburner-com-nshipster",
        "NSHipster (feeds.feedburner.com/NSHipster)",
    )
    assert cli.read_tie("nshipster")["url"] == "http://nshipster.com/feed.xml"
    second = cli.read_tie("nshipster-feeds-feedburner-com-nshipster")
    assert (second["url"], second["tags"]) == ("http://feeds.feedburner.com/NSHipster", ["Weblogs"])
    # Again: each feed is found by its URL, and the name given to it is not "kept yours".
    again = cli.ok("import", NETNEWSWIRE)
    assert again.out.splitlines()[-1] == "0 added, 0 updated, 206 skipped"
    assert "kept yours" not in again.out
    assert "named" not in again.err


def test_an_entry_named_like_two_ties_already_gets_a_number(
    cli: Cli, ties: Ties, tmp_path: Path
) -> None:
    ties.write("ann-lee", name="Ann Lee", email="ann@a.example")
    cli.ok("add", "Ann Lee (ann@b.example)")
    cards = tmp_path / "ann.vcf"
    cards.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nEMAIL:ann@b.example\nEND:VCARD\n", encoding="utf-8"
    )
    result = cli.ok("import", str(cards))
    assert result.out.splitlines()[0] == "added  ann-lee-2: Ann Lee (2)"
    assert result.err == (
        "plnctl: warning: card 1 (Ann Lee): ann-lee is named 'Ann Lee' too, with another "
        "e-mail address; added as 'Ann Lee (2)' (ann-lee-2)\n"
    )
    assert cli.read_tie("ann-lee-2")["email"] == "ann@b.example"
    assert cli.ok("doctor").out == "all 3 ties OK\n"


def test_two_ties_of_one_name_are_each_reached_and_the_advice_never_circles(
    cli: Cli, ties: Ties
) -> None:
    """Files written before imports told namesakes apart: the exact slug wins."""
    ties.write("nshipster", name="NSHipster", kind="source", url="http://nshipster.com/feed.xml")
    ties.write("nshipster-2", name="NSHipster", kind="source", url="http://feeds.example/ns")
    assert shown(cli, "nshipster") == ("nshipster", "NSHipster")
    assert shown(cli, "nshipster-2") == ("nshipster-2", "NSHipster")
    assert cli.fails("show", "NSHipster").err == (
        "plnctl: error: 2 ties are named 'NSHipster': use a slug (nshipster, nshipster-2)\n"
    )


def test_a_slug_named_by_another_tie_says_so_only_when_the_advice_works(
    cli: Cli, ties: Ties
) -> None:
    ties.write("c", name="C++")
    ties.write("c-2", name="C")
    err = cli.fails("show", "c").err
    assert err == (
        "plnctl: error: 'c' is the slug of 'C++' and the name of 'C' (c-2): "
        "type 'C++' for the first, or the slug c-2 for the other\n"
    )
    assert shown(cli, "C++") == ("c", "C++")
    assert shown(cli, "c-2") == ("c-2", "C")
    # A second 'C++': typing that name could not reach `c`, so its slug does.
    ties.write("c-3", name="C++")
    assert shown(cli, "c") == ("c", "C++")
    assert cli.fails("show", "C++").err == (
        "plnctl: error: 2 ties are named 'C++': use a slug (c, c-3)\n"
    )
    assert shown(cli, "C") == ("c-2", "C")


def advice(message: str) -> list[str]:
    """What an ambiguity message tells the user to type instead, in its order."""
    found = re.search(r"type (.+) for the first, or the slugs? (.+) for the others?$", message)
    if found:
        return [ast.literal_eval(found[1]), *found[2].split(", ")]
    found = re.search(r"use a slug \((.+)\)$", message)
    if found:
        return found[1].split(", ")
    found = re.search(r"matches \d+ ties: (.+); type more of the name$", message)
    assert found, message
    return []  # a prefix: typing the whole name or slug is the way on


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "c-2", "c-3", "cc"]),
        st.sampled_from(["A", "a", "B", "C", "c", "C-2", "c-3", "C++", "Cc", "cc"]),
        min_size=1,
    )
)
def test_every_tie_is_reached_and_advice_always_leads_somewhere(names: dict[str, str]) -> None:
    for query in {q for slug, name in names.items() for q in (slug, name, name.upper())}:
        try:
            resolve(query, names)
        except AmbiguousTieError as exc:
            advised = advice(exc.message)
            reached = [resolve(typed, names) for typed in advised]  # none of them raises
            assert len(set(reached)) == len(reached), exc.message
    for slug in names:  # the slug, or the advice it gets, reaches each tie
        try:
            assert resolve(slug, names) == slug
        except AmbiguousTieError as exc:
            assert resolve(advice(exc.message)[0], names) == slug


PROFILE = """\
schema_version = 1
name = "Sam Rivera"
about = "Teaches statistics"
links = [
    "https://sam.example.org",
]

[[learn]]
topic = "Bayesian statistics"
why = "for the course"
added = 2025-06-01
until = 2025-12-31

[[teach]]
topic = "Python"
added = 2025-05-01

[[projects]]
name = "Open stats notes"
url = "https://notes.example.org"
"""


def test_the_backup_holds_the_profile_and_restores_it_like_the_settings(
    cli: Cli, data_dir: Path, tmp_path: Path
) -> None:
    cli.ok("add", "Ann Lee")
    (data_dir / "_profile.toml").write_text(PROFILE, encoding="utf-8")
    backup = tmp_path / "backup.json"
    cli.ok("export", "-o", str(backup))
    doc = json.loads(backup.read_text(encoding="utf-8"))
    assert doc["version"] == 1
    assert doc["profile"]["learn"] == [
        {
            "topic": "Bayesian statistics",
            "why": "for the course",
            "added": {"$date": "2025-06-01"},
            "until": {"$date": "2025-12-31"},
        }
    ]
    other = tmp_path / "other"
    result = cli.ok("--data-dir", str(other), "import", str(backup))
    assert result.out.splitlines()[-2:] == ["profile: restored", "1 added, 0 updated, 0 skipped"]
    assert (other / "_profile.toml").read_text(encoding="utf-8") == PROFILE
    assert "Bayesian statistics" in cli.ok("--data-dir", str(other), "profile").out
    again = json.loads(cli.ok("--data-dir", str(other), "import", str(backup), "--json").out)
    assert again["profile"] == "same"
    # Yours differs: kept, never overwritten.
    cli.ok("--data-dir", str(other), "teach", "R")
    mine = (other / "_profile.toml").read_bytes()
    result = cli.ok("--data-dir", str(other), "import", str(backup))
    assert "profile: kept yours (the backup's differs)" in result.out.splitlines()
    assert (other / "_profile.toml").read_bytes() == mine
    assert cli.ok("--data-dir", str(other), "doctor").out == "1 tie OK\n"


def test_a_backup_without_a_profile_restores_as_before(cli: Cli, tmp_path: Path) -> None:
    backup = tmp_path / "old.json"
    backup.write_text(
        '{"format": "plnctl-backup", "version": 1, "settings": null, "shares": [],'
        ' "ties": [{"slug": "ann-lee", "tie": {"name": "Ann Lee"}}]}',
        encoding="utf-8",
    )
    doc = json.loads(cli.ok("import", str(backup), "--json").out)
    assert (doc["counts"]["added"], doc["profile"]) == (1, None)
    assert not (cli.data_dir / "_profile.toml").exists()


@pytest.mark.parametrize(
    ("profile", "error"),
    [
        ('{"learn": [{"why": "x"}]}', "invalid profile: field 'learn[0].topic'"),
        ('{"schema_version": 9}', "the profile was written by a newer plnctl (schema_version 9)"),
        ('"Sam"', "'profile' must be an object"),
    ],
)
def test_a_backup_with_a_broken_profile_is_refused_whole(
    cli: Cli, tmp_path: Path, profile: str, error: str
) -> None:
    backup = tmp_path / "bad.json"
    backup.write_text(
        f'{{"format": "plnctl-backup", "version": 1, "profile": {profile}, "ties": []}}',
        encoding="utf-8",
    )
    err = cli.fails("import", str(backup)).err
    assert err.startswith(f"plnctl: error: {backup}: {error}"), err
    assert not cli.data_dir.exists()


def test_a_csv_round_trip_keeps_feeds_that_share_a_site_or_a_title(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("import", NETNEWSWIRE)
    sheet = tmp_path / "ties.csv"
    cli.ok("export", "--format", "csv", "-o", str(sheet))
    other = tmp_path / "other"
    result = cli.ok("--data-dir", str(other), "import", str(sheet))
    assert result.out.splitlines()[-1] == "206 added, 0 updated, 0 skipped"
    assert result.err == ""
    shape = tomllib.loads((other / "the-shape-of-everything.toml").read_text(encoding="utf-8"))
    assert (shape["url"], shape["site_url"]) == (
        "http://shapeof.com/rss.xml",
        "http://shapeof.com/",
    )
    gus = tomllib.loads((other / "gus-s-weblog.toml").read_text(encoding="utf-8"))
    assert (gus["url"], gus["site_url"]) == (
        "http://gusmueller.com/blog/atom.xml",
        "http://shapeof.com/",
    )


def test_a_csv_source_is_matched_by_its_feed_and_a_site_only_where_no_feed_is_known(
    cli: Cli, ties: Ties, tmp_path: Path
) -> None:
    ties.write(
        "gus-s-weblog",
        name="Gus's weblog",
        kind="source",
        url="http://gus.example/atom.xml",
        site_url="http://gus.example/",
    )
    ties.write("shape", name="Shape", kind="source", site_url="https://shape.example/")
    sheet = tmp_path / "feeds.csv"
    sheet.write_text(
        "name,kind,url,site_url,tags\n"
        "Gus's weblog,blog,http://gus.example/other.xml,,a\n"
        "The Shape of Everything,site,,http://shape.example,b\n"
        "Gus's site,site,,http://gus.example,c\n"
        "Gus again,blog,https://gus.example/atom.xml/,,d\n",
        encoding="utf-8",
    )
    result = cli.ok("import", str(sheet))
    assert result.out.splitlines() == [
        "added    gus-s-weblog-gus-example-other-xml: Gus's weblog (gus.example/other.xml)",
        "updated  shape: Shape  (medium, tags; kept yours: name)",
        "added    gus-s-site: Gus's site",
        "updated  gus-s-weblog: Gus's weblog  (medium, tags; kept yours: name)",
        "2 added, 2 updated, 0 skipped",
    ]
    assert cli.read_tie("gus-s-weblog")["tags"] == ["d"]
    assert cli.ok("doctor").out == "all 4 ties OK\n"


def test_removing_a_label_a_tie_does_not_have_says_when_it_has_none(cli: Cli) -> None:
    cli.ok("add", "Ann Lee", "--topic", "pedagogy")
    for option, what in (
        ("--remove-topic", "topic"),
        ("--remove-tag", "tag"),
        ("--remove-learning", "learning topic"),
    ):
        cli.ok("add", "Bob Stone")
        err = cli.fails("set", "bob", option, "nope").err
        assert err == f"plnctl: error: no {what} 'nope' to remove: it has none\n"
        cli.ok("rm", "bob", "--yes")
    err = cli.fails("set", "ann", "--remove-topic", "nope").err
    assert err == "plnctl: error: no topic 'nope' to remove (has: pedagogy)\n"


def test_a_broken_file_is_never_stood_in_for_by_another_tie(cli: Cli, ties: Ties) -> None:
    ties.write("bob-stone", name="Bob Stone", events=[("2025-06-01", "converse")])
    ties.write("bob-stone-2", name="Bob Stone Jr")
    broken = cli.tie_file("bob-stone")
    broken.write_text('schema_version = 1\nname = "Bob Stone\n', encoding="utf-8")
    before = broken.read_bytes(), cli.tie_file("bob-stone-2").read_bytes()
    typed = (["show", "bob-stone"], ["checkin", "bob-stone"], ["share", "x", "--with", "bob-stone"])
    for args in typed:
        failed = cli.fails(*args)
        assert failed.err.startswith(f"plnctl: error: {broken}: "), args
    assert cli.fails("checkin", "bob").err == (
        "plnctl: error: 'bob' matches bob-stone-2 (Bob Stone Jr) and bob-stone.toml, which cannot "
        "be read (`plnctl doctor` says why): type the whole slug or name\n"
    )
    refused = cli.fails("add", "Bob Stone")
    assert refused.err == (
        "plnctl: error: bob-stone.toml cannot be read, and may hold 'Bob Stone' already: fix it "
        "first (`plnctl doctor` says what is wrong, `plnctl edit bob-stone` opens it)\n"
    )
    assert (broken.read_bytes(), cli.tie_file("bob-stone-2").read_bytes()) == before
    assert not cli.tie_file("bob-stone-3").exists()
    assert shown(cli, "bob-stone-2") == ("bob-stone-2", "Bob Stone Jr")


def test_a_tie_looked_for_in_a_missing_data_dir_says_the_dir_is_missing(
    cli: Cli, data_dir: Path
) -> None:
    missing = data_dir.parent / "dta"
    failed = cli.fails("--data-dir", str(missing), "show", "ann")
    assert failed.err == (
        f"plnctl: error: no tie matches 'ann': {missing} does not exist (check --data-dir and "
        "PLNCTL_DATA_DIR)\n"
    )
    assert not missing.exists()
