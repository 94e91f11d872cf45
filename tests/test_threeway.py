"""Three-way merges of ties, the share log, the profile and the settings."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import examples
from plnctl.store import dump_tie, parse_tie
from plnctl.text import label_key
from plnctl.threeway import (
    Merge,
    UnmergeableError,
    file_kind,
    merge_bytes,
    merge_profile,
    merge_settings,
    merge_shares,
    merge_tie,
)
from plnctl.threeway_rules import canon, pick

Table = dict[str, Any]
TODAY = dt.date(2025, 7, 1)


def ev(id_: str, day: int, kind: str = "read", **extra: Any) -> Table:
    return {"id": id_, "date": dt.date(2025, 6, day), "kind": kind, **extra}


def tie(*events: Table, **fields: Any) -> Table:
    return {"schema_version": 1, "name": "Ann Lee", **fields, "events": list(events)}


def merge(base: Table | None, ours: Table, theirs: Table) -> Merge:
    return merge_tie(base, ours, theirs, today=TODAY)


def ids(doc: Table) -> list[str]:
    return [e["id"] for e in doc.get("events", [])]


# -- scalars ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "want"),
    [
        ("b", "b", "t", "t"),  # theirs changed
        ("b", "o", "b", "o"),  # ours changed
        ("b", "x", "x", "x"),  # both changed alike
        ("b", "b", "b", "b"),
    ],
)
def test_the_side_that_changed_a_field_wins(base: str, ours: str, theirs: str, want: str) -> None:
    result = merge(tie(note=base), tie(note=ours), tie(note=theirs))
    assert result.merged["note"] == want
    assert result.conflicts == []
    assert "conflicts" not in result.merged


def test_a_field_both_sides_changed_keeps_ours_and_records_theirs() -> None:
    result = merge(tie(note="b"), tie(note="o"), tie(note="t"))
    assert result.merged["note"] == "o"
    record = {"field": "note", "theirs": "t", "date": TODAY}
    assert result.conflicts == [record]
    assert result.merged["conflicts"] == [record]


def test_a_removed_field_is_a_change_to_absent() -> None:
    # Theirs removed it, ours did not touch it: removed.
    assert "pin" not in merge(tie(pin="weak"), tie(pin="weak"), tie()).merged
    # Ours removed it, theirs changed it: ours (absent) wins and theirs is recorded.
    result = merge(tie(pin="weak"), tie(), tie(pin="strong"))
    assert "pin" not in result.merged
    assert result.conflicts == [{"field": "pin", "theirs": "strong", "date": TODAY}]
    # Theirs removed it, ours changed it: ours wins and the removal is recorded.
    result = merge(tie(pin="weak"), tie(pin="strong"), tie())
    assert result.merged["pin"] == "strong"
    assert result.conflicts == [{"field": "pin", "removed": True, "date": TODAY}]


def test_unknown_fields_merge_like_scalars_and_keep_their_toml_type() -> None:
    base = tie(mood="calm")
    ours = tie(mood="curious", met=dt.date(2020, 5, 1))
    theirs = tie(mood="calm", profile={"mastodon": "@ann"}, stars=3)
    merged = merge(base, ours, theirs).merged
    assert merged["mood"] == "curious"
    assert merged["met"] == dt.date(2020, 5, 1)
    assert merged["profile"] == {"mastodon": "@ann"}
    assert merged["stars"] == 3
    result = merge(base, tie(mood={"a": 1}), tie(mood=[1, 2]))
    assert result.merged["mood"] == {"a": 1}
    assert result.conflicts == [{"field": "mood", "theirs": [1, 2], "date": TODAY}]


def test_values_compare_as_toml_not_as_python() -> None:
    assert pick(1, 1, True) == (True, False)  # 1 == True in Python, not in TOML
    assert pick(1, 1.0, 1) == (1.0, False)
    nan = float("nan")
    assert pick(nan, nan, 2.0) == (2.0, False)


def test_schema_version_takes_the_higher() -> None:
    result = merge(tie(), tie(schema_version=1), tie(schema_version=2))
    assert result.merged["schema_version"] == 2
    assert result.conflicts == []


# -- events -------------------------------------------------------------------


def test_events_are_the_union_by_id_ordered_by_date_ours_first_within_a_day() -> None:
    base = tie(ev("a", 1))
    ours = tie(ev("a", 1), ev("o1", 3), ev("o2", 5))
    theirs = tie(ev("a", 1), ev("t0", 1), ev("t1", 3), ev("t2", 4), ev("t3", 9))
    merged = merge(base, ours, theirs).merged
    assert ids(merged) == ["a", "t0", "o1", "t1", "t2", "o2", "t3"]


def test_an_event_changed_on_one_side_takes_the_change() -> None:
    base = tie(ev("a", 1), ev("b", 2))
    ours = tie(ev("a", 1, note="ours"), ev("b", 2))
    theirs = tie(ev("a", 1), ev("b", 2, kind="converse"))
    result = merge(base, ours, theirs)
    assert result.merged["events"] == [ev("a", 1, note="ours"), ev("b", 2, kind="converse")]
    assert result.conflicts == []


def test_an_event_changed_on_both_sides_keeps_ours_and_records_theirs_whole() -> None:
    base = tie(ev("a", 1))
    result = merge(base, tie(ev("a", 1, note="o")), tie(ev("a", 2, note="t", mood="x")))
    assert result.merged["events"] == [ev("a", 1, note="o")]
    assert result.conflicts == [
        {"field": "events", "id": "a", "theirs": ev("a", 2, note="t", mood="x"), "date": TODAY}
    ]


def test_a_deleted_event_stays_deleted_unless_the_other_side_changed_it() -> None:
    base = tie(ev("a", 1), ev("b", 2), ev("c", 3))
    ours = tie(ev("b", 2, note="kept"), ev("c", 3))  # deleted a, changed b
    theirs = tie(ev("a", 1), ev("c", 3, note="too"))  # deleted b, changed c
    result = merge(base, ours, theirs)
    assert result.merged["events"] == [ev("b", 2, note="kept"), ev("c", 3, note="too")]
    assert result.conflicts == []
    # The same the other way round: theirs' change survives ours' deletion.
    swapped = merge(base, theirs, ours)
    assert swapped.merged["events"] == [ev("b", 2, note="kept"), ev("c", 3, note="too")]


def test_an_event_deleted_on_both_sides_is_gone() -> None:
    assert ids(merge(tie(ev("a", 1)), tie(), tie()).merged) == []


def test_the_same_event_added_on_both_sides_is_one_event() -> None:
    result = merge(tie(), tie(ev("n", 2)), tie(ev("n", 2)))
    assert ids(result.merged) == ["n"]
    different = merge(tie(), tie(ev("n", 2)), tie(ev("n", 2, note="t")))
    assert ids(different.merged) == ["n"]
    assert different.conflicts[0]["theirs"] == ev("n", 2, note="t")


def test_events_without_ids_match_by_content_and_two_equal_ones_stay_two() -> None:
    plain = {"date": dt.date(2025, 6, 1), "kind": "read"}
    base = tie(plain)
    ours = tie(plain, plain)  # a second, identical read logged by hand
    theirs = tie(plain, {"date": dt.date(2025, 6, 2), "kind": "ask"})
    assert merge(base, ours, theirs).merged["events"] == [
        plain,
        plain,
        {"date": dt.date(2025, 6, 2), "kind": "ask"},
    ]
    assert merge(None, tie(plain), tie(plain)).merged["events"] == [plain]


def test_quoted_dates_and_times_of_day_order_events_too() -> None:
    ours = tie(ev("a", 1), {"id": "b", "date": "2025-06-05", "kind": "read"})
    theirs = tie(ev("a", 1), {"id": "c", "date": dt.datetime(2025, 6, 3, 9, 30), "kind": "ask"})
    assert ids(merge(tie(ev("a", 1)), ours, theirs).merged) == ["a", "c", "b"]


def test_events_that_are_not_an_array_of_tables_merge_like_a_scalar() -> None:
    ours = {**tie(), "events": "lost them"}
    result = merge(tie(ev("a", 1)), ours, tie(ev("a", 1), ev("b", 2)))
    assert result.merged["events"] == "lost them"
    assert result.conflicts == [
        {"field": "events", "theirs": [ev("a", 1), ev("b", 2)], "date": TODAY}
    ]


def test_a_hand_made_event_order_is_kept() -> None:
    ours = tie(ev("late", 9), ev("early", 1))
    merged = merge(tie(), ours, tie(ev("late", 9), ev("early", 1), ev("mid", 5))).merged
    assert ids(merged) == ["late", "early", "mid"]


# -- lists --------------------------------------------------------------------


def test_lists_merge_as_sets_with_removals_on_one_side_and_additions_on_the_other() -> None:
    base = tie(topics=["pedagogy", "python", "rust"], tags=["colleague"])
    ours = tie(topics=["pedagogy", "rust", "go"], tags=["colleague", "mentor"])
    theirs = tie(topics=["python", "rust", "zig"], tags=[])
    merged = merge(base, ours, theirs).merged
    assert merged["topics"] == ["rust", "go", "zig"]  # theirs removed pedagogy, ours python
    assert merged["tags"] == ["mentor"]


def test_topics_compare_ignoring_case_and_a_new_spelling_is_taken() -> None:
    base = tie(topics=["python", "Rust"])
    ours = tie(topics=["python", "Rust", "Go"])
    theirs = tie(topics=["Python", "rust", "go", "GO"])
    result = merge(base, ours, theirs)
    assert result.merged["topics"] == ["Python", "rust", "Go"]
    assert result.conflicts == []
    two_way = merge(None, tie(learning=["Python"]), tie(learning=["python", "Zig"]))
    assert two_way.merged["learning"] == ["Python", "Zig"]


def test_a_list_field_that_is_not_a_list_merges_like_a_scalar() -> None:
    result = merge(tie(topics=["a"]), tie(topics="a, b"), tie(topics=["a", "c"]))
    assert result.merged["topics"] == "a, b"
    assert result.conflicts == [{"field": "topics", "theirs": ["a", "c"], "date": TODAY}]


# -- two-way ------------------------------------------------------------------


def test_a_two_way_merge_unions_events_and_records_differing_fields() -> None:
    ours = tie(ev("a", 1), ev("b", 2, note="o"), note="mine", every=14, topics=["x"])
    theirs = tie(ev("b", 2, note="t"), ev("c", 3), note="copy", url="https://a.example")
    result = merge(None, ours, theirs)
    merged = result.merged
    assert ids(merged) == ["a", "b", "c"]
    assert merged["note"] == "mine"
    assert merged["every"] == 14
    assert merged["url"] == "https://a.example"
    assert merged["topics"] == ["x"]
    assert result.conflicts == [
        {"field": "note", "theirs": "copy", "date": TODAY},
        {"field": "events", "id": "b", "theirs": ev("b", 2, note="t"), "date": TODAY},
    ]
    assert merge({}, ours, theirs) == result


# -- conflict records ---------------------------------------------------------


OLD = {"field": "note", "theirs": "old", "date": dt.date(2025, 1, 1)}
OLDER = {"field": "url", "removed": True, "date": dt.date(2024, 1, 1)}


def test_existing_conflict_records_are_unioned_once_each() -> None:
    result = merge(tie(), tie(conflicts=[OLD]), tie(conflicts=[OLDER, OLD]))
    assert result.merged["conflicts"] == [OLD, OLDER]
    assert result.conflicts == []


def test_a_record_cleared_on_one_side_stays_cleared() -> None:
    base = tie(conflicts=[OLD, OLDER])
    result = merge(base, tie(conflicts=[OLDER]), tie(conflicts=[OLD, OLDER], note="x"))
    assert result.merged["conflicts"] == [OLDER]
    cleared = merge(base, tie(), tie(conflicts=[OLD, OLDER]))
    assert "conflicts" not in cleared.merged


def test_new_records_follow_the_old_ones_and_are_not_repeated() -> None:
    first = merge(tie(note="b", conflicts=[OLD]), tie(note="o", conflicts=[OLD]), tie(note="t"))
    assert first.merged["conflicts"] == [{"field": "note", "theirs": "t", "date": TODAY}]
    again = merge(tie(note="b"), first.merged, tie(note="t"))
    assert again.merged == first.merged
    assert again.conflicts == []


def test_a_conflicts_field_that_is_not_an_array_of_tables_cannot_be_merged() -> None:
    with pytest.raises(UnmergeableError, match="conflicts"):
        merge(tie(), tie(conflicts="none"), tie(note="x"))


def test_merging_a_tie_with_itself_changes_nothing() -> None:
    x = tie(ev("a", 1), ev("b", 2), note="n", topics=["Python", "python"], conflicts=[OLD])
    result = merge(x, x, x)
    assert result.merged == x
    assert result.conflicts == []


# -- the share log ------------------------------------------------------------


def share(id_: str, day: int, what: str, **extra: Any) -> Table:
    return {"id": id_, "date": dt.date(2025, 6, day), "what": what, **extra}


def test_shares_merge_by_id_with_the_event_rules() -> None:
    base = {"schema_version": 1, "shares": [share("a", 1, "A"), share("b", 2, "B")]}
    ours = {"schema_version": 1, "shares": [share("a", 1, "A", note="o"), share("o", 4, "O")]}
    theirs = {
        "schema_version": 1,
        "shares": [share("a", 1, "A", note="t"), share("b", 2, "B"), share("t", 3, "T")],
    }
    result = merge_shares(base, ours, theirs, today=TODAY)
    assert result.merged["shares"] == [
        share("a", 1, "A", note="o"),
        share("t", 3, "T"),
        share("o", 4, "O"),
    ]
    assert result.merged["conflicts"] == [
        {"field": "shares", "id": "a", "theirs": share("a", 1, "A", note="t"), "date": TODAY}
    ]


# -- the profile --------------------------------------------------------------


def test_profile_goals_merge_by_topic_key_field_by_field() -> None:
    added = dt.date(2025, 1, 1)
    base = {
        "name": "Me",
        "links": ["https://me.example"],
        "learn": [
            {"topic": "Machine learning", "why": "work", "added": added},
            {"topic": "rust", "added": added},
            {"topic": "go", "added": added},
        ],
        "teach": [{"topic": "python"}],
    }
    ours = {
        "name": "Me",
        "about": "a teacher",
        "links": ["https://me.example", "https://blog.example"],
        "learn": [
            {"topic": "Machine learning", "why": "research", "added": added},
            {"topic": "rust", "added": added, "done": True},
        ],
        "teach": [{"topic": "python", "note": "beginners"}],
    }
    theirs = {
        "name": "Me",
        "links": [],
        "learn": [
            {"topic": "machine_learning", "why": "fun", "added": added, "until": added},
            {"topic": "go", "added": added, "why": "backend"},
            {"topic": "Statistics", "added": added},
        ],
        "teach": [{"topic": "Python", "note": "kids"}],
        "projects": [{"name": "Atlas", "note": "map of the field"}],
    }
    result = merge_profile(base, ours, theirs, today=TODAY)
    merged = result.merged
    assert merged["about"] == "a teacher"
    assert merged["links"] == ["https://blog.example"]
    assert merged["learn"] == [
        # Theirs respelled the topic and added `until`; both changed `why`.
        {"topic": "machine_learning", "why": "research", "added": added, "until": added},
        {"topic": "rust", "added": added, "done": True},  # theirs removed it, ours changed it
        {"topic": "go", "added": added, "why": "backend"},  # ours removed it, theirs changed it
        {"topic": "Statistics", "added": added},
    ]
    assert merged["teach"] == [{"topic": "Python", "note": "beginners"}]
    assert merged["projects"] == [{"name": "Atlas", "note": "map of the field"}]
    assert result.conflicts == [
        {
            "field": "learn",
            "topic": "machine_learning",  # as the merged file spells it
            "key": "why",
            "theirs": "fun",
            "date": TODAY,
        },
        {"field": "teach", "topic": "Python", "key": "note", "theirs": "kids", "date": TODAY},
    ]


# -- settings -----------------------------------------------------------------


def test_settings_merge_key_by_key_inside_tables_and_report_conflicts() -> None:
    base = {"half_life_days": 30, "weights": {"read": 1, "converse": 3}}
    ours = {"half_life_days": 21, "strong_at": 5, "weights": {"read": 1, "converse": 4}}
    theirs = {"half_life_days": 30, "strong_at": 4.5, "weights": {"read": 2, "converse": 5}}
    merged, lost = merge_settings(base, ours, theirs)
    assert merged == {"half_life_days": 21, "strong_at": 5, "weights": {"read": 2, "converse": 4}}
    assert lost == ["strong_at", "weights.converse"]


# -- whole files --------------------------------------------------------------

BASE_FILE = b"""schema_version = 1
name = "Ann Lee"
note = "base"

[[events]]
id = "a1"
date = 2025-06-01
kind = "read"
"""


def test_merge_bytes_writes_fields_then_conflicts_then_events() -> None:
    ours = BASE_FILE.replace(b'"base"', b'"ours"') + b'\n[[events]]\nid = "o1"\n'
    ours += b'date = 2025-06-05\nkind = "ask"\n'
    theirs = BASE_FILE.replace(b'"base"', b'"theirs"').replace(b'"read"', b'"read"\nnote = "t"')
    out = merge_bytes("ann-lee.toml", BASE_FILE, ours, theirs, today=TODAY)
    assert out.decode() == (
        'schema_version = 1\nname = "Ann Lee"\nnote = "ours"\n'
        '\n[[conflicts]]\nfield = "note"\ntheirs = "theirs"\ndate = 2025-07-01\n'
        '\n[[events]]\nid = "a1"\ndate = 2025-06-01\nkind = "read"\nnote = "t"\n'
        '\n[[events]]\nid = "o1"\ndate = 2025-06-05\nkind = "ask"\n'
    )


def test_a_recorded_event_is_written_as_a_table_and_plnctl_keeps_it() -> None:
    ours = BASE_FILE.replace(b'"read"', b'"read"\nnote = "o"')
    theirs = BASE_FILE.replace(b'"read"', b'"read"\nnote = "t"')
    out = merge_bytes("ann-lee.toml", BASE_FILE, ours, theirs, today=TODAY)
    assert b'\n[[conflicts]]\nfield = "events"\nid = "a1"\ndate = 2025-07-01\n' in out
    assert b'\n[conflicts.theirs]\nid = "a1"\ndate = 2025-06-01\nkind = "read"\nnote = "t"\n' in out
    tie_ = parse_tie(Path("ann-lee.toml"), out)
    assert tie_.events[0].note == "o"
    rewritten = parse_tie(Path("ann-lee.toml"), dump_tie(tie_))
    assert rewritten.model_extra == tie_.model_extra
    assert rewritten.model_extra and rewritten.model_extra["conflicts"][0]["theirs"]["note"] == "t"


def test_merge_bytes_reads_a_byte_order_mark_and_an_empty_base_is_two_way() -> None:
    ours = "\ufeff".encode() + BASE_FILE
    theirs = BASE_FILE.replace(b'"base"', b'"theirs"')
    out = merge_bytes("ann-lee.toml", b"", ours, theirs, today=TODAY)
    assert out == merge_bytes("ann-lee.toml", None, BASE_FILE, theirs, today=TODAY)
    assert tomllib.loads(out.decode())["conflicts"] == [
        {"field": "note", "theirs": "theirs", "date": TODAY}
    ]


@pytest.mark.parametrize(
    ("side", "raw", "problem"),
    [
        ("ours", b"name = ", "not valid TOML"),
        ("theirs", b'name = "\xff"', "not UTF-8"),
        ("base", b"schema_version = 2\nname = 'x'", "newer plnctl"),
    ],
)
def test_a_side_plnctl_cannot_read_is_unmergeable(side: str, raw: bytes, problem: str) -> None:
    sides = {"base": BASE_FILE, "ours": BASE_FILE, "theirs": BASE_FILE, side: raw}
    with pytest.raises(UnmergeableError, match=f"ann-lee.toml: {side}: .*{problem}"):
        merge_bytes("ann-lee.toml", sides["base"], sides["ours"], sides["theirs"], today=TODAY)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("_shares.toml", "_shares.toml"),
        ("pln/_profile.toml", "_profile.toml"),
        ("pln\\_settings.toml", "_settings.toml"),
        ("ann-lee.toml", "tie"),
        ("x/_shares.toml.orig", "tie"),
    ],
)
def test_the_file_name_picks_the_merge(name: str, kind: str) -> None:
    assert file_kind(name) == kind


def test_merge_bytes_writes_settings_and_the_share_log_in_their_layout() -> None:
    base = b"half_life_days = 30\n\n[weights]\nread = 1\n"
    ours = b"half_life_days = 21\n\n[weights]\nread = 1\n"
    theirs = b"half_life_days = 30\n\n[weights]\nread = 2\n"
    out = merge_bytes("_settings.toml", base, ours, theirs, today=TODAY)
    assert out == b"half_life_days = 21\n\n[weights]\nread = 2\n"
    log = b'schema_version = 1\n\n[[shares]]\nid = "a"\ndate = 2025-06-01\nwhat = "A"\n'
    more = log + b'\n[[shares]]\nid = "b"\ndate = 2025-06-02\nwhat = "B"\n'
    assert merge_bytes("_shares.toml", log, log, more, today=TODAY) == more


# -- properties ---------------------------------------------------------------

DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2025, 1, 8))
TEXT = st.text(st.characters(codec="utf-8"), max_size=8)
LABELS = st.lists(st.sampled_from(["Python", "python", "rust", "Go", "go", "zig"]), max_size=4)
EXTRA = st.one_of(TEXT, st.integers(-3, 3), st.booleans(), DAYS, st.dictionaries(TEXT, TEXT))
OLD_RECORDS = st.sampled_from(
    [OLD, OLDER, {"field": "tags", "theirs": ["a"], "date": dt.date(2024, 5, 5)}]
)


@st.composite
def event_body(draw: st.DrawFn, id_: str) -> Table:
    event: Table = {
        "id": id_,
        "date": draw(DAYS),
        "kind": draw(st.sampled_from(["read", "comment", "converse", "share"])),
    }
    if draw(st.booleans()):
        event["note"] = draw(TEXT)
    if draw(st.integers(0, 4)) == 0:
        event["mood"] = draw(EXTRA)
    return event


@st.composite
def tie_dicts(draw: st.DrawFn) -> Table:
    """A valid tie file's table: a few fields, labels with case variants, events."""
    doc: Table = {"name": draw(st.sampled_from(["Ann Lee", "Ann", "Ben"]))}
    optional: dict[str, st.SearchStrategy[Any]] = {
        "schema_version": st.just(1),
        "kind": st.sampled_from(["person", "source"]),
        "note": TEXT,
        "every": st.integers(1, 3650),
        "pin": st.sampled_from(["strong", "weak"]),
        "archived": st.booleans(),
        "added": DAYS,
        "topics": LABELS,
        "tags": LABELS,
        "learning": LABELS,
        "mood": EXTRA,
        "conflicts": st.lists(OLD_RECORDS, max_size=2, unique_by=canon),
    }
    for key, values in optional.items():
        if draw(st.booleans()):
            doc[key] = draw(values)
    chosen = draw(st.lists(st.sampled_from("abcdef"), unique=True, max_size=5))
    doc["events"] = [draw(event_body(i)) for i in chosen]
    return doc


@st.composite
def edited(draw: st.DrawFn, doc: Table) -> Table:
    """Another device's version of `doc`: fields changed or removed, labels and
    records removed or added, events changed, deleted or added (new ids may be
    added on both devices, so the same new id can differ)."""
    copy = {k: v for k, v in doc.items() if k != "events"}
    fresh = draw(tie_dicts())
    for key in [*copy, *fresh]:
        move = draw(st.sampled_from(["keep", "keep", "take", "drop"]))
        if move == "take" and key in fresh:
            copy[key] = fresh[key]
        elif move == "drop" and key != "name":
            copy.pop(key, None)
    events = []
    for event in doc["events"]:
        move = draw(st.sampled_from(["keep", "keep", "change", "delete"]))
        if move == "keep":
            events.append(event)
        elif move == "change":
            events.append(draw(event_body(event["id"])))
    taken = {e["id"] for e in events} | {e["id"] for e in doc["events"]}
    new = draw(st.lists(st.sampled_from("uvwxyz"), unique=True, max_size=3))
    events.extend(draw(event_body(i)) for i in new if i not in taken)
    copy["events"] = events
    return copy


@st.composite
def three_ways(draw: st.DrawFn) -> tuple[Table | None, Table, Table]:
    base = draw(tie_dicts())
    ours, theirs = draw(edited(base)), draw(edited(base))
    return (None if draw(st.integers(0, 5)) == 0 else base), ours, theirs


def by_id(doc: Table | None) -> dict[str, Table]:
    return {e["id"]: e for e in (doc or {}).get("events", [])}


def recorded(result: Merge) -> list[Table]:
    return [r["theirs"] for r in result.merged.get("conflicts", []) if r["field"] == "events"]


PROPERTY = settings(
    max_examples=examples(200), suppress_health_check=[HealthCheck.too_slow], deadline=None
)


@PROPERTY
@given(three_ways())
def test_no_event_is_lost_unless_deliberately_deleted(
    case: tuple[Table | None, Table, Table],
) -> None:
    base, ours, theirs = case
    result = merge(base, ours, theirs)
    kept, b, o, t = by_id(result.merged), by_id(base), by_id(ours), by_id(theirs)
    for id_ in o.keys() | t.keys():
        deleted = id_ in b and (
            (id_ not in o and canon(t[id_]) == canon(b[id_]))
            or (id_ not in t and canon(o[id_]) == canon(b[id_]))
        )
        assert deleted or id_ in kept, id_
        # Every version that changes the base is in the result or in a record.
        for side in (o, t):
            version = side.get(id_)
            if version is not None and (id_ not in b or canon(version) != canon(b[id_])):
                assert canon(version) in {canon(kept.get(id_)), *map(canon, recorded(result))}


@PROPERTY
@given(three_ways())
def test_which_events_survive_does_not_depend_on_which_side_is_ours(
    case: tuple[Table | None, Table, Table],
) -> None:
    base, ours, theirs = case
    assert sorted(ids(merge(base, ours, theirs).merged)) == sorted(
        ids(merge(base, theirs, ours).merged)
    )


@PROPERTY
@given(tie_dicts())
def test_merging_three_equal_versions_gives_that_version(doc: Table) -> None:
    result = merge(doc, doc, doc)
    assert canon(result.merged) == canon(doc)
    assert result.conflicts == []


@PROPERTY
@given(three_ways())
def test_the_result_is_a_fixed_point_of_merging_either_side_again(
    case: tuple[Table | None, Table, Table],
) -> None:
    """With r = merge(b, o, t): merging r, as ours, again with either side as theirs
    gives r, and so does taking r as theirs against ours. (Taking r as theirs
    against *theirs* does not: ours wins a conflict, and ours would then be t.)"""
    base, ours, theirs = case
    before = canon(case)
    result = merge(base, ours, theirs).merged
    result["events"].append(ev("z", 1))  # the result is the caller's: the sides stay as they were
    assert canon(case) == before
    result["events"].pop()
    for again in (
        merge(base, result, theirs),
        merge(base, result, ours),
        merge(base, ours, result),
    ):
        assert canon(again.merged) == canon(result)
        assert again.conflicts == []


@PROPERTY
@given(three_ways())
def test_merge_bytes_output_is_a_valid_tie_holding_the_merge(
    case: tuple[Table | None, Table, Table],
) -> None:
    import tomli_w

    base, ours, theirs = case

    def raw(doc: Table) -> bytes:
        return tomli_w.dumps(doc).encode()

    out = merge_bytes(
        "ann-lee.toml", None if base is None else raw(base), raw(ours), raw(theirs), today=TODAY
    )
    parse_tie(Path("ann-lee.toml"), out)

    # tomli-w may move keys about, and the key order decides the order of new records.
    def reread(doc: Table) -> Table:
        return tomllib.loads(raw(doc).decode())

    again = merge(None if base is None else reread(base), reread(ours), reread(theirs))
    # The data directory's layout leaves an empty `events` or `conflicts` array out.
    want = {k: v for k, v in again.merged.items() if v != [] or k not in ("events", "conflicts")}
    assert canon(tomllib.loads(out.decode())) == canon(want)


GOAL_TOPICS = st.sampled_from(["Machine learning", "machine-learning", "Rust", "rust", "Go"])
SMALL = st.sampled_from(["a", "b", "c"])


@st.composite
def profiles(draw: st.DrawFn) -> Table:
    """A `_profile.toml` table from small pools, so that three of them overlap.
    Each goal once (as plnctl writes them): a topic typed twice is numbered by
    its place, and re-merging may then pair the copies differently."""
    goals = draw(st.lists(GOAL_TOPICS, max_size=3, unique_by=label_key))
    doc: Table = {
        "name": "Me",
        "learn": [
            {"topic": topic, **draw(st.dictionaries(st.sampled_from(["why", "until"]), SMALL))}
            for topic in goals
        ],
        "links": draw(st.lists(SMALL, unique=True)),
        "projects": [{"name": name, "note": draw(SMALL)} for name in draw(st.sets(SMALL))],
    }
    if draw(st.booleans()):
        doc["about"] = draw(SMALL)
    return doc


@PROPERTY
@given(st.none() | profiles(), profiles(), profiles())
def test_a_merged_profile_is_a_fixed_point_too(
    base: Table | None, ours: Table, theirs: Table
) -> None:
    result = merge_profile(base, ours, theirs, today=TODAY).merged
    assert canon(merge_profile(ours, ours, ours, today=TODAY).merged) == canon(ours)
    for b, o, t in ((base, result, ours), (base, result, theirs), (base, ours, result)):
        again = merge_profile(b, o, t, today=TODAY)
        assert canon(again.merged) == canon(result)
        assert again.conflicts == []
