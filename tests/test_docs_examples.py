"""Every documented console and JSON example that shows whole output is rerun here.

README's and cli.md's demo examples are checked in test_docs.py; these are the
rest: imports, the --json contract's examples and the model's worked example.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FIXTURES = Path(__file__).parent / "fixtures"
REAL = Path(__file__).parent / "data" / "real"
# The file names the docs use, and the files that stand for them.
FILES = {
    "subscriptions.opml": FIXTURES / "feedly.opml",
    "contacts.vcf": FIXTURES / "google-contacts.vcf",
    "following_accounts.csv": REAL / "mastodon" / "following_accounts.csv",
    "bomb.opml": FIXTURES / "billion-laughs.opml",
}


def console_blocks(text: str) -> list[list[tuple[list[str], str]]]:
    """Each ```console block: its `$ plnctl ...` commands with the output under each."""
    import shlex

    blocks = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        steps = []
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            words = shlex.split(command, comments=True)
            if words and words[0] == "plnctl":
                steps.append((words[1:], output))
        blocks.append(steps)
    return blocks


def section(text: str, title: str) -> str:
    return text.split(title, 1)[1].split("\n## ", 1)[0]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding the files the examples import."""
    for name, source in FILES.items():
        shutil.copy(source, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_block(cli: Cli, steps: list[tuple[list[str], str]], where: str) -> None:
    for args, shown in steps:
        result = cli(*args)
        # Errors are shown as the user sees them: stderr, in the block.
        assert (result.out or result.err) == shown, f"{where}: plnctl {' '.join(args)}\n{result}"


def test_the_readme_import_example_is_real(cli: Cli, here: Path) -> None:
    text = section((ROOT / "README.md").read_text(encoding="utf-8"), "## Bring your network in")
    (steps,) = console_blocks(text)
    assert len(steps) == 4
    run_block(cli, steps, "README")


def test_the_cli_reference_import_example_is_real(cli: Cli, here: Path) -> None:
    text = section((DOCS / "cli.md").read_text(encoding="utf-8"), "## plnctl import")
    (steps,) = console_blocks(text)
    cli.ok(
        "add",
        "Hybrid Pedagogy",
        "--kind",
        "blog",
        "--url",
        "https://hybridpedagogy.example.org/feed/",
    )
    cli.ok("add", "Ann Lee")
    run_block(cli, steps, "docs/cli.md, plnctl import")
    assert cli.read_tie("user-test-com")["via"] == "ann-lee"


def test_the_formats_import_json_example_is_real(cli: Cli, here: Path) -> None:
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    shown = json.loads(
        section(text, "### `plnctl import --json`").split("```json\n", 1)[1].split("```")[0]
    )
    cli.ok("add", "Zoë Ångström", "--tag", "Mentors")
    result = cli.ok("import", "contacts.vcf", "--json")
    assert json.loads(result.out) == shown


def test_the_formats_bomb_example_is_real(cli: Cli, here: Path) -> None:
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    (steps,) = [b for b in console_blocks(text) if b and b[0][0] == ["import", "bomb.opml"]]
    run_block(cli, steps, "docs/formats.md")


def without_ids(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: "<id>" if k == "id" else without_ids(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [without_ids(v) for v in doc]
    return doc


def json_examples() -> dict[str, Any]:
    """The complete (not abridged) examples of docs/json.md, by their command."""
    found: dict[str, Any] = {}
    for steps in console_blocks((DOCS / "json.md").read_text(encoding="utf-8")):
        for args, shown in steps:
            if "..." not in shown:
                found.setdefault(" ".join(args), json.loads(shown))
    return found


def test_the_json_show_example_is_real(cli: Cli) -> None:
    cli.ok(
        "add",
        "Ann Lee",
        "--topic",
        "pedagogy",
        "--tag",
        "colleague",
        "--url",
        "https://ann.example.org",
    )
    assert json.loads(cli.ok("show", "ann", "--json").out) == json_examples()["show ann --json"]


def test_the_json_review_example_is_real(cli: Cli) -> None:
    cli.ok(
        "add", "Open Pedagogy Blog", "--kind", "blog", "--topic", "open education", "--every", "7"
    )
    cli.ok("checkin", "open pedagogy", "--on", "3w")
    assert json.loads(cli.ok("review", "--json").out) == json_examples()["review --json"]


def test_the_json_shares_example_is_real(cli: Cli) -> None:
    cli.ok("add", "Ann Lee")
    cli.ok("add", "José Núñez")
    cli.ok("add", "Open Pedagogy Blog", "--kind", "blog")
    cli.ok("share", "https://example.org/post", "--with", "ann", "--with", "jose", "--from", "open")
    cli.ok("share", "Notes on feedback", "--note", "posted on my blog")
    shown = json.loads(cli.ok("shares", "--json").out)
    documented = json_examples()["shares --json"]
    # Shares of one day come in the order of their ids, which are random here.
    for doc in (shown, documented):
        doc["shares"].sort(key=lambda share: share["what"])
    assert without_ids(shown) == without_ids(documented)


def test_the_model_worked_example_is_real(cli: Cli) -> None:
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    (steps,) = [b for b in console_blocks(text) if b and b[0][0][:1] == ["add"]]
    outputs = {" ".join(args): shown for args, shown in steps}
    assert (
        cli.ok("add", "Weekly Blog", "--kind", "blog").out == outputs["add Weekly Blog --kind blog"]
    )
    for week in range(20):  # for w in $(seq 0 19); do plnctl checkin weekly --on ${w}w; done
        cli.ok("checkin", "weekly", "--on", f"{week}w")
    assert cli.ok("add", "Old Friend").out == outputs["add Old Friend"]
    for week in range(12):
        cli.ok("checkin", "old", "--on", f"{60 + 7 * week}d")
    assert cli.ok("list").out == outputs["list"]
    assert cli.ok("review").out == outputs["review"]
