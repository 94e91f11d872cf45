"""Import options (--tag, --via, --map, --format) and export safety, through the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

from conftest import Cli

REAL = Path(__file__).parent / "data" / "real"


def real(name: str) -> str:
    return str(REAL / name)


def test_tag_goes_on_every_tie_and_via_on_the_new_ones_only(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "user@example.com")  # already followed: not credited to Ann
    result = cli.ok(
        "import", real("mastodon/following_accounts.csv"), "--tag", "mastodon", "--via", "ann"
    )
    assert result.out == (
        "updated  user-example-com: user@example.com  (url, handle, tags)\n"
        "added    user-test-com: user@test.com\n"
        "1 added, 1 updated, 0 skipped\n"
    )
    old, new = cli.read_tie("user-example-com"), cli.read_tie("user-test-com")
    assert (old["tags"], old.get("via")) == (["mastodon"], None)
    assert (new["tags"], new["via"], new["handle"], new["url"]) == (
        ["mastodon"],
        "ann-lee",
        "user@test.com",
        "https://test.com/@user",
    )
    assert "events" not in new or new["events"] == []


def test_a_follows_file_is_matched_by_handle_on_reimport(cli: Cli) -> None:
    cli.ok("import", real("mastodon/following_accounts.csv"))
    cli.ok("rename", "user-test-com", "Test User")
    again = cli.ok("import", real("mastodon/following-one-column-legacy.txt"))
    assert again.out.splitlines()[-1] == "0 added, 0 updated, 2 skipped"


def test_via_must_name_a_tie(cli: Cli) -> None:
    err = cli.fails("import", real("mastodon/following_accounts.csv"), "--via", "nobody").err
    assert err.startswith("plnctl: error: no tie matches 'nobody'")


def test_a_malformed_address_is_reported_and_the_rest_imported(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "follows.csv"
    path.write_text(
        "Account address,Show boosts\nann@social.example,true\nnot an address!,true\n",
        encoding="utf-8",
    )
    result = cli.ok("import", str(path))
    assert result.out.splitlines() == [
        "added    ann-social-example: ann@social.example",
        "skipped  line 3 (not an address!): not an account address (user@instance)",
        "1 added, 0 updated, 1 skipped",
    ]


def test_map_reads_a_column_plnctl_does_not_know(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Full Name,Twitter,Shoe\nAnn Lee,@annlee,42\n", encoding="utf-8")
    result = cli.ok("import", str(path), "--map", "Twitter=handle")
    assert (
        result.err
        == "plnctl: warning: not imported: column(s) Shoe (`--map COLUMN=field` imports one)\n"
    )
    assert cli.read_tie("ann-lee")["handle"] == "annlee"


def test_map_by_number_reads_a_file_with_no_header(cli: Cli) -> None:
    path = real("csv/thunderbird-no-header.csv")
    assert "no column plnctl knows" in cli.fails("import", path).err
    cli.ok("import", path, "--map", "1=name", "--map", "4=email")
    assert cli.read_tie("john-doe")["email"] == "john@doe.invalid"
    assert cli.read_tie("jane-doe")["email"] == "jane@doe.invalid"


def test_map_refuses_an_unknown_field(cli: Cli) -> None:
    err = cli.fails("import", real("csv/plain-name-email-crlf.csv"), "--map", "Email=shoe").err
    assert err.startswith("plnctl: error: --map 'Email=shoe': 'shoe' is not one of name, kind")


def test_format_forces_a_reading(cli: Cli) -> None:
    # A follows file read as plain CSV: its header is a column plnctl does not know.
    err = cli.fails("import", real("mastodon/following_accounts.csv"), "--format", "csv").err
    assert "no column plnctl knows" in err


def test_a_podcast_app_export_gives_podcasts(cli: Cli) -> None:
    cli.ok("import", real("podcast/antennapod-export.opml"))
    podcasts = json.loads(cli.ok("list", "--json", "--kind", "podcast").out)
    assert len(podcasts) == 8
    assert cli.read_tie("welcome-to-night-vale")["medium"] == "podcast"


def test_youtube_channels_are_video_sources_matched_by_channel_url(cli: Cli) -> None:
    cli.ok("import", real("youtube/takeout-subscriptions-legacy.json"))
    again = cli.ok("import", real("youtube/newpipe-subscriptions-export.json"))
    # Kurzgesagt is in both (http and https spellings of one channel URL): matched, not added.
    assert "skipped  kurzgesagt-in-a-nutshell" in again.out
    videos = json.loads(cli.ok("list", "--json", "--kind", "video").out)
    assert len(videos) == 5


# -- export ------------------------------------------------------------------


def test_csv_export_guards_formulas_and_keeps_semicolons_in_labels(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("add", "=HYPERLINK(1)", "--tag", "a;b", "--tag", "plain", "--note", "-5 points")
    text = cli.ok("export", "--format", "csv").out
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][5] == "a\\;b; plain"
    assert rows[1][8] == "'-5 points"
    out = tmp_path / "ties.csv"
    out.write_text(text, encoding="utf-8")
    other = tmp_path / "other"
    cli.ok("--data-dir", str(other), "import", str(out))
    tie = cli.read_tie("hyperlink-1")
    back = Cli(other).read_tie("hyperlink-1")
    assert (back["name"], back["tags"], back["note"]) == (
        tie["name"],
        ["a;b", "plain"],
        "-5 points",
    )


def test_export_mastodon_writes_a_follows_file_of_people_with_a_handle(cli: Cli) -> None:
    cli.ok("import", real("mastodon/following_accounts.csv"))
    cli.ok("add", "No Handle")
    result = cli.ok("export", "--format", "mastodon")
    assert result.out == (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "user@example.com,true,false,\n"
        "user@test.com,true,false,\n"
    )
    assert result.err == "plnctl: left out 1 tie with no handle\n"


def test_vcard_export_says_it_left_out_sources(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "A Blog", "--kind", "blog")
    err = cli.ok("export", "--format", "vcard").err
    assert err == (
        "plnctl: left out 1 sources: a vCard export holds people "
        "(--kind source exports sources instead)\n"
    )


def test_export_output_never_lands_in_the_data_directory(cli: Cli, data_dir: Path) -> None:
    cli.ok("add", "Ann Lee")
    target = data_dir / "ann-lee.toml"
    before = target.read_bytes()
    err = cli.fails("export", "--format", "csv", "-o", str(target), "--force").err
    assert "is in the data directory" in err
    assert target.read_bytes() == before
    err = cli.fails("export", "-o", str(data_dir / "backup.json")).err
    assert "is in the data directory" in err


def test_export_output_replaces_a_file_only_with_force_and_keeps_its_mode(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("add", "Ann Lee")
    out = tmp_path / "people.csv"
    out.write_text("mine\n", encoding="utf-8")
    os.chmod(out, 0o644)
    err = cli.fails("export", "-o", str(out)).err
    assert err == f"plnctl: error: {out} already exists; add --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "mine\n"
    cli.ok("export", "-o", str(out), "--force")
    assert out.read_text(encoding="utf-8").startswith("name,kind,url")
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_bad_input_is_one_clear_line(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert cli.fails("import", str(empty)).err == (
        f"plnctl: error: {empty} is empty: there is nothing to import\n"
    )
    other = tmp_path / "scores.csv"
    other.write_text("colour,size\nblue,9\n", encoding="utf-8")
    err = cli.fails("import", str(other)).err
    assert "no column plnctl knows in its first line ('colour', 'size')" in err
    assert "Mastodon follows and YouTube subscriptions (--format names one)" in err


def test_a_linkedin_file_without_its_notes_lines_is_still_linkedin(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "Connections.csv"
    lines = (REAL / "linkedin" / "connections-network-jobs.csv").read_text(encoding="utf-8")
    path.write_text(lines.split("\n\n", 1)[1], encoding="utf-8")
    result = cli.ok("import", str(path), "--json")
    assert json.loads(result.out)["format"] == "linkedin"
    assert cli.read_tie("ada-lovelace")["org"] == "Analytical Engines Inc"


def test_a_feed_never_lands_on_a_person_and_two_feeds_with_one_title_are_two(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("add", "Daring Fireball", "--url", "https://df.example/about")  # a person
    path = tmp_path / "feeds.opml"
    path.write_text(
        '<opml version="1.1"><body>\n'
        '<outline text="Daring Fireball" title="Ignored" xmlUrl="http://df.example/main"/>\n'
        '<outline text="Daring Fireball" xmlUrl="http://df.example/index.xml"/>\n'
        '<outline text="Not a feed"/>\n'
        "</body></opml>\n",
        encoding="utf-8",
    )
    result = cli.ok("import", str(path))
    assert result.out.splitlines() == [
        "added    daring-fireball-df-example-main: Daring Fireball (df.example/main)",
        "added    daring-fireball-df-example-index-xml: Daring Fireball (df.example/index.xml)",
        "skipped  line 4 (Not a feed): not a feed (no xmlUrl) and holds no feeds",
        "2 added, 0 updated, 1 skipped",
    ]
    assert result.err.splitlines() == [
        "plnctl: warning: line 2 (Daring Fireball): daring-fireball is named "
        "'Daring Fireball' too, with another URL; added as 'Daring Fireball (df.example/main)' "
        "(daring-fireball-df-example-main)",
        "plnctl: warning: line 3 (Daring Fireball): daring-fireball is named "
        "'Daring Fireball' too, with another URL; added as "
        "'Daring Fireball (df.example/index.xml)' (daring-fireball-df-example-index-xml)",
    ]
    person = cli.read_tie("daring-fireball")
    assert (person["kind"], person["url"]) == ("person", "https://df.example/about")
    assert cli.read_tie("daring-fireball-df-example-main")["url"] == "http://df.example/main"
    feed = cli.read_tie("daring-fireball-df-example-index-xml")
    assert feed["url"] == "http://df.example/index.xml"
    assert cli.ok("doctor").out == "all 3 ties OK\n"
    again = cli.ok("import", str(path))
    assert again.out.splitlines()[-1] == "0 added, 0 updated, 3 skipped"
    assert again.err == ""


def test_a_list_imported_via_a_tie_makes_it_a_scout(cli: Cli) -> None:
    """Importing a friend's follows --via them credits them once one of those turns strong."""
    cli.ok("add", "Ann Lee")
    cli.ok("import", real("mastodon/following_accounts.csv"), "--via", "ann")
    scouts = json.loads(cli.ok("scouts", "--json").out)["scouts"]
    assert [(s["slug"], s["led_to"], s["became_strong"]) for s in scouts] == [
        ("ann-lee", ["user-example-com", "user-test-com"], [])
    ]
    for day in ("2025-06-10", "2025-06-20", "2025-06-30"):
        cli.ok("checkin", "user-test-com", "--kind", "converse", "--on", day)
    scouts = json.loads(cli.ok("scouts", "--json").out)["scouts"]
    assert scouts[0]["became_strong"] == ["user-test-com"]
    assert "Ask Ann Lee whom they pay attention to" in cli.ok("scouts").out
