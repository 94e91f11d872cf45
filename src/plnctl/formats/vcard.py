"""vCard 3.0 and 4.0, the address-book format: people in and out.

Read with vobject (it handles line folding, escaping, groups such as Apple's
`item1.URL`, and both versions); a card gives a person's name (FN, else N,
else ORG), first URL (the preferred one if marked), NOTE, and CATEGORIES as
tags. plnctl writes vCard 3.0, which every address book imports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from plnctl.formats import (
    FormatError,
    Incoming,
    Parsed,
    decode_text,
    first_error,
    join_name,
)
from plnctl.text import unique_labels

if TYPE_CHECKING:
    from plnctl.model import Tie

# Google Contacts files every contact under this system group: not a tag anyone chose.
SYSTEM_CATEGORIES = frozenset(["mycontacts"])
TOPIC_PROPERTY = "x-plnctl-topic"
_URL_ESCAPE = re.compile(r"\\([\\:;,])")


def _values(card: Any, name: str) -> list[Any]:
    return list(card.contents.get(name, []))


def _text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value or "").strip()


def _name(card: Any) -> str:
    for prop in _values(card, "fn"):
        text = _text(prop.value)
        if text:
            return text
    for prop in _values(card, "n"):
        n = prop.value
        if hasattr(n, "family"):
            text = join_name(
                _text(n.prefix),
                _text(n.given),
                _text(n.additional),
                _text(n.family),
                _text(n.suffix),
            )
        else:
            text = join_name(*reversed(_text(n).split(";")))
        if text:
            return text
    for prop in _values(card, "org"):
        text = _text(prop.value[0] if isinstance(prop.value, list) and prop.value else prop.value)
        if text:
            return text
    return ""


def _url(card: Any) -> str | None:
    """The preferred URL, else the first; Apple writes `http\\://`, so unescape it."""
    urls = _values(card, "url")
    if not urls:
        return None

    def preferred(prop: Any) -> bool:
        types = [t.lower() for v in prop.params.get("TYPE", []) for t in v.split(",")]
        return "pref" in types or "PREF" in prop.params

    chosen = next((p for p in urls if preferred(p)), urls[0])
    url = _URL_ESCAPE.sub(r"\1", _text(chosen.value))
    return url or None


def _is_organisation(card: Any) -> bool:
    """A card for an organisation (vCard 4.0 KIND:org, Apple's X-ABShowAs:COMPANY) is a source."""
    kinds = [_text(p.value).lower() for p in _values(card, "kind")]
    shown_as = [_text(p.value).upper() for p in _values(card, "x-abshowas")]
    return "org" in kinds or "COMPANY" in shown_as


def _categories(card: Any) -> list[str]:
    tags: list[str] = []
    for prop in _values(card, "categories"):
        values = prop.value if isinstance(prop.value, list) else str(prop.value).split(",")
        for value in values:
            tag = str(value).strip()
            if tag.casefold() not in SYSTEM_CATEGORIES:
                tags.append(tag)
    return unique_labels(tags)


def parse(data: bytes, what: str = "the vCard file") -> Parsed:
    """The people a .vcf file holds, one per card."""
    import vobject
    from pydantic import ValidationError

    from plnctl.model import Tie

    text = decode_text(data, what)
    if "BEGIN:VCARD" not in text.upper():
        raise FormatError(f"{what} is not a vCard file: it has no BEGIN:VCARD")
    parsed = Parsed()
    try:
        cards = list(vobject.readComponents(text, ignoreUnreadable=True))
    except Exception as exc:  # vobject raises several kinds for broken files
        raise FormatError(f"{what} is not a readable vCard file: {exc}") from None
    number = 0
    for card in cards:
        if card.name.upper() != "VCARD":
            continue
        number += 1
        name = _name(card)
        where = f"card {number}" + (f" ({name})" if name else "")
        if not name:
            parsed.skipped.append((where, "no name (FN, N or ORG)"))
            continue
        notes = [_text(p.value) for p in _values(card, "note") if _text(p.value)]
        topics = [_text(p.value) for p in _values(card, TOPIC_PROPERTY) if _text(p.value)]
        try:
            tie = Tie(
                name=name,
                kind="source" if _is_organisation(card) else "person",
                url=_url(card),
                topics=unique_labels(topics),
                tags=_categories(card),
                note="\n\n".join(notes) or None,
            )
        except ValidationError as exc:
            parsed.skipped.append((where, first_error(exc)))
            continue
        parsed.records.append(Incoming(tie, where))
    if number == 0:
        raise FormatError(f"{what} holds no vCard")
    return parsed


def dump(ties: Sequence[tuple[str, Tie]]) -> str:
    """vCard 3.0 text, one card per tie, with a stable UID so re-imports update."""
    import vobject

    from plnctl import __version__

    cards = []
    for slug, tie in ties:
        card = vobject.vCard()
        card.add("prodid").value = f"-//plnctl//plnctl {__version__}//EN"
        card.add("uid").value = f"plnctl-{slug}"
        card.add("fn").value = tie.name
        given, _, family = tie.name.rpartition(" ")
        if tie.kind == "person" and given:
            card.add("n").value = vobject.vcard.Name(family=family, given=given)
        else:
            card.add("n").value = vobject.vcard.Name(given=tie.name)
        if tie.url:
            card.add("url").value = tie.url
        if tie.site_url:
            card.add("url").value = tie.site_url
        if tie.note:
            card.add("note").value = tie.note
        if tie.tags:
            card.add("categories").value = list(tie.tags)
        for topic in tie.topics:
            card.add(TOPIC_PROPERTY).value = topic
        cards.append(card.serialize())
    return "".join(cards)
