"""`plnctl import` and `plnctl export` through the real CLI, on real files."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file in the data directory, to show that nothing changed."""
    if not directory.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.name != ".lock"}


def tomls(directory: Path) -> dict[str, dict[str, Any]]:
    return {
        p.stem: tomllib.loads(p.read_text("utf-8"))
        for p in sorted(directory.glob("*.toml"))
        if not p.name.startswith("_")
    }


# -- import ----------------------------------------------------------------


def test_import_opml_reports_and_writes_sources(cli: Cli) -> None:
    result = cli.ok("import", fixture("thunderbird.opml"))
    assert result.out == (
        "added  the-learning-scientists: The Learning Scientists\n"
        "added  retrieval-practice-digest: Retrieval Practice Digest\n"
        "added  peeragogy-handbook-news: Peeragogy Handbook News\n"
        "added  simon-willison-s-weblog: Simon Willison\u2019s Weblog\n"
        "4 added, 0 updated, 0 skipped\n"
    )
    assert result.err == ""
    saved = cli.read_tie("the-learning-scientists")
    assert saved["kind"] == "source"
    assert saved["url"] == "https://www.learningscientists.example.org/blog?format=rss"
    assert saved["site_url"] == "https://www.learningscientists.example.org/blog"
    assert saved["tags"] == ["Research", "Learning sciences"]
    assert saved["added"].isoformat() == "2025-06-30"
    assert "events" not in saved


@pytest.mark.parametrize(
    "name",
    [
        "thunderbird.opml",
        "feedly.opml",
        "netnewswire.opml",
        "apple-contacts.vcf",
        "google-contacts.vcf",
        "nextcloud-4.0.vcf",
        "spreadsheet.csv",
    ],
)
def test_importing_the_same_file_twice_adds_nothing(cli: Cli, data_dir: Path, name: str) -> None:
    first = cli.ok("import", fixture(name))
    assert " 0 added" not in first.out
    before = snapshot(data_dir)
    again = cli.ok("import", fixture(name))
    assert snapshot(data_dir) == before
    assert again.out.splitlines()[-1].startswith("0 added, 0 updated, ")
    assert "\nadded" not in "\n" + again.out


def test_feed_in_two_folders_is_one_source_with_both_tags(cli: Cli) -> None:
    result = cli.ok("import", fixture("feedly.opml"))
    assert result.out.count("open-pedagogy-notes") == 1
    assert cli.read_tie("open-pedagogy-notes")["tags"] == ["Education", "Must read"]


def test_dry_run_writes_nothing_and_says_what_it_would_do(cli: Cli, data_dir: Path) -> None:
    cli.ok("add", "Ann Lee")
    before = snapshot(data_dir)
    result = cli.ok("import", fixture("apple-contacts.vcf"), "--dry-run")
    assert result.out == (
        "would update  ann-lee: Ann Lee  (url, note, email, phone, org, position, handle)\n"
        "would add     open-learning-lab: Open Learning Lab\n"
        "dry run: 1 to add, 1 to update, 0 to skip\n"
    )
    assert result.err == "plnctl: dry run: nothing was written\n"
    assert snapshot(data_dir) == before


def test_import_json_report(cli: Cli) -> None:
    cli.ok("add", "Zoë Ångström", "--tag", "Mentors")
    result = cli.ok("import", fixture("google-contacts.vcf"), "--json")
    assert result.err == (
        "plnctl: warning: card 2 (noname@example.org): no FN or N; named by its e-mail address\n"
    )
    assert json.loads(result.out) == {
        "file": fixture("google-contacts.vcf"),
        "format": "vcard",
        "dry_run": False,
        "counts": {"added": 2, "updated": 1, "skipped": 0},
        "added": [
            {
                "slug": "ben-okafor",
                "name": "Ben Okafor",
                "fields": [],
                "kept": [],
                "where": "card 1 (Ben Okafor)",
            },
            {
                "slug": "noname-example-org",
                "name": "noname@example.org",
                "fields": [],
                "kept": [],
                "where": "card 2 (noname@example.org)",
            },
        ],
        "updated": [
            {
                "slug": "zoe-angstrom",
                "name": "Zoë Ångström",
                "fields": ["tags"],
                "kept": [],
                "where": "card 3 (Zoë Ångström)",
            }
        ],
        "skipped": [],
        "unusable": [],
        "settings": None,
        "profile": None,
        "shares_added": 0,
        "warnings": ["card 2 (noname@example.org): no FN or N; named by its e-mail address"],
        "notes": [],
    }
    assert cli.read_tie("zoe-angstrom")["tags"] == ["Mentors", "Peer learners", "starred"]


def test_import_matches_by_url_before_name(cli: Cli) -> None:
    cli.ok(
        "add",
        "LS blog",
        "--kind",
        "blog",
        "--url",
        "http://www.learningscientists.example.org/blog?format=rss",
    )
    result = cli.ok("import", fixture("thunderbird.opml"))
    assert "updated  ls-blog: LS blog  (site_url, tags; kept yours: name)" in result.out
    assert "the-learning-scientists" not in result.out
    assert cli.read_tie("ls-blog")["name"] == "LS blog"


def test_import_never_replaces_values_or_history(cli: Cli) -> None:
    cli.ok("add", "Ann Lee", "--url", "https://mine.example", "--note", "my note")
    cli.ok("checkin", "ann", "--kind", "converse", "--note", "coffee")
    before = cli.read_tie("ann-lee")
    first = cli.ok("import", fixture("apple-contacts.vcf"))
    assert (
        "ann-lee: Ann Lee  (email, phone, org, position, handle; kept yours: url, note)\n"
        in first.out
    )
    second = cli.ok("import", fixture("spreadsheet.csv"))
    assert "ann-lee: Ann Lee  (every, topics, tags; kept yours: url, note)\n" in second.out
    after = cli.read_tie("ann-lee")
    assert after["url"] == "https://mine.example"
    assert after["note"] == "my note"
    assert after["events"] == before["events"]
    assert after["topics"] == ["pedagogy", "assessment"]
    assert after["every"] == 14


def test_csv_via_names_a_tie_in_the_same_file(cli: Cli) -> None:
    cli.ok("import", fixture("spreadsheet.csv"))
    assert cli.read_tie("zoe-angstrom")["via"] == "ann-lee"
    assert cli.read_tie("lixiaolong")["name"] == "李小龙"
    assert cli.read_tie("learning-scientists-the")["note"] == "Six strategies,\none page each"


def test_csv_via_that_names_no_tie_is_a_warning(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,via\nAnn,Nobody At All\n", "utf-8")
    result = cli.ok("import", str(path))
    assert (
        result.err == "plnctl: warning: line 2 (Ann): via 'Nobody At All' names no tie; left out\n"
    )
    assert "via" not in cli.read_tie("ann")


def test_import_never_lands_on_an_unreadable_file(cli: Cli, data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / "ann-lee.toml").write_text("name = ")
    result = cli.ok("import", fixture("apple-contacts.vcf"))
    assert "added  ann-lee-2: Ann Lee\n" in result.out
    assert "warning: skipped unreadable" in result.err
    assert (data_dir / "ann-lee.toml").read_text() == "name = "


def test_billion_laughs_is_refused_and_nothing_written(cli: Cli, data_dir: Path) -> None:
    result = cli.fails("import", fixture("billion-laughs.opml"))
    assert "declares an XML entity ('lol')" in result.err
    assert result.err.count("\n") == 1
    assert result.out == ""
    assert snapshot(data_dir) == {}


def test_billion_laughs_in_a_real_process(cli: Cli) -> None:
    proc = cli.process("import", fixture("billion-laughs.opml"), timeout=20)
    assert proc.returncode == 1
    assert proc.stderr.startswith("plnctl: error: ")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "nowhere.opml"), "no such file: nowhere.opml"),
        (("import", str(FIXTURES / "feedly.opml"), "--format", "csv"), "no column plnctl knows"),
        (("import", str(FIXTURES)), "is a directory"),
    ],
)
def test_import_errors(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli.fails(*args)
    assert message in result.err
    assert result.out == ""


def test_the_format_is_known_by_content_or_named(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_bytes((FIXTURES / "netnewswire.opml").read_bytes())
    assert "2 added" in cli.ok("import", str(path)).out
    unknown = tmp_path / "notes.txt"
    unknown.write_text("just some words\n", encoding="utf-8")
    assert "use --format (opml, vcard, csv, mastodon" in cli.fails("import", str(unknown)).err


def test_import_from_stdin(cli: Cli) -> None:
    proc = cli.process("import", "-", "--format", "csv", input="name,kind\nAnn,person\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "added  ann: Ann\n1 added, 0 updated, 0 skipped\n"
    assert "cannot tell what standard input holds" in cli.process("import", "-", input="").stderr


# -- export ----------------------------------------------------------------


def test_export_opml_to_stdout(cli: Cli) -> None:
    cli.ok("add", "Ann Lee", "--url", "https://ann.example")  # a person: not in OPML
    cli.ok("add", "No Feed", "--kind", "blog")
    cli.ok(
        "add",
        "Hybrid Pedagogy",
        "--kind",
        "feed",
        "--url",
        "https://hp.example/feed",
        "--tag",
        "edu",
    )
    result = cli.ok("export", "--format", "opml")
    assert result.out == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<opml version="2.0">\n'
        "  <head>\n"
        "    <title>plnctl: my sources</title>\n"
        "    <dateCreated>Mon, 30 Jun 2025 00:00:00 GMT</dateCreated>\n"
        "  </head>\n"
        "  <body>\n"
        '    <outline text="edu" title="edu">\n'
        '      <outline type="rss" text="Hybrid Pedagogy" title="Hybrid Pedagogy" '
        'xmlUrl="https://hp.example/feed" medium="feed" />\n'
        "    </outline>\n"
        "  </body>\n"
        "</opml>\n"
    )
    assert result.err == (
        "plnctl: left out 1 people: OPML lists feeds (--kind person exports people with a URL "
        "instead)\nplnctl: left out 1 tie with no URL: OPML lists feeds by URL\n"
    )


def import_into(cli: Cli, other: Path, path: Path) -> str:
    return cli.ok("--data-dir", str(other), "import", str(path)).out


CSV_FIELDS: tuple[str, ...] = ("name", "kind", "medium", "url", "site_url", "topics", "tags")
CSV_FIELDS += ("via", "every", "note", "email", "phone", "org", "position", "handle")


@pytest.mark.parametrize(
    ("fixtures", "suffix", "fields"),
    [
        (
            ["thunderbird.opml", "feedly.opml", "netnewswire.opml"],
            ".opml",
            ("name", "kind", "url", "site_url", "tags"),
        ),
        (
            ["apple-contacts.vcf", "google-contacts.vcf", "nextcloud-4.0.vcf"],
            ".vcf",
            ("name", "kind", "url", "note", "tags", "topics", "email", "phone", "org", "handle"),
        ),
        (
            ["spreadsheet.csv", "thunderbird.opml"],
            ".csv",
            CSV_FIELDS,
        ),
    ],
)
def test_round_trip_through_a_file_keeps_the_ties(
    cli: Cli,
    data_dir: Path,
    tmp_path: Path,
    fixtures: list[str],
    suffix: str,
    fields: tuple[str, ...],
) -> None:
    for name in fixtures:
        cli.ok("import", fixture(name))
    out = tmp_path / f"export{suffix}"
    result = cli.ok("export", "--output", str(out))
    assert result.out == ""
    assert result.err.splitlines()[-1].startswith("plnctl: wrote ")
    other = tmp_path / "other"
    import_into(cli, other, out)
    mine, theirs = tomls(data_dir), tomls(other)
    kinds = {"source"} if suffix == ".opml" else {"person"} if suffix == ".vcf" else None
    expected = {s: t for s, t in mine.items() if kinds is None or t["kind"] in kinds}
    assert set(theirs) == set(expected)
    for slug, tie in expected.items():
        if suffix == ".opml":  # folders come back in the reader's order, not the tags'
            tie["tags"].sort()
            theirs[slug]["tags"].sort()
        assert {f: theirs[slug].get(f) for f in fields} == {f: tie.get(f) for f in fields}, slug
    again = import_into(cli, other, out)
    assert again.splitlines()[-1].startswith("0 added, 0 updated")


def test_json_backup_is_lossless(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    cli.ok("add", "Ann Lee", "--url", "https://ann.example", "--topic", "pedagogy", "--every", "9")
    cli.ok("add", "Ben", "--via", "ann")
    cli.ok("checkin", "ann", "--kind", "converse", "--note", "coffee", "--on", "2025-06-01")
    cli.ok("share", "A talk", "--with", "ann", "--from", "ben")
    cli.ok("share", "https://public.example/post")
    cli.ok("set", "ben", "--pin", "strong")
    with cli.tie_file("ann-lee").open("a", encoding="utf-8") as handle:
        handle.write('\n[extra_table]\nmet = 2024-01-02\nat = 2020-05-06T07:08:09Z\nwho = "x"\n')
    (data_dir / "_settings.toml").write_text("half_life_days = 20\n[weights]\nread = 0.5\n")
    backup = tmp_path / "backup.json"
    cli.ok("export", "-o", str(backup))
    doc = json.loads(backup.read_text("utf-8"))
    assert doc["format"] == "plnctl-backup"
    assert [t["slug"] for t in doc["ties"]] == ["ann-lee", "ben"]

    other = tmp_path / "restored"
    out = import_into(cli, other, backup)
    assert out.endswith(
        "settings: restored\npublic shares: 1 added\n2 added, 0 updated, 0 skipped\n"
    )
    assert tomls(other) == tomls(data_dir)
    for name in ("_settings.toml", "_shares.toml"):
        assert tomllib.loads((other / name).read_text()) == tomllib.loads(
            (data_dir / name).read_text()
        )
    before = snapshot(other)
    again = import_into(cli, other, backup)
    assert again.endswith("settings: same\n0 added, 0 updated, 2 skipped\n")
    assert snapshot(other) == before


def test_restoring_a_backup_unions_events_by_id(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("checkin", "ann", "--on", "2025-06-01")
    backup = tmp_path / "backup.json"
    cli.ok("export", "-o", str(backup))
    cli.ok("checkin", "ann", "--on", "2025-06-10")
    cli.ok("--data-dir", str(tmp_path / "other"), "import", str(backup))
    cli.ok("--data-dir", str(tmp_path / "other"), "checkin", "ann", "--on", "2025-06-20")
    later = tmp_path / "later.json"
    cli.ok("--data-dir", str(tmp_path / "other"), "export", "-o", str(later))
    result = cli.ok("import", str(later))
    assert result.out == "updated  ann-lee: Ann Lee  (events)\n0 added, 1 updated, 0 skipped\n"
    days = [e["date"].isoformat() for e in cli.read_tie("ann-lee")["events"]]
    assert days == ["2025-06-01", "2025-06-10", "2025-06-20"]


def test_backup_keeps_its_slug_and_remaps_via_when_taken(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "Ben", "--via", "ann")
    backup = tmp_path / "backup.json"
    cli.ok("export", "-o", str(backup))
    other = tmp_path / "other"
    cli.ok("--data-dir", str(other), "add", "Someone", "--url", "https://s.example")
    (other / "someone.toml").rename(other / "ann-lee.toml")  # the slug is taken by another tie
    out = import_into(cli, other, backup)
    assert "added  ann-lee-2: Ann Lee" in out
    assert tomllib.loads((other / "ben.toml").read_text())["via"] == "ann-lee-2"


def test_export_json_refuses_filters_and_unreadable_files(cli: Cli, data_dir: Path) -> None:
    cli.ok("add", "Ann")
    assert "--kind and --archived do not apply" in cli.fails("export", "--kind", "person").err
    (data_dir / "broken.toml").write_text("name = ")
    result = cli.fails("export", "--format", "json")
    assert "cannot back up" in result.err and "broken.toml" in result.err
    csv_out = cli.ok("export", "--format", "csv")
    assert csv_out.out.splitlines()[1].startswith("Ann,person")
    assert "warning: skipped" in csv_out.err


def test_export_leaves_out_archived_unless_asked(cli: Cli) -> None:
    cli.ok("add", "Ann")
    cli.ok("add", "Old Friend")
    path = cli.tie_file("old-friend")
    path.write_text(
        path.read_text().replace('kind = "person"\n', 'kind = "person"\narchived = true\n')
    )
    assert "Old Friend" not in cli.ok("export", "-f", "vcard").out
    assert "FN:Old Friend" in cli.ok("export", "-f", "vcard", "--archived").out


def test_export_to_a_directory_is_an_error(cli: Cli, tmp_path: Path) -> None:
    assert "is a directory" in cli.fails("export", "-o", str(tmp_path)).err


@pytest.mark.parametrize("command", ["import", "export"])
def test_command_is_documented(cli: Cli, command: str) -> None:
    result = cli.ok(command, "--help")
    assert "Example: plnctl " + command in result.out
    docs = Path(__file__).parent.parent / "docs"
    assert f"\n## plnctl {command}\n" in (docs / "cli.md").read_text("utf-8")
    assert f"plnctl {command}" in (docs / "formats.md").read_text("utf-8")


def test_a_backup_keeps_ties_that_share_a_url_or_a_name(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Ann", "--url", "https://uni.example.org")
    cli.ok("add", "Bob", "--url", "https://uni.example.org")
    cli.ok("checkin", "bob")
    (cli.data_dir / "bob-copy.toml").write_bytes(cli.tie_file("bob").read_bytes())
    backup = tmp_path / "backup.json"
    cli.ok("export", "--output", str(backup))
    restored = tmp_path / "restored"
    for _ in range(2):  # and a second restore adds nothing
        cli.ok("--data-dir", str(restored), "import", str(backup))
        assert sorted(p.name for p in restored.glob("*.toml")) == [
            "ann.toml",
            "bob-copy.toml",
            "bob.toml",
        ]
    for slug in ("ann", "bob", "bob-copy"):
        assert tomllib.loads((restored / f"{slug}.toml").read_text()) == cli.read_tie(slug)


def test_a_person_is_not_matched_by_a_shared_url(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Ann Lee", "--url", "https://uni.example.edu")
    card = tmp_path / "bob.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Stone\r\nN:Stone;Bob;;;\r\n"
        "URL:https://uni.example.edu\r\nNOTE:met at a workshop\r\nEND:VCARD\r\n"
    )
    result = cli.ok("import", str(card))
    assert "added" in result.out and "bob-stone" in result.out
    assert "note" not in cli.read_tie("ann-lee")
    assert cli.read_tie("bob-stone")["note"] == "met at a workshop"


def test_a_person_is_not_matched_by_name_to_a_source(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Stats Corner", "--kind", "blog")
    rows = tmp_path / "people.csv"
    rows.write_text("name,kind,note\nStats Corner,person,the host of the blog\n")
    result = cli.ok("import", str(rows))
    assert "added  stats-corner-2: Stats Corner (2)" in result.out
    assert (
        "stats-corner is named 'Stats Corner' too, a source; added as 'Stats Corner (2)'"
        in result.err
    )
    assert "note" not in cli.read_tie("stats-corner")
    assert cli.read_tie("stats-corner-2")["kind"] == "person"
    assert cli.ok("import", str(rows)).out.endswith("0 added, 0 updated, 1 skipped\n")


# -- what an import writes passes doctor --------------------------------------


def test_a_backup_is_made_valid_before_it_is_written_and_says_what_it_dropped(
    cli: Cli, tmp_path: Path
) -> None:
    doc = {
        "format": "plnctl-backup",
        "version": 1,
        "settings": None,
        "profile": None,
        "shares": [
            {"id": "s1", "what": "no date"},
            {"id": "s2", "date": "2025-01-01", "what": "kept", "mood": None},
        ],
        "ties": [
            {
                "slug": "ann",
                "tie": {
                    "name": "Ann",
                    "extra": {"gone": None, "big": 2**70, "ok": 1},
                    "events": [
                        {"id": "e1", "date": "2025-01-01", "kind": "read"},
                        {"id": "e1", "date": "2025-01-01", "kind": "read"},
                        {"id": "e1", "date": "2025-01-02", "kind": "read"},
                    ],
                },
            }
        ],
    }
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = cli.ok("import", str(path))
    assert result.err.splitlines() == [
        f"plnctl: warning: {path}, shares[0]: left out: 'date' must be a date (YYYY-MM-DD)",
        f"plnctl: warning: {path}: shares[1].mood is null; TOML has no null, so it was left out",
        f"plnctl: warning: {path}, ties[0] (ann): extra.gone is null; TOML has no null, "
        "so it was left out",
        f"plnctl: warning: {path}, ties[0] (ann): extra.big is an integer past TOML's 64-bit "
        "range; left out",
        f"plnctl: warning: {path}, ties[0] (ann): event 'e1' is listed twice; kept once",
        result.err.splitlines()[-1],
    ]
    assert "two different events share the id 'e1'" in result.err.splitlines()[-1]
    tie = cli.read_tie("ann")
    assert tie["extra"] == {"ok": 1}
    assert [e["date"].isoformat() for e in tie["events"]] == ["2025-01-01", "2025-01-02"]
    assert len({e["id"] for e in tie["events"]}) == 2
    assert cli.ok("doctor").out == "1 tie OK\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"format": "plnctl-backup", "version": 1, "ties": [{"slug": "a", "tie": '
            '{"name": "A", "x": ' + "9" * 5000 + "}}]}",
            "holds a number of more than 4,300 digits, which no plnctl file can hold",
        ),
        (
            '{"format": "plnctl-backup", "version": 1, "ties": [{"slug": "a", "tie": '
            '{"name": "A", "x": ' + "[" * 900 + "]" * 900 + "}}]}",
            "nests values more than 64 levels deep; plnctl reads at most 64",
        ),
        (  # a published profile card is read with the same guards
            '{"format": "plnctl-profile", "version": 1, "name": "A", "x": ' + "9" * 5000 + "}",
            "holds a number of more than 4,300 digits, which no plnctl file can hold",
        ),
        (
            '{"format": "plnctl-profile", "version": 1, "x": ' + "[" * 900 + "]" * 900 + "}",
            "nests values more than 64 levels deep; plnctl reads at most 64",
        ),
    ],
)
def test_a_hostile_backup_is_one_clear_line(
    cli: Cli, data_dir: Path, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "backup.json"
    path.write_text(text, encoding="utf-8")
    assert cli.fails("import", str(path)).err == f"plnctl: error: {path} {message}\n"
    assert not data_dir.exists() or not list(data_dir.glob("*.toml"))


def test_a_full_disk_while_writing_changes_nothing_and_says_so(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import plnctl.store

    real = plnctl.store._stage
    calls = {"n": 0}

    def fill_up(path: Path, data: bytes, *, sync: bool) -> Path:
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, sync=sync)

    cli.ok("add", "Ann Lee")
    monkeypatch.setattr(plnctl.store, "_stage", fill_up)
    err = cli.fails("import", fixture("thunderbird.opml")).err
    assert (
        err
        == f"plnctl: error: no space left on the device holding {data_dir}; nothing was changed\n"
    )
    assert sorted(p.name for p in data_dir.iterdir()) == [".lock", "ann-lee.toml"]


def test_a_failure_part_way_says_how_far_the_import_got(
    cli: Cli, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    real = os.replace
    calls = {"n": 0}

    def fail(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError(errno.EIO, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "replace", fail)
    err = cli.fails("import", fixture("thunderbird.opml")).err
    assert err.endswith(
        ": 2 of 4 ties written, the rest not; run the import again to finish "
        "(what was written is kept, and skipped then)\n"
    ), err
    monkeypatch.setattr(os, "replace", real)
    assert len(list(data_dir.glob("*.toml"))) == 2
    assert not list(data_dir.glob(".*.tmp"))
    again = cli.ok("import", fixture("thunderbird.opml"))
    assert again.out.splitlines()[-1] == "2 added, 0 updated, 2 skipped"


def test_an_import_never_writes_a_file_plnctl_would_refuse_to_read(
    cli: Cli, data_dir: Path, tmp_path: Path
) -> None:
    deep: dict[str, object] = {"v": 1}
    for _ in range(40):
        deep = {"k": deep}
    backup = tmp_path / "deep.json"
    backup.write_text(
        json.dumps(
            {
                "format": "plnctl-backup",
                "version": 1,
                "ties": [{"slug": "a", "tie": {"schema_version": 1, "name": "A", "deep": deep}}],
            }
        ),
        encoding="utf-8",
    )
    refused = cli.fails("import", str(backup))
    assert refused.err == (
        f"plnctl: error: cannot write {data_dir / 'a.toml'}: it would be past plnctl's limits "
        "for a file (a key or table name of more than 16 parts); nothing was changed "
        "(plnctl's limits for a file are in docs/data-safety.md)\n"
    )
    assert not list(data_dir.glob("*.toml"))
