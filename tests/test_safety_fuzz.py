"""Random and mutated tie files never crash plnctl: a message naming the file, or it works."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import Cli
from helpers import examples
from plnctl.errors import TieFileError
from plnctl.store import parse_tie

VALID = """\
schema_version = 1
name = "Fuzz Target"
kind = "source"
url = "https://fuzz.example.org"
topics = ["pedagogy", "open education"]
every = 14
added = 2025-01-02

[[events]]
id = "a1b2c3d4e5f60718"
date = 2025-05-01
kind = "read"
note = "a note"

[[events]]
id = "b1b2c3d4e5f60718"
date = 2025-06-01
kind = "share"
what = "https://example.org/post"
role = "with"
"""

FRAGMENTS = [
    "\n",
    "=",
    '"',
    "'''",
    "[[events]]\n",
    "[events]\n",
    "[events.x]\n",
    "name = 3\n",
    'name = ""\n',
    "events = 7\n",
    "date = 2025-13-40\n",
    "date = 9999-12-31\n",
    "date = 0001-01-01\n",
    "date = 2025-06-01T10:00:00Z\n",
    'kind = "teleport"\n',
    "schema_version = 99\n",
    "schema_version = -1\n",
    "schema_version = true\n",
    "every = 0\n",
    "every = 1e308\n",
    'pin = "strong"\n',
    "snoozed_until = 9999-12-31\n",
    'archived = "yes"\n',
    "topics = [1, [2], {a = 3}]\n",
    "custom = {deep = {deeper = [1, 2, 3]}}\n",
    'id = "../../etc"\n',
    "\x00",
    "\xff",
    "\ud7ff",
    "é",
    "#",
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(),
)
KEYS = st.sampled_from(
    [
        "schema_version",
        "name",
        "kind",
        "url",
        "topics",
        "tags",
        "via",
        "every",
        "note",
        "pin",
        "added",
        "archived",
        "snoozed_until",
        "id",
        "date",
        "what",
        "role",
        "link",
        "extra",
    ]
)


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value if v is not None]
    return value


EVENT_KINDS = st.sampled_from(["read", "share", "converse", "help-received", "bogus", ""])
EVENTS = st.lists(
    st.fixed_dictionaries(
        {"date": st.one_of(st.dates(), SCALARS), "kind": st.one_of(EVENT_KINDS, SCALARS)},
        optional={"id": st.text(max_size=10), "role": st.sampled_from(["with", "from", "x"])},
    ),
    max_size=4,
)
TIE_LIKE = st.builds(
    lambda base, extra, events: _drop_none({**base, **extra, "events": events}),
    st.fixed_dictionaries(
        {"name": st.one_of(st.text(max_size=30), SCALARS)},
        optional={"schema_version": st.integers(-2, 3)},
    ),
    st.dictionaries(KEYS, st.one_of(SCALARS, st.lists(SCALARS, max_size=3)), max_size=5),
    st.one_of(EVENTS, SCALARS),
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
        else:
            end = min(len(text), at + draw(st.integers(1, 40)))
            middle = draw(st.sampled_from(FRAGMENTS)) if action == "replace" else ""
            text = text[:at] + middle + text[end:]
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def generated(draw: st.DrawFn) -> bytes:
    doc = draw(TIE_LIKE)
    try:
        return tomli_w.dumps(doc).encode("utf-8", errors="surrogatepass")
    except (TypeError, ValueError):
        return repr(doc).encode("utf-8", errors="surrogatepass")


NAMES = st.text(st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=40).filter(
    str.strip
)
ODD_BUT_VALID = st.builds(
    lambda name, extra, events: {"name": name, **extra, "events": events},
    NAMES,
    st.fixed_dictionaries(
        {},
        optional={
            "kind": st.sampled_from(["person", "source"]),
            "every": st.integers(1, 3650),
            "pin": st.sampled_from(["strong", "weak"]),
            "added": st.dates(),
            "snoozed_until": st.dates(),
            "archived": st.booleans(),
            "topics": st.lists(st.text(max_size=10), max_size=3),
            "unknown": st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
        },
    ),
    st.lists(
        st.fixed_dictionaries(
            {"date": st.dates(), "kind": st.sampled_from(["read", "share", "converse", "ask"])},
            optional={
                "role": st.sampled_from(["with", "from"]),
                "note": st.text(max_size=20),
                "later": st.lists(st.integers(), max_size=2),
            },
        ),
        max_size=6,
    ),
).map(lambda doc: tomli_w.dumps(doc).encode("utf-8", errors="surrogatepass"))

FILES = st.one_of(st.binary(max_size=200), mutated(), generated(), ODD_BUT_VALID)


def test_the_valid_base_file_works(cli: Cli) -> None:
    cli.data_dir.mkdir()
    cli.tie_file("fuzz").write_text(VALID, encoding="utf-8")
    assert json.loads(cli.ok("show", "fuzz", "--json").out)["name"] == "Fuzz Target"


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=FILES)
def test_parse_tie_raises_only_a_file_error(raw: bytes) -> None:
    path = Path("/data/fuzz.toml")
    try:
        parse_tie(path, raw)
    except TieFileError as exc:
        assert exc.path == path
        assert str(path) in exc.message


@pytest.mark.slow  # five commands per example, on a file written anew each time
@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=FILES)
def test_show_and_list_never_crash_on_a_broken_file(cli: Cli, raw: bytes) -> None:
    cli.data_dir.mkdir(mode=0o700, exist_ok=True)
    path = cli.tie_file("fuzz")
    path.write_bytes(raw)
    path.chmod(0o600)
    before = path.read_bytes()

    shown = cli("show", "fuzz", "--as-of", "2025-06-30")
    event("refused" if shown.code else "readable")
    assert shown.code in (0, 1), str(shown)
    assert "Traceback" not in shown.err and "internal error" not in shown.err, str(shown)
    if shown.code:
        assert shown.err.startswith("plnctl: error:"), str(shown)
        assert str(path) in shown.err, str(shown)

    for command in (["list"], ["review", "--json"], ["list", "--json"]):
        listed = cli(*command)
        assert listed.code == 0, str(listed)
        assert "Traceback" not in listed.err, str(listed)
        # A file `show` refuses is named in a warning; a file it accepts is listed.
        assert (str(path) in listed.err) == bool(shown.code), str(listed)

    # doctor agrees with the commands: an error for this file exactly when `show` refused it
    # (doctor is stricter only about event ids used twice).
    doctor = cli("doctor", "--json")
    assert doctor.code in (0, 1), str(doctor)
    errors = [
        p
        for p in json.loads(doctor.out)["problems"]
        if p["level"] == "error" and "used twice" not in p["message"]
    ]
    assert bool(errors) == bool(shown.code), str(doctor)
    assert all(p["file"] == "fuzz.toml" for p in errors), str(doctor)

    checked = cli("checkin", "fuzz", "--on", "2025-06-29", "--note", "fuzz")
    if shown.code:
        # A file that cannot be read is refused, never overwritten.
        assert checked.code == 1 and str(path) in checked.err, str(checked)
        assert "internal error" not in checked.err, str(checked)
        assert path.read_bytes() == before
    else:
        assert checked.code == 0, str(checked)
        again = cli("show", "fuzz", "--json")
        assert again.code == 0, str(again)
        assert any(e.get("note") == "fuzz" for e in json.loads(again.out)["events"])


SHARE_LOGS = st.one_of(
    st.binary(max_size=120),
    st.lists(
        st.dictionaries(
            st.sampled_from(["id", "date", "what", "link", "note"]),
            st.one_of(SCALARS, st.lists(SCALARS, max_size=2)),
            max_size=5,
        ),
        max_size=4,
    ).map(lambda shares: tomli_w.dumps({"shares": _drop_none(shares)}).encode("utf-8", "replace")),
)
SETTINGS = st.one_of(
    st.binary(max_size=120),
    st.dictionaries(
        st.sampled_from(
            [
                "half_life_days",
                "strong_at",
                "weak_below",
                "weights",
                "dormant_days",
                "participation_kinds",
                "bogus",
            ]
        ),
        st.one_of(
            SCALARS,
            st.dictionaries(st.sampled_from(["read", "x"]), SCALARS, max_size=2),
            st.lists(st.sampled_from(["read", "share", "x"]), max_size=2),
        ),
        max_size=4,
    ).map(lambda doc: tomli_w.dumps(_drop_none(doc)).encode("utf-8", "replace")),
)


@pytest.mark.slow  # five commands per example
@settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(shares=SHARE_LOGS, config=SETTINGS)
def test_share_log_and_settings_never_crash(cli: Cli, shares: bytes, config: bytes) -> None:
    cli.data_dir.mkdir(exist_ok=True)
    cli.tie_file("ann").write_text('name = "Ann"\n', encoding="utf-8")
    (cli.data_dir / "_shares.toml").write_bytes(shares)
    (cli.data_dir / "_settings.toml").write_bytes(config)
    for command in (["shares"], ["shares", "--json"], ["review"], ["show", "ann"], ["doctor"]):
        result = cli(*command)
        assert result.code in (0, 1), str(result)
        assert "Traceback" not in result.err and "internal error" not in result.err, str(result)
        if result.code:
            assert result.err.startswith("plnctl: error:"), str(result)
            assert str(cli.data_dir) in result.err, str(result)
