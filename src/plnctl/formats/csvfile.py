"""CSV for spreadsheets and address books: one row per tie, columns recognised by name.

plnctl's own header is

    name,kind,url,site_url,topics,tags,via,every,note,email,phone,org,position,handle

and the headers of Google Contacts, Outlook, Thunderbird and LinkedIn exports
are read too (`First Name` + `Last Name`, `Web Page`, `E-mail 1 - Value`,
`Group Membership`, ...). Columns may come in any order and case; `--map
COLUMN=field` names a column plnctl does not know. Rows are read one at a
time, after a first pass that counts them against the limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plnctl.errors import InvalidValueError
from plnctl.formats import (
    MAX_ENTRIES,
    FormatError,
    Incoming,
    Parsed,
    check_size,
    decode_text,
    first_error,
    join_name,
    text_lines,
    visible,
)
from plnctl.schema import MAX_EVERY
from plnctl.text import unique_labels

if TYPE_CHECKING:
    from plnctl.model import Tie

COLUMNS = (
    "name",
    "kind",
    "url",
    "site_url",
    "topics",
    "tags",
    "via",
    "every",
    "note",
    "email",
    "phone",
    "org",
    "position",
    "handle",
)
# What `--map COLUMN=field` may name: plnctl's columns and the parts of a name.
FIELDS = (*COLUMNS, "first_name", "middle_name", "last_name", "name_prefix", "name_suffix")
LIST_SEPARATOR = ";"
# A cell a spreadsheet would run as a formula starts with one of these; export
# writes it after a `'`, and import drops that `'` again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Header names of Google Contacts, Outlook, Thunderbird, LinkedIn and plain
# sheets, compared after removing case and everything but letters and digits.
ALIASES = {
    "name": "name",
    "fullname": "name",
    "displayname": "name",
    "contactname": "name",
    "firstname": "first_name",
    "givenname": "first_name",
    "middlename": "middle_name",
    "additionalname": "middle_name",
    "lastname": "last_name",
    "familyname": "last_name",
    "surname": "last_name",
    "nameprefix": "name_prefix",
    "namesuffix": "name_suffix",
    "suffix": "name_suffix",
    "kind": "kind",
    "url": "url",
    "siteurl": "site_url",
    "topics": "topics",
    "tags": "tags",
    "categories": "tags",
    "labels": "tags",
    "groupmembership": "tags",
    "groups": "tags",
    "via": "via",
    "every": "every",
    "note": "note",
    "notes": "note",
    "company": "org",
    "organization": "org",
    "organisation": "org",
    "organization1name": "org",
    "organizationname": "org",
    "org": "org",
    "jobtitle": "position",
    "position": "position",
    "organization1title": "position",
    "organizationtitle": "position",
    "handle": "handle",
    "mastodon": "handle",
    "fediverse": "handle",
    # LinkedIn's date, kept as a `connected` field of the tie.
    "connectedon": "connected",
}
# Fields with several columns (E-mail 1, E-mail 2, ...): the first value is kept.
MULTI = ("email", "phone", "url")
# Google's system group, on every contact: not a label anyone chose.
SYSTEM_GROUPS = frozenset(["mycontacts", "starred"])
_KEY = re.compile(r"[^a-z0-9]")


def column_key(header: str) -> str:
    return _KEY.sub("", header.casefold())


def field_of(header: str) -> str | None:
    """The field a column holds, by its header; None for a column plnctl does not use."""
    key = column_key(header)
    if key in ALIASES:
        return ALIASES[key]
    if key.endswith(("type", "label", "displayname")):
        return None
    if key.startswith(("email", "e-mail")) or key in ("primaryemail", "secondaryemail"):
        return "email"
    if "fax" not in key and ("phone" in key or "mobile" in key or key.startswith("pager")):
        return "phone"
    if key.startswith(("website", "webpage", "homepage")):
        return "url"
    return None


def split_list(text: str) -> list[str]:
    """Labels separated by `;`; `\\;` is a `;` inside a label, `\\\\` a backslash."""
    labels, current, escaped = [], [], False
    for c in text:
        if escaped:
            current.append(c)
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == LIST_SEPARATOR:
            labels.append("".join(current))
            current = []
        else:
            current.append(c)
    labels.append("".join(current))
    return unique_labels(labels)


def join_list(labels: Sequence[str]) -> str:
    return f"{LIST_SEPARATOR} ".join(
        label.replace("\\", "\\\\").replace(LIST_SEPARATOR, "\\" + LIST_SEPARATOR)
        for label in labels
    )


def _groups(text: str) -> list[str]:
    """Google's `Group Membership`: `* My Contacts ::: Friends`, the system group dropped."""
    found = []
    for part in text.split(":::"):
        label = part.strip().removeprefix("* ").strip()
        if label and column_key(label) not in SYSTEM_GROUPS:
            found.append(label)
    return found


def unformula(cell: str) -> str:
    """A cell as written before export guarded it from running as a formula."""
    if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_START:
        return cell[1:]
    return cell


@dataclass
class Layout:
    """Which field each column holds, and which columns are not used."""

    fields: list[str | None]
    unused: list[str] = field(default_factory=list)
    header: bool = True
    # Columns whose header says the value in the column after it is the preferred one.
    marks: dict[int, int] = field(default_factory=dict)


def parse_map(pairs: Sequence[str]) -> dict[str, str]:
    """`--map COLUMN=field` options, checked: COLUMN a header or a column number."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, eq, name = pair.rpartition("=")
        name = name.strip().lower()
        if not eq or not column.strip():
            raise InvalidValueError(f"--map {pair!r}: write COLUMN=FIELD, e.g. 'Twitter=handle'")
        if name not in FIELDS:
            raise InvalidValueError(f"--map {pair!r}: {name!r} is not one of {', '.join(FIELDS)}")
        mapping[column.strip()] = name
    return mapping


def _layout(header: list[str], mapping: Mapping[str, str], what: str) -> Layout:
    by_key = {column_key(c): f for c, f in mapping.items() if not c.isdigit()}
    by_number = {int(c): f for c, f in mapping.items() if c.isdigit()}
    named = [by_key.get(column_key(name)) or field_of(name) for name in header]
    if by_number and not any(named):
        # No header: the first line is a row, and the columns are the numbers mapped.
        return Layout([by_number.get(n) for n in range(1, len(header) + 1)], header=False)
    fields = [by_number.get(n) or found for n, found in enumerate(named, start=1)]
    known = [f for f in fields if f]
    if not known:
        shown = ", ".join(repr(h) for h in header[:6]) + (", ..." if len(header) > 6 else "")
        raise FormatError(
            f"{what}: no column plnctl knows in its first line ({shown}); plnctl reads "
            "contacts CSV (a header with name, or First Name, Last Name, E-mail ...: "
            "spreadsheets, Google Contacts, Outlook, Thunderbird, LinkedIn), Mastodon "
            "follows and YouTube subscriptions (--format names one), or any CSV with "
            "`--map COLUMN=field` (COLUMN may be a column number, for a file with no header)"
        )
    layout = Layout(fields)
    keys = {column_key(h): i for i, h in enumerate(header)}
    for i, name in enumerate(header):
        key = column_key(name)
        j = keys.get(key[: -len("type")] + "value") if key.endswith("type") else None
        if j is not None and fields[j] is not None:
            layout.marks[j] = i
    marks = set(layout.marks.values())
    layout.unused = [
        h
        for i, (h, f) in enumerate(zip(header, fields, strict=True))
        if f is None and h.strip() and i not in marks
    ]
    return layout


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text_lines(text), delimiter=delimiter)
    for row in reader:
        yield reader.line_num, row


def _skip_preamble(text: str) -> str:
    """LinkedIn's Connections.csv starts with a few `Notes:` lines before its header."""
    if not text.startswith("Notes:"):
        return text
    marker = text.find("\nFirst Name,")
    return text[marker + 1 :] if marker >= 0 else text


def parse(
    data: bytes,
    what: str = "the CSV file",
    *,
    mapping: Mapping[str, str] | None = None,
    linkedin: bool = False,
) -> Parsed:
    """The ties a CSV file lists; a bad kind or cadence stops the import, naming the line."""
    check_size(data, what)
    parsed = Parsed()
    text = decode_text(data, what, parsed.warnings)
    text = _skip_preamble(text)
    delimiter = _delimiter(text)
    try:
        _count(text, delimiter, what)
        rows = _rows(text, delimiter)
        first = next(rows, None)
        if first is None:
            raise FormatError(f"{what} is empty: there is nothing to import")
        layout = _layout(first[1], mapping or {}, what)
        if not layout.header:
            rows = _rows(text, delimiter)
        used: set[str] = set()
        unused = set(layout.unused)  # looked up for every cell
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue
            for header, cell in zip(first[1], row, strict=False):
                if cell.strip() and header in unused:
                    used.add(header)
            record = _record(row, layout, line, what, parsed, linkedin=linkedin)
            if record is not None:
                parsed.records.append(record)
    except csv.Error as exc:
        raise FormatError(f"{what}: not valid CSV: {exc}") from None
    left = [h for h in layout.unused if h in used]
    if left:
        parsed.warnings.append(
            f"not imported: column(s) {', '.join(left)} (`--map COLUMN=field` imports one)"
        )
    return parsed


def _count(text: str, delimiter: str, what: str) -> None:
    """Count the rows before any tie is made, so a huge file stops at once."""
    for count, _ in enumerate(csv.reader(text_lines(text), delimiter=delimiter)):
        if count > MAX_ENTRIES:
            raise FormatError(
                f"{what} holds more than {MAX_ENTRIES:,} rows; plnctl imports at most "
                f"{MAX_ENTRIES:,} per file (split it)"
            )


def _cells(row: list[str], layout: Layout) -> dict[str, list[str]]:
    """Each field's values in column order; a value its `Type` column marks `*` first."""
    cells: dict[str, list[str]] = {}
    for i, (name, cell) in enumerate(zip(layout.fields, row, strict=False)):
        # Spreadsheets end lines inside a cell with CRLF; keep plain newlines.
        value = unformula(cell.replace("\r\n", "\n").strip())
        if name is None or not value:
            continue
        values = cells.setdefault(name, [])
        mark = layout.marks.get(i)
        preferred = mark is not None and mark < len(row) and row[mark].startswith("*")
        for part in value.split(" ::: ") if name in MULTI else [value]:
            if preferred:
                values.insert(0, part.strip())
            else:
                values.append(part.strip())
    return cells


def _record(
    row: list[str], layout: Layout, line: int, what: str, parsed: Parsed, *, linkedin: bool
) -> Incoming | None:
    from pydantic import ValidationError

    from plnctl.kinds import medium_of, tie_kind
    from plnctl.model import Tie

    cells = _cells(row, layout)

    def one(name: str) -> str | None:
        values = cells.get(name)
        return values[0] if values else None

    name, how = _name(cells)
    where = f"line {line}" + (f" ({name})" if name else "")
    if not name:
        parsed.skipped.append((where, "no name (and no organisation or e-mail to name it by)"))
        return None
    if how:
        parsed.warnings.append(f"{where}: {how}")
    for multi in MULTI:
        values = unique_labels(cells.get(multi, []))
        if len(values) > 1:
            parsed.warnings.append(f"{where}: kept 1 of {len(values)} {multi} values ({values[0]})")
    word = one("kind") or "person"
    try:
        kind, medium = tie_kind(word), medium_of(word)
    except InvalidValueError as exc:
        raise FormatError(f"{what}, {where}: {exc.message}") from None
    tags: list[str] = []
    for value in cells.get("tags", []):
        google = ":::" in value or value.startswith("* ")
        tags.extend(_groups(value) if google else split_list(value))
    try:
        tie = Tie(
            name=name,
            kind=kind,
            medium=medium,
            url=one("url"),
            site_url=one("site_url"),
            email=one("email"),
            phone=one("phone"),
            org=one("org"),
            position=one("position"),
            handle=(one("handle") or "").removeprefix("@") or None,
            topics=unique_labels(t for v in cells.get("topics", []) for t in split_list(v)),
            tags=unique_labels(tags),
            every=_every(one("every") or "", f"{what}, {where}"),
            note="\n\n".join(cells.get("note", [])) or None,
        )
    except ValidationError as exc:
        raise FormatError(f"{what}, {where}: {first_error(exc)}") from None
    connected = _connected(one("connected"))
    if connected:
        setattr(tie, "connected", connected)  # noqa: B010 (a field plnctl keeps, unknown to it)
    if linkedin and tie.url:
        identity = "url"
    elif tie.handle:
        identity = "handle"
    elif tie.email and tie.kind == "person":
        identity = "email"
    else:
        identity = "name"
    return Incoming(tie, where, via=one("via"), identity=identity)


def _name(cells: dict[str, list[str]]) -> tuple[str, str | None]:
    for name in cells.get("name", []):
        if visible(name):
            return name, None
    parts = [
        (cells.get(part) or [""])[0]
        for part in ("name_prefix", "first_name", "middle_name", "last_name", "name_suffix")
    ]
    joined = join_name(*parts)
    if visible(joined):
        return joined, None
    for fallback, what in (("org", "organisation"), ("email", "e-mail address")):
        values = cells.get(fallback)
        if values:
            return values[0], f"no name; named by its {what}"
    return "", None


def _connected(text: str | None) -> dt.date | None:
    """LinkedIn's `Connected On` (`15 Jan 2024`), kept as the tie's `connected` date."""
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%d %b %Y").date()
    except ValueError:
        return None


def _delimiter(text: str) -> str:
    """Comma, or the `;` or tab some spreadsheets write: whichever the header line uses."""
    end = text.find("\n")
    header = text[: end if end >= 0 else len(text)]  # not split(): that copies the rest
    for candidate in (",", ";", "\t"):
        if candidate in header:
            return candidate
    return ","


def _every(text: str, where: str) -> int | None:
    if not text:
        return None
    try:
        days = int(text)
    except ValueError:
        raise FormatError(
            f"{where}: 'every' must be a whole number of days, not {text!r}"
        ) from None
    if not 1 <= days <= MAX_EVERY:
        raise FormatError(f"{where}: 'every' must be between 1 and {MAX_EVERY} days, not {days}")
    return days


def guard(cell: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def dump(ties: Sequence[tuple[str, Tie]], names: Mapping[str, str]) -> str:
    """CSV text with the full header; `names` maps slugs to names for the `via` column.

    `kind` holds the medium word when there is one (`podcast`), which reads back
    as a source of that medium.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for _slug, tie in ties:
        via = names.get(tie.via, tie.via) if tie.via else ""
        cells = [
            tie.name,
            tie.medium or tie.kind,
            tie.url or "",
            tie.site_url or "",
            join_list(tie.topics),
            join_list(tie.tags),
            via,
            "" if tie.every is None else str(tie.every),
            tie.note or "",
            tie.email or "",
            tie.phone or "",
            tie.org or "",
            tie.position or "",
            tie.handle or "",
        ]
        writer.writerow([guard(cell) for cell in cells])
    return out.getvalue()
