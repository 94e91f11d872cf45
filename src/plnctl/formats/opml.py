"""OPML 2.0, the feed list every feed reader imports and exports: sources in and out.

A feed outline (`xmlUrl`) becomes a source: its feed URL as `url`, its web
site (`htmlUrl`) as `site_url`, its label (`text`, else `title`) as the name,
and the folders it sits in (and its `category` attribute) as tags. The feed
URL identifies a feed: a feed filed in several folders is one source with all
of them as tags, and two feeds sharing a title are two sources.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from plnctl.formats import (
    FormatError,
    Incoming,
    Parsed,
    check_entries,
    check_size,
    first_error,
)
from plnctl.text import unique_labels

if TYPE_CHECKING:
    from plnctl.model import Tie


# Folders nest a few levels in real readers; this bounds a hostile file's depth.
MAX_DEPTH = 256
# Head titles of podcast apps' exports: their feeds are podcasts.
_PODCAST_APPS = re.compile(
    r"podcast|antennapod|gpodder|pocket ?casts|overcast|castro|podcast addict", re.IGNORECASE
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


class XMLRefusedError(FormatError):
    """The XML declares entities or asks for external files; it is refused unread."""


@dataclass
class _Outline:
    label: str
    line: int
    feed: bool
    children: int = 0


def _expat(what: str) -> Any:
    """An expat parser that refuses any entity declaration or external reference.

    Refusing the declarations themselves (rather than limiting their expansion)
    stops a billion-laughs file at its first line of DTD, before anything grows.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_entity(name: str, *_: object) -> None:
        raise XMLRefusedError(
            f"{what} declares an XML entity ({name!r}); plnctl refuses entity declarations, "
            "which can expand a small file into gigabytes (a 'billion laughs' file)"
        )

    def refuse_external(*_: object) -> int:
        raise XMLRefusedError(f"{what} refers to an external XML entity; plnctl does not load it")

    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    return parser


def _attr(attrs: dict[str, str], name: str) -> str:
    """An attribute by name, whatever its case (some readers write `xmlurl`)."""
    value = attrs.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in attrs.items() if k.lower() == lowered), "")
    return value.strip()


def _categories(text: str) -> list[str]:
    """OPML's `category`: comma-separated, each maybe a /slash/path; a tag is the path."""
    found = []
    for item in text.split(","):
        tag = item.strip().strip("/").strip()
        if tag:
            found.append(tag)
    return found


def _name_from_url(url: str) -> str:
    host = urlsplit(url).netloc
    return host.removeprefix("www.") or url


class _Reader:
    """Builds records as expat reports elements: no tree, and no recursion, at any depth."""

    def __init__(self, what: str, parser: Any) -> None:
        self.what = what
        self.parser = parser
        self.parsed = Parsed()
        self.elements: list[str] = []
        self.outlines: list[_Outline] = []
        self.root = ""
        self.body = False
        self.head_title: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.lower()
        if not self.elements:
            self.root = tag
            if name != "opml":
                raise FormatError(
                    f"{self.what} is not OPML: its root element is <{tag}>, not <opml>"
                )
            version = _attr(attrs, "version")
            if version not in ("1.0", "1.1", "2.0"):
                said = f"version {version!r}" if version else "no version"
                self.parsed.warnings.append(
                    f"<opml> has {said}, not 1.0, 1.1 or 2.0; read as OPML all the same"
                )
        self.elements.append(name)
        if name == "body" and len(self.elements) == 2:
            self.body = True
        if len(self.elements) > MAX_DEPTH:
            raise FormatError(
                f"{self.what}, line {self.parser.CurrentLineNumber}: outlines nest more than "
                f"{MAX_DEPTH} levels deep; plnctl reads at most {MAX_DEPTH}"
            )
        if name != "outline" or "body" not in self.elements:
            return
        if self.outlines:
            self.outlines[-1].children += 1
        line = self.parser.CurrentLineNumber
        label = _attr(attrs, "text") or _attr(attrs, "title")
        feed = _attr(attrs, "xmlUrl")
        if not feed and _attr(attrs, "type").lower() == "link":
            feed = _attr(attrs, "url")
        self.outlines.append(_Outline(label, line, bool(feed)))
        if feed:
            self._feed(feed, label, attrs, line)

    def _feed(self, url: str, label: str, attrs: dict[str, str], line: int) -> None:
        from pydantic import ValidationError

        from plnctl.model import Tie

        where = f"line {line}" + (f" ({label})" if label else "")
        if not _URL.fullmatch(url):
            self.parsed.skipped.append((where, f"xmlUrl {url!r} is not a URL"))
            return
        check_entries(len(self.parsed.records) + 1, self.what)
        if not label:
            label = _name_from_url(url)
            self.parsed.warnings.append(f"{where}: no text or title; named {label!r} by its host")
        folders = [o.label for o in self.outlines[:-1] if not o.feed and o.label]
        try:
            tie = Tie(
                name=label,
                kind="source",
                medium=_attr(attrs, "medium") or None,
                url=url,
                site_url=_attr(attrs, "htmlUrl") or None,
                tags=unique_labels([*folders, *_categories(_attr(attrs, "category"))]),
                note=_attr(attrs, "description") or None,
            )
        except ValidationError as exc:
            self.parsed.skipped.append((where, first_error(exc)))
        else:
            self.parsed.records.append(Incoming(tie, where, identity="url"))

    def end(self, tag: str) -> None:
        name = self.elements.pop()
        if name != "outline" or not self.outlines:
            return
        if "body" not in self.elements:
            return
        outline = self.outlines.pop()
        if not outline.feed and not outline.children:
            where = f"line {outline.line}" + (f" ({outline.label})" if outline.label else "")
            self.parsed.skipped.append((where, "not a feed (no xmlUrl) and holds no feeds"))

    def text(self, data: str) -> None:
        if self.elements[-2:] == ["head", "title"]:
            self.head_title.append(data)


def parse(data: bytes, what: str = "the OPML file") -> Parsed:
    """The sources an OPML file lists, in file order; a podcast app's are podcasts (where
    an outline does not say its medium itself)."""
    from xml.parsers import expat

    check_size(data, what)
    parser = _expat(what)
    reader = _Reader(what, parser)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise FormatError(
            f"{what} is not well-formed XML (line {exc.lineno}, column {exc.offset}): "
            f"{expat.ErrorString(exc.code)}; nothing was imported"
        ) from None
    if not reader.root:
        raise FormatError(f"{what} holds no XML element")
    if not reader.body:
        raise FormatError(f"{what} is not OPML: it has no <body>")
    parsed = reader.parsed
    if _PODCAST_APPS.search("".join(reader.head_title)):
        for record in parsed.records:
            record.tie.medium = record.tie.medium or "podcast"
    return parsed


def dump(ties: Sequence[Tie], *, title: str, today: dt.date) -> str:
    """An OPML 2.0 file: untagged feeds at the top, then one folder per tag.

    A feed with several tags appears in each of their folders, as feed
    readers that allow it export it; reading it back unions the tags again.
    """
    from email.utils import format_datetime

    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    created = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    ET.SubElement(head, "dateCreated").text = format_datetime(created, usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for tie in ties:
        if not tie.url:
            continue
        if not tie.tags:
            _outline(body, tie)
        for tag in tie.tags:
            folder = folders.get(tag)
            if folder is None:
                folder = folders[tag] = ET.Element("outline", text=tag, title=tag)
            _outline(folder, tie)
    for tag in sorted(folders, key=str.casefold):
        body.append(folders[tag])
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


def _outline(parent: ET.Element, tie: Tie) -> None:
    assert tie.url
    attrs = {"type": "rss", "text": tie.name, "title": tie.name, "xmlUrl": tie.url}
    if tie.site_url:
        attrs["htmlUrl"] = tie.site_url
    if tie.note:
        attrs["description"] = tie.note
    if tie.medium:
        # OPML allows any attribute on an outline; readers ignore this one, plnctl reads it.
        attrs["medium"] = tie.medium
    ET.SubElement(parent, "outline", attrs)
