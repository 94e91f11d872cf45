"""edit, rename, merge, archive, rm, snooze and spread, through the CLI on real files."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli
from helpers import Ties, examples
from plnctl.dates import snooze_date
from plnctl.errors import InvalidValueError
from plnctl.merging import Folded, fold_into
from plnctl.model import Event, Tie
from plnctl.names import unique_slug
from plnctl.review import plan_spread
from plnctl.settings import Settings

TODAY = dt.date(2025, 6, 30)

# A stand-in for $EDITOR: each run takes the next step from a JSON file and
# applies it to the file it was given (its last argument).
FAKE_EDITOR = """\
import json, sys
from pathlib import Path

steps_file = Path(sys.argv[1])
target = Path(sys.argv[-1])
steps = json.loads(steps_file.read_text())
step = steps.pop(0)
steps_file.write_text(json.dumps(steps))
with open(str(steps_file) + ".log", "a") as log:
    log.write(json.dumps(sys.argv[2:]) + "\\n")
text = target.read_text()
for old, new in step.get("replace", []):
    assert old in text, (old, text)
    text = text.replace(old, new)
target.write_text(text)
if "meanwhile" in step:
    path, extra = step["meanwhile"]
    with open(path, "a") as handle:
        handle.write(extra)
sys.exit(step.get("exit", 0))
"""


@dataclass
class MergeResult:
    tie: Tie
    events_added: int
    events_shared: int


def merge_ties(dup: Tie, into: Tie, dup_slug: str, into_slug: str) -> MergeResult:
    """What `plnctl merge` folds: a copy of INTO with the duplicate folded in."""
    merged = into.model_copy(deep=True)
    folded: Folded = fold_into(merged, dup, duplicate=True, slugs=(into_slug, dup_slug))
    return MergeResult(merged, folded.events_added, folded.events_shared)


class Editor:
    """Sets $EDITOR to the fake editor with the given steps, one per run."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.script = tmp_path / "fake_editor.py"
        self.script.write_text(FAKE_EDITOR)
        self.steps = tmp_path / "steps.json"
        self.monkeypatch = monkeypatch
        monkeypatch.delenv("VISUAL", raising=False)

    def __call__(self, *steps: dict[str, Any], extra: str = "") -> None:
        self.steps.write_text(json.dumps(list(steps)))
        command = f"{shlex.quote(sys.executable)} {shlex.quote(str(self.script))} "
        command += f"{shlex.quote(str(self.steps))} {extra}"
        self.monkeypatch.setenv("EDITOR", command)

    def runs(self) -> list[list[str]]:
        log = Path(str(self.steps) + ".log")
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]


class Terminal(io.StringIO):
    """stdin as a terminal that answers with the given lines."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Editor:
    return Editor(tmp_path, monkeypatch)


def at_terminal(monkeypatch: pytest.MonkeyPatch, answers: str) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal(answers))


# -- edit -------------------------------------------------------------------


def test_edit_saves_a_valid_edit(cli: Cli, editor: Editor) -> None:
    cli.ok("add", "Ann Lee", "--topic", "pedagogy")
    cli.ok("checkin", "ann", "--on", "2025-06-01")
    editor({"replace": [['"pedagogy"', '"pedagogy", "assessment"']]}, extra="--wait")
    result = cli.ok("edit", "ann")
    assert result.out == "saved ann-lee (Ann Lee)\n"
    assert result.err == ""
    data = cli.read_tie("ann-lee")
    assert data["topics"] == ["pedagogy", "assessment"]
    assert len(data["events"]) == 1
    # A multi-word editor command keeps its own arguments, then the file.
    (run,) = editor.runs()
    assert run[0] == "--wait"
    assert run[-1].endswith("ann-lee.toml")
    assert not run[-1].startswith(str(cli.data_dir))  # a copy, not the file itself


def test_visual_wins_over_editor(cli: Cli, editor: Editor, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.ok("add", "Ann Lee")
    editor({"replace": [['name = "Ann Lee"', 'name = "Ann Lee"\nevery = 7']]})
    monkeypatch.setenv("VISUAL", os.environ["EDITOR"])
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere")
    cli.ok("edit", "ann-lee")
    assert cli.read_tie("ann-lee")["every"] == 7


def test_edit_without_changes_saves_nothing(cli: Cli, editor: Editor) -> None:
    cli.ok("add", "Ann Lee")
    before = cli.tie_file("ann-lee").read_bytes()
    editor({})
    result = cli.ok("edit", "ann")
    assert result.out == ""
    assert "no changes" in result.err
    assert cli.tie_file("ann-lee").read_bytes() == before


def test_invalid_edit_without_a_terminal_keeps_the_original(cli: Cli, editor: Editor) -> None:
    cli.ok("add", "Ann Lee")
    before = cli.tie_file("ann-lee").read_bytes()
    editor({"replace": [['kind = "person"', 'kind = "person"\nevery = "often"']]})
    result = cli.fails("edit", "ann")
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert "invalid edit of ann-lee" in result.err
    assert "field 'every'" in result.err
    assert "nothing was saved" in result.err
    assert cli.tie_file("ann-lee").read_bytes() == before
    assert len(editor.runs()) == 1


def test_broken_toml_is_reported_in_one_line(cli: Cli, editor: Editor) -> None:
    cli.ok("add", "Ann Lee")
    before = cli.tie_file("ann-lee").read_bytes()
    editor({"replace": [['name = "Ann Lee"', 'name = "Ann Lee']]})
    result = cli.fails("edit", "ann")
    assert "not valid TOML" in result.err
    assert result.err.count("\n") == 1
    assert cli.tie_file("ann-lee").read_bytes() == before


def test_invalid_edit_at_a_terminal_can_be_fixed(
    cli: Cli, editor: Editor, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("add", "Ann Lee")
    editor(
        {"replace": [['kind = "person"', 'kind = "robot"']]},
        {"replace": [['kind = "robot"', 'kind = "source"']]},
    )
    at_terminal(monkeypatch, "y\n")
    result = cli.ok("edit", "ann")
    assert "invalid edit: line 3: field 'kind'" in result.err
    assert "Open the editor again?" in result.err
    assert result.out == "saved ann-lee (Ann Lee)\n"
    assert cli.read_tie("ann-lee")["kind"] == "source"
    assert len(editor.runs()) == 2


def test_invalid_edit_at_a_terminal_answered_no(
    cli: Cli, editor: Editor, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli.ok("add", "Ann Lee")
    before = cli.tie_file("ann-lee").read_bytes()
    editor({"replace": [['kind = "person"', 'kind = "robot"']]})
    at_terminal(monkeypatch, "n\n")
    result = cli("edit", "ann")
    assert result.code == 1, result
    assert result.out == ""
    assert "Open the editor again? (no keeps the file as it was) [Y/n]" in result.err
    last = result.err.splitlines()[-1]
    assert (
        f"nothing was saved, {cli.tie_file('ann-lee')} is unchanged; your edit is kept in " in last
    )
    kept = Path(last.rsplit("your edit is kept in ", 1)[1])
    assert 'kind = "robot"' in kept.read_text()  # the edit is not thrown away
    assert cli.tie_file("ann-lee").read_bytes() == before
    assert len(editor.runs()) == 1


def test_edit_refuses_the_name_of_another_tie(cli: Cli, editor: Editor) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "Ben Tanaka")
    editor({"replace": [['name = "Ben Tanaka"', 'name = "ann lee"']]})
    result = cli.fails("edit", "ben")
    assert "already the name of 'ann-lee'" in result.err
    assert cli.read_tie("ben-tanaka")["name"] == "Ben Tanaka"


def test_edit_refuses_when_the_file_changed_meanwhile(cli: Cli, editor: Editor) -> None:
    cli.ok("add", "Ann Lee")
    real = cli.tie_file("ann-lee")
    editor(
        {
            "replace": [['kind = "person"', 'kind = "source"']],
            "meanwhile": [str(real), "every = 9\n"],
        }
    )
    result = cli.fails("edit", "ann")
    assert "changed while you were editing" in result.err
    kept = Path(result.err.rsplit("kept in ", 1)[1].strip())
    assert 'kind = "source"' in kept.read_text()
    data = cli.read_tie("ann-lee")
    assert data["kind"] == "person"
    assert data["every"] == 9


def test_editor_failure_saves_nothing(cli: Cli, editor: Editor) -> None:
    cli.ok("add", "Ann Lee")
    editor({"replace": [['kind = "person"', 'kind = "source"']], "exit": 3})
    result = cli.fails("edit", "ann")
    assert "exited with status 3" in result.err
    assert cli.read_tie("ann-lee")["kind"] == "person"


def test_missing_editor_is_a_clear_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.ok("add", "Ann Lee")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere --flag")
    result = cli.fails("edit", "ann")
    assert "cannot run the editor 'no-such-editor-anywhere' (from $EDITOR)" in result.err


def test_edit_can_repair_an_unreadable_file(cli: Cli, editor: Editor) -> None:
    cli.ok("add", "Ann Lee")
    path = cli.tie_file("ann-lee")
    path.write_text(path.read_text().replace('kind = "person"', 'kind = "robot"'))
    assert "skipped" in cli.ok("list").err
    editor({"replace": [['kind = "robot"', 'kind = "person"']]})
    cli.ok("edit", "ann-lee")
    assert cli.read_tie("ann-lee")["kind"] == "person"


# -- rename -----------------------------------------------------------------


def test_rename_moves_the_file_keeps_history_and_vias_follow(cli: Cli) -> None:
    cli.ok("add", "Ann Lee", "--topic", "pedagogy")
    cli.ok("add", "Ben Tanaka", "--via", "ann")
    cli.ok("checkin", "ann", "--on", "2025-06-01", "--note", "first talk")
    cli.ok("share", "https://example.org/p", "--with", "ann")
    events = cli.read_tie("ann-lee")["events"]
    result = cli.ok("rename", "ann", "Ann Okafor")
    assert result.out == (
        "renamed ann-lee (Ann Lee) to ann-okafor (Ann Okafor)\nupdated --via in ben-tanaka\n"
    )
    assert result.err == ""
    assert not cli.tie_file("ann-lee").exists()
    data = cli.read_tie("ann-okafor")
    assert data["name"] == "Ann Okafor"
    assert data["events"] == events
    assert data["topics"] == ["pedagogy"]
    assert cli.read_tie("ben-tanaka")["via"] == "ann-okafor"
    shares = json.loads(cli.ok("shares", "--json").out)
    assert shares["shares"][0]["with"] == ["ann-okafor"]


def test_rename_changing_only_case_keeps_the_slug(cli: Cli) -> None:
    cli.ok("add", "ann lee")
    result = cli.ok("rename", "ann-lee", "Ann Lee")
    assert result.out == "renamed ann-lee (ann lee) to ann-lee (Ann Lee)\n"
    assert cli.read_tie("ann-lee")["name"] == "Ann Lee"


def test_rename_refuses_another_ties_name(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "Ben Tanaka")
    result = cli.fails("rename", "ben", "ANN LEE")
    assert "'Ann Lee' (ann-lee) already has that name" in result.err
    assert "plnctl merge ben-tanaka ann-lee" in result.err
    assert cli.read_tie("ben-tanaka")["name"] == "Ben Tanaka"


def test_rename_to_a_taken_slug_gets_a_suffix(cli: Cli) -> None:
    # Long names that differ only after the slug's 48 characters share a slug.
    first, second = "Learning " * 6 + "One", "Learning " * 6 + "Two"
    slug = cli.ok("add", first).out.strip()
    cli.ok("add", "Other")
    result = cli.ok("rename", "other", second)
    assert result.out == f"renamed other (Other) to {slug}-2 ({second})\n"
    assert cli.read_tie(f"{slug}-2")["name"] == second
    assert cli.read_tie(slug)["name"] == first


def test_rename_refuses_an_empty_name(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    result = cli.fails("rename", "ann", "   ")
    assert "invalid name" in result.err


# -- merge ------------------------------------------------------------------


def test_merge_folds_a_duplicate_into_another(cli: Cli) -> None:
    cli.ok("add", "Ann Lee", "--topic", "pedagogy", "--tag", "colleague", "--note", "met at OER")
    cli.ok("add", "A. Lee", "--topic", "Pedagogy", "--topic", "assessment", "--url", "https://a.l")
    cli.ok("add", "Ben Tanaka", "--via", "a. lee")
    cli.ok("set", "a-lee", "--note", "writes a newsletter", "--every", "21")
    cli.ok("checkin", "ann-lee", "--on", "2025-06-01")
    cli.ok("checkin", "a-lee", "--on", "2025-05-01")
    cli.ok("share", "https://example.org/x", "--with", "ann-lee", "--with", "a-lee")
    result = cli.ok("merge", "a-lee", "ann-lee")
    assert result.out.splitlines() == [
        "merged a-lee into ann-lee (Ann Lee) and removed a-lee",
        "events: 1 added, 1 already there",
        "topics added: assessment",
        "fields taken from a-lee: url, every, note",
        "updated --via in ben-tanaka",
    ]
    assert result.err == ""
    assert not cli.tie_file("a-lee").exists()
    data = cli.read_tie("ann-lee")
    assert [e["date"] for e in data["events"]] == [
        dt.date(2025, 5, 1),
        dt.date(2025, 6, 1),
        dt.date(2025, 6, 30),
    ]
    assert data["topics"] == ["pedagogy", "assessment"]
    assert data["tags"] == ["colleague"]
    assert data["url"] == "https://a.l"
    assert data["every"] == 21
    assert data["note"] == "met at OER\n\nwrites a newsletter"
    assert cli.read_tie("ben-tanaka")["via"] == "ann-lee"


def test_merge_twice_the_same_events_adds_nothing() -> None:
    event = Event(date=TODAY, kind="read")
    into = Tie(name="Ann", events=[event])
    dup = Tie(name="Ann L", events=[event.model_copy()])
    result = merge_ties(dup, into, "ann-l", "ann")
    assert result.events_added == 0
    assert result.events_shared == 1
    assert len(result.tie.events) == 1
    assert into.events == [event]  # pure: the inputs are not changed


def test_merge_keeps_intos_values_and_drops_self_references() -> None:
    into = Tie(name="Ann", url="https://ann", via="ann-l", added=dt.date(2025, 3, 1))
    dup = Tie(name="Ann L", url="https://other", via="ann", added=dt.date(2024, 1, 1), pin="weak")
    result = merge_ties(dup, into, "ann-l", "ann")
    assert result.tie.url == "https://ann"
    assert result.tie.via is None
    assert result.tie.pin == "weak"
    assert result.tie.added == dt.date(2024, 1, 1)


def test_merge_refuses_one_tie_into_itself(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    result = cli.fails("merge", "ann", "ann-lee")
    assert "into itself" in result.err
    assert cli.tie_file("ann-lee").exists()


def test_merge_of_an_unknown_tie_changes_nothing(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    before = cli.tie_file("ann-lee").read_bytes()
    cli.fails("merge", "zed", "ann")
    assert cli.tie_file("ann-lee").read_bytes() == before


# -- archive and rm -----------------------------------------------------------


def test_archive_hides_and_unarchive_brings_back(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "Ben Tanaka")
    assert cli.ok("archive", "ann").out == "archived ann-lee\n"
    assert cli.read_tie("ann-lee")["archived"] is True
    listed = json.loads(cli.ok("list", "--json").out)
    assert [t["slug"] for t in listed] == ["ben-tanaka"]
    listed = json.loads(cli.ok("list", "--archived", "--json").out)
    assert [t["slug"] for t in listed] == ["ann-lee", "ben-tanaka"]
    again = cli.ok("archive", "ann")
    assert again.out == ""
    assert "already archived" in again.err
    assert cli.ok("unarchive", "ann").out == "unarchived ann-lee\n"
    assert "archived" not in cli.read_tie("ann-lee")


def test_rm_with_yes_removes_the_file(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    result = cli.ok("rm", "ann", "--yes")
    assert result.out == "removed ann-lee\n"
    assert not cli.tie_file("ann-lee").exists()


def test_rm_without_a_terminal_refuses(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    result = cli.fails("rm", "ann")
    assert "no terminal to confirm on; pass --yes" in result.err
    assert cli.tie_file("ann-lee").exists()


def test_rm_asks_at_a_terminal(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("checkin", "ann")
    at_terminal(monkeypatch, "n\n")
    result = cli("rm", "ann")
    assert result.code == 1, result
    assert result.out == ""
    assert result.err.endswith("plnctl: error: not removed: ann-lee is kept\n")
    assert "Remove Ann Lee (ann-lee) and its 1 event for good?" in result.err
    assert cli.tie_file("ann-lee").exists()
    at_terminal(monkeypatch, "yes\n")
    assert cli.ok("rm", "ann").out == "removed ann-lee\n"
    assert not cli.tie_file("ann-lee").exists()


def test_rm_removes_an_unreadable_file(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.tie_file("ann-lee").write_text("this is not toml [")
    cli.ok("rm", "ann-lee", "--yes")
    assert not cli.tie_file("ann-lee").exists()


# -- snooze -----------------------------------------------------------------


@pytest.fixture
def due_tie(ties: Ties) -> None:
    ties.write("ann-lee", events=[("2025-01-01", "read")])


def _review_slugs(cli: Cli, *args: str) -> list[str]:
    doc = json.loads(cli.ok("review", "--json", *args).out)
    return [item["slug"] for item in doc["items"]]


@pytest.mark.usefixtures("due_tie")
def test_snooze_for_days_hides_until_then(cli: Cli) -> None:
    assert _review_slugs(cli) == ["ann-lee"]
    assert cli.ok("snooze", "ann", "--for", "14").out == "snoozed ann-lee until 2025-07-14\n"
    assert cli.read_tie("ann-lee")["snoozed_until"] == dt.date(2025, 7, 14)
    assert _review_slugs(cli) == []
    assert _review_slugs(cli, "--as-of", "2025-07-13") == []
    assert _review_slugs(cli, "--as-of", "2025-07-14") == ["ann-lee"]
    cli.ok("checkin", "ann")
    assert "snoozed_until" not in cli.read_tie("ann-lee")


@pytest.mark.usefixtures("due_tie")
def test_snooze_until_a_date_and_off(cli: Cli) -> None:
    cli.ok("snooze", "ann", "--until", "2025-08-01")
    assert cli.read_tie("ann-lee")["snoozed_until"] == dt.date(2025, 8, 1)
    result = cli.ok("snooze", "ann", "--off")
    assert result.out == "ann-lee is back in review (was snoozed until 2025-08-01)\n"
    assert "snoozed_until" not in cli.read_tie("ann-lee")
    assert _review_slugs(cli) == ["ann-lee"]
    assert "was not snoozed" in cli.ok("snooze", "ann", "--off").err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "exactly one of"),
        (("--for", "3", "--off"), "exactly one of"),
        (("--until", "2025-06-30"), "not after today"),
        (("--until", "soon"), "invalid --until 'soon'"),
        (("--for", "0"), "--for must be between"),
    ],
)
@pytest.mark.usefixtures("due_tie")
def test_snooze_refuses_bad_options(cli: Cli, args: tuple[str, ...], message: str) -> None:
    result = cli.fails("snooze", "ann", *args)
    assert message in result.err
    assert "snoozed_until" not in cli.read_tie("ann-lee")


def test_snooze_date() -> None:
    assert snooze_date(TODAY, until="tomorrow") == dt.date(2025, 7, 1)
    assert snooze_date(TODAY, for_days=1) == dt.date(2025, 7, 1)
    with pytest.raises(InvalidValueError):
        snooze_date(TODAY, until="2024-01-01")
    with pytest.raises(InvalidValueError):
        snooze_date(TODAY, until="2099-01-01")


# -- spread -----------------------------------------------------------------


def test_spread_staggers_the_due_ties(cli: Cli, ties: Ties) -> None:
    # Weak ties with one old read: expected every 90 days.
    for slug, last in [
        ("lapsing", "2024-10-01"),  # 272 days: lapsing
        ("overdue", "2025-01-01"),  # 180 days: overdue
        ("overdue-too", "2025-02-01"),  # 149 days: overdue
        ("due", "2025-03-20"),  # 102 days: due
        ("fine", "2025-06-01"),  # ok
        ("old", "2024-01-01"),  # dormant
    ]:
        ties.write(slug, events=[(last, "read")])
    ties.write("hidden", events=[("2025-01-01", "read")], archived=True)
    dry = cli.ok("spread", "--dry-run")
    assert "nothing was changed" in dry.err
    assert "snoozed_until" not in cli.read_tie("overdue")
    result = cli.ok("spread")
    assert result.out.splitlines() == [
        "lapsing      lapsing   3.0x  stays due today",
        "overdue      overdue   2.0x  snoozed until 2025-07-07",
        "overdue-too  overdue   1.7x  snoozed until 2025-07-14",
        "due          due       1.1x  snoozed until 2025-07-21",
    ]
    assert dry.out == result.out.replace("snoozed until", "would snooze until")
    assert "spread 4 ties over 28 days (3 snoozed)" in result.err
    assert cli.read_tie("due")["snoozed_until"] == dt.date(2025, 7, 21)
    assert "snoozed_until" not in cli.read_tie("lapsing")
    assert "snoozed_until" not in cli.read_tie("hidden")
    assert _review_slugs(cli) == ["lapsing", "old"]
    again = cli.ok("spread")
    assert again.out == "lapsing  lapsing   3.0x  stays due today\n"


def test_spread_with_nothing_due(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    result = cli.ok("spread")
    assert result.out == ""
    assert "nothing to spread" in result.err


def test_plan_spread_puts_many_ties_on_shared_days() -> None:
    old = [Event(date=dt.date(2025, 1, 1), kind="read")]
    ties = [(f"t{i:02d}", Tie(name=f"T{i}", events=list(old))) for i in range(10)]
    plan = plan_spread(ties, TODAY, Settings(), over_days=5)
    offsets = [(p.until - TODAY).days if p.until else 0 for p in plan]
    assert offsets == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert [p.slug for p in plan] == sorted(p.slug for p in plan)


def test_unique_slug() -> None:
    assert unique_slug("ann", []) == "ann"
    assert unique_slug("ann", ["ann", "ann-2"]) == "ann-3"


def test_spread_follows_the_review(cli: Cli, ties: Ties) -> None:
    # Two strong ties: one lapsing (at risk in the review), one only just due
    # (not in the review, so left alone).
    for slug, days in [
        ("lapsing-strong", ("05-01", "05-02", "05-03")),
        ("due-strong", ("06-10", "06-11", "06-12")),
    ]:
        ties.write(slug, events=[(f"2025-{day}", "converse") for day in days])
    ties.write("overdue", events=[("2025-01-01", "read")])
    assert _review_slugs(cli) == ["lapsing-strong", "overdue"]
    result = cli.ok("spread", "--over", "10")
    assert result.out.splitlines() == [
        "lapsing-strong  lapsing   4.1x  stays due today",
        "overdue         overdue   2.0x  snoozed until 2025-07-05",
    ]
    assert "snoozed_until" not in cli.read_tie("due-strong")


@settings(max_examples=examples(50), deadline=None)
@given(
    st.lists(st.sampled_from("abcdefgh"), max_size=6, unique=True),
    st.lists(st.sampled_from("abcdefgh"), max_size=6, unique=True),
)
def test_merge_never_loses_an_event(into_ids: list[str], dup_ids: list[str]) -> None:
    def tie(name: str, ids: list[str]) -> Tie:
        return Tie(
            name=name,
            events=[
                Event(id=i, date=dt.date(2025, 1, 1) + dt.timedelta(days=ord(i)), kind="read")
                for i in ids
            ],
        )

    result = merge_ties(tie("Dup", dup_ids), tie("Into", into_ids), "dup", "into")
    ids = [e.id for e in result.tie.events]
    assert sorted(ids) == sorted(set(into_ids) | set(dup_ids))
    assert result.events_added == len(set(dup_ids) - set(into_ids))
    assert [e.date for e in result.tie.events] == sorted(e.date for e in result.tie.events)


def test_merge_keeps_two_events_that_share_an_id_and_fills_site_url() -> None:
    dup = Tie(
        name="Dup",
        url="https://feed.example/rss",
        site_url="https://feed.example",
        events=[
            Event(id="a", date=TODAY, kind="read"),
            Event(id="a", date=TODAY - dt.timedelta(days=3), kind="comment"),
            Event(id="a", date=TODAY, kind="read"),
        ],
    )
    into = Tie(name="Into", events=[Event(id="b", date=TODAY, kind="read")])
    merged = merge_ties(dup, into, "dup", "into").tie
    assert sorted((e.date, e.kind) for e in merged.events) == sorted(
        [(TODAY, "read"), (TODAY - dt.timedelta(days=3), "comment"), (TODAY, "read")]
    )
    assert len({e.id for e in merged.events}) == 3
    assert merged.site_url == "https://feed.example"
    assert merged.url == "https://feed.example/rss"
