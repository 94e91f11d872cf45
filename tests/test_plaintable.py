"""Plain tables come out exactly as rich lays out the same table when output is plain."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import examples
from plnctl.render import terminal as render
from plnctl.render.plaintable import PlainConsole, PlainTable

# Mostly text plnctl prints (names in any script, dates, words), and some of anything.
CELL = st.text(
    alphabet=st.sampled_from(list("ab Z09-_.:;()'\"éüñ李小龙🌱[]\\/")), max_size=12
) | st.text(max_size=6)


def printed(renderable: object, monkeypatch: pytest.MonkeyPatch) -> str:
    """What `emit` prints, or the kind of error rich raised (such as bad markup)."""
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    try:
        render.emit(render.console(), renderable)
    except Exception as exc:
        return f"raised {type(exc).__name__}"
    return out.getvalue()


@settings(max_examples=examples(300), deadline=None)
@given(
    title=st.none() | CELL,
    headers=st.lists(st.text(alphabet="abcdefgh ", min_size=1, max_size=8), min_size=1, max_size=4),
    cells=st.lists(st.lists(CELL, min_size=4, max_size=4), min_size=0, max_size=4),
)
def test_same_text_as_rich(title: str | None, headers: list[str], cells: list[list[str]]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NO_COLOR", "1")
        table = PlainTable(title)
        for header in headers:
            table.add_column(header)
        for row in cells:
            table.add_row(*row[: len(headers)])
        by_rich = table.to_rich(render._rich_table(table.title))
        assert printed(table, monkeypatch) == printed(by_rich, monkeypatch)


def test_simple_tables_skip_rich() -> None:
    table = PlainTable("Weak ties due")
    for header in ("tie", "status"):
        table.add_column(header)
    table.add_row("Zoë Nuñez (zoe-nunez)", "weak")
    table.add_row("李小龙 (lixiaolong)", "strong")
    assert table.lines() == [
        "Weak ties due",
        "tie                    status",
        "Zoë Nuñez (zoe-nunez)  weak",
        "李小龙 (lixiaolong)    strong",
    ]


@settings(max_examples=examples(200), deadline=None)
@given(text=CELL | st.sampled_from(["", " lead", "trail ", "Review as of 2025-06-30: 2 of 3"]))
def test_plain_console_prints_as_rich_does(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NO_COLOR", "1")
        out = render.console()
        assert isinstance(out, PlainConsole)
        assert printed_line(out, text, monkeypatch) == printed_line(
            render._rich_console(), text, monkeypatch
        )


def printed_line(out: object, text: str, monkeypatch: pytest.MonkeyPatch) -> str:
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stdout", buffer)
    try:
        out.print(text)  # type: ignore[attr-defined]
    except Exception as exc:
        return f"raised {type(exc).__name__}"
    return buffer.getvalue()


@settings(max_examples=examples(300), deadline=None)
@given(lines=st.lists(CELL, min_size=1, max_size=4))
def test_plain_console_prints_lines_as_rich_does(lines: list[str]) -> None:
    text = "\n".join(lines)
    by_rich = render._rich_console()
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("NO_COLOR", "1")
        try:
            with by_rich.capture() as captured:
                by_rich.print(text)
        except Exception as exc:
            expected = f"raised {type(exc).__name__}"
        else:
            expected = captured.get()
        plain = io.StringIO()
        monkeypatch.setattr("sys.stdout", plain)
        try:
            PlainConsole(render._rich_console).print(text)
        except Exception as exc:
            plain = io.StringIO(f"raised {type(exc).__name__}")
        assert plain.getvalue() == expected
