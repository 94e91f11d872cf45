"""Tie and event models, slugs, and the TOML round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Cli
from plnctl.model import EVENT_KINDS, SLUG_RE, Event, Tie
from plnctl.names import RESERVED_SLUGS, name_key, slugify
from plnctl.store import dump_tie, parse_tie
from plnctl.text import union_labels

printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s)
free_text = st.text(max_size=80)  # notes may hold anything, newlines and control characters too
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))

events = st.builds(
    Event,
    date=dates,
    kind=st.sampled_from(EVENT_KINDS),
    note=st.none() | free_text,
    link=st.none() | free_text,
)
ties = st.builds(
    Tie,
    name=printable,
    kind=st.sampled_from(["person", "source"]),
    url=st.none() | free_text,
    topics=st.lists(free_text, max_size=3),
    tags=st.lists(free_text, max_size=3),
    every=st.none() | st.integers(min_value=1, max_value=3650),
    note=st.none() | free_text,
    pin=st.sampled_from([None, "strong", "weak"]),
    added=st.none() | dates,
    events=st.lists(events, max_size=6),
)


@given(ties)
def test_a_tie_survives_toml_and_back_unchanged(tie: Tie) -> None:
    assert parse_tie(Path("x.toml"), dump_tie(tie)) == tie


@given(st.text(max_size=400))
def test_every_slug_is_a_portable_file_name(name: str) -> None:
    slug = slugify(name)
    assert SLUG_RE.match(slug)
    assert len(slug) <= 48
    assert slug not in RESERVED_SLUGS


def test_unknown_fields_are_kept_on_rewrite() -> None:
    text = (
        b'schema_version = 1\nname = "Ann"\nmood = "curious"\n\n'
        b'[extra]\nx = 1\n\n[[events]]\nid = "a1"\ndate = 2025-01-01\nkind = "read"\nrating = 5\n'
    )
    tie = parse_tie(Path("ann.toml"), text)
    again = parse_tie(Path("ann.toml"), dump_tie(tie))
    assert again == tie
    assert again.model_extra == {"mood": "curious", "extra": {"x": 1}}
    assert again.events[0].model_extra == {"rating": 5}


def test_long_names_cut_at_a_word() -> None:
    slug = slugify("The Extraordinarily Long Name Of A Very Verbose Podcast About Everything")
    assert slug == "the-extraordinarily-long-name-of-a-very-verbose"


def test_an_event_typed_without_an_id_gets_the_same_id_on_every_read() -> None:
    text = b'name = "Ann"\n\n[[events]]\ndate = 2025-01-01\nkind = "read"\n'
    first = parse_tie(Path("ann.toml"), text)
    again = parse_tie(Path("ann.toml"), text)
    assert first.events[0].id == again.events[0].id
    other = parse_tie(Path("ben.toml"), text)
    assert other.events[0].id != first.events[0].id


def test_one_label_rule_everywhere(cli: Cli) -> None:
    """add, set, merge and import fold topics the same way: case, spaces, - and _ aside."""
    cli.ok(
        "add", "Ann Lee", "--topic", "Python", "--topic", "python", "--topic", "Machine learning"
    )
    assert cli.read_tie("ann-lee")["topics"] == ["Python", "Machine learning"]
    cli.ok("set", "ann", "--add-topic", "machine-learning", "--add-topic", "R")
    assert cli.read_tie("ann-lee")["topics"] == ["Python", "Machine learning", "R"]
    cli.ok("add", "A. Lee", "--topic", "machine_learning", "--topic", "Statistics")
    cli.ok("merge", "a-lee", "ann-lee")
    assert cli.read_tie("ann-lee")["topics"] == ["Python", "Machine learning", "R", "Statistics"]
    assert cli.ok("list", "--topic", "MACHINE LEARNING").out.count("ann-lee") == 1
    cli.ok("set", "ann", "--remove-topic", "machine-learning")
    assert cli.read_tie("ann-lee")["topics"] == ["Python", "R", "Statistics"]


def test_union_labels_keeps_the_first_spelling_and_order() -> None:
    assert union_labels(["ML", "Art"], [" ml ", "art", "", "Data_Science", "data science"]) == (
        ["ML", "Art", "Data_Science"],
        ["Data_Science"],
    )


def general_key(name: str) -> str:
    """`name_key` by its general rule alone, for any text."""
    import unicodedata

    from plnctl.names import _ignored

    decomposed = unicodedata.normalize("NFKD", name).casefold()
    return "".join(c for c in decomposed if not _ignored(c)) or name.casefold()


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_an_ascii_names_key_is_the_general_rules(name: str) -> None:
    assert name_key(name) == general_key(name)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Ann Lee", "ann-lee", True),
        ("Ann. Lee", "ANN_LEE", True),
        ("Zoë", "Zoe", True),
        ("C", "C++", False),
        ("C#", "c#", True),
        ("...", "..", False),
    ],
)
def test_names_that_are_one_tie(a: str, b: str, same: bool) -> None:
    assert (name_key(a) == name_key(b)) is same
    assert name_key(a) == general_key(a) and name_key(b) == general_key(b)
