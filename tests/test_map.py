"""`plnctl map` and `export --format dot`: your network as a picture, and tested in a browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

from conftest import Cli

HOSTILE = "<script>alert(1)</script>"


def demo(cli: Cli, tmp_path: Path) -> str:
    where = str(tmp_path / "demo")
    cli.ok("--data-dir", where, "demo")
    return where


def shown_ties(page: str) -> list[dict[str, object]]:
    found = re.search(r'<script type="application/json" id="ties">(.*?)</script>', page, re.S)
    assert found
    ties: list[dict[str, object]] = json.loads(found.group(1))
    return ties


def test_the_map_is_one_self_contained_page(cli: Cli, tmp_path: Path) -> None:
    where = demo(cli, tmp_path)
    out = tmp_path / "map.html"
    result = cli.ok("--data-dir", where, "map", "-o", str(out))
    assert result.out == ""
    assert result.err == f"plnctl: wrote a map of 11 ties to {out}\n"
    page = out.read_text(encoding="utf-8")
    # Nothing is fetched: no external script, style, image or font.
    assert not re.search(r"""(src|href)\s*=|@import|url\(|<link""", page, re.I)
    assert "default-src 'none'" in page
    ties = shown_ties(page)
    assert sorted(t["slug"] for t in ties) == sorted(  # type: ignore[type-var]
        json.loads(cli.ok("--data-dir", where, "list", "--json").out)[i]["slug"] for i in range(11)
    )
    ben = next(t for t in ties if t["slug"] == "ben-tanaka")
    assert ben["status"] == "strong" and ben["last"] == "2025-05-06"
    assert ben["command"] == "plnctl checkin ben-tanaka"
    for t in ties:
        assert f'data-slug="{t["slug"]}"' in page
    # `via` draws a line from the tie that led you to another.
    assert page.count('<line class="via"') == 4
    assert "Events per day, last 52 weeks" in page and "learning design" in page


def test_every_string_a_user_typed_is_text(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", HOSTILE, "--topic", "</style><b>x</b>", "--note", "]]></svg>")
    cli.ok("add", 'Quote " & <Friend>', "--via", "script")
    cli.ok("checkin", "script")
    out = tmp_path / "map.html"
    cli.ok("map", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert HOSTILE not in page and "<b>x</b>" not in page and "</style><b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 2  # the data and the page's own script
    names = {t["name"] for t in shown_ties(page)}
    assert names == {HOSTILE, 'Quote " & <Friend>'}


def test_a_large_network_draws_the_most_engaged_and_counts_the_rest(
    cli: Cli, tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("plnctl.render.egomap.SHOWN", {"strong": 5, "weak": 10, "dormant": 3})
    data_dir.mkdir()
    for i in range(40):
        day = "2025-06-01" if i < 30 else "2023-01-01"
        (data_dir / f"t-{i:02}.toml").write_text(
            f'name = "T {i:02}"\n[[events]]\nid = "e{i}"\ndate = {day}\nkind = "read"\n',
            encoding="utf-8",
        )
    out = tmp_path / "map.html"
    cli.ok("map", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    ties = shown_ties(page)
    assert len(ties) == 13  # no strong tie; 10 of 30 weak, 3 of 10 dormant
    assert "27 more ties are not drawn (20 weak, 7 dormant): the map shows 13," in page
    assert "40 ties: 0 strong, 30 weak, 10 dormant" in page


def test_export_dot_is_the_same_map_as_a_graph(cli: Cli, tmp_path: Path) -> None:
    where = demo(cli, tmp_path)
    text = cli.ok("--data-dir", where, "export", "--format", "dot").out
    assert text.startswith("// plnctl: your learning network")
    assert '  you -- "ben-tanaka" [len=1.0' in text
    assert '  you -- "teaching-in-public-podcast" [len=3.0' in text
    assert '  "ada-okafor" -- "chen-wei" [style=dashed' in text
    assert text.rstrip().endswith("}")
    cli.ok("add", 'Say "hi" \\ bye')
    assert '[label="Say \\"hi\\" \\\\ bye"' in cli.ok("export", "--format", "dot").out
    out = tmp_path / "net.gv"
    cli.ok("--data-dir", where, "export", "-o", str(out))
    assert out.read_text(encoding="utf-8") == text


@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz is not installed")
def test_graphviz_reads_the_export(cli: Cli, tmp_path: Path) -> None:
    where = demo(cli, tmp_path)
    text = cli.ok("--data-dir", where, "export", "--format", "dot").out
    svg = subprocess.run(
        ["neato", "-Tsvg"], input=text, capture_output=True, text=True, check=True
    ).stdout
    assert "Ben Tanaka" in svg


# -- in a real browser -----------------------------------------------------------

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser")) if p), None)
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browse(page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Chromium, headless, with a fresh profile in a short temporary path (its socket's
    path must be short)."""
    import tempfile

    assert CHROMIUM is not None
    profile = Path(
        tempfile.mkdtemp(prefix="plnctl-", dir="/tmp" if os.path.isdir("/tmp") else None)
    )
    try:
        return subprocess.run(
            [
                CHROMIUM,
                *BROWSER_FLAGS,
                f"--user-data-dir={profile / 'profile'}",
                "--enable-logging=stderr",
                "--v=0",
                *(e for e in extra if not e.startswith("#")),
                page.as_uri() + "".join(e for e in extra if e.startswith("#")),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "HOME": str(profile), "TMPDIR": str(profile)},
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def png_is_not_blank(path: Path) -> bool:
    """Whether a PNG holds a picture: its pixel data takes many different byte values."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    pixels = zlib.decompress(idat)
    return len(set(pixels)) > 64


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on PATH: install it (Debian: apt-get install chromium) to test the map "
    "in a browser",
)
def test_the_map_renders_in_a_browser(cli: Cli, tmp_path: Path) -> None:
    where = demo(cli, tmp_path)
    cli.ok("--data-dir", where, "add", HOSTILE, "--topic", "learning design")
    cli.ok("--data-dir", where, "checkin", "script")
    out = tmp_path / "map.html"
    cli.ok("--data-dir", where, "map", "-o", str(out))
    ties = shown_ties(out.read_text(encoding="utf-8"))
    dom = browse(out, "--dump-dom")
    assert dom.returncode == 0, dom.stderr
    # The page's script ran to its end, over every tie, and raised nothing.
    assert f'data-ready="{len(ties)}"' in dom.stdout, dom.stdout[:2000]
    assert 'class="tie strong picked"' not in dom.stdout
    picked = browse(out, "--dump-dom", "#ben-tanaka")
    assert re.search(
        r'class="tie strong picked" data-i="\d+" data-slug="ben-tanaka"', picked.stdout
    )
    assert "plnctl checkin ben-tanaka" in picked.stdout.split('id="details"')[1]
    for tie in ties:
        assert f'data-slug="{tie["slug"]}"' in dom.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console
    shot = tmp_path / "map.png"
    picture = browse(
        out,
        "--hide-scrollbars",
        "--window-size=1280,900",
        f"--screenshot={shot}",
    )
    assert picture.returncode == 0 and shot.exists(), picture.stderr
    assert png_is_not_blank(shot)
