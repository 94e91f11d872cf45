"""Limits a TOML file must keep before tomllib reads it, so that no file can take gigabytes.

tomllib reads any TOML correctly, but some small files cost it far more than their
size: one dotted key of 20,000 parts (a 40 KB file) takes 1.6 GB, because every prefix
of the key is kept, and each part of a table name costs about a kilobyte; a 5,000-digit
integer makes it fail. So every TOML file plnctl reads (ties, settings, the share log)
is first scanned here, token by token, building nothing, and refused when it passes one
of the limits below. They are far above anything a network needs (a 100,000-event tie
is 600,000 entries) and are listed in docs/data-safety.md.

Most lines of a tie file (`key = "text"`, `date = 2025-06-30`, `[[events]]`) are passed
over a run at a time by one regular expression; the rest is followed token by token.
Where the scan cannot follow the text, it says so and the caller lets tomllib read only
the lines scanned so far, which fails with tomllib's own message about that line.
"""

from __future__ import annotations

import re

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_LINE_CHARS = 1_000_000
MAX_KEY_PARTS = 16
MAX_NESTING = 32
MAX_TABLES = 500_000
MAX_ENTRIES = 3_000_000
MAX_BARE_CHARS = 64
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
TOO_LARGE = f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB"

LIMITS = {
    "file size": f"{MAX_FILE_BYTES // (1024 * 1024)} MB",
    "line length": f"{MAX_LINE_CHARS:,} characters",
    "parts of one key or table name": f"{MAX_KEY_PARTS}",
    "arrays and inline tables inside one another": f"{MAX_NESTING}",
    "table names (each part of a header or a dotted key counts)": f"{MAX_TABLES:,}",
    "entries (keys and array items)": f"{MAX_ENTRIES:,}",
    "a number, date or other value that is not text": f"{MAX_BARE_CHARS} characters",
    "integers": "-2^63 to 2^63-1, the range TOML allows",
}


class LimitError(ValueError):
    """The file passes one of the limits; `offset` is where in the text."""

    def __init__(self, problem: str, offset: int) -> None:
        super().__init__(problem)
        self.problem = problem
        self.offset = offset


_BASIC = r'"(?:[^"\\\r\n]++|\\[^\r\n])*+"'
_LITERAL = r"'[^'\r\n]*+'"
_BARE_KEY = r"[A-Za-z0-9_-]++"
_COMMENT = r"(?:#[^\r\n]*+)?+"
# A value that is not text: a number, a date or time, true, false, inf, nan.
_BARE_CHARS = r"[0-9A-Za-z_:+.\-]"
# Whole lines in the forms plnctl writes. A value of at most 17 characters is never an
# integer outside TOML's range, so these need no closer look.
_SIMPLE_LINE = (
    r"(?:[ \t]*+"
    + _COMMENT
    + r"|\[\[?"
    + _BARE_KEY
    + r"\]\]?[ \t]*+"
    + _COMMENT
    + r"|"
    + _BARE_KEY
    + r"[ \t]*+=[ \t]*+(?:"
    + _BASIC
    + "|"
    + _LITERAL
    + "|"
    + _BARE_CHARS
    + r"{1,17}+|\[[ \t]*+(?:"
    + _BASIC
    + r"[ \t]*+,[ \t]*+)*+(?:"
    + _BASIC
    + r"[ \t]*+)?+\])[ \t]*+"
    + _COMMENT
    + r")\r?\n"
)
_SIMPLE_RUN = re.compile(f"(?:{_SIMPLE_LINE})++")
_LONG_LINE = re.compile(rf"(?m)^[^\n]{{{MAX_LINE_CHARS + 1}}}")

_WS = re.compile(r"[ \t]*+")
_ARRAY_WS = re.compile(r"(?:[ \t\r\n]++|#[^\r\n]*+)*+")
_LINE_END = re.compile(r"[ \t]*+" + _COMMENT + r"(?:\r?\n|\Z)")
_KEY_PART = re.compile(f"{_BARE_KEY}|{_BASIC}|{_LITERAL}")
_DOT = re.compile(r"[ \t]*+\.[ \t]*+")
_EQUALS = re.compile(r"[ \t]*+=[ \t]*+")
_STRING = re.compile(
    r'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+"""(?:""?)?+'
    r"|'''(?:[^']++|'(?!''))*+'''(?:''?)?+|" + _BASIC + "|" + _LITERAL
)
_BARE = re.compile(f"{_BARE_CHARS}++(?: [0-9]{{2}}:{_BARE_CHARS}*+)?+")
_INTEGER = re.compile(r"[+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[0-9_]+)")


class _Stop(Exception):
    """The scan cannot follow the text from `offset` on."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class _Scan:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tables = 0
        self.entries = 0

    def count(self, tables: int, entries: int, at: int) -> None:
        self.tables += tables
        self.entries += entries
        if self.tables > MAX_TABLES:
            raise LimitError(f"more than {MAX_TABLES:,} table names", at)
        if self.entries > MAX_ENTRIES:
            raise LimitError(f"more than {MAX_ENTRIES:,} entries (keys and array items)", at)

    def document(self) -> None:
        text, pos, end = self.text, 0, len(self.text)
        while pos < end:
            run = _SIMPLE_RUN.match(text, pos)
            if run:
                lines = run.group()
                headers = lines.count("\n[") + (text[pos] == "[")
                self.count(headers, lines.count("\n") + lines.count(","), pos)
                pos = run.end()
                continue
            pos = self.skip(_WS, pos)
            if pos < end and text[pos] == "[":
                pos = self.header(pos)
            elif pos < end and text[pos] not in "#\r\n":
                pos = self.key_value(pos)
            pos = self.expect(_LINE_END, pos)

    def header(self, pos: int) -> int:
        text = self.text
        pos += 2 if text.startswith("[[", pos) else 1
        parts, pos = self.key(self.skip(_WS, pos))
        self.count(parts, 0, pos)
        pos = self.skip(_WS, pos)
        closing = "]]" if text.startswith("]]", pos) else "]"
        if not text.startswith(closing, pos):
            raise _Stop(pos)
        return pos + len(closing)

    def key(self, pos: int) -> tuple[int, int]:
        """The number of parts of the key at `pos`, and where it ends."""
        parts = 0
        while True:
            part = _KEY_PART.match(self.text, pos)
            if not part:
                raise _Stop(pos)
            parts += 1
            if parts > MAX_KEY_PARTS:
                raise LimitError(f"a key or table name of more than {MAX_KEY_PARTS} parts", pos)
            dot = _DOT.match(self.text, part.end())
            if not dot:
                return parts, part.end()
            pos = dot.end()

    def key_value(self, pos: int, depth: int = 0) -> int:
        parts, pos = self.key(pos)
        self.count(parts - 1, 1, pos)
        return self.value(self.expect(_EQUALS, pos), depth)

    def value(self, pos: int, depth: int) -> int:
        text = self.text
        first = text[pos : pos + 1]
        if first in ("[", "{"):
            if depth >= MAX_NESTING:
                raise LimitError(
                    f"arrays or inline tables nested more than {MAX_NESTING} deep", pos
                )
            inner = self.array if first == "[" else self.table
            return inner(pos + 1, depth + 1)
        string = _STRING.match(text, pos)
        if string:
            return string.end()
        bare = _BARE.match(text, pos)
        if not bare:
            raise _Stop(pos)
        token = bare.group()
        if len(token) > MAX_BARE_CHARS:
            what = "a number" if _INTEGER.fullmatch(token) else "a value that is not text"
            raise LimitError(f"{what} {len(token):,} characters long", pos)
        if _INTEGER.fullmatch(token):
            try:
                number = int(token, 0)
            except ValueError:
                return bare.end()  # not TOML (007, 0x-1): tomllib says why
            if not INT_MIN <= number <= INT_MAX:
                raise LimitError("an integer outside the range TOML allows (-2^63 to 2^63-1)", pos)
        return bare.end()

    def array(self, pos: int, depth: int) -> int:
        text = self.text
        while True:
            pos = self.skip(_ARRAY_WS, pos)
            if text.startswith("]", pos):
                return pos + 1
            self.count(0, 1, pos)
            pos = self.skip(_ARRAY_WS, self.value(pos, depth))
            if text.startswith(",", pos):
                pos += 1
            elif text.startswith("]", pos):
                return pos + 1
            else:
                raise _Stop(pos)

    def table(self, pos: int, depth: int) -> int:
        text = self.text
        pos = self.skip(_WS, pos)
        if text.startswith("}", pos):
            return pos + 1
        while True:
            pos = self.skip(_WS, self.key_value(pos, depth))
            if text.startswith(",", pos):
                pos = self.skip(_WS, pos + 1)
            elif text.startswith("}", pos):
                return pos + 1
            else:
                raise _Stop(pos)

    def skip(self, pattern: re.Pattern[str], pos: int) -> int:
        """Past what `pattern` (which matches nothing as well) matches at `pos`."""
        found = pattern.match(self.text, pos)
        return pos if found is None else found.end()

    def expect(self, pattern: re.Pattern[str], pos: int) -> int:
        found = pattern.match(self.text, pos)
        if not found:
            raise _Stop(pos)
        return found.end()


def check(text: str) -> int | None:
    """Raise LimitError if `text` passes a limit; return None when the whole text was
    scanned, or the offset where the scan could not follow it (the TOML is broken there,
    or uses a form the scan does not know)."""
    long_line = _LONG_LINE.search(text)
    if long_line:
        raise LimitError(f"a line of more than {MAX_LINE_CHARS:,} characters", long_line.start())
    try:
        _Scan(text).document()
    except _Stop as stop:
        return stop.offset
    return None


def position(text: str, offset: int) -> tuple[int, int]:
    """The line and column (from 1) of an offset in `text`."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
