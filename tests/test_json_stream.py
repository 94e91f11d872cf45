"""Writing a JSON list item by item gives the very bytes of writing it whole."""

from __future__ import annotations

from typing import Any

import pytest

from plnctl.render import jsondoc as render

CASES: list[list[Any]] = [
    [],
    [{}],
    [[]],
    [{"slug": "ann", "topics": [], "tags": ["a", "b"], "note": "line one\nline two"}],
    [{"name": 'Zoë \u2028 "quoted" \\ back', "n": 1.5, "none": None, "ok": True}] * 3,
    [{"nested": {"deeper": [{"x": [1, 2, {"y": []}]}]}}, 7, "text", None],
    [{"i": i, "s": "x" * (i % 7)} for i in range(5000)],
]


@pytest.mark.parametrize("items", CASES, ids=range(len(CASES)))
def test_list_written_in_pieces_matches_whole(
    items: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    render.print_json(items)
    whole = capsys.readouterr().out
    render.print_json_list(iter(items))
    assert capsys.readouterr().out == whole
