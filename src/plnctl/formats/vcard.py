"""vCard 2.1, 3.0 and 4.0, the address-book format: people in and out.

Read card by card, line by line, so a large address book with photos costs
little memory and one broken card costs only itself: a card with no END is
skipped with a warning naming it, and the others import. Values are decoded
as each version says: RFC 6350 escapes (`\\,` `\\;` `\\n`, and Apple's `\\:`),
line folding, vCard 2.1's quoted-printable with soft line breaks and its
per-property CHARSET. plnctl writes vCard 3.0, which every address book imports.
"""

from __future__ import annotations

import quopri
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plnctl.formats import (
    FormatError,
    Incoming,
    Parsed,
    check_entries,
    check_size,
    first_error,
    join_name,
    wide_encoding,
)
from plnctl.text import unique_labels

if TYPE_CHECKING:
    from plnctl.model import Tie

# Google Contacts files every contact under this system group: not a tag anyone chose.
SYSTEM_CATEGORIES = frozenset(["mycontacts", "my contacts"])
TOPIC_PROPERTY = "X-PLNCTL-TOPIC"
SITE_PROPERTY = "X-PLNCTL-SITE-URL"
HANDLE_PROPERTY = "X-PLNCTL-HANDLE"
MEDIUM_PROPERTY = "X-PLNCTL-MEDIUM"
# What plnctl reads from a card; any other property is counted as not imported.
USED = frozenset(
    [
        "BEGIN",
        "END",
        "VERSION",
        "PRODID",
        "UID",
        "REV",
        "FN",
        "N",
        "ORG",
        "TITLE",
        "EMAIL",
        "TEL",
        "URL",
        "NOTE",
        "CATEGORIES",
        "KIND",
        "X-ABSHOWAS",
        "X-ABLABEL",
        TOPIC_PROPERTY,
        SITE_PROPERTY,
        HANDLE_PROPERTY,
        MEDIUM_PROPERTY,
    ]
)
# Address books' own bookkeeping, which says nothing about the person: not reported.
INTERNAL = frozenset(["X-ABUID", "X-ABADR", "X-MOZILLA-HTML", "X-RADICALE-NAME", "X-MS-OL-DESIGN"])
# What is not reported as left out.
_ACCOUNTED = USED | INTERNAL
# Binary properties: their values are skipped, never decoded or kept.
BINARY = frozenset(["PHOTO", "LOGO", "SOUND", "KEY"])
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":", '"': '"'}


@dataclass
class Prop:
    """One property of a card, its value still bytes as the file has them."""

    name: str
    params: dict[str, list[str]]
    raw: bytes
    line: int

    def types(self) -> list[str]:
        found = [t.lower() for v in self.params.get("TYPE", []) for t in v.split(",")]
        return found + [v.lower() for v in self.params.get("", [])]

    def preferred(self) -> bool:
        return "pref" in self.types() or "PREF" in self.params


@dataclass
class Card:
    number: int
    line: int
    props: list[Prop] = field(default_factory=list)
    version: str = "3.0"
    problems: list[str] = field(default_factory=list)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]


def _lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Physical lines with their numbers, line ends (LF, CRLF, CR CR LF) removed.

    A CR inside a line is kept: Thunderbird writes one inside a value.
    """
    start, number = 0, 0
    while start < len(data):
        end = data.find(b"\n", start)
        if end < 0:
            end = len(data)
        number += 1
        yield number, data[start:end].rstrip(b"\r")
        start = end + 1


def _logical(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Unfolded lines: a line starting with a space or tab continues the one before
    (the break and that one character removed, as RFC 6350 says), and a
    quoted-printable value ending in `=` continues on the next line (vCard 2.1).
    """
    parts: list[bytes] = []
    first = 0
    soft = False
    for number, line in _lines(data):
        if parts and (line[:1] in (b" ", b"\t") or soft):
            if soft:
                parts[-1] = parts[-1][:-1]  # the soft break's `=`
                parts.append(line)
            else:
                parts.append(line[1:])
        else:
            if parts:
                yield first, b"".join(parts)
            parts, first = [line], number
        soft = line.endswith(b"=") and _is_qp(parts[0])
    if parts:
        yield first, b"".join(parts)


def _is_qp(head: bytes) -> bool:
    colon = head.find(b":")
    return colon > 0 and b"QUOTED-PRINTABLE" in head[:colon].upper()


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for c in text:
        if c == '"':
            quoted = not quoted
        if c == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
    parts.append("".join(current))
    return parts


def _property(number: int, line: bytes) -> Prop | None:
    """A property from an unfolded line, or None when the line is not one."""
    head_end = _head_end(line)
    if head_end is None:
        return None
    head = line[:head_end].decode("latin-1")
    pieces = _split_outside_quotes(head, ";")
    name = pieces[0].rsplit(".", 1)[-1].strip().upper()  # `item1.URL` is a URL
    if not name:
        return None
    params: dict[str, list[str]] = {}
    for piece in pieces[1:]:
        key, eq, value = piece.partition("=")
        if eq:
            params.setdefault(key.strip().upper(), []).append(value.strip().strip('"'))
        else:  # vCard 2.1 writes bare types: TEL;CELL;PREF
            params.setdefault("", []).append(key.strip())
    return Prop(name, params, line[head_end + 1 :], number)


def _head_end(line: bytes) -> int | None:
    quoted = False
    for i, byte in enumerate(line):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            return i
    return None


def _cards(data: bytes, what: str, parsed: Parsed) -> Iterator[Card]:
    """The cards of a file, one at a time; broken ones are reported, not yielded."""
    card: Card | None = None
    number = 0
    last: Prop | None = None
    for line_number, line in _logical(data):
        if not line.strip():
            continue
        prop = _property(line_number, line)
        if prop is None:
            if card is not None and not (last and _binary(last)):
                card.problems.append(f"line {line_number} is not a vCard property")
            continue
        if prop.name == "BEGIN" and prop.raw.strip().upper() == b"VCARD":
            if card is not None:
                _unfinished(card, parsed, "no END:VCARD before the next card")
            number += 1
            check_entries(number, what)
            card = Card(number, line_number)
        elif card is None:
            continue
        elif prop.name == "END" and prop.raw.strip().upper() == b"VCARD":
            yield card
            card = None
        else:
            if prop.name == "VERSION":
                card.version = prop.raw.decode("latin-1").strip()
            if not _binary(prop):
                card.props.append(prop)
            last = prop
    if card is not None:
        _unfinished(card, parsed, "the file ends before its END:VCARD")
    if number == 0:
        raise FormatError(f"{what} holds no vCard (no BEGIN:VCARD line)")


def _binary(prop: Prop) -> bool:
    return prop.name in BINARY


def _unfinished(card: Card, parsed: Parsed, why: str) -> None:
    fn = next((p for p in card.props if p.name == "FN"), None)
    name = _decode(fn, []).strip() if fn is not None else ""
    where = f"card {card.number}" + (f" ({name})" if name else "") + f", line {card.line}"
    parsed.skipped.append((where, f"broken card: {why}; skipped, the others are imported"))


def _decode(prop: Prop, notes: list[str]) -> str:
    """The property's value as text: quoted-printable undone, in its charset, escapes kept."""
    raw = prop.raw
    encoding = [v.upper() for v in prop.params.get("ENCODING", []) + prop.params.get("", [])]
    if "QUOTED-PRINTABLE" in encoding:
        raw = quopri.decodestring(raw)
    charsets = prop.params.get("CHARSET")
    charset = charsets[0] if charsets else "utf-8"
    try:
        return raw.decode(charset)
    except LookupError:
        notes.append(f"{prop.name} names an unknown charset {charset!r}; read as UTF-8")
        charset = "utf-8"
    except UnicodeDecodeError:
        pass
    if charsets:
        notes.append(f"{prop.name} is not valid {charset}; the bad bytes became \ufffd")
        return raw.decode(charset, errors="replace")
    notes.append(f"{prop.name} is not UTF-8 and names no charset; read as windows-1252")
    return raw.decode("cp1252", errors="replace")


def _unescape(text: str, version: str) -> str:
    if version.startswith("2"):
        return text.replace("\\;", ";")  # vCard 2.1 escapes nothing else
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)


def _split(text: str, sep: str) -> list[str]:
    """Split at every `sep` that is not escaped; the parts keep their other escapes."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if c == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current))
    return parts


class _Reader:
    """Values of one card, with what could not be decoded noted as it is read."""

    def __init__(self, card: Card) -> None:
        self.card = card
        self.notes: list[str] = []
        # Each value is decoded, and each choice made, once: a note is said once.
        self._raw: dict[int, str] = {}
        self._chosen: dict[str, str | None] = {}

    def raw(self, prop: Prop) -> str:
        if id(prop) not in self._raw:
            self._raw[id(prop)] = _decode(prop, self.notes)
        return self._raw[id(prop)]

    def text(self, prop: Prop) -> str:
        return _unescape(self.raw(prop), self.card.version).replace("\r\n", "\n").strip()

    def parts(self, prop: Prop, sep: str = ";") -> list[str]:
        return [_unescape(p, self.card.version).strip() for p in _split(self.raw(prop), sep)]

    def first(self, name: str) -> str:
        for prop in self.card.all(name):
            value = self.text(prop)
            if value:
                return value
        return ""

    def chosen(self, name: str, what: str) -> str | None:
        """The preferred value of `name`, else the first; a note when others are left out."""
        if name not in self._chosen:
            self._chosen[name] = self._choose(name, what)
        return self._chosen[name]

    def _choose(self, name: str, what: str) -> str | None:
        texts = {id(p): self.text(p) for p in self.card.all(name)}
        props = [p for p in self.card.all(name) if texts[id(p)]]
        if not props:
            return None
        chosen = texts[id(next((p for p in props if p.preferred()), props[0]))]
        values = {texts[id(p)] for p in props}
        if len(values) > 1:
            self.notes.append(f"kept 1 of {len(values)} {what} ({chosen})")
        return chosen


def _name(r: _Reader) -> tuple[str, str | None]:
    """The card's name, and a note when it had to come from elsewhere than FN."""
    name = r.first("FN")
    if name:
        return name, None
    for prop in r.card.all("N"):
        parts = [*r.parts(prop), "", "", "", "", ""]
        family, given, additional, prefix, suffix = parts[:5]
        name = join_name(prefix, given, additional, family, suffix)
        if name:
            return name, None
    org = _org(r)
    if org:
        return org, "no FN or N; named by its ORG"
    email = r.chosen("EMAIL", "e-mail addresses")
    if email:
        return email, "no FN or N; named by its e-mail address"
    return "", None


def _org(r: _Reader) -> str | None:
    for prop in r.card.all("ORG"):
        first = r.parts(prop)[0]
        if first:
            return first
    return None


def _phone(r: _Reader) -> str | None:
    phone = r.chosen("TEL", "phone numbers")
    return phone.removeprefix("tel:") if phone else None


def _categories(r: _Reader) -> list[str]:
    tags: list[str] = []
    for prop in r.card.all("CATEGORIES"):
        for tag in r.parts(prop, ","):
            if tag and tag.casefold() not in SYSTEM_CATEGORIES:
                tags.append(tag)
    return unique_labels(tags)


def _is_organisation(r: _Reader) -> bool:
    """A card for an organisation (vCard 4.0 KIND:org, Apple's X-ABShowAs:COMPANY)."""
    kinds = [r.text(p).lower() for p in r.card.all("KIND")]
    shown_as = [r.text(p).upper() for p in r.card.all("X-ABSHOWAS")]
    return "org" in kinds or "organization" in kinds or "COMPANY" in shown_as


def _urls(r: _Reader) -> tuple[str | None, str | None]:
    """The card's URL and Fediverse handle: a profile URL (`https://host/@user`) is the
    handle, unless it is the only URL. Apple writes `http\\://`; that escape is undone."""
    from plnctl.formats.fediverse import handle_of_url

    handle = r.first(HANDLE_PROPERTY) or None
    props = [p for p in r.card.all("URL") if r.text(p)]
    profiles = [p for p in props if handle_of_url(r.text(p))]
    if handle is None and profiles:
        handle = handle_of_url(r.text(profiles[0]))
    others = [p for p in props if p not in profiles] or profiles[:1]
    if not others:
        return None, handle
    chosen = next((p for p in others if p.preferred()), others[0])
    if len({r.text(p) for p in others}) > 1:
        r.notes.append(f"kept 1 of {len(others)} URLs ({r.text(chosen)})")
    return r.text(chosen), handle


def _tie(r: _Reader, name: str) -> Tie:
    from plnctl.model import Tie

    card = r.card
    notes: list[str] = []
    for prop in card.all("NOTE"):
        note = r.text(prop)
        if note and note not in notes:
            notes.append(note)
    organisation = _is_organisation(r)
    # plnctl writes a source's medium when it has one: a source without is a plain source.
    ours = r.first("PRODID").startswith("-//plnctl//")
    medium = r.first(MEDIUM_PROPERTY) or ("organization" if organisation and not ours else None)
    url, handle = _urls(r)
    return Tie(
        name=name,
        kind="source" if organisation or medium else "person",
        medium=medium,
        url=url,
        site_url=r.first(SITE_PROPERTY) or None,
        email=r.chosen("EMAIL", "e-mail addresses"),
        phone=_phone(r),
        org=_org(r),
        position=r.first("TITLE") or None,
        handle=handle,
        topics=unique_labels(r.text(p) for p in card.all(TOPIC_PROPERTY)),
        tags=_categories(r),
        note="\n\n".join(notes) or None,
    )


def parse(data: bytes, what: str = "the vCard file") -> Parsed:
    """The people (and organisations) a .vcf file holds, one per card."""
    from pydantic import ValidationError

    check_size(data, what)
    wide = wide_encoding(data)
    if wide is not None:
        try:
            data = data.decode(wide).removeprefix("\ufeff").encode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(f"{what} is not valid {wide} text") from None
    parsed = Parsed()
    left_out: Counter[str] = Counter()
    for card in _cards(data, what, parsed):
        r = _Reader(card)
        name, how = _name(r)
        where = f"card {card.number}" + (f" ({name})" if name else "")
        if not name:
            parsed.skipped.append((where, "no name (FN, N, ORG or EMAIL)"))
            continue
        left_out.update({p.name for p in card.props if p.name not in _ACCOUNTED})
        try:
            tie = _tie(r, name)
        except ValidationError as exc:
            parsed.skipped.append((where, first_error(exc)))
            continue
        for note in ([how] if how else []) + card.problems + r.notes:
            parsed.warnings.append(f"{where}: {note}")
        parsed.records.append(Incoming(tie, where, identity="email" if tie.email else "name"))
    if left_out:
        shown = ", ".join(f"{name} ({count})" for name, count in sorted(left_out.items()))
        parsed.warnings.append(f"not imported (plnctl has no field for them): {shown}")
    return parsed


# -- writing -----------------------------------------------------------------


def _escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """A content line folded at 75 octets, never inside a UTF-8 character (RFC 6350)."""
    out: list[str] = []
    current, size = "", 0
    for c in line:
        width = len(c.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += c
        size += width
    out.append(current)
    return "\r\n".join(out) + "\r\n"


# The tie's fields a card carries, each with its property, in the order written.
WRITTEN = (
    ("ORG", "org"),
    ("TITLE", "position"),
    ("EMAIL;TYPE=INTERNET", "email"),
    ("TEL", "phone"),
    ("URL", "url"),
    (SITE_PROPERTY, "site_url"),
    (HANDLE_PROPERTY, "handle"),
    ("NOTE", "note"),
)


def _card(slug: str, tie: Tie) -> str:
    from plnctl import __version__

    lines = ["BEGIN:VCARD", "VERSION:3.0", f"PRODID:-//plnctl//plnctl {__version__}//EN"]
    lines.append(f"UID:plnctl-{slug}")
    lines.append(f"FN:{_escape(tie.name)}")
    given, _, family = tie.name.rpartition(" ")
    if tie.kind == "person" and given:
        lines.append(f"N:{_escape(family)};{_escape(given)};;;")
    else:
        lines.append(f"N:;{_escape(tie.name)};;;")
    if tie.kind == "source":
        lines.append("X-ABShowAs:COMPANY")
        if tie.medium:
            lines.append(f"{MEDIUM_PROPERTY}:{_escape(tie.medium)}")
    for prop, name in WRITTEN:
        value = getattr(tie, name)
        if value:
            lines.append(f"{prop}:{_escape(value)}")
    if tie.tags:
        lines.append("CATEGORIES:" + ",".join(_escape(t) for t in tie.tags))
    lines.extend(f"{TOPIC_PROPERTY}:{_escape(topic)}" for topic in tie.topics)
    lines.append("END:VCARD")
    return "".join(_fold(line) for line in lines)


def dump(ties: Sequence[tuple[str, Tie]]) -> str:
    """vCard 3.0 text, one card per tie, with a stable UID so re-imports update."""
    return "".join(_card(slug, tie) for slug, tie in ties)
