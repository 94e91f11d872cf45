"""Writes to a file the index vouched for skip the model, and write what the model would."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli
from helpers import examples, imported_modules, read_tie
from plnctl.changes import Changes, apply_changes
from plnctl.errors import InvalidValueError, PlnctlError
from plnctl.index import fileformat, loader
from plnctl.index.records import Record, record_of
from plnctl.kinds import KIND_WORDS, medium_of, tie_kind
from plnctl.model import EVENT_KINDS, Event, Tie
from plnctl.names import check_name
from plnctl.network import Network
from plnctl.schema import EVENT_FIELDS, MAX_EVERY, TIE_FIELDS
from plnctl.store import Store, dump_tie, parse_tie
from plnctl.text import clean_labels, clean_text
from plnctl.tiefile import Fields, new_event, new_tie, rewritten

text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30)
labels = st.lists(text.map(str.strip).filter(bool), max_size=3, unique_by=str.casefold)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
events = st.builds(
    Event,
    date=dates,
    kind=st.sampled_from(EVENT_KINDS),
    note=st.none() | text,
    link=st.none() | text,
    topics=labels,
)


def valid_name(text: str) -> bool:
    """A name the model takes (it drops invisible characters, and refuses what is then empty)."""
    from plnctl.names import check_name

    try:
        check_name(text)
    except ValueError:
        return False
    return True


ties = st.builds(
    Tie,
    name=st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs"]), min_size=1).filter(
        valid_name
    ),
    kind=st.sampled_from(["person", "source"]),
    url=st.none() | text,
    topics=labels,
    tags=labels,
    every=st.none() | st.integers(min_value=1, max_value=3650),
    note=st.none() | text,
    pin=st.sampled_from([None, "strong", "weak"]),
    added=st.none() | dates,
    snoozed_until=st.none() | dates,
    events=st.lists(events, max_size=5),
)
changes = st.builds(
    Changes,
    url=st.none() | text,
    every=st.none() | st.integers(min_value=0, max_value=3650),
    pin=st.sampled_from([None, "strong", "weak", "none"]),
    add_topics=labels,
    remove_topics=labels,
    add_tags=labels,
    note=st.none() | text,
).filter(lambda c: not c.empty())


def record(tie: Tie) -> Record:
    return Record._make(record_of(tie))


def test_the_field_lists_are_the_models() -> None:
    assert (*TIE_FIELDS, "events") == tuple(Tie.model_fields)
    assert tuple(Event.model_fields) == EVENT_FIELDS


@settings(max_examples=examples(200))
@given(ties, events)
def test_an_event_added_without_the_model_writes_what_the_model_writes(
    tie: Tie, event: Event
) -> None:
    raw = dump_tie(tie)
    table = new_event(**event.model_dump(exclude_none=True))
    assert Event.model_validate(table) == event
    fast = rewritten(raw, record(tie), event=table)
    tie.events.append(event)
    tie.snoozed_until = None
    assert fast == dump_tie(tie)


@settings(max_examples=examples(200))
@given(ties, changes)
def test_changes_made_without_the_model_write_what_the_model_writes(
    tie: Tie, change: Changes
) -> None:
    raw = dump_tie(tie)
    try:
        fast = rewritten(raw, record(tie), change=lambda f: apply_changes(Fields(f), change))  # type: ignore[arg-type]
    except PlnctlError:
        fast = None
    try:
        apply_changes(tie, change)
    except PlnctlError:
        assert fast is None
        return
    assert fast == dump_tie(tie)


def test_a_file_edited_by_hand_keeps_its_layout_and_gets_the_event() -> None:
    raw = (
        b"# my notes on Ann\n"
        b'name = "Ann"\n'
        b"snoozed_until = 2025-07-01\n"
        b'[[events]]  # the first\nid = "a1"\ndate = 2025-01-01\nkind = "read"\n'
        b"[extra]\nx = 1\n"
    )
    tie = parse_tie(Path("ann.toml"), raw)
    event = new_event(id="b2", date=dt.date(2025, 6, 30), kind="converse")
    fast = rewritten(raw, record(tie), event=event)
    assert fast is not None
    # The fields were rewritten to end the snooze; the events and the rest kept as they were.
    assert fast.startswith(b'schema_version = 1\nname = "Ann"\nkind = "person"\n')
    assert b'[[events]]  # the first\nid = "a1"' in fast
    again = parse_tie(Path("ann.toml"), fast)
    assert again.snoozed_until is None
    assert [e.id for e in again.events] == ["a1", "b2"]
    assert again.model_extra == {"extra": {"x": 1}}


def test_files_whose_fields_cannot_be_told_apart_go_the_usual_way() -> None:
    event = new_event(id="b2", date=dt.date(2025, 6, 30), kind="read")
    inline = b'name = "Ann"\nevents = [{id = "a1", date = 2025-01-01, kind = "read"}]\n'
    multiline = b'name = "Ann"\nnote = """\n[[events]]\n"""\n'
    bom = '\ufeffname = "Ann"\n'.encode()
    hidden = (
        b'schema_version = 1\nname = "Ann"\nnote = """\n[[events]]\n"""\n'
        b'events = [{id = "a1", date = 2025-01-01, kind = "read"}]\n'
    )
    for raw in (inline, multiline, bom, hidden):
        tie = parse_tie(Path("ann.toml"), raw)
        assert rewritten(raw, record(tie), event=event) is None, raw


def test_the_digest_is_blake2b_of_16_bytes() -> None:
    import hashlib

    assert loader.content_digest(b"ann") == hashlib.blake2b(b"ann", digest_size=16).digest()


def test_read_entry_finds_each_tie_in_its_piece(tmp_path: Path) -> None:
    path = tmp_path / "index.bin"
    identity = ("test",)
    entries = {f"tie-{i:04d}": (b"stat", bytes([i % 256]), ("record", i)) for i in range(700)}
    fileformat.write_index(path, identity, 7, entries)
    for slug, entry in entries.items():
        assert fileformat.read_entry(path, identity, slug) == entry
    assert fileformat.read_entry(path, identity, "aaa") is None
    assert fileformat.read_entry(path, identity, "tie-0000x") is None
    assert fileformat.read_entry(path, ("other",), "tie-0001") is None
    assert fileformat.read_doc(path, identity) is not None
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF  # the trailer points elsewhere: no entry, never a wrong one
    path.write_bytes(bytes(data))
    assert fileformat.read_entry(path, identity, "tie-0001") is None


@settings(max_examples=examples(200))
@given(
    name=st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs"]), min_size=1).filter(
        valid_name
    ),
    word=st.sampled_from(KIND_WORDS),
    url=st.none() | text,
    topics=st.lists(text, max_size=3),
    tags=st.lists(text, max_size=3),
    learning=st.lists(text, max_size=3),
    every=st.none() | st.integers(min_value=1, max_value=MAX_EVERY),
    note=st.none() | text,
    via=st.none() | st.sampled_from(["ann-lee", "ben"]),
    added=dates,
)
def test_a_new_tie_written_without_the_model_is_what_the_model_writes(
    name: str,
    word: str,
    url: str | None,
    topics: list[str],
    tags: list[str],
    learning: list[str],
    every: int | None,
    note: str | None,
    via: str | None,
    added: dt.date,
) -> None:
    """`add`'s fields, made as `Network.add` makes them, give the model's file."""
    try:
        fields = {
            "name": check_name(name),
            "kind": tie_kind(word),
            "medium": medium_of(word),
            "url": clean_text(url, "url").strip() or None if url else None,
            "topics": clean_labels(topics, "topic"),
            "tags": clean_labels(tags, "tag"),
            "learning": clean_labels(learning, "learning topic") if word == "person" else [],
            "every": every,
            "note": clean_text(note, "note", multiline=True) if note else None,
            "added": added,
            "via": via,
        }
    except PlnctlError:
        return  # `add` refuses it before anything is written
    raw = new_tie(fields)
    assert raw == dump_tie(Tie.model_validate(fields))
    assert dump_tie(parse_tie(Path("new.toml"), raw)) == raw


def test_add_writes_without_the_model_what_the_model_reads_back(cli: Cli) -> None:
    assert not imports_pydantic(cli, "add", "Ann Lee", "--topic", "pedagogy", "--every", "14")
    cli.ok("list")  # --via is found in the index's names, as any name is
    assert not imports_pydantic(
        cli, "add", "Stats Weekly", "--kind", "podcast", "--via", "ann-lee", "--note", "a\nb"
    )
    for slug in ("ann-lee", "stats-weekly"):
        raw = cli.tie_file(slug).read_bytes()
        assert dump_tie(parse_tie(cli.tie_file(slug), raw)) == raw
    assert read_tie(cli.data_dir, "stats-weekly") == {
        "schema_version": 1,
        "name": "Stats Weekly",
        "kind": "source",
        "medium": "podcast",
        "topics": [],
        "tags": [],
        "via": "ann-lee",
        "note": "a\nb",
        "added": dt.date(2025, 6, 30),
    }
    network = Network(Store(cli.data_dir), dt.date(2025, 6, 30))
    for every in (0, MAX_EVERY + 1):  # the model's bounds, kept without it
        with pytest.raises(InvalidValueError, match="--every must be from 1 to 3650"):
            network.add("Ben", every=every)
    assert not cli.tie_file("ben").exists()


def imports_pydantic(cli: Cli, *args: str) -> bool:
    return "pydantic" in {m.split(".")[0] for m in imported_modules(*args)}


def test_writes_to_vouched_files_do_not_build_the_model(cli: Cli) -> None:
    cli.ok("add", "Ann Lee", "--topic", "pedagogy")
    cli.ok("add", "Ben")
    cli.ok("snooze", "ben", "--until", "2025-07-30")
    before = read_tie(cli.data_dir, "ann-lee")
    cli.ok("list")  # the index vouches for both files now
    assert not imports_pydantic(cli, "checkin", "ann-lee", "--note", "one")
    assert not imports_pydantic(cli, "checkin", "ben", "--note", "two")
    # Changed since the index looked: the model reads and validates the file.
    assert imports_pydantic(cli, "checkin", "ann-lee", "--note", "three")
    cli.ok("list")
    assert not imports_pydantic(cli, "share", "a post", "--with", "ann-lee", "--with", "ben")
    cli.ok("list")
    assert not imports_pydantic(cli, "set", "ann-lee", "--every", "14", "--add-tag", "x")
    cli.ok("list")

    def show() -> tuple[str, str]:
        return cli.ok("show", "ann-lee", "--all").out, cli.ok("show", "ann-lee", "--json").out

    shown = show()
    assert not imports_pydantic(cli, "show", "ann-lee")
    shutil.rmtree(cli.data_dir.parent / "cache")  # read through the model: the same
    assert imports_pydantic(cli, "show", "ann-lee")
    assert show() == shown
    ann, ben = read_tie(cli.data_dir, "ann-lee"), read_tie(cli.data_dir, "ben")
    assert "snoozed_until" not in ben
    assert [e.get("note") or e.get("what") for e in ben["events"]] == ["two", "a post"]
    assert [e.get("note") or e.get("what") for e in ann["events"]] == ["one", "three", "a post"]
    assert ann == {**before, "every": 14, "tags": ["x"], "events": ann["events"]}
    # A file broken by hand is not vouched for: it is refused as ever.
    (cli.data_dir / "ben.toml").write_text('name = "Ben"\nevery = "x"\n')
    failed = cli.fails("checkin", "ben")
    assert failed.err == (
        f"plnctl: error: {cli.data_dir / 'ben.toml'}: line 2: field 'every': "
        "Input should be a valid integer\n"
    )
