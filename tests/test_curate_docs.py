"""The curation commands have help ending in an example, and a section in docs/cli.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Cli

DOCS = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
COMMANDS = ["edit", "rename", "merge", "archive", "unarchive", "rm", "snooze", "spread", "path"]


def section(name: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"^## (?:plnctl )?{name}\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    assert match, f"docs/cli.md has no '## {name}' section"
    return match.group(1)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_ends_with_an_example_the_docs_repeat(cli: Cli, name: str) -> None:
    result = cli.ok(name, "--help")
    examples = re.findall(r"^\s*Example: (.+)$", result.out, flags=re.M)
    assert len(examples) == 1, result.out
    assert f"Example: `{examples[0].strip()}`" in section(name)


def test_readme_shows_the_completion_setup() -> None:
    readme = (DOCS.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "plnctl --install-completion" in readme
    assert "--show-completion" in readme
    assert "plnctl --install-completion" in section("Shell completion")
