"""The documentation keeps up with the code: commands, options, JSON keys and settings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

import plnctl.commands  # noqa: F401  (registers the commands)
from conftest import Cli
from helpers import weekly
from plnctl.app import app
from plnctl.model import Event, Tie
from plnctl.render.jsondoc import event_json, review_json, share_json, show_json, tie_json
from plnctl.review import build_review, tie_view
from plnctl.settings import Settings
from plnctl.ties import derive

DOCS = Path(__file__).resolve().parent.parent / "docs"
AS_OF = dt.date(2025, 6, 30)


def commands() -> dict[str, Any]:
    group = typer.main.get_command(app)
    found: dict[str, Any] = group.commands  # type: ignore[attr-defined]
    return found


def cli_sections() -> dict[str, str]:
    """The text of each `## plnctl <name>` section of docs/cli.md, by command name."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    parts = re.split(r"^## plnctl (\S+)[ \t]*$", text, flags=re.MULTILINE)
    pairs = zip(parts[1::2], parts[2::2], strict=True)
    return {name: body.split("\n## ", 1)[0] for name, body in pairs}


def code_words(name: str) -> set[str]:
    """Every `backquoted` word of a docs file, split at dots."""
    text = (DOCS / name).read_text(encoding="utf-8")
    words = set()
    for quoted in re.findall(r"`([^`\n]+)`", text):
        words.add(quoted)
        words.update(quoted.split("."))
    return words


def test_the_app_has_the_core_commands() -> None:
    core = {"add", "checkin", "share", "set", "review", "show", "list", "shares", "demo"}
    assert core <= set(commands())


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_help_ending_in_an_example(name: str) -> None:
    help_text = (commands()[name].help or "").strip()
    assert help_text, f"{name} has no help"
    last = help_text.splitlines()[-1].strip()
    assert last.startswith("Example:"), f"{name}: help ends with {last!r}"
    assert f"plnctl {name}" in last, f"{name}: the example does not run it: {last!r}"


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_a_section_in_the_cli_reference(name: str) -> None:
    assert name in cli_sections(), f"docs/cli.md has no '## plnctl {name}' section"


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_option_is_documented_in_its_section(name: str) -> None:
    section = cli_sections().get(name, "")
    missing = [
        opt
        for param in commands()[name].params
        for opt in param.opts
        if opt.startswith("--") and opt != "--help" and opt not in section
    ]
    assert not missing, f"docs/cli.md, section plnctl {name}: not documented: {missing}"


@pytest.mark.parametrize("name", ["import", "export"])
def test_every_format_is_in_the_format_option_row(name: str) -> None:
    (option,) = [p for p in commands()[name].params if "--format" in p.opts]
    lines = cli_sections()[name].splitlines()
    (row,) = [line for line in lines if line.startswith("|") and "`--format`" in line]
    missing = [c for c in option.type.choices if f"`{c}`" not in row]
    assert not missing, f"docs/cli.md, plnctl {name}: --format does not list {missing}"


def test_the_cli_reference_documents_no_command_that_does_not_exist() -> None:
    extra = set(cli_sections()) - set(commands())
    assert not extra, f"docs/cli.md documents commands plnctl does not have: {extra}"


def sample_view() -> Any:
    tie = Tie(
        name="Ann Lee",
        events=[Event(date=AS_OF, kind="share", what="a post", role="with")],
    )
    return tie_view("ann-lee", tie, AS_OF, Settings())


def keys_of(doc: dict[str, Any]) -> set[str]:
    found = set(doc)
    for value in doc.values():
        if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            found |= keys_of(value)
    return found


def test_every_json_key_is_documented() -> None:
    v = sample_view()
    result = build_review([("ann-lee", v.tie)], AS_OF, Settings(), show_all=True)
    review = review_json(result, [])
    docs = [
        tie_json(v),
        show_json(v, AS_OF),
        event_json(v.tie.events[0]),
        review,
        review["items"][0],
        share_json(_share_record()),
    ]
    documented = code_words("json.md")
    missing = sorted({key for doc in docs for key in keys_of(doc)} - documented)
    assert not missing, f"docs/json.md does not document: {missing}"


def _share_record() -> Any:
    from plnctl.network import ShareRecord

    return ShareRecord(id="x", date=AS_OF, what="a post")


def test_every_setting_is_documented_in_the_model() -> None:
    documented = code_words("model.md")
    fields = [f.name for f in dataclasses.fields(Settings)]
    missing = [name for name in fields if name not in documented]
    assert not missing, f"docs/model.md does not explain: {missing}"


def test_every_tie_field_is_documented_in_the_data_format() -> None:
    documented = code_words("data-format.md")
    fields = list(Tie.model_fields) + list(Event.model_fields)
    missing = [name for name in fields if name not in documented]
    assert not missing, f"docs/data-format.md does not describe: {missing}"


def test_the_worked_example_in_the_model_doc_is_what_plnctl_computes() -> None:
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    steady = derive(weekly(20, AS_OF), AS_OF, Settings())
    faded = derive(weekly(12, AS_OF - dt.timedelta(days=60)), AS_OF, Settings())
    assert (round(steady.score, 2), steady.status, steady.trend, steady.band) == (
        6.43,
        "strong",
        "steady",
        "ok",
    )
    assert steady.interval_days == 7
    assert (round(faded.score, 2), faded.status, faded.trend, faded.band) == (
        1.43,
        "weak",
        "fading",
        "lapsing",
    )
    assert faded.weakened_on is not None
    for shown in ("6.43", "1.43", faded.weakened_on.isoformat()):
        assert shown in text, f"docs/model.md does not show {shown}"


def console_steps(text: str) -> list[tuple[list[str], str]]:
    """Each `$ plnctl ...` line of the ```console blocks, with the output shown under it."""
    import shlex

    steps: list[tuple[list[str], str]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            words = shlex.split(command, comments=True)
            if words and words[0] == "plnctl":
                steps.append((words[1:], output))
    return steps


def test_the_readme_quick_start_shows_real_output(cli: Cli) -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    steps = console_steps(quick_start)
    assert len(steps) >= 5 and any(args[:1] == ["review"] for args, _ in steps)
    for args, shown in steps:
        result = cli.ok(*args)
        assert result.out == shown, f"README: plnctl {' '.join(args)}\n{result}"


@pytest.mark.parametrize("page", ["docs/cli.md", "README.md"])
def test_the_examples_on_the_demo_network_are_real(cli: Cli, tmp_path: Path, page: str) -> None:
    demo_dir = str(tmp_path / "pln-demo")
    cli.ok("--data-dir", demo_dir, "demo")
    text = (DOCS.parent / page).read_text(encoding="utf-8")
    checked = 0
    for args, shown in console_steps(text):
        if args[:2] != ["--data-dir", "/tmp/pln-demo"] or "..." in shown or args[2] == "demo":
            continue
        result = cli.ok("--data-dir", demo_dir, *args[2:])
        assert result.out == shown, f"{page}: plnctl {' '.join(args)}\n{result}"
        checked += 1
    assert checked >= 3
