"""The kind word is kept: `add --kind podcast` is a source whose medium is podcast."""

from __future__ import annotations

import json

from conftest import Cli


def test_add_kind_podcast_keeps_the_word_as_medium(cli: Cli) -> None:
    assert cli.ok("add", "Teaching in Higher Ed", "--kind", "podcast").out == (
        "teaching-in-higher-ed\n"
    )
    data = cli.read_tie("teaching-in-higher-ed")
    assert (data["kind"], data["medium"]) == ("source", "podcast")


def test_list_kind_filters_on_the_medium_and_source_lists_them_all(cli: Cli) -> None:
    cli.ok("add", "Cast One", "--kind", "podcast")
    cli.ok("add", "Blog One", "--kind", "blog")
    cli.ok("add", "Plain Source", "--kind", "source")
    cli.ok("add", "Ann Lee")
    podcasts = json.loads(cli.ok("list", "--json", "--kind", "podcast").out)
    assert [(t["slug"], t["medium"]) for t in podcasts] == [("cast-one", "podcast")]
    sources = json.loads(cli.ok("list", "--json", "--kind", "source").out)
    assert [t["slug"] for t in sources] == ["blog-one", "cast-one", "plain-source"]
    people = json.loads(cli.ok("list", "--json", "--kind", "person").out)
    assert [(t["slug"], t["medium"]) for t in people] == [("ann-lee", None)]


def test_set_kind_changes_the_medium_with_the_kind(cli: Cli) -> None:
    cli.ok("add", "Cast One", "--kind", "podcast")
    cli.ok("set", "cast-one", "--kind", "video")
    assert cli.read_tie("cast-one")["medium"] == "video"
    cli.ok("set", "cast-one", "--kind", "source")
    assert "medium" not in cli.read_tie("cast-one")


def test_contact_fields_are_in_show_and_json(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    path = cli.tie_file("ann-lee")
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'kind = "person"\n',
            'kind = "person"\nemail = "ann@example.org"\norg = "Cork College"\n'
            'handle = "ann@social.example"\n',
        ),
        encoding="utf-8",
    )
    doc = json.loads(cli.ok("show", "ann", "--json").out)
    assert (doc["email"], doc["org"], doc["handle"], doc["phone"]) == (
        "ann@example.org",
        "Cork College",
        "ann@social.example",
        None,
    )
    listed = json.loads(cli.ok("list", "--json").out)
    assert listed[0]["email"] == "ann@example.org"
    shown = cli.ok("show", "ann").out
    assert "    email  ann@example.org\n" in shown
    assert "   handle  ann@social.example\n" in shown
