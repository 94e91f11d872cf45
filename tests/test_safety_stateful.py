"""Random sequences of commands and hand edits: the files always say exactly what a model says."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conftest import Cli, Result
from helpers import TODAY, examples
from plnctl.names import name_key
from plnctl.network import looks_like_url

pytestmark = pytest.mark.slow  # 40 runs of 20 commands each, every one through the CLI

DAY = dt.date.fromisoformat(TODAY)
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

HOSTILE_NAMES = [
    "Ann Lee",
    "ann lee",
    "Ann-Lee!",
    "../../etc/passwd",
    "con",
    "NUL",
    "!!!",
    "李小龙",
    "LiXiaolong",
    "محمد علي",
    "🎉",
    "-dash first",
    'name = "x"',
    "[[events]]",
    "x" * 300,
    "y" * 301,
    "tab\there",
    "",
    "  ",
]
PLAIN = st.characters(exclude_categories=["Cc", "Cs"])
NAMES = st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(PLAIN, max_size=20))
LABELS = st.text(PLAIN, min_size=1, max_size=15).filter(str.strip)
NOTES = st.lists(
    st.one_of(
        st.text(PLAIN, min_size=1, max_size=6),
        st.sampled_from(["\n", "\r\n", "\t", '"', "'''", "\\", "[[events]]\n", 'kind = "x"']),
    ),
    min_size=1,
    max_size=6,
).map("".join)
WHATS = st.one_of(
    st.sampled_from(["https://example.org/a?b=\"c\"&d='e'", "ftp://x.example/[1]", "a post"]),
    LABELS,
)
KINDS = st.sampled_from(["read", "listen", "comment", "converse", "ask", "help-given"])
NEW_SLUGS = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4})?", fullmatch=True)


def stored_name(name: str) -> str | None:
    """The name as plnctl keeps it, or None when it must be refused."""
    text = unicodedata.normalize("NFC", name).strip()
    if not text or len(text) > 300:
        return None
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        return None
    return text


@dataclass
class ModelTie:
    name: str
    topics: list[str] = field(default_factory=list)
    note: str | None = None
    url: str | None = None
    every: int | None = None
    pin: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)

    def expected(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"schema_version": 1, "name": self.name, "kind": "person"}
        optional = {"url": self.url, "every": self.every, "note": self.note, "pin": self.pin}
        doc.update({k: v for k, v in optional.items() if v is not None})
        doc.update(topics=self.topics, tags=[], added=DAY)
        if self.events:
            doc["events"] = self.events
        return doc


class NetworkMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="plnctl-state-"))
        self.root = self.tmp / "data"
        self.cli = Cli(self.root)
        self.ties: dict[str, ModelTie] = {}
        self.log: list[dict[str, Any]] = []

    def run(self, *args: str) -> Result:
        result = self.cli("--data-dir", str(self.root), *args)
        assert "Traceback" not in result.err, str(result)
        return result

    def file_of(self, slug: str) -> dict[str, Any]:
        with (self.root / f"{slug}.toml").open("rb") as handle:
            return tomllib.load(handle)

    def take_new_ids(self, slugs: list[str]) -> str:
        """Fill in the id plnctl gave each tie's newest event; they must agree."""
        ids: set[str] = set()
        for slug in slugs:
            event = self.ties[slug].events[-1]
            event["id"] = str(self.file_of(slug)["events"][-1]["id"])
            ids.add(event["id"])
        assert len(ids) == 1, ids
        return ids.pop()

    # -- commands ------------------------------------------------------------

    @rule(name=NAMES, topic=st.none() | LABELS, note=st.none() | NOTES)
    def add(self, name: str, topic: str | None, note: str | None) -> None:
        args = ["add"]
        if topic is not None:
            args += ["--topic", topic]
        if note is not None:
            args.append(f"--note={note}")
        result = self.run(*args, "--", name)
        stored = stored_name(name)
        key = stored and (name_key(stored) or stored.casefold())
        taken = any((name_key(t.name) or t.name.casefold()) == key for t in self.ties.values())
        if stored is None or taken:
            assert result.code == 1, str(result)
            assert result.err.startswith("plnctl: error: "), str(result)
            return
        assert result.code == 0, str(result)
        slug = result.out.strip()
        assert SLUG.match(slug) and len(slug) <= 48, slug
        assert slug not in self.ties, f"add overwrote {slug}"
        self.ties[slug] = ModelTie(
            name=stored, topics=[topic.strip()] if topic else [], note=note or None
        )

    @precondition(lambda self: self.ties)
    @rule(data=st.data(), kind=KINDS, note=st.none() | NOTES, by_name=st.booleans())
    def checkin(self, data: st.DataObject, kind: str, note: str | None, by_name: bool) -> None:
        slug = data.draw(st.sampled_from(sorted(self.ties)))
        name = self.ties[slug].name
        same = [s for s, t in self.ties.items() if t.name.casefold() == name.casefold()]
        query = slug
        if by_name and same == [slug] and (name not in self.ties or name == slug):
            query = name
        args = ["checkin", "--kind", kind]
        if note is not None:
            args.append(f"--note={note}")
        result = self.run(*args, "--", query)
        assert result.code == 0, str(result)
        event: dict[str, Any] = {"id": None, "date": DAY, "kind": kind}
        if note:
            event["note"] = note
        self.ties[slug].events.append(event)
        self.take_new_ids([slug])

    @rule(data=st.data(), what=WHATS, note=st.none() | NOTES)
    def share(self, data: st.DataObject, what: str, note: str | None) -> None:
        slugs = sorted(self.ties)
        with_ = (
            data.draw(st.lists(st.sampled_from(slugs), max_size=2, unique=True)) if slugs else []
        )
        rest = [s for s in slugs if s not in with_]
        from_ = data.draw(st.none() | st.sampled_from(rest)) if rest else None
        args = ["share"]
        for slug in with_:
            args += ["--with", slug]
        if from_:
            args += ["--from", from_]
        if note is not None:
            args.append(f"--note={note}")
        result = self.run(*args, "--", what)
        assert result.code == 0, str(result)
        text = what.strip()
        event: dict[str, Any] = {"id": None, "date": DAY, "kind": "share", "what": text}
        if looks_like_url(text):
            event["link"] = text
        if note:
            event["note"] = note
        targets = [(s, "with") for s in with_] + ([(from_, "from")] if from_ else [])
        for slug, role in targets:
            self.ties[slug].events.append({**event, "role": role})
        if targets:
            self.take_new_ids([s for s, _ in targets])
        else:
            entry = {k: v for k, v in event.items() if k not in ("kind",)}
            with (self.root / "_shares.toml").open("rb") as handle:
                entry["id"] = tomllib.load(handle)["shares"][-1]["id"]
            self.log.append(entry)

    @precondition(lambda self: self.ties)
    @rule(
        data=st.data(),
        change=st.one_of(
            st.tuples(st.just("--add-topic"), LABELS),
            st.tuples(st.just("--note"), st.just("") | NOTES),
            st.tuples(st.just("--every"), st.integers(0, 3650).map(str)),
            st.tuples(st.just("--pin"), st.sampled_from(["strong", "weak", "none"])),
            st.tuples(st.just("--url"), st.just("") | WHATS),
        ),
    )
    def set_field(self, data: st.DataObject, change: tuple[str, str]) -> None:
        slug = data.draw(st.sampled_from(sorted(self.ties)))
        option, value = change
        result = self.run("set", slug, f"{option}={value}")
        assert result.code == 0, str(result)
        tie = self.ties[slug]
        if option == "--add-topic":
            if value.strip().casefold() not in (t.casefold() for t in tie.topics):
                tie.topics.append(value.strip())
        elif option == "--note":
            tie.note = value or None
        elif option == "--every":
            tie.every = int(value) or None
        elif option == "--pin":
            tie.pin = None if value == "none" else value
        else:
            tie.url = value.strip() or None

    # -- hand edits --------------------------------------------------------

    @precondition(lambda self: self.ties)
    @rule(data=st.data(), name=NAMES)
    def rename_by_hand(self, data: st.DataObject, name: str) -> None:
        """Change the name in the file with an editor; the slug stays."""
        slug = data.draw(st.sampled_from(sorted(self.ties)))
        stored = stored_name(name)
        if stored is None:
            return
        key = name_key(stored) or stored.casefold()
        if any((name_key(t.name) or t.name.casefold()) == key for t in self.ties.values()):
            return
        path = self.root / f"{slug}.toml"
        text = path.read_text(encoding="utf-8")
        line = tomli_w.dumps({"name": stored}).rstrip("\n")
        edited, count = re.subn(r"^name = .*$", lambda _: line, text, count=1, flags=re.M)
        assert count == 1
        path.write_text(edited, encoding="utf-8")
        self.ties[slug].name = stored

    @precondition(lambda self: self.ties)
    @rule(data=st.data(), new=NEW_SLUGS)
    def move_file_by_hand(self, data: st.DataObject, new: str) -> None:
        """Rename a tie's file: plnctl follows the new slug."""
        slug = data.draw(st.sampled_from(sorted(self.ties)))
        if new in self.ties or new in ("con", "nul", "aux", "prn"):
            return
        (self.root / f"{slug}.toml").rename(self.root / f"{new}.toml")
        self.ties[new] = self.ties.pop(slug)

    # -- what must always hold -----------------------------------------------

    @invariant()
    def files_match_the_model(self) -> None:
        if not self.root.exists():
            assert not self.ties and not self.log
            return
        on_disk = {p.stem for p in self.root.glob("*.toml") if not p.name.startswith("_")}
        assert on_disk == set(self.ties)
        for slug, tie in self.ties.items():
            assert self.file_of(slug) == tie.expected(), slug
        shares = self.root / "_shares.toml"
        if self.log:
            with shares.open("rb") as handle:
                assert tomllib.load(handle) == {"schema_version": 1, "shares": self.log}
        else:
            assert not shares.exists()
        assert list(self.root.glob(".*.tmp")) == []

    def teardown(self) -> None:
        try:
            if self.root.exists():
                result = self.run("doctor")
                assert result.code == 0, str(result)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def test_random_command_sequences_lose_nothing(data_dir: Path) -> None:
    # Typed in newer hypothesis releases only: call it through Any on all of them.
    run: Any = run_state_machine_as_test
    run(
        NetworkMachine,
        settings=settings(
            max_examples=examples(40),
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
