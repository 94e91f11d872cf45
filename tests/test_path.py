"""`plnctl path`: where the data, settings and cache live."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Cli
from plnctl.index import index_path


def test_path_text(cli: Cli, data_dir: Path, tmp_path: Path) -> None:
    result = cli.ok("path")
    assert result.out.splitlines() == [
        f"data      {data_dir}",
        f"settings  {data_dir / '_settings.toml'}",
        f"cache     {tmp_path / 'cache' / 'plnctl'}",
        f"index     {index_path(data_dir)}",
    ]
    assert result.err == ""


def test_path_json_follows_data_dir_option(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    result = cli.ok("--data-dir", str(other), "path", "--json")
    assert json.loads(result.out) == {
        "data_dir": str(other),
        "settings_file": str(other / "_settings.toml"),
        "cache_dir": str(tmp_path / "cache" / "plnctl"),
        "index_file": str(index_path(other)),
    }
    assert result.err == ""
    assert not other.exists()  # printing paths creates nothing
