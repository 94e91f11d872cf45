"""OPML 2.0, the feed list every feed reader imports and exports: sources in and out.

A feed outline (`xmlUrl`) becomes a source: its feed URL as `url`, its web
site (`htmlUrl`) as `site_url`, its title as the name, and the folders it sits
in (and its `category` attribute) as tags. A feed filed in several folders is
one source with all of them as tags.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from plnctl.formats import FormatError, Incoming, Parsed, first_error
from plnctl.text import unique_labels

if TYPE_CHECKING:
    from plnctl.model import Tie


@dataclass
class Node:
    """An XML element as the safe parser builds it."""

    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    line: int = 0


class XMLRefusedError(FormatError):
    """The XML declares entities or asks for external files; it is refused unread."""


def parse_xml(data: bytes, what: str) -> Node:
    """Parse XML with expat, refusing any entity declaration or external reference.

    Refusing the declarations themselves (rather than limiting their expansion)
    stops a billion-laughs file at its first line of DTD, before anything grows.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root: list[Node] = []
    stack: list[Node] = []

    def refuse_entity(name: str, *_: object) -> None:
        raise XMLRefusedError(
            f"{what} declares an XML entity ({name!r}); plnctl refuses entity declarations, "
            "which can expand a small file into gigabytes (a 'billion laughs' file)"
        )

    def refuse_external(*_: object) -> int:
        raise XMLRefusedError(f"{what} refers to an external XML entity; plnctl does not load it")

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = Node(tag, attrs, line=parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise FormatError(
            f"{what} is not well-formed XML (line {exc.lineno}, column {exc.offset}): "
            f"{expat.ErrorString(exc.code)}"
        ) from None
    if not root:
        raise FormatError(f"{what} holds no XML element")
    return root[0]


def _attr(node: Node, name: str) -> str:
    """An attribute by name, whatever its case (some readers write `xmlurl`)."""
    value = node.attrs.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in node.attrs.items() if k.lower() == lowered), "")
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


def parse(data: bytes, what: str = "the OPML file") -> Parsed:
    """The sources an OPML file lists."""
    from pydantic import ValidationError

    from plnctl.model import Tie

    root = parse_xml(data, what)
    if root.tag.lower() != "opml":
        raise FormatError(f"{what} is not OPML: its root element is <{root.tag}>, not <opml>")
    body = next((c for c in root.children if c.tag.lower() == "body"), None)
    if body is None:
        raise FormatError(f"{what} is not OPML: it has no <body>")
    parsed = Parsed()

    def walk(node: Node, folders: list[str]) -> None:
        for child in node.children:
            if child.tag.lower() != "outline":
                continue
            title = _attr(child, "title") or _attr(child, "text")
            feed = _attr(child, "xmlUrl")
            link = _attr(child, "url") if _attr(child, "type").lower() == "link" else ""
            if feed or link:
                url = feed or link
                tags = [*folders, *_categories(_attr(child, "category"))]
                where = f"line {child.line}"
                try:
                    tie = Tie(
                        name=title or _name_from_url(url),
                        kind="source",
                        url=url,
                        site_url=_attr(child, "htmlUrl") or None,
                        tags=unique_labels(tags),
                        note=_attr(child, "description") or None,
                    )
                except ValidationError as exc:
                    parsed.skipped.append((where, first_error(exc)))
                else:
                    parsed.records.append(Incoming(tie, where))
                walk(child, folders)
            elif child.children:
                walk(child, [*folders, title] if title else folders)

    walk(body, [])
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
    ET.SubElement(parent, "outline", attrs)
