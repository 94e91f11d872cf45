"""The file formats on their own: parsing real exports, writing, and reading back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import examples
from plnctl.errors import InvalidValueError
from plnctl.formats import FormatError, backup, csvfile, detect, opml, vcard
from plnctl.importer import normalize_url
from plnctl.merging import fold_into
from plnctl.model import Event, Tie

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2025, 6, 30)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_name(parsed_records: list[Tie]) -> dict[str, Tie]:
    return {t.name: t for t in parsed_records}


# -- OPML ------------------------------------------------------------------


def test_thunderbird_opml_nested_folders_become_tags() -> None:
    parsed = opml.parse(fixture("thunderbird.opml"))
    ties = by_name([r.tie for r in parsed.records])
    assert list(ties) == [
        "The Learning Scientists",
        "Retrieval Practice Digest",
        "Peeragogy Handbook News",
        "Simon Willison\u2019s Weblog",
    ]
    scientists = ties["The Learning Scientists"]
    assert scientists.kind == "source"
    assert scientists.url == "https://www.learningscientists.example.org/blog?format=rss"
    assert scientists.site_url == "https://www.learningscientists.example.org/blog"
    assert scientists.tags == ["Research", "Learning sciences"]
    assert ties["Peeragogy Handbook News"].tags == ["Research"]
    assert ties["Simon Willison\u2019s Weblog"].tags == ["Tools & Tech"]
    assert parsed.skipped == []


def test_feedly_feed_in_two_folders_is_two_records_with_each_tag() -> None:
    parsed = opml.parse(fixture("feedly.opml"))
    tags = [(r.tie.name, r.tie.tags) for r in parsed.records]
    assert ("Open Pedagogy Notes", ["Education"]) in tags
    assert ("Open Pedagogy Notes", ["Must read"]) in tags
    assert ("Café Babel — les idées", []) in tags


def test_netnewswire_opml_with_comment_and_tabs() -> None:
    parsed = opml.parse(fixture("netnewswire.opml"))
    ties = by_name([r.tie for r in parsed.records])
    assert ties["Teaching in Higher Ed"].tags == ["Podcasts"]
    assert ties["Teaching in Higher Ed"].note is None  # description="" is no note
    assert ties["Daring Fireball"].site_url == "https://daringfireball.example.net/"


def test_billion_laughs_is_refused_at_the_declaration() -> None:
    with pytest.raises(FormatError, match="billion laughs"):
        opml.parse(fixture("billion-laughs.opml"), "bomb.opml")


def test_external_entity_is_refused() -> None:
    with pytest.raises(FormatError, match="entity"):
        opml.parse(fixture("external-entity.opml"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<rss version='2.0'><channel/></rss>", "root element is <rss>"),
        (b"<opml version='2.0'><head/></opml>", "no <body>"),
        (b"<opml><body><outline text='x'", "not well-formed XML"),
        (b"", "not well-formed XML"),
    ],
)
def test_not_opml_is_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        opml.parse(data, "feeds.opml")


def test_opml_category_attribute_and_untitled_feed() -> None:
    data = (
        b'<opml version="2.0"><body>'
        b'<outline type="rss" xmlUrl="https://www.blog.example/rss" category="/Science,maths,"/>'
        b"</body></opml>"
    )
    (record,) = opml.parse(data).records
    assert record.tie.name == "blog.example"
    assert record.tie.tags == ["Science", "maths"]


def test_opml_dump_reads_back_with_the_same_ties() -> None:
    ties = [
        Tie(
            name="A & B <feed>",
            kind="source",
            url="https://a.example/feed?x=1&y=2",
            site_url="https://a.example/",
            tags=["one", "two"],
            note='line one\nsaid "hi"',
        ),
        Tie(name="Plain", kind="source", url="https://plain.example/rss"),
        Tie(name="No URL", kind="source"),
    ]
    text = opml.dump(ties, title="mine", today=TODAY)
    assert "<dateCreated>Mon, 30 Jun 2025 00:00:00 GMT</dateCreated>" in text
    records = [r.tie for r in opml.parse(text.encode()).records]
    merged: dict[str, Tie] = {}
    for tie in records:
        if tie.name in merged:
            fold_into(merged[tie.name], tie)
        else:
            merged[tie.name] = tie
    assert set(merged) == {"A & B <feed>", "Plain"}
    back = merged["A & B <feed>"]
    assert back.url == "https://a.example/feed?x=1&y=2"
    assert back.site_url == "https://a.example/"
    assert back.tags == ["one", "two"]
    assert back.note == 'line one\nsaid "hi"'


# -- vCard -----------------------------------------------------------------


def test_apple_contacts_vcard_30() -> None:
    parsed = vcard.parse(fixture("apple-contacts.vcf"))
    ann, lab = (r.tie for r in parsed.records)
    assert ann.name == "Ann Lee"
    assert ann.kind == "person"
    assert ann.url == "https://ann.example.org"  # the pref URL, unescaped
    assert ann.note == (
        "Met at OER24 in Cork. Writes about peer feedback, open pedagogy and assessment."
    )
    assert lab.name == "Open Learning Lab"
    assert lab.kind == "source"  # X-ABShowAs:COMPANY


def test_google_contacts_vcard_drops_the_system_group_and_skips_nameless() -> None:
    parsed = vcard.parse(fixture("google-contacts.vcf"))
    ties = by_name([r.tie for r in parsed.records])
    assert ties["Ben Okafor"].tags == ["Peer learners"]
    assert ties["Ben Okafor"].url == "https://ben.example.org/blog"
    assert ties["Ben Okafor"].note == "Taught me how to run a reading group.\nAsk him about Freire."
    assert ties["Zoë Ångström"].tags == ["Mentors", "Peer learners", "starred"]
    assert ties["noname@example.org"].email == "noname@example.org"
    assert parsed.skipped == []
    assert parsed.warnings == [
        "card 2 (noname@example.org): no FN or N; named by its e-mail address"
    ]


def test_nextcloud_vcard_40() -> None:
    parsed = vcard.parse(fixture("nextcloud-4.0.vcf"))
    ties = by_name([r.tie for r in parsed.records])
    assert ties["李小龙"].url == "https://li.example.cn"
    assert ties["李小龙"].tags == ["Study circle"]
    assert ties["李小龙"].note == "Organises the Tuesday study circle.\nBring questions."
    assert ties["Chiara Rossi"].url == "https://chiara.example.it"  # PREF=1 wins


def test_vcard_name_from_n_when_fn_is_missing() -> None:
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Freire;Paulo;;;\r\nEND:VCARD\r\n"
    (record,) = vcard.parse(data).records
    assert record.tie.name == "Paulo Freire"


def test_not_a_vcard_is_a_clear_error() -> None:
    with pytest.raises(FormatError, match="no BEGIN:VCARD"):
        vcard.parse(b"name,url\nAnn,x\n", "people.vcf")


def test_a_vcard_value_that_is_not_utf8_is_read_as_windows_1252_with_a_warning() -> None:
    parsed = vcard.parse(b"BEGIN:VCARD\r\nFN:Jos\xe9\r\nEND:VCARD\r\n", "people.vcf")
    assert [r.tie.name for r in parsed.records] == ["Jos\u00e9"]
    assert parsed.warnings == [
        "card 1 (Jos\u00e9): FN is not UTF-8 and names no charset; read as windows-1252"
    ]


def test_vcard_dump_reads_back() -> None:
    tie = Tie(
        name="Ann Lee",
        url="https://ann.example/a,b;c",
        note="two\nlines; with, punctuation",
        tags=["mentor", "a,b"],
        topics=["pedagogy", "peer review"],
    )
    text = vcard.dump([("ann-lee", tie)])
    assert "\r\nFN:Ann Lee\r\n" in text
    assert "\r\nN:Lee;Ann;;;\r\n" in text
    assert "\r\nUID:plnctl-ann-lee\r\n" in text
    (back,) = (r.tie for r in vcard.parse(text.encode()).records)
    assert back.name == tie.name
    assert back.url == tie.url
    assert back.note == tie.note
    assert back.tags == tie.tags
    assert back.topics == tie.topics


# -- CSV -------------------------------------------------------------------


def test_spreadsheet_csv_with_quotes_unicode_and_a_bom() -> None:
    parsed = csvfile.parse(fixture("spreadsheet.csv"))
    ties = by_name([r.tie for r in parsed.records])
    assert list(ties) == [
        "Ann Lee",
        "Zoë Ångström",
        "李小龙",
        "Learning Scientists, The",
        "Café Babel — les idées",
    ]
    assert ties["Ann Lee"].note == "Met at OER24, in Cork"
    assert ties["Ann Lee"].topics == ["pedagogy", "assessment"]
    assert ties["Ann Lee"].every == 14
    assert ties["Zoë Ångström"].note == 'Says: "teach to learn"'
    assert ties["Zoë Ångström"].tags == ["peer learners", "mentors"]
    scientists = ties["Learning Scientists, The"]
    assert scientists.kind == "source"  # "blog"
    assert scientists.note == "Six strategies,\none page each"
    vias = {r.tie.name: r.via for r in parsed.records}
    assert vias["Zoë Ångström"] == "Ann Lee"
    assert parsed.warnings == []


def test_csv_header_in_any_order_case_and_separator() -> None:
    data = b"Note;NAME;Colour\nhello, there;Ann;blue\n"
    parsed = csvfile.parse(data)
    (record,) = parsed.records
    assert (record.tie.name, record.tie.note, record.tie.kind) == ("Ann", "hello, there", "person")
    assert parsed.warnings == ["not imported: column(s) Colour (`--map COLUMN=field` imports one)"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("colour,size\nblue,9\n", "no column plnctl knows"),
        ("name,kind\nAnn,robot\n", r"line 2 \(Ann\): unknown kind 'robot'"),
        ("name,every\nAnn,weekly\n", "line 2 .*whole number of days"),
        ("name,every\nAnn,0\n", "between 1 and 3650"),
    ],
)
def test_bad_csv_is_an_error_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        csvfile.parse(text.encode(), "people.csv")


def test_csv_row_without_a_name_is_skipped() -> None:
    parsed = csvfile.parse(b"name,url\n,https://x.example\n")
    assert parsed.records == []
    assert parsed.skipped == [("line 2", "no name (and no organisation or e-mail to name it by)")]


def test_csv_dump_reads_back() -> None:
    tie = Tie(
        name="Lee, Ann",
        url="https://ann.example",
        topics=["a", "b c"],
        tags=["x"],
        via="ben",
        every=7,
        note='multi\nline, "quoted"',
    )
    text = csvfile.dump([("lee-ann", tie)], {"ben": "Ben Okafor"})
    assert text.splitlines()[0] == (
        "name,kind,url,site_url,topics,tags,via,every,note,email,phone,org,position,handle"
    )
    (record,) = csvfile.parse(text.encode()).records
    assert record.via == "Ben Okafor"
    back = record.tie
    assert (back.name, back.url, back.topics, back.tags, back.every, back.note) == (
        tie.name,
        tie.url,
        tie.topics,
        tie.tags,
        tie.every,
        tie.note,
    )


# -- JSON backup -----------------------------------------------------------


def test_backup_keeps_unknown_fields_with_their_toml_types() -> None:
    tie = Tie.model_validate(
        {
            "name": "Ann",
            "met": dt.date(2024, 1, 2),
            "links": {"since": dt.datetime(2020, 5, 6, 7, 8, tzinfo=dt.UTC), "n": [1, 2.5]},
            "events": [
                {"id": "e1", "date": dt.date(2025, 1, 1), "kind": "read", "mood": dt.time(9, 30)}
            ],
        }
    )
    text = backup.dump([("ann", tie)], settings={"half_life_days": 20}, shares=[], today=TODAY)
    parsed = backup.parse(text.encode())
    (record,) = parsed.records
    assert record.slug == "ann"
    assert record.tie == tie
    assert parsed.settings == {"half_life_days": 20}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2", "not JSON"),
        ('{"ties": []}', "not a plnctl backup"),
        ('{"format": "plnctl-backup", "version": 9}', "upgrade plnctl"),
        ('{"format": "plnctl-backup", "version": 1, "settings": {"bogus": 1}}', "bogus"),
        (
            '{"format": "plnctl-backup", "version": 1, "ties": [{"slug": "a", "tie": {}}]}',
            r"ties\[0\] \(a\): field 'name'",
        ),
    ],
)
def test_bad_backup_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        backup.parse(text.encode(), "backup.json")


labels = st.lists(
    st.text(min_size=1, max_size=8).filter(lambda s: s.strip() == s and s), max_size=3
)
events = st.builds(
    Event,
    date=st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)),
    kind=st.sampled_from(["read", "converse", "share"]),
    note=st.none() | st.text(max_size=20),
)


@settings(max_examples=examples(40), deadline=None)
@given(
    name=st.text(min_size=1, max_size=20).filter(lambda s: s.strip() and s.isprintable()),
    topics=labels,
    # Integers within TOML's 64-bit range: a tie file cannot hold others.
    extra=st.none()
    | st.dates()
    | st.integers(-(2**63), 2**63 - 1)
    | st.datetimes()
    | st.lists(st.dates()),
    history=st.lists(events, max_size=4),
)
def test_any_tie_survives_a_backup(
    name: str, topics: list[str], extra: object, history: list[Event]
) -> None:
    fields: dict[str, object] = {"name": name, "topics": topics, "events": history}
    if extra is not None:
        fields["custom"] = extra  # a field plnctl does not know
    tie = Tie.model_validate(fields)
    text = backup.dump([("x", tie)], settings=None, shares=[], today=TODAY)
    (record,) = backup.parse(text.encode()).records
    assert record.tie == tie


# -- matching and merging --------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://Blog.Example.org/feed/", "http://blog.example.org/feed"),
        ("https://x.example/?a=1", "https://x.example?a=1"),
    ],
)
def test_same_place_urls_match(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b)


def test_different_urls_do_not_match() -> None:
    assert normalize_url("https://x.example/a") != normalize_url("https://x.example/b")


def test_merge_fills_in_and_never_replaces_or_drops() -> None:
    mine = Tie(
        name="Ann",
        url="https://mine.example",
        tags=["Mentor"],
        events=[Event(id="a", date=TODAY, kind="read", note="mine")],
    )
    theirs = Tie(
        name="Ann L.",
        url="https://theirs.example",
        note="from the file",
        tags=["mentor", "peer"],
        events=[
            Event(id="a", date=TODAY, kind="converse", note="theirs"),
            Event(id="b", date=TODAY, kind="read"),
        ],
    )
    changed = fold_into(mine, theirs).changed
    assert changed == ["note", "tags", "events"]
    assert mine.name == "Ann"
    assert mine.url == "https://mine.example"
    assert mine.note == "from the file"
    assert mine.tags == ["Mentor", "peer"]
    assert [(e.id, e.kind, e.note) for e in mine.events] == [
        ("a", "read", "mine"),
        ("b", "read", None),
    ]
    assert fold_into(mine, theirs).changed == []


def test_format_from_the_content_then_the_extension() -> None:
    assert detect(b"<?xml version='1.0'?><opml/>", Path("feeds.txt"), None) == "opml"
    assert detect(b"BEGIN:VCARD\r\n", Path("x.txt"), None) == "vcard"
    assert detect(b"Account address,Show boosts\n", Path("x.csv"), None) == "mastodon"
    assert detect(b"ann@social.example\nbob@x.example\n", None, None) == "mastodon"
    assert detect(b"name,url\nAnn,x\n", Path("x.txt"), None) == "csv"
    assert detect(b"", Path("Feeds.OPML"), None) == "opml"
    assert detect(b"hello", Path("x.txt"), "csv") == "csv"
    with pytest.raises(InvalidValueError, match="--format"):
        detect(b"hello", Path("x.txt"), None)


def test_merge_never_archives_or_snoozes() -> None:
    mine = Tie(name="Ann")
    theirs = Tie(name="Ann", archived=True, snoozed_until=TODAY, pin="strong")
    assert fold_into(mine, theirs).changed == ["pin"]
    assert (mine.archived, mine.snoozed_until, mine.pin) == (False, None, "strong")


def test_a_vcard_note_is_said_once_however_often_its_value_is_read() -> None:
    from plnctl.formats import vcard

    parsed = vcard.parse(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:a@example.org\r\nEMAIL;TYPE=PREF:b@example.org\r\n"
        b"TEL;CHARSET=utf-8:+1 \xff\r\nEND:VCARD\r\n"
    )
    assert parsed.warnings == [
        "card 1 (b@example.org): no FN or N; named by its e-mail address",
        "card 1 (b@example.org): kept 1 of 2 e-mail addresses (b@example.org)",
        "card 1 (b@example.org): TEL is not valid utf-8; the bad bytes became \ufffd",
    ]
    assert parsed.records[0].tie.email == "b@example.org"


def test_a_podcast_apps_feeds_are_podcasts_unless_an_outline_says_its_medium() -> None:
    from plnctl.formats import opml

    parsed = opml.parse(
        b'<?xml version="1.0"?><opml version="2.0"><head><title>AntennaPod Subscriptions'
        b'</title></head><body><outline text="A" type="rss" xmlUrl="https://a.example/f"/>'
        b'<outline text="B" type="rss" xmlUrl="https://b.example/f" medium="video"/>'
        b"</body></opml>"
    )
    assert [r.tie.medium for r in parsed.records] == ["podcast", "video"]
