"""Hostile input for every reader of the data directory and the cache, in a small process.

Each example puts a hostile file in place of a tie file, `_settings.toml`,
`_shares.toml` or the index, then runs plnctl's commands in a process allowed
300 MB of address space: none may exit 70, print a traceback or run out of
memory, and none but the write asked for may change the data directory.
"""

from __future__ import annotations

import json
import marshal
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Cli
from plnctl.index import fileformat, location

SIZES = [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 300, 4_300, 20_000]


def nested(opening: str, closing: str, depth: int) -> str:
    return opening * depth + closing * depth


BOMBS: dict[str, Callable[[int], str]] = {
    "dotted key": lambda n: ".".join(["a"] * max(n, 1)) + " = 1",
    "table name": lambda n: "[" + ".".join(["t"] * max(n, 1)) + "]\nx = 1",
    "array of tables": lambda n: "[[" + ".".join(["t"] * max(n, 1)) + "]]\nx = 1",
    "quoted key parts": lambda n: ".".join(['"a.b"'] * max(n, 1)) + " = 1",
    "nested arrays": lambda n: "x = " + nested("[", "]", n),
    "nested inline tables": lambda n: "x = " + "{a = " * n + "1" + "}" * n,
    "arrays in tables": lambda n: "x = " + "{a = [" * n + "1" + "]}" * n,
    "decimal": lambda n: "x = " + "9" * max(n, 1),
    "negative": lambda n: "x = -" + "9" * max(n, 1),
    "hex": lambda n: "x = 0x" + "f" * max(n, 1),
    "octal": lambda n: "x = 0o" + "7" * max(n, 1),
    "binary": lambda n: "x = 0b" + "1" * max(n, 1),
    "underscores": lambda n: "x = 1" + "_1" * n,
    "float": lambda n: "x = 0." + "1" * max(n, 1),
    "date-like": lambda n: "x = 2025-06-30T" + "1" * n,
    "long line": lambda n: 'x = "' + "x" * (n * 60) + '"',
    "multi-line string": lambda n: 'x = """' + "a\n[t]\nb = 1\n" * n + '"""',
    "literal string": lambda n: "x = '''" + "a.b.c = [[[\n" * n + "'''",
    "in an event": lambda n: (
        '[[events]]\ndate = 2025-06-01\nkind = "read"\n' + ".".join(["e"] * max(n, 1)) + " = 1"
    ),
}

PLACES = st.sampled_from(["alone", "after a tie", "inside a string", "broken after"])


@st.composite
def hostile_toml(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(sorted(BOMBS)))
    text = BOMBS[kind](draw(st.sampled_from(SIZES)))
    place = draw(PLACES)
    if place == "after a tie":
        text = 'name = "Fuzz"\nschema_version = 1\n' + text
    elif place == "inside a string":
        text = f'name = "Fuzz"\nnote = {json.dumps(text)}'
    elif place == "broken after":
        text = text + "\n= [ {\n" + text
    return (text + "\n").encode("utf-8")


RAW = st.one_of(hostile_toml(), st.binary(max_size=300))

PLAIN = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=8),
        st.binary(max_size=8),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),
    max_leaves=12,
)


def piece(value: Any) -> bytes:
    data = marshal.dumps(value)
    return fileformat.PIECE_HEAD.pack(len(data), zlib.crc32(data)) + data


INDEX_DAMAGE = st.sampled_from(["random", "damaged", "framed", "records"])


def hostile_index(data: st.DataObject, cli: Cli, how: str) -> bytes:
    """Random bytes, the real index damaged, well-framed pieces of the wrong things, or
    the real index whose records hold anything at all (with the right checksums)."""
    real = location.index_path(cli.data_dir).read_bytes()
    if how == "random":
        return fileformat.MAGIC + data.draw(st.binary(max_size=300))
    if how == "damaged":
        at = data.draw(st.integers(0, len(real) - 1))
        cut = data.draw(st.integers(0, 8))
        return real[:at] + data.draw(st.binary(max_size=8)) + real[at + cut :]
    if how == "framed":
        return fileformat.MAGIC + b"".join(piece(p) for p in data.draw(st.lists(PLAIN, max_size=4)))
    return poisoned_records(cli, data)


def files_of(root: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in sorted(root.iterdir())
        if p.is_file() and p.name != ".lock" and not p.name.endswith(".tmp")
    }


READS = [
    ["list"],
    ["list", "--json"],
    ["review", "--all", "--json"],
    ["show", "ann-lee"],
    ["show", "Ann Lee"],
    ["shares", "--json"],
    ["doctor", "--json"],
]

# Runs each command in one process (a process per command would take minutes), and
# reports the exit code and output of each as JSON on stdout.
DRIVER = """
import io, json, sys
from contextlib import redirect_stderr, redirect_stdout
from plnctl.cli import main
results = []
for args in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    results.append([args, code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


def run(cli: Cli, commands: list[list[str]]) -> list[tuple[list[str], int, str, str]]:
    done = cli.bounded(json.dumps(commands), python=("-c", DRIVER), memory_mb=300, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    results: list[tuple[list[str], int, str, str]] = json.loads(done.stdout)
    for args, code, _, err in results:
        assert code in (0, 1), (args, code, err)
        assert "Traceback" not in err and "internal error" not in err, (args, err)
    return results


def start(cli: Cli) -> None:
    shutil.rmtree(cli.data_dir, ignore_errors=True)
    shutil.rmtree(location.cache_dir(), ignore_errors=True)
    cli.ok("add", "Ann Lee", "--topic", "pedagogy")
    cli.ok("checkin", "ann-lee", "--on", "2025-06-01")
    cli.ok("share", "https://example.org/post", "--with", "ann-lee")


FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["bomb.toml", "_settings.toml", "_shares.toml"])
@FUZZ
@given(raw=RAW)
def test_a_hostile_data_file_never_crashes_or_changes_anything(
    cli: Cli, target: str, raw: bytes
) -> None:
    start(cli)
    hostile = cli.data_dir / target
    hostile.write_bytes(raw)
    before = files_of(cli.data_dir)
    run(cli, [*READS, ["show", "bomb"]])
    assert files_of(cli.data_dir) == before
    [(_, code, _, _)] = run(cli, [["checkin", "bomb" if target == "bomb.toml" else "ann-lee"]])
    if code:
        assert files_of(cli.data_dir) == before
    assert hostile.read_bytes() == raw or target == "bomb.toml"


@pytest.mark.slow
@FUZZ
@given(how=INDEX_DAMAGE, data=st.data())
def test_a_hostile_index_never_crashes_or_changes_anything(
    cli: Cli, how: str, data: st.DataObject
) -> None:
    start(cli)
    cli.ok("list")
    index = location.index_path(cli.data_dir)
    hostile = hostile_index(data, cli, how)

    def plant() -> None:
        index.parent.mkdir(mode=0o700, exist_ok=True)
        index.write_bytes(hostile)
        index.chmod(0o600)

    plant()
    before = files_of(cli.data_dir)
    answers = run(cli, READS)
    assert files_of(cli.data_dir) == before
    if how != "records":
        # An index it cannot use changes no answer: the same commands with no cache at all.
        shutil.rmtree(location.cache_dir())
        assert [r[1:3] for r in run(cli, READS)] == [r[1:3] for r in answers]
    # A record that lies about a name never sends a write to another file.
    plant()
    [(_, code, out, _)] = run(cli, [["checkin", "Ann Lee"]])
    assert code == 0 and out.startswith("logged read with Ann Lee (ann-lee)"), out


def poisoned_records(cli: Cli, data: st.DataObject) -> bytes:
    """The real index with each record's fields replaced by anything at all."""
    from plnctl.index import loader
    from plnctl.store import Store

    store = Store(cli.data_dir)
    identity = loader.identity_of(store)
    doc = fileformat.read_doc(location.index_path(cli.data_dir), identity)
    assert doc is not None

    def poisoned(record: tuple[Any, ...]) -> tuple[Any, ...]:
        fields = list(record)
        for at in data.draw(st.lists(st.integers(0, len(fields) - 1), max_size=3)):
            fields[at] = data.draw(PLAIN)
        return tuple(fields)

    entries = {slug: (*entry[:2], poisoned(entry[2])) for slug, entry in doc["ties"].items()}
    derived_for, derived = doc["derived"]
    values = {slug: (poisoned(value[0]), *value[1:]) for slug, value in derived.items()}
    head = ("head", identity, doc["seen_ns"] + 10 * loader.RACY_NS, derived_for)
    return (
        fileformat.MAGIC
        + piece(head)
        + piece(("ties", entries))
        + piece(("derived", values))
        + piece(("end", len(entries), len(values)))
    )
