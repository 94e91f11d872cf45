"""CSV for spreadsheets: one row per tie under a documented header.

    name,kind,url,site_url,topics,tags,via,every,note

Only `name` is required; columns may come in any order and in any case.
`topics` and `tags` hold several values separated by `;`. `via` is the name
(or slug) of the tie that led you to this one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from plnctl.errors import InvalidValueError
from plnctl.formats import FormatError, Incoming, Parsed, decode_text, first_error
from plnctl.text import unique_labels

if TYPE_CHECKING:
    from plnctl.model import Tie

COLUMNS = ("name", "kind", "url", "site_url", "topics", "tags", "via", "every", "note")
LIST_SEPARATOR = ";"


def split_list(text: str) -> list[str]:
    return unique_labels(text.split(LIST_SEPARATOR))


def parse(data: bytes, what: str = "the CSV file") -> Parsed:
    """The ties a CSV file lists; a bad kind or cadence stops the import, naming the line."""
    from pydantic import ValidationError

    from plnctl.kinds import tie_kind
    from plnctl.model import Tie

    text = decode_text(data, what)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    parsed = Parsed()
    try:
        header = next(reader, None)
        if header is None:
            raise FormatError(f"{what} is empty; its first line must be a header with 'name'")
        columns = [h.strip().lower() for h in header]
        if "name" not in columns:
            raise FormatError(
                f"{what} has no 'name' column; its first line must be a header such as "
                f"{','.join(COLUMNS)}"
            )
        unknown = [c for c in columns if c and c not in COLUMNS]
        if unknown:
            parsed.warnings.append(f"ignored unknown column(s): {', '.join(unknown)}")
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cells: dict[str, str] = {}
            for column, cell in zip(columns, row, strict=False):
                if column in COLUMNS and column not in cells:
                    # Spreadsheets end lines inside a cell with CRLF; keep plain newlines.
                    cells[column] = cell.replace("\r\n", "\n").strip()
            name = cells.get("name", "")
            where = f"line {line}" + (f" ({name})" if name else "")
            if not name:
                parsed.skipped.append((where, "no name"))
                continue
            try:
                kind = tie_kind(cells.get("kind") or "person")
            except InvalidValueError as exc:
                raise FormatError(f"{what}, {where}: {exc.message}") from None
            every = _every(cells.get("every", ""), f"{what}, {where}")
            try:
                tie = Tie(
                    name=name,
                    kind=kind,
                    url=cells.get("url") or None,
                    site_url=cells.get("site_url") or None,
                    topics=split_list(cells.get("topics", "")),
                    tags=split_list(cells.get("tags", "")),
                    every=every,
                    note=cells.get("note") or None,
                )
            except ValidationError as exc:
                raise FormatError(f"{what}, {where}: {first_error(exc)}") from None
            parsed.records.append(Incoming(tie, where, via=cells.get("via") or None))
    except csv.Error as exc:
        raise FormatError(f"{what}, line {reader.line_num}: not valid CSV: {exc}") from None
    return parsed


def _delimiter(text: str) -> str:
    """Comma, or the `;` or tab some spreadsheets write: whichever the header line uses."""
    header = text.split("\n", 1)[0]
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
    if not 1 <= days <= 3650:
        raise FormatError(f"{where}: 'every' must be between 1 and 3650 days, not {days}")
    return days


def dump(ties: Sequence[tuple[str, Tie]], names: Mapping[str, str]) -> str:
    """CSV text with the full header; `names` maps slugs to names for the `via` column."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for _slug, tie in ties:
        via = names.get(tie.via, tie.via) if tie.via else ""
        writer.writerow(
            [
                tie.name,
                tie.kind,
                tie.url or "",
                tie.site_url or "",
                f"{LIST_SEPARATOR} ".join(tie.topics),
                f"{LIST_SEPARATOR} ".join(tie.tags),
                via,
                "" if tie.every is None else str(tie.every),
                tie.note or "",
            ]
        )
    return out.getvalue()
