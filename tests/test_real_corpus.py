"""Every real export in tests/data/real imports through the CLI as expected.toml says.

Each file is imported into an empty data directory; the ties are counted and a
few hand-checked entries compared field by field; stderr holds only plnctl's
own lines; importing again changes nothing; and exporting the ties and
importing that export elsewhere gives the same ties back.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import pytest

from conftest import Cli
from plnctl.formats import csvfile

REAL = Path(__file__).parent / "data" / "real"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (REAL / "expected.toml").read_text(encoding="utf-8")
)["files"]
# Where plnctl's count differs from the hand count, and why (each with a warning).
COUNTED_DIFFERENTLY = {
    "opml/netnewswire-subs.opml": (
        206,
        "http://feed.katiefloyd.com and .../ differ only by a final /: one feed",
    ),
    "opml/netnewswire-subs-no-title-attributes.opml": (206, "the same Katie Floyd feed twice"),
}
# The export each format round-trips through, and the fields that format carries.
ROUND_TRIP = {
    "opml": ("opml", ("name", "kind", "url", "site_url", "tags", "note", "medium")),
    "vcard": (
        "vcard",
        ("name", "kind", "url", "email", "phone", "org", "position", "note", "tags", "medium"),
    ),
    "csv": ("csv", ("name", "kind", "url", "email", "phone", "org", "position", "note", "tags")),
    "linkedin-csv": ("csv", ("name", "url", "email", "org", "position")),
    "mastodon-csv": ("mastodon", ("name", "handle", "url")),
    "youtube-csv": ("csv", ("name", "kind", "medium", "url")),
    "youtube-json": ("csv", ("name", "kind", "medium", "url")),
    "newpipe-json": ("csv", ("name", "kind", "medium", "url")),
}
SYSTEM_GROUPS = {"My Contacts", "myContacts"}


def ties_in(directory: Path) -> dict[str, dict[str, Any]]:
    return {
        path.stem: tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.toml"))
    }


def find(ties: dict[str, dict[str, Any]], sample: dict[str, Any]) -> dict[str, Any]:
    """The tie a sample describes: by its name, else by URL, e-mail or account."""
    names = [sample["name"]] if "name" in sample else sample.get("name_one_of", [])
    named = [t for t in ties.values() if any(t["name"] in told(n, sample) for n in names)]
    for key in ("url", "email"):  # two feeds with one title: the URL tells
        if len(named) > 1 and key in sample:
            named = [t for t in named if t.get(key) == sample[key]]
    if named:
        return named[0]
    handles = [sample["account"]] if "account" in sample else sample.get("account_one_of", [])
    for key, wanted in (
        ("url", sample.get("url")),
        ("email", sample.get("email")),
        ("handle", next(iter(h.lstrip("@") for h in handles), None)),
    ):
        for tie in ties.values():
            if wanted and tie.get(key) == wanted:
                return tie
    raise AssertionError(f"no tie for sample {sample}")


def told(name: str, sample: dict[str, Any]) -> list[str]:
    """The names a sample's tie may have: its own, or told apart from a namesake by its
    feed URL (without the scheme and a final /) or its e-mail address."""
    name = name.strip()
    names = [name]
    if "url" in sample:
        names.append(f"{name} ({sample['url'].split('://', 1)[-1].rstrip('/')})")
    if "email" in sample:
        names.append(f"{name} ({sample['email']})")
    return names


def categories(text: str) -> list[str]:
    return [c.strip().strip("/").strip() for c in text.split(",") if c.strip().strip("/")]


def check_sample(tie: dict[str, Any], sample: dict[str, Any], fmt: str) -> None:
    if "name" in sample:
        assert tie["name"] in told(sample["name"], sample)
    for key in ("url", "email", "org"):
        if key in sample:
            assert tie.get(key) == sample[key], key
    if "site_url" in sample:
        assert tie.get("site_url") == (sample["site_url"] or None)
    if "tags" in sample:
        assert tie["tags"] == sample["tags"] + categories(sample.get("category", ""))
    if "title" in sample:
        assert tie.get("position") == sample["title"]
    if "phone" in sample:
        assert tie.get("phone") == sample["phone"]
    if "phone_one_of" in sample:
        assert tie.get("phone") in sample["phone_one_of"]
    if "categories" in sample:
        assert tie["tags"] == [c for c in sample["categories"] if c not in SYSTEM_GROUPS]
    if "groups" in sample:
        assert tie["tags"] == [g for g in sample["groups"] if g not in SYSTEM_GROUPS]
    if "note" in sample and fmt in ("vcard", "csv"):
        assert (tie.get("note") or "") == sample["note"].replace("\r\n", "\n").strip()
    if "channel_id" in sample:
        assert tie["url"].endswith(f"/channel/{sample['channel_id']}")
        assert (tie["kind"], tie["medium"]) == ("source", "video")
    if "account" in sample or "account_one_of" in sample:
        accounts = [sample["account"]] if "account" in sample else sample["account_one_of"]
        assert tie["handle"] in [a.lstrip("@") for a in accounts]
    if "connected_on" in sample:
        connected = dt.datetime.strptime(sample["connected_on"], "%d %b %Y").date()
        assert tie["connected"] == connected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_export_imports_as_expected(cli: Cli, data_dir: Path, name: str) -> None:
    facts = EXPECTED[name]
    path = str(REAL / name)
    expected = COUNTED_DIFFERENTLY.get(name, (facts["entries"], ""))[0]
    if expected == 0 and facts.get("well_formed", True) is False and name.endswith(".opml"):
        err = cli.fails("import", path).err
        assert f"line {facts['error_line']}" in err and "nothing was imported" in err
        return
    if expected == 0 and facts.get("has_header") is False:
        assert "no column plnctl knows" in cli.fails("import", path).err
        return
    result = cli.ok("import", path)
    assert all(line.startswith("plnctl: ") for line in result.err.splitlines()), result.err
    ties = ties_in(data_dir)
    assert len(ties) == expected, result
    for tie in ties.values():
        assert tie.get("events", []) == []  # a follow is not engagement
    for sample in facts.get("samples", []) if expected else []:
        check_sample(find(ties, sample), sample, facts["format"])
    again = cli.ok("import", path)
    assert again.out.splitlines()[-1].startswith("0 added, 0 updated"), again.out
    assert ties_in(data_dir) == ties
    doctor = cli("doctor")
    assert doctor.code == 0 and doctor.err == "", doctor


@pytest.mark.slow  # every real file through export and import again
@pytest.mark.parametrize(
    "name",
    sorted(n for n, f in EXPECTED.items() if COUNTED_DIFFERENTLY.get(n, (f["entries"],))[0]),
)
def test_a_real_export_survives_export_and_import(
    cli: Cli, data_dir: Path, tmp_path: Path, name: str
) -> None:
    facts = EXPECTED[name]
    fmt, fields = ROUND_TRIP[facts["format"]]
    cli.ok("import", str(REAL / name))
    kind = {"opml": "source", "vcard": None, "mastodon": "person"}.get(fmt)
    out = tmp_path / f"export.{fmt}"
    args = ["export", "--format", fmt, "-o", str(out)]
    if fmt == "vcard":
        args += ["--kind", "person"]
    cli.ok(*args)
    if fmt == "vcard":
        cli.ok("export", "--format", fmt, "--kind", "source", "-o", str(tmp_path / "orgs.vcf"))
    other = tmp_path / "other"
    if out.read_text(encoding="utf-8"):  # a vCard export of a file of organisations is empty
        cli.ok("--data-dir", str(other), "import", str(out))
    orgs = tmp_path / "orgs.vcf"
    if fmt == "vcard" and orgs.read_text(encoding="utf-8"):
        cli.ok("--data-dir", str(other), "import", str(orgs))
    mine = ties_in(data_dir)
    if kind:
        mine = {s: t for s, t in mine.items() if t["kind"] == kind}
    theirs = ties_in(other)
    assert set(theirs) == set(mine)
    for slug, tie in mine.items():
        if fmt == "opml":  # folders come back in the file's order, not the tags'
            tie["tags"].sort()
            theirs[slug]["tags"].sort()
        assert {f: theirs[slug].get(f) for f in fields} == {f: tie.get(f) for f in fields}, slug
    for export in (out, orgs):
        if export.exists() and export.read_text(encoding="utf-8"):
            again = cli.ok("import", str(export))
            assert again.out.splitlines()[-1].startswith("0 added, 0 updated"), again.out


# What each export carries back, for the ties it holds: OPML the sources with a feed URL,
# vCard every tie (people, and sources as organisations), CSV every tie, the backup all.
CARRIED = {
    "opml": ("kind", "url", "site_url", "tags", "note", "medium"),
    "vcard": (
        "kind",
        "medium",
        "url",
        "site_url",
        "email",
        "phone",
        "org",
        "position",
        "handle",
        "note",
        "tags",
        "topics",
    ),
    # plnctl's own columns (the name is the key), the medium in the kind column
    "csv": (*(c for c in csvfile.COLUMNS if c != "name"), "medium"),
}
EXPORTS = {
    "opml": [["--format", "opml"]],
    "vcard": [["--format", "vcard", "--kind", "person"], ["--format", "vcard", "--kind", "source"]],
    "csv": [["--format", "csv"]],
    "json": [["--format", "json"]],
}
IMPORTED = sorted(n for n, f in EXPECTED.items() if COUNTED_DIFFERENTLY.get(n, (f["entries"],))[0])


def by_name(directory: Path) -> dict[str, dict[str, Any]]:
    """The ties of a data directory by name (one name, one tie), `via` as the name it names."""
    ties = ties_in(directory)
    named = {tie["name"]: tie for tie in ties.values()}
    assert len(named) == len(ties), "two ties share a name"
    for tie in named.values():
        if "via" in tie:
            tie["via"] = ties[tie["via"]]["name"]
    return named


@pytest.mark.slow  # every real file through every export format: 240 round trips
@pytest.mark.parametrize("fmt", sorted(EXPORTS))
@pytest.mark.parametrize("name", IMPORTED)
def test_every_tie_comes_back_through_every_export(
    cli: Cli, data_dir: Path, tmp_path: Path, name: str, fmt: str
) -> None:
    """Export a real file's ties, import them into an empty data directory: each tie the
    export holds comes back, once, with every field the format carries, and doctor is happy."""
    cli.ok("import", str(REAL / name))
    other = tmp_path / "other"
    exports = []
    for number, options in enumerate(EXPORTS[fmt]):
        out = tmp_path / f"export-{number}.{fmt}"
        cli.ok("export", *options, "-o", str(out))
        if out.read_text(encoding="utf-8").strip():  # no sources: an empty vCard export
            cli.ok("--data-dir", str(other), "import", str(out))
            exports.append(out)
    for out in exports:  # and your own export changes nothing here
        again = cli.ok("import", str(out))
        assert again.out.splitlines()[-1].startswith("0 added, 0 updated"), again.out
        assert "kept yours" not in again.out, again.out
    mine = by_name(data_dir)
    theirs = by_name(other) if other.exists() else {}
    if fmt == "json":
        assert ties_in(other) == ties_in(data_dir)
        return
    if fmt == "opml":
        mine = {n: t for n, t in mine.items() if t["kind"] == "source" and t.get("url")}
    assert sorted(theirs) == sorted(mine)
    fields = CARRIED[fmt]
    for tie_name, tie in mine.items():
        back = theirs[tie_name]
        if fmt == "opml":  # folders come back in the file's order, not the tags'
            tie["tags"].sort()
            back["tags"].sort()
        assert {f: back.get(f) for f in fields} == {f: tie.get(f) for f in fields}, tie_name
    if theirs:
        assert cli("--data-dir", str(other), "doctor").code == 0
