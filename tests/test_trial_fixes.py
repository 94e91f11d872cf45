"""Fixes a new user's trial found: namesakes an import makes, ambiguity advice that went in
a circle, the profile missing from the backup, CSV round trips that folded feeds together."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

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
